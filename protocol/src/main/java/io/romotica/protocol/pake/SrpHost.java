package io.romotica.protocol.pake;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.agreement.srp.SRP6Server;
import org.bouncycastle.crypto.agreement.srp.SRP6VerifierGenerator;
import org.bouncycastle.util.BigIntegers;

/**
 * The host's side of SRP-6a for one session attempt (the SRP "server"): it makes a verifier from its own
 * one-time password with a fresh salt, sends {@code (salt, B)}, checks the viewer's proof M1 and, when it
 * holds, answers M2 and derives the {@link SessionKey}. A wrong M1 reveals nothing about the password to the
 * viewer beyond "wrong": each guess costs one online attempt the server counts. Single use, not thread-safe.
 */
public final class SrpHost {
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final SrpSuite suite;
    private final byte[] salt;
    private final SRP6Server server;
    private final BigInteger publicB;
    private boolean used;

    /** A fresh attempt for {@code hostId} with the host's current one-time {@code password}. */
    public SrpHost(String hostId, String password, SecureRandom random) {
        this(SrpSuite.STANDARD, hostId, password, random, null);
    }

    /** @param privateB a fixed private value b, for known-answer tests only; null draws one from {@code random} */
    SrpHost(SrpSuite suite, String hostId, String password, SecureRandom random, BigInteger privateB) {
        this(suite, SrpSuite.identity(hostId), password, randomSalt(random), random, privateB);
    }

    SrpHost(SrpSuite suite, byte[] identity, String password, byte[] salt, SecureRandom random, BigInteger privateB) {
        this.suite = suite;
        this.salt = salt.clone();
        SRP6VerifierGenerator generator = new SRP6VerifierGenerator();
        generator.init(suite.group(), suite.digest().get());
        BigInteger verifier =
                generator.generateVerifier(this.salt, identity, password.getBytes(StandardCharsets.UTF_8));
        this.server = privateB == null
                ? new SRP6Server()
                : new SRP6Server() {
                    @Override
                    protected BigInteger selectPrivateValue() {
                        return privateB;
                    }
                };
        server.init(suite.group(), verifier, suite.digest().get(), random);
        this.publicB = server.generateServerCredentials();
    }

    private static byte[] randomSalt(SecureRandom random) {
        byte[] s = new byte[16];
        random.nextBytes(s);
        return s;
    }

    /** The first PAKE message, to the viewer. */
    public RelayPayload.SrpHello hello() {
        return new RelayPayload.SrpHello(B64.encodeToString(salt), B64.encodeToString(suite.pad(publicB)));
    }

    /** B, for tests. */
    BigInteger publicValue() {
        return publicB;
    }

    /** What a successful check yields: the message that proves the host to the viewer, and the key. */
    public record Established(RelayPayload.SrpConfirm confirm, SessionKey key) {}

    /**
     * Checks the viewer's proof. Empty when it does not hold: the password was wrong (or a message was altered
     * on the way, which looks the same to the host). Only one proof is checked per attempt.
     */
    public Optional<Established> verify(RelayPayload.SrpProof proof, String sessionId) throws PakeException {
        if (used) {
            throw new IllegalStateException("one proof per SRP attempt");
        }
        used = true;
        try {
            BigInteger a = new BigInteger(1, decode(proof.a()));
            BigInteger m1 = new BigInteger(1, decode(proof.m1()));
            BigInteger secret = server.calculateSecret(a);
            if (!server.verifyClientEvidenceMessage(m1)) {
                return Optional.empty();
            }
            BigInteger m2 = server.calculateServerEvidenceMessage();
            return Optional.of(new Established(
                    new RelayPayload.SrpConfirm(B64.encodeToString(BigIntegers.asUnsignedByteArray(m2))),
                    SessionKey.derive(suite.pad(secret), sessionId)));
        } catch (CryptoException e) {
            // A is 0 mod N: not a value an honest viewer sends.
            throw new PakeException(PakeException.SECURITY_CHECK_FAILED, "the viewer's public value is invalid");
        }
    }

    static byte[] decode(String base64) throws PakeException {
        try {
            return B64D.decode(base64 == null ? "" : base64);
        } catch (IllegalArgumentException e) {
            throw new PakeException(PakeException.MALFORMED, "a PAKE value is not base64");
        }
    }
}
