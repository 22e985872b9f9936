package io.romotica.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;
import java.util.List;

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

    /** Whether a visitor has the chat open anywhere (any node, any tab). */
    @JsonTypeName("visitor.presence")
    record VisitorPresence(String visitorId, boolean online) implements ServerFrame {}

    /** To visitors: whether an agent is online to answer now (otherwise messages wait for one). */
    @JsonTypeName("chat.availability")
    record ChatAvailability(boolean available) implements ServerFrame {}

    /** An agent's presence across the cluster changed: {@code online}, {@code away} or {@code offline}. */
    @JsonTypeName("presence")
    record Presence(String userId, String name, String status) implements ServerFrame {}

    /** Remote-desktop frames; their records live in {@link RemoteEvent}. */
    sealed interface Remote extends ServerFrame permits RemoteEvent {}

    /** The server is about to close this connection (revoked session, shutdown); {@code reason} is a code. */
    @JsonTypeName("bye")
    record Bye(String reason) implements ServerFrame {}

    /**
     * One chat message as both sides see it. {@code seq} orders it within its conversation. {@code kind} is
     * TEXT, ATTACHMENT (with {@code attachment}; {@code body} is an optional caption), NOTE (internal, agents
     * only) or HIDDEN: what a visitor gets in place of a note, so their sequence stays gap-free without
     * learning anything but that the seq is taken.
     */
    record ChatMessage(
            String id,
            String conversationId,
            long seq,
            String clientId,
            String senderKind,
            String senderId,
            String senderName,
            String kind,
            String body,
            AttachmentInfo attachment,
            Instant createdAt) {

        /** The stand-in a visitor receives for an internal note. */
        public ChatMessage hidden() {
            return new ChatMessage(null, conversationId, seq, null, "AGENT", null, null, "HIDDEN", "", null, createdAt);
        }
    }

    /**
     * A stored attachment. {@code contentType} was detected from the bytes; {@code name} is sanitised;
     * {@code width}/{@code height} and {@code thumbnail} only for images.
     */
    record AttachmentInfo(
            String id, String name, String contentType, long size, Integer width, Integer height, boolean thumbnail) {}

    /** The message with {@code clientId} is stored (durable) as {@code message}. */
    @JsonTypeName("chat.ack")
    record ChatAck(String clientId, ChatMessage message) implements ServerFrame {}

    /** A new message in a conversation the receiver may see. */
    @JsonTypeName("chat.message")
    record ChatNew(ChatMessage message) implements ServerFrame {}

    /**
     * Answer to {@code chat.sync}, messages oldest first. For a forward sync ({@code beforeSeq} null): the
     * messages after the asked seq, {@code more} if the page was cut (ask again from its last seq). For a
     * backward page ({@code beforeSeq} echoes the request): the newest messages below it, {@code more} if
     * older ones remain. {@code lastSeq} is the conversation's newest seq when answered.
     */
    @JsonTypeName("chat.history")
    record ChatHistory(String conversationId, List<ChatMessage> messages, long lastSeq, boolean more, Long beforeSeq)
            implements ServerFrame {}

    /** Someone in a conversation is (or stopped) typing. {@code partyKind} is AGENT or VISITOR. */
    @JsonTypeName("chat.typing")
    record ChatTyping(String conversationId, String partyKind, String partyId, String name, boolean typing)
            implements ServerFrame {}

    /** Someone has seen a conversation up to {@code seq}. */
    @JsonTypeName("chat.read")
    record ChatRead(String conversationId, String partyKind, String partyId, long seq) implements ServerFrame {}

    /** A conversation as lists show it; {@code status} is OPEN, PENDING or RESOLVED. */
    record ConversationInfo(
            String id,
            String visitorId,
            String visitorName,
            String status,
            String assigneeId,
            long lastSeq,
            Instant createdAt,
            Instant lastMessageAt) {}

    /** An admin erased a visitor with all their conversations (right to be forgotten): forget them too. */
    @JsonTypeName("chat.erased")
    record ChatErased(String visitorId, List<String> conversationIds) implements ServerFrame {}

    /** A conversation's status or assignee changed. */
    @JsonTypeName("chat.conversation")
    record ChatConversation(ConversationInfo conversation) implements ServerFrame {}

    /**
     * A support call as both parties and the agents' queue see it. {@code status}: PENDING (waiting for an
     * agent), RINGING (an agent invited the visitor, or a transfer rings {@code transferTo}), ACCEPTED,
     * REJECTED, MISSED, CANCELLED, ENDED. {@code recording}: OFF, NOTICE (agents may record, the visitor is
     * told first) or ALWAYS; {@code recordingActive} while recorders should run.
     */
    record CallInfo(
            String id,
            String conversationId,
            String visitorId,
            String visitorName,
            String agentId,
            String agentName,
            String transferTo,
            String initiator,
            String status,
            boolean video,
            String recording,
            boolean recordingActive,
            Instant createdAt,
            Instant acceptedAt,
            Instant endedAt,
            String endReason) {}

    /**
     * A call changed. Goes to every agent (the queue) and to the call's visitor. {@code position} (1 = next)
     * and {@code estimatedWaitSeconds} are set for a waiting call.
     */
    @JsonTypeName("call.state")
    record CallState(CallInfo call, Integer position, Integer estimatedWaitSeconds) implements ServerFrame {}

    /** WebRTC signaling from the other party of a call (see {@code CallFrame.Signal}). */
    @JsonTypeName("call.signal")
    record CallSignal(String callId, String kind, String sdp, String candidate, String sdpMid, Integer sdpMLineIndex)
            implements ServerFrame {}

    /** An in-call request or announcement from the other party (see {@code CallFrame.Control}). */
    @JsonTypeName("call.control")
    record CallControl(String callId, String action, String from) implements ServerFrame {}
}
