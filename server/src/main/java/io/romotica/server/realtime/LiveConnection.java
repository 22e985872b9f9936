package io.romotica.server.realtime;

import io.romotica.protocol.FrameCodec;
import io.romotica.protocol.ServerFrame;

/**
 * An open connection held by this node, on either transport: what {@link Connections} keeps, counts and fans
 * frames out to. Subclasses serialise their own writes; safe from any thread.
 */
abstract sealed class LiveConnection implements Connection permits WsConnection, SseConnection {
    /** Bye reasons with a meaning of their own (the WebSocket close code follows them). */
    static final String SESSION_REVOKED = "SESSION_REVOKED";

    static final String SHUTDOWN = "SHUTDOWN";

    private final String id;
    private final Party party;
    private final String address;
    final FrameCodec codec;

    LiveConnection(String id, Party party, String address, FrameCodec codec) {
        this.id = id;
        this.party = party;
        this.address = address;
        this.codec = codec;
    }

    @Override
    public final String address() {
        return address;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Party party() {
        return party;
    }

    /** {@code websocket} or {@code sse}, for metrics and logs. */
    abstract String transport();

    @Override
    public final void send(ServerFrame frame) {
        sendEncoded(codec.encode(frame));
    }

    /** Sends a frame already encoded (fan-out encodes once for every receiver). */
    abstract void sendEncoded(String frame);

    final String bye(String reason) {
        return codec.encode(new ServerFrame.Bye(reason));
    }
}
