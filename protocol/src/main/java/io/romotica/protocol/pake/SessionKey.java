package io.romotica.protocol.pake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * What host and viewer derive from the SRP premaster secret with HKDF-SHA256 (salt: the session id): a MAC
 * key that authenticates each side's DTLS fingerprint, and a short verification code both show. Whoever lacks
 * the password cannot make a fingerprint MAC, so a relay that swaps a session description for its own is
 * caught. Immutable.
 */
public final class SessionKey {
    /** Who made a fingerprint MAC; part of the MAC input so one side's MAC cannot be reflected. */
    public enum Role {
        HOST,
        VIEWER
    }

    private static final String HMAC = "HmacSHA256";
    private static final String CONTEXT = "romotica-remote-v1";

    private final byte[] macKey;
    private final String code;

    private SessionKey(byte[] macKey, String code) {
        this.macKey = macKey;
        this.code = code;
    }

    static SessionKey derive(byte[] premaster, String sessionId) {
        byte[] salt = (CONTEXT + "|" + sessionId).getBytes(StandardCharsets.UTF_8);
        byte[] macKey = hkdf(premaster, salt, CONTEXT + "|fingerprint-mac", 32);
        byte[] codeBytes = hkdf(premaster, salt, CONTEXT + "|verification-code", 4);
        long n = ((codeBytes[0] & 0xffL) << 24
                        | (codeBytes[1] & 0xffL) << 16
                        | (codeBytes[2] & 0xffL) << 8
                        | (codeBytes[3] & 0xffL))
                % 1_000_000L;
        String digits = String.format(Locale.ROOT, "%06d", n);
        return new SessionKey(macKey, digits.substring(0, 3) + " " + digits.substring(3));
    }

    private static byte[] hkdf(byte[] ikm, byte[] salt, String info, int length) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(new HKDFParameters(ikm, salt, info.getBytes(StandardCharsets.UTF_8)));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }

    /** Six digits as {@code "123 456"}: the same on both sides exactly when both hold the same key. */
    public String verificationCode() {
        return code;
    }

    /** The MAC (base64) of the DTLS fingerprint {@code fingerprint} sent by {@code sender}. */
    public String macFingerprint(Role sender, String fingerprint) {
        return Base64.getEncoder().encodeToString(mac(sender, fingerprint));
    }

    /** True when {@code mac} is the MAC of {@code fingerprint} from {@code sender} (constant-time compare). */
    public boolean verifyFingerprint(Role sender, String fingerprint, String mac) {
        byte[] given;
        try {
            given = Base64.getDecoder().decode(mac == null ? "" : mac);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(sender, fingerprint), given);
    }

    private byte[] mac(Role sender, String fingerprint) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(macKey, HMAC));
            return mac.doFinal(("dtls-fingerprint|" + sender.name() + "|" + fingerprint.toUpperCase(Locale.ROOT))
                    .getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "SessionKey[<secret>]";
    }
}
