package io.romotica.server.realtime;

import io.javalin.websocket.WsContext;
import io.romotica.protocol.FrameCodec;

/** A connection over the WebSocket {@code /ws}. Sends are serialised; safe from any thread. */
final class WsConnection extends LiveConnection {
    /** Close code after a revoked session: the browser client does not reconnect. */
    static final int REVOKED_CLOSE_CODE = 4401;

    private final WsContext ws;

    WsConnection(WsContext ws, Party party, String address, FrameCodec codec) {
        super(ws.sessionId(), party, address, codec);
        this.ws = ws;
    }

    @Override
    String transport() {
        return "websocket";
    }

    @Override
    synchronized void sendEncoded(String frame) {
        if (ws.session.isOpen()) {
            ws.send(frame);
        }
    }

    @Override
    public void close(String reason) {
        sendEncoded(bye(reason));
        switch (reason) {
            case SESSION_REVOKED -> ws.closeSession(REVOKED_CLOSE_CODE, "session revoked");
            case SHUTDOWN -> ws.closeSession(1001, "server shutting down");
            default -> ws.closeSession(1000, reason);
        }
    }
}
