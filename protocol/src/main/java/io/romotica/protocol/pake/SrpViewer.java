package io.romotica.protocol.pake;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.agreement.srp.SRP6Client;
import org.bouncycastle.util.BigIntegers;

/**
 * The viewer's side of SRP-6a (the SRP "client"): answers the host's {@code (salt, B)} with {@code (A, M1)}
 * computed from the typed password, then checks the host's M2 before trusting anything, which proves the
 * peer knew the password too (a relay impersonating the host cannot). Single use, not thread-safe.
 */
public final class SrpViewer {
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final SrpSuite suite;
    private final byte[] identity;
    private final byte[] password;
    private final SRP6Client client;
    private BigInteger secret;

    public SrpViewer(String hostId, String password, SecureRandom random) {
        this(SrpSuite.STANDARD, SrpSuite.identity(hostId), password, random, null);
    }

    /** @param privateA a fixed private value a, for known-answer tests only */
    SrpViewer(SrpSuite suite, byte[] identity, String password, SecureRandom random, BigInteger privateA) {
        this.suite = suite;
        this.identity = identity.clone();
        this.password = password.getBytes(StandardCharsets.UTF_8);
        this.client = privateA == null
                ? new SRP6Client()
                : new SRP6Client() {
                    @Override
                    protected BigInteger selectPrivateValue() {
                        return privateA;
                    }
                };
        client.init(suite.group(), suite.digest().get(), random);
    }

    /** The answer to the host's first message: A and the proof M1. */
    public RelayPayload.SrpProof answer(RelayPayload.SrpHello hello) throws PakeException {
        byte[] salt = SrpHost.decode(hello.salt());
        BigInteger b = new BigInteger(1, SrpHost.decode(hello.b()));
        if (salt.length < 16) {
            throw new PakeException(PakeException.SECURITY_CHECK_FAILED, "the host's salt is too short");
        }
        BigInteger a = client.generateClientCredentials(salt, identity, password);
        try {
            secret = client.calculateSecret(b);
            BigInteger m1 = client.calculateClientEvidenceMessage();
            return new RelayPayload.SrpProof(
                    B64.encodeToString(suite.pad(a)), B64.encodeToString(BigIntegers.asUnsignedByteArray(m1)));
        } catch (CryptoException e) {
            throw new PakeException(PakeException.SECURITY_CHECK_FAILED, "the host's public value is invalid");
        }
    }

    /** The premaster secret S, for tests. */
    BigInteger secret() {
        return secret;
    }

    /**
     * Checks the host's M2. {@link PakeException#SECURITY_CHECK_FAILED} when it does not hold: whoever
     * answered did not know the password (the host reports a wrong password as its own failure instead).
     */
    public SessionKey confirm(RelayPayload.SrpConfirm confirm, String sessionId) throws PakeException {
        if (secret == null) {
            throw new IllegalStateException("answer the host's hello first");
        }
        try {
            if (!client.verifyServerEvidenceMessage(new BigInteger(1, SrpHost.decode(confirm.m2())))) {
                throw new PakeException(PakeException.SECURITY_CHECK_FAILED, "the host could not prove the password");
            }
        } catch (CryptoException e) {
            throw new PakeException(PakeException.SECURITY_CHECK_FAILED, "the host's proof came too early");
        }
        return SessionKey.derive(suite.pad(secret), sessionId);
    }
}
