package io.romotica.server.realtime;

import io.javalin.websocket.WsContext;
import io.romotica.protocol.FrameCodec;
import io.romotica.protocol.ServerFrame;

/** One open socket and who holds it. Sends are serialised per connection; safe from any thread. */
public final class Connection {
    private final WsContext ws;
    private final Party party;
    private final FrameCodec codec;

    Connection(WsContext ws, Party party, FrameCodec codec) {
        this.ws = ws;
        this.party = party;
        this.codec = codec;
    }

    public Party party() {
        return party;
    }

    public void send(ServerFrame frame) {
        sendEncoded(codec.encode(frame));
    }

    synchronized void sendEncoded(String text) {
        if (ws.session.isOpen()) {
            ws.send(text);
        }
    }

    WsContext ws() {
        return ws;
    }
}
