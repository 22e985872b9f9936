package io.romotica.protocol.pake;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DTLS certificate fingerprint of a session description ({@code a=fingerprint:sha-256 AB:CD:…}), as
 * the PAKE's MAC covers it. A description with no SHA-256 fingerprint, or with two different ones, is refused:
 * the peer's DTLS certificate must be pinned by exactly one authenticated value. Stateless.
 */
public final class Fingerprints {
    private static final Pattern LINE =
            Pattern.compile("^a=fingerprint:(\\S+) ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+)\\s*$", Pattern.MULTILINE);

    private Fingerprints() {}

    /** The one {@code sha-256} fingerprint in {@code sdp}, as {@code "sha-256 AB:CD:…"} in upper case. */
    public static String of(String sdp) throws PakeException {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = LINE.matcher(sdp == null ? "" : sdp);
        while (m.find()) {
            String algorithm = m.group(1).toLowerCase(Locale.ROOT);
            if (!algorithm.equals("sha-256")) {
                throw new PakeException(PakeException.SECURITY_CHECK_FAILED, "fingerprint is not sha-256");
            }
            found.add(algorithm + " " + m.group(2).toUpperCase(Locale.ROOT));
        }
        if (found.size() != 1) {
            throw new PakeException(
                    PakeException.SECURITY_CHECK_FAILED, "the description must carry exactly one DTLS fingerprint");
        }
        return found.iterator().next();
    }
}
