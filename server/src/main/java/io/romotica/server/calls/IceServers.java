package io.romotica.server.calls;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.romotica.server.config.ServerConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ICE servers (the browser's {@code RTCIceServer} list) a party gets for a call or a remote session: the
 * configured STUN URLs, or this node's own STUN responder when none are configured, and the TURN URLs with a
 * coturn REST-API credential ({@code use-auth-secret}) that stops opening relays once it expires. Nothing is
 * stored: any node derives the same credential from the shared secret. Thread-safe (immutable; the clock is
 * only read).
 */
public final class IceServers {
    private static final Logger log = LoggerFactory.getLogger(IceServers.class);
    private static final String HMAC = "HmacSHA1";
    /** A DNS name, an IPv4 address or a bracketed IPv6 address, as a STUN URL may name it (RFC 7064). */
    private static final Pattern HOST = Pattern.compile(
            "\\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private final List<String> stunUrls;
    private final List<String> turnUrls;
    private final SecretKeySpec turnKey;
    private final long ttlSeconds;
    private final String publicHost;
    private final int stunResponderPort;
    private final Clock clock;

    /** One entry of the list; a STUN entry has neither username nor credential (they are left out of the JSON). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record IceServer(List<String> urls, String username, String credential) {
        public IceServer {
            urls = List.copyOf(urls);
        }
    }

    /**
     * What a client passes to {@code new RTCPeerConnection({iceServers})}. {@code ttlSeconds}: how long the TURN
     * credential opens relays; fetch a new list for a call that starts later.
     */
    public record IceServerList(List<IceServer> iceServers, long ttlSeconds) {
        public IceServerList {
            iceServers = List.copyOf(iceServers);
        }
    }

    /**
     * @param publicUrl {@code public.url}, or null: then a STUN responder entry names the host the client used
     * @param stunResponderPort the UDP port this node's {@link StunResponder} is bound to, 0 when it is off
     * @throws IllegalArgumentException when TURN URLs are configured without a secret
     */
    public IceServers(ServerConfig.Ice config, String publicUrl, int stunResponderPort, Clock clock) {
        if (!config.turnUrls().isEmpty() && config.turnSecret().isEmpty()) {
            throw new IllegalArgumentException("TURN URLs need turn.secret");
        }
        this.stunUrls = config.stunUrls();
        this.turnUrls = config.turnUrls();
        this.turnKey = config.turnSecret().isEmpty()
                ? null
                : new SecretKeySpec(config.turnSecret().value().getBytes(StandardCharsets.UTF_8), HMAC);
        this.ttlSeconds = config.turnCredentialTtl().toSeconds();
        this.publicHost = publicUrl == null ? null : URI.create(publicUrl).getHost();
        this.stunResponderPort = stunResponderPort;
        this.clock = clock;
    }

    /**
     * The list for the party with the stable id {@code userId} (an agent's user id or a visitor id), which
     * becomes the user part of the TURN username, so coturn's logs name who relays.
     *
     * @param requestHost the {@code Host} the client reached this server by (with or without port); used for
     *     the STUN responder entry only when {@code public.url} is not set
     */
    public IceServerList forUser(String userId, String requestHost) {
        if (userId == null || userId.isBlank() || userId.indexOf(':') >= 0) {
            throw new IllegalArgumentException("user id must be non-blank and free of ':'");
        }
        List<IceServer> servers = new ArrayList<>(2);
        if (!stunUrls.isEmpty()) {
            servers.add(new IceServer(stunUrls, null, null));
        } else if (stunResponderPort != 0) {
            Optional.ofNullable(publicHost)
                    .or(() -> hostOf(requestHost))
                    .ifPresent(host ->
                            servers.add(new IceServer(List.of("stun:" + host + ":" + stunResponderPort), null, null)));
        }
        if (!turnUrls.isEmpty()) {
            long expiry = clock.instant().getEpochSecond() + ttlSeconds;
            String username = expiry + ":" + userId;
            servers.add(new IceServer(turnUrls, username, credential(turnKey, username)));
            log.debug("TURN credential for {} until {}", userId, expiry);
        }
        return new IceServerList(servers, ttlSeconds);
    }

    /** coturn's REST-API password for {@code username}: base64(HMAC-SHA1(secret, username)). */
    static String credential(SecretKeySpec key, String username) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " unavailable", e);
        }
    }

    /** The host part of a {@code Host} header value, if it is a plain host name or address. */
    static Optional<String> hostOf(String hostHeader) {
        if (hostHeader == null) {
            return Optional.empty();
        }
        String host = hostHeader.strip();
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? "" : host.substring(0, end + 1);
        } else if (host.indexOf(':') >= 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        return HOST.matcher(host).matches() ? Optional.of(host) : Optional.empty();
    }
}
