package io.romotica.server.chat;

import java.time.Instant;

/**
 * A conversation as lists show it. {@code lastSeq} is the sequence number of its newest message; in an
 * answer to a visitor or agent, {@code readSeq} is how far they have read it and {@code peerReadSeq} how far
 * the other side has (0 where nobody in particular asked).
 */
public record Conversation(
        String id,
        String visitorId,
        String visitorName,
        Status status,
        String assigneeId,
        long lastSeq,
        Instant createdAt,
        Instant lastMessageAt,
        long readSeq,
        long peerReadSeq) {

    /** The same, as it travels in {@code chat.conversation} frames. */
    public io.romotica.protocol.ServerFrame.ConversationInfo toInfo() {
        return new io.romotica.protocol.ServerFrame.ConversationInfo(
                id, visitorId, visitorName, status.name(), assigneeId, lastSeq, createdAt, lastMessageAt);
    }

    /** Where a conversation stands. */
    public enum Status {
        OPEN,
        PENDING,
        RESOLVED
    }
}
