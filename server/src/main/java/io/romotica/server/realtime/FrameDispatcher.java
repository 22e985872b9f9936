package io.romotica.server.realtime;

import io.romotica.protocol.CallFrame;
import io.romotica.protocol.ChatFrame;
import io.romotica.protocol.ClientFrame;
import io.romotica.protocol.FrameCodec;
import io.romotica.protocol.FrameException;
import io.romotica.protocol.RemoteFrame;
import io.romotica.protocol.ServerFrame;
import io.romotica.protocol.SystemFrame;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one client frame, whichever transport brought it, and hands it to its family's handler through an
 * exhaustive {@code switch}. A frame that cannot be decoded or is refused gets an {@code error} frame with a
 * stable code on the same connection, which stays up. Thread-safe; runs on the caller's thread.
 */
public final class FrameDispatcher {
    private static final Logger log = LoggerFactory.getLogger(FrameDispatcher.class);

    private final FrameHandler<ChatFrame> chat;
    private final FrameHandler<CallFrame> calls;
    private final FrameHandler<RemoteFrame> remote;
    private final Presence presence;
    private final FrameCodec codec;
    private final Clock clock;

    /**
     * @param chat handles the chat frame family
     * @param calls handles the call frame family
     * @param remote handles the remote-desktop frame family (agents as viewers)
     */
    public FrameDispatcher(
            FrameHandler<ChatFrame> chat,
            FrameHandler<CallFrame> calls,
            FrameHandler<RemoteFrame> remote,
            Presence presence,
            FrameCodec codec,
            Clock clock) {
        this.chat = chat;
        this.calls = calls;
        this.remote = remote;
        this.presence = presence;
        this.codec = codec;
        this.clock = clock;
    }

    /** Handles {@code text} from connection {@code connectionId} (named in logs); answers go to {@code c}. */
    void dispatch(String connectionId, Connection c, String text) {
        ClientFrame frame = null;
        try {
            frame = codec.decode(text);
            switch (frame) {
                case SystemFrame system -> handleSystem(connectionId, c, system);
                case ChatFrame chatFrame -> chat.handle(c, chatFrame);
                case CallFrame callFrame -> calls.handle(c, callFrame);
                case RemoteFrame remoteFrame -> remote.handle(c, remoteFrame);
            }
        } catch (FrameException e) {
            c.send(new ServerFrame.Error(e.code(), e.getMessage(), e.ref()));
        } catch (AppException e) {
            c.send(new ServerFrame.Error(e.code().name(), e.getMessage(), refOf(frame)));
        } catch (RuntimeException e) {
            log.error("frame handling failed on {}", connectionId, e);
            c.send(new ServerFrame.Error(ErrorCode.INTERNAL.name(), "internal error", refOf(frame)));
        }
    }

    /** What an error frame echoes so the client can match it to its request. */
    private static String refOf(ClientFrame frame) {
        return switch (frame) {
            case null -> null;
            case SystemFrame.Ping p -> p.ref();
            case SystemFrame.SetPresence p -> null;
            case ChatFrame.Start s -> s.clientId();
            case ChatFrame.Send s -> s.clientId();
            case ChatFrame.Sync s -> s.conversationId();
            case ChatFrame.Typing t -> t.conversationId();
            case ChatFrame.Read r -> r.conversationId();
            case CallFrame.Request r -> r.clientId();
            case CallFrame.Invite i -> i.conversationId();
            case CallFrame.Accept a -> a.callId();
            case CallFrame.Reject r -> r.callId();
            case CallFrame.Hangup h -> h.callId();
            case CallFrame.Resume r -> r.callId();
            case CallFrame.Signal s -> s.callId();
            case CallFrame.Control c -> c.callId();
            case CallFrame.Transfer t -> t.callId();
            case RemoteFrame.RegisterHost r -> null;
            case RemoteFrame.Heartbeat h -> h.hostId();
            case RemoteFrame.Connect r -> r.hostId();
            case RemoteFrame.Consent r -> r.sessionId();
            case RemoteFrame.Relay r -> r.sessionId();
            case RemoteFrame.Result r -> r.sessionId();
            case RemoteFrame.End r -> r.sessionId();
        };
    }

    private void handleSystem(String connectionId, Connection c, SystemFrame frame) {
        switch (frame) {
            case SystemFrame.Ping ping -> c.send(new ServerFrame.Pong(ping.ref(), clock.instant()));
            case SystemFrame.SetPresence set -> {
                if (!(c.party() instanceof Party.Agent)) {
                    throw new AppException(ErrorCode.FORBIDDEN, "only agents set a presence");
                }
                presence.setStatus(connectionId, set.status());
            }
        }
    }
}
