package io.romotica.server.realtime;

import io.romotica.server.bus.RateLimiter;
import io.romotica.server.common.Ids;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two signed values of the SSE fallback, under a key derived from the server's secret key so that any
 * node can check them without shared state:
 *
 * <ul>
 *   <li><b>Tickets</b> {@code t1.<payload>.<mac>}: a visitor's browser cannot put its token in a header of
 *       an {@code EventSource} or a {@code WebSocket}, and a long-lived token in a URL would end up in proxy
 *       logs; so it trades the token (in a header) for a ticket that opens one event stream or WebSocket
 *       within {@link #TICKET_LIFETIME}.
 *       Single use is enforced cluster-wide through a {@link RateLimiter} that allows one use per minute per
 *       ticket (longer than its lifetime).
 *   <li><b>Connection ids</b> {@code c1.<nonce>.<mac>} of SSE streams: the mac binds the id to who opened
 *       the stream (an agent's session, or a visitor), so frames posted for it by anyone else are refused,
 *       whichever node the post reaches.
 * </ul>
 *
 * Thread-safe.
 */
public final class StreamTokens {
    static final Duration TICKET_LIFETIME = Duration.ofSeconds(30);

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();
    private static final Pattern TICKET = Pattern.compile("t1\\.([A-Za-z0-9_-]{1,1500})\\.([A-Za-z0-9_-]{43})");
    private static final Pattern CONNECTION = Pattern.compile("c1\\.([A-Za-z0-9_-]{22})\\.([A-Za-z0-9_-]{22})");
    /** Bytes of the mac kept in a connection id (128 bits). */
    private static final int CONNECTION_MAC_BYTES = 16;

    private final SecretKeySpec key;
    private final Clock clock;
    private final RateLimiter ticketUses;
    private final Ids ids;

    /** @param ticketUses allows one use per minute per key: spends each ticket (in Redis in a cluster) */
    public StreamTokens(byte[] serverSecret, Clock clock, RateLimiter ticketUses, Ids ids) {
        this.key = new SecretKeySpec(
                mac(new SecretKeySpec(serverSecret, "HmacSHA256"), "romotica realtime stream v1"), "HmacSHA256");
        this.clock = clock;
        this.ticketUses = ticketUses;
        this.ids = ids;
    }

    /** A ticket that opens one stream as {@code visitor} within {@link #TICKET_LIFETIME}. */
    String ticket(Party.Visitor visitor) {
        long expires = clock.instant().plus(TICKET_LIFETIME).getEpochSecond();
        String payload =
                B64.encodeToString(String.join("\n", visitor.id(), Long.toString(expires), ids.newId(), visitor.name())
                        .getBytes(StandardCharsets.UTF_8));
        return "t1." + payload + "." + B64.encodeToString(mac(key, "ticket\n" + payload));
    }

    /** The visitor of a valid, unexpired ticket used for the first time; empty otherwise. */
    Optional<Party.Visitor> redeem(String ticket) {
        var m = ticket == null ? null : TICKET.matcher(ticket);
        if (m == null || !m.matches() || !sameMac(mac(key, "ticket\n" + m.group(1)), m.group(2))) {
            return Optional.empty();
        }
        String[] parts = new String(B64_DECODE.decode(m.group(1)), StandardCharsets.UTF_8).split("\n", 4);
        if (parts.length != 4 || Long.parseLong(parts[1]) < clock.instant().getEpochSecond()) {
            return Optional.empty();
        }
        if (ticketUses.tryAcquire("ticket:" + parts[2]).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new Party.Visitor(parts[0], parts[3]));
    }

    /** A fresh, unguessable connection id bound to {@code party}. */
    String connectionId(Party party) {
        String nonce = ids.newId();
        return "c1." + nonce + "." + B64.encodeToString(connectionMac(nonce, party));
    }

    /** Whether {@code connectionId} was issued to {@code party} (an agent: to this very session). */
    boolean owns(Party party, String connectionId) {
        var m = connectionId == null ? null : CONNECTION.matcher(connectionId);
        return m != null && m.matches() && sameMac(connectionMac(m.group(1), party), m.group(2));
    }

    private byte[] connectionMac(String nonce, Party party) {
        String owner = switch (party) {
            case Party.Agent a -> "agent\n" + a.principal().sessionId();
            case Party.Visitor v -> "visitor\n" + v.id();
        };
        return Arrays.copyOf(mac(key, "connection\n" + nonce + "\n" + owner), CONNECTION_MAC_BYTES);
    }

    private static boolean sameMac(byte[] expected, String given) {
        return MessageDigest.isEqual(
                B64.encodeToString(expected).getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] mac(SecretKeySpec key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
