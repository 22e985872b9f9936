package io.romotica.protocol;

/**
 * Every frame a client may send on the one WebSocket. Each feature adds its own sealed family here
 * (system now; chat, call and remote-session signaling later), so {@link FrameCodec} finds every type
 * through the permitted subclasses and a feature's dispatcher can switch exhaustively over its family.
 */
public sealed interface ClientFrame permits SystemFrame, ChatFrame, CallFrame, RemoteFrame {}
