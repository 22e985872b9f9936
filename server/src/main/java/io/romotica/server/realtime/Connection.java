package io.romotica.server.realtime;

import io.romotica.protocol.ServerFrame;

/**
 * One client's realtime channel as a feature sees it, whatever carries it: a WebSocket ({@code /ws}) or the
 * fallback of a server-sent event stream with frames posted over HTTP ({@code /api/rt/…}). Implementations
 * are safe to use from any thread.
 */
public interface Connection {
    /** The id sent in {@code hello}; {@link Broadcaster#toConnection} reaches it from any node. */
    String id();

    /** Who holds the connection. */
    Party party();

    /** The client's address key ({@code ClientAddress.key}) when it connected, for per-address limits. */
    String address();

    /** Sends one frame to this client; silently dropped when the connection is already gone. */
    void send(ServerFrame frame);

    /**
     * Sends {@code bye {reason}} and ends the connection. {@code reason} is a stable code such as
     * {@code SESSION_REVOKED} (the client must not reconnect) or {@code SHUTDOWN}.
     */
    void close(String reason);
}
