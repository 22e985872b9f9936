package io.romotica.server.remote;

import io.romotica.protocol.RemoteFrame;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Checks a host's proof of possession: an Ed25519 signature over {@link RemoteFrame#challengeMessage} of the
 * challenge its connection was given. Stateless.
 */
final class HostKeys {
    private static final String ALGORITHM = "Ed25519";

    private HostKeys() {}

    /** True when {@code publicKey} (base64 X.509) is an Ed25519 key and {@code signature} verifies. */
    static boolean verify(String publicKey, String challenge, String signature) {
        try {
            PublicKey key = KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey)));
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(RemoteFrame.challengeMessage(challenge));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
