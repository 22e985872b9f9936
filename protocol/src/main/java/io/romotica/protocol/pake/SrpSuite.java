package io.romotica.protocol.pake;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.agreement.srp.SRP6StandardGroups;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.SRP6GroupParameters;
import org.bouncycastle.util.BigIntegers;

/**
 * The SRP-6a parameters both ends use: a group from RFC 5054 and a hash. {@link #STANDARD} (the 2048-bit
 * group with SHA-256) is what host and viewer run; other suites exist for the RFC's test vectors. The SRP
 * identity is derived from the host ID, so a proof for one host is worthless for another. Immutable.
 */
public record SrpSuite(SRP6GroupParameters group, Supplier<Digest> digest) {
    /** RFC 5054's 2048-bit group with SHA-256. */
    public static final SrpSuite STANDARD = new SrpSuite(SRP6StandardGroups.rfc5054_2048, SHA256Digest::new);

    /** Bytes of N: every public value is padded to this length on the wire. */
    public int length() {
        return BigIntegers.getUnsignedByteLength(group.getN());
    }

    /** The SRP identity {@code I} for a host. */
    public static byte[] identity(String hostId) {
        return ("romotica-host:" + hostId).getBytes(StandardCharsets.UTF_8);
    }

    /** A value as unsigned big-endian bytes padded to the group's length. */
    byte[] pad(BigInteger value) {
        return BigIntegers.asUnsignedByteArray(length(), value);
    }
}
