package io.romotica.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/** Every frame the server sends on the one WebSocket. */
public sealed interface ServerFrame {

    /** First frame on a new connection: who the server thinks you are. */
    @JsonTypeName("hello")
    record Hello(String connectionId, String userId, String name, Instant serverTime) implements ServerFrame {}

    /** Answer to {@link SystemFrame.Ping}. */
    @JsonTypeName("pong")
    record Pong(String ref, Instant serverTime) implements ServerFrame {}

    /**
     * A frame the server could not accept. {@code code} is stable (the UI keys on it); {@code ref} echoes
     * the offending frame's ref when it had one. The connection stays open.
     */
    @JsonTypeName("error")
    record Error(String code, String message, String ref) implements ServerFrame {}

    /** An agent's presence changed (online / offline). */
    @JsonTypeName("presence")
    record Presence(String userId, String name, String status) implements ServerFrame {}

    /** The server is about to close this connection (revoked session, shutdown); {@code reason} is a code. */
    @JsonTypeName("bye")
    record Bye(String reason) implements ServerFrame {}
}
