package io.romotica.desktop.host;

import io.romotica.protocol.RemoteFrame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * This device's identity as a host: an Ed25519 key pair made on first run and kept in the config folder
 * ({@code device-key}, owner-only), and the host ID the server bound to it ({@code host-id}). The server
 * gives the ID back only to this key, so copying the ID elsewhere does not move it. Not thread-safe.
 */
final class DeviceKey {
    private static final String ALGORITHM = "Ed25519";

    private final Path dir;
    private final KeyPair keys;

    private DeviceKey(Path dir, KeyPair keys) {
        this.dir = dir;
        this.keys = keys;
    }

    static DeviceKey loadOrCreate(Path configDir) throws IOException {
        Path privateFile = configDir.resolve("device-key");
        Path publicFile = configDir.resolve("device-key.pub");
        try {
            KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
            if (Files.exists(privateFile) && Files.exists(publicFile)) {
                PrivateKey priv = factory.generatePrivate(new PKCS8EncodedKeySpec(
                        Base64.getDecoder().decode(Files.readString(privateFile).strip())));
                PublicKey pub = factory.generatePublic(new X509EncodedKeySpec(
                        Base64.getDecoder().decode(Files.readString(publicFile).strip())));
                return new DeviceKey(configDir, new KeyPair(pub, priv));
            }
            KeyPair keys = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            Files.createDirectories(configDir);
            Files.writeString(
                    publicFile,
                    Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()) + "\n");
            Files.deleteIfExists(privateFile);
            Files.createFile(privateFile);
            try {
                Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system (Windows): the folder's own permissions protect it.
            }
            Files.writeString(
                    privateFile,
                    Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded()) + "\n");
            return new DeviceKey(configDir, keys);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("device key in " + configDir + " is unreadable", e);
        }
    }

    String publicKey() {
        return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    /** The signature proving this key to the server, over the challenge of this connection. */
    String sign(String challenge) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(keys.getPrivate());
            s.update(RemoteFrame.challengeMessage(challenge));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " unavailable", e);
        }
    }

    Optional<String> hostId() throws IOException {
        Path file = dir.resolve("host-id");
        return Files.exists(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
    }

    void rememberHostId(String hostId) throws IOException {
        Files.writeString(dir.resolve("host-id"), hostId + "\n");
    }
}
