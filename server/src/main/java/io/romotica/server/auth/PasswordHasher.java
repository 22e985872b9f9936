package io.romotica.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format ({@code $argon2id$v=19$m=…,t=…,p=…$salt$hash}). The
 * default cost (19 MiB, 2 passes) follows OWASP's recommendation and takes well under 300 ms here; stored
 * hashes keep their own parameters, so the cost can rise later. Thread-safe.
 */
public final class PasswordHasher {
    private static final Pattern PHC =
            Pattern.compile("^\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)$");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final SecureRandom random;
    private final int memoryKiB;
    private final int iterations;
    // Made off the start-up path; the first unknown-account sign-in waits for it if it is not ready yet.
    private final java.util.concurrent.CompletableFuture<String> dummyHash;

    public PasswordHasher(SecureRandom random) {
        this(random, 19 * 1024, 2);
    }

    PasswordHasher(SecureRandom random, int memoryKiB, int iterations) {
        this.random = random;
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        long seed = random.nextLong();
        this.dummyHash = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().name("argon2-dummy").start(() -> {
            try {
                dummyHash.complete(hash("not-a-real-password-" + seed));
            } catch (RuntimeException | Error e) {
                dummyHash.completeExceptionally(e);
            }
        });
    }

    public String hash(String password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, memoryKiB, iterations, 1, 32);
        return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=1$" + B64.encodeToString(salt) + "$"
                + B64.encodeToString(out);
    }

    /** Checks {@code password} against {@code hash}; with a null hash it spends the same time and fails. */
    public boolean verify(String hash, String password) {
        Matcher m = PHC.matcher(hash == null ? dummyHash.join() : hash);
        if (!m.matches()) {
            return false;
        }
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(
                password,
                B64D.decode(m.group(4)),
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)),
                expected.length);
        return hash != null && MessageDigest.isEqual(expected, actual);
    }

    private static byte[] derive(
            String password, byte[] salt, int memoryKiB, int iterations, int parallelism, int length) {
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(memoryKiB)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .build());
        byte[] out = new byte[length];
        gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
