package io.romotica.server.storage;

import io.romotica.server.common.SecretBox;
import io.romotica.server.config.ConfigException;
import io.romotica.server.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.jdbi.v3.core.Jdbi;

/**
 * The server's 32-byte secret key: from {@code secret.key}, else from (or newly into) {@code data.dir/secret.key}.
 * The database keeps a check value sealed with the key, so a node started with a different key than the one
 * the data was written with stops at start-up with a clear message instead of failing every sign-in.
 */
public final class SecretKeys {
    private static final String CHECK_KEY = "secret.key.check";
    private static final String CHECK_CONTEXT = "key-check";
    private static final byte[] CHECK_PLAIN = "romotica".getBytes(StandardCharsets.UTF_8);

    private SecretKeys() {}

    public static byte[] load(ServerConfig config, Jdbi jdbi, SecureRandom random) {
        byte[] key = config.secretKey().isEmpty()
                ? fromFile(config.dataDir().resolve("secret.key"), random)
                : decode(config.secretKey().value());
        SecretBox box = new SecretBox(key, random);
        String check =
                jdbi.withHandle(h -> h.createQuery("select setting_value from app_settings where setting_key = :k")
                        .bind("k", CHECK_KEY)
                        .mapTo(String.class)
                        .findOne()
                        .orElse(null));
        if (check == null) {
            jdbi.useHandle(h -> h.createUpdate("insert into app_settings (setting_key, setting_value) values (:k, :v)")
                    .bind("k", CHECK_KEY)
                    .bind("v", box.seal(CHECK_PLAIN, CHECK_CONTEXT))
                    .execute());
        } else {
            try {
                if (!Arrays.equals(box.open(check, CHECK_CONTEXT), CHECK_PLAIN)) {
                    throw new IllegalStateException();
                }
            } catch (IllegalStateException e) {
                throw new ConfigException(
                        "secret.key differs from the key this database was set up with (ROMOTICA_SECRET_KEY); every node needs the same key");
            }
        }
        return key;
    }

    private static byte[] decode(String base64) {
        try {
            byte[] key = Base64.getDecoder().decode(base64.strip());
            if (key.length != 32) {
                throw new ConfigException("secret.key must be base64 of exactly 32 bytes (ROMOTICA_SECRET_KEY)");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("secret.key is not base64 (ROMOTICA_SECRET_KEY)");
        }
    }

    private static byte[] fromFile(Path file, SecureRandom random) {
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file));
            }
            byte[] key = new byte[32];
            random.nextBytes(key);
            Files.createDirectories(file.getParent());
            Files.writeString(file, Base64.getEncoder().encodeToString(key));
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the folder's own permissions protect it.
            }
            return key;
        } catch (IOException e) {
            throw new ConfigException("cannot read or create " + file + ": " + e.getMessage());
        }
    }
}
