package io.romotica.server.realtime;

import io.romotica.protocol.ClientFrame;

/**
 * Handles one family of client frames for a feature. Runs on the socket's thread; answer through
 * {@link Connection#send}; throw {@link io.romotica.server.common.AppException} for an expected refusal
 * (it becomes an {@code error} frame and the socket stays open).
 */
public interface FrameHandler<F extends ClientFrame> {
    void handle(Connection from, F frame);
}
