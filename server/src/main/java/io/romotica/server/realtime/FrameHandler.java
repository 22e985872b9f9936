package io.romotica.server.realtime;

import io.romotica.protocol.ClientFrame;

/**
 * Handles one family of client frames for a feature, whichever transport brought them (WebSocket, or a
 * frame posted for an SSE stream). Runs on the thread that received the frame; answer the sender through
 * {@link Connection#send}; throw {@link io.romotica.server.common.AppException} for an expected refusal
 * (it becomes an {@code error} frame and the connection stays open).
 */
public interface FrameHandler<F extends ClientFrame> {
    void handle(Connection from, F frame);
}
