package io.romotica.server.remote;

import io.javalin.websocket.WsContext;
import io.romotica.protocol.FrameCodec;
import io.romotica.protocol.ServerFrame;

/**
 * A desktop app's connection on {@code /ws/remote}: anonymous until a host proves its key by signing {@link
 * #challenge()}. Sends are serialised; safe from any thread.
 */
final class DeviceConnection implements Endpoint {
    private final WsContext ws;
    private final String id;
    private final String address;
    private final String requestHost;
    private final String challenge;
    private final FrameCodec codec;

    DeviceConnection(WsContext ws, String id, String address, String requestHost, String challenge, FrameCodec codec) {
        this.ws = ws;
        this.id = id;
        this.address = address;
        this.requestHost = requestHost;
        this.challenge = challenge;
        this.codec = codec;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public String agentId() {
        return null;
    }

    @Override
    public String agentName() {
        return null;
    }

    @Override
    public String requestHost() {
        return requestHost;
    }

    @Override
    public boolean device() {
        return true;
    }

    /** The random value this connection's host must sign (sent in {@code remote.hello}). */
    String challenge() {
        return challenge;
    }

    @Override
    public void send(ServerFrame frame) {
        sendEncoded(codec.encode(frame));
    }

    synchronized void sendEncoded(String frame) {
        if (ws.session.isOpen()) {
            ws.send(frame);
        }
    }

    void close(String reason) {
        sendEncoded(codec.encode(new ServerFrame.Bye(reason)));
        ws.closeSession("SHUTDOWN".equals(reason) ? 1001 : 1000, reason);
    }
}
