package io.romotica.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.regex.Pattern;

/**
 * Live-chat frames a client sends. Every message carries a client-generated {@code clientId}, so a resend
 * after a lost acknowledgement is answered with the same message instead of a duplicate.
 */
public sealed interface ChatFrame extends ClientFrame {
    int MAX_TEXT = 4000;

    /** A visitor opens a new conversation with its first message. */
    @JsonTypeName("chat.start")
    record Start(String clientId, String text) implements ChatFrame {
        public Start {
            ChatChecks.clientId(clientId);
            ChatChecks.text(text);
        }
    }

    /**
     * A message into an existing conversation. With {@code attachmentId} (an upload into this conversation)
     * the text is an optional caption. {@code internal} makes it a note only agents see.
     */
    @JsonTypeName("chat.send")
    record Send(String conversationId, String clientId, String text, String attachmentId, Boolean internal)
            implements ChatFrame {
        public Send {
            internal = Boolean.TRUE.equals(internal); // optional on the wire, never null here
            ChatChecks.id("conversationId", conversationId);
            ChatChecks.clientId(clientId);
            if (attachmentId == null) {
                ChatChecks.text(text);
            } else {
                ChatChecks.id("attachmentId", attachmentId);
                text = text == null ? "" : text;
                FrameValidation.maxLength("text", text, MAX_TEXT);
            }
            if (internal && attachmentId != null) {
                throw new FrameException(FrameException.INVALID_INPUT, "an internal note cannot carry an attachment");
            }
        }
    }

    /**
     * Asks for messages; answered with {@code chat.history}. Without {@code beforeSeq}: the messages after
     * {@code afterSeq} (0, the default, for all), oldest first, in pages: the resume point after a reconnect. With
     * {@code beforeSeq}: the newest page of the messages with {@code afterSeq < seq < beforeSeq}, for paging
     * back through a long conversation (any {@code beforeSeq} above the conversation's last seq gives its
     * newest page).
     */
    @JsonTypeName("chat.sync")
    record Sync(String conversationId, Long afterSeq, Long beforeSeq) implements ChatFrame {
        public Sync {
            afterSeq = afterSeq == null ? 0L : afterSeq; // optional on the wire (0: from the start)
            ChatChecks.id("conversationId", conversationId);
            if (afterSeq < 0) {
                throw new FrameException(FrameException.INVALID_INPUT, "afterSeq must not be negative");
            }
            if (beforeSeq != null && beforeSeq <= afterSeq) {
                throw new FrameException(FrameException.INVALID_INPUT, "beforeSeq must be greater than afterSeq");
            }
            if (beforeSeq != null && beforeSeq < 1) {
                throw new FrameException(FrameException.INVALID_INPUT, "beforeSeq must be at least 1");
            }
        }

        /** Whether this asks for the newest page below {@code beforeSeq} rather than for what follows. */
        public boolean backward() {
            return beforeSeq != null;
        }
    }

    /** The sender is (or stopped) typing; relayed, not stored. */
    @JsonTypeName("chat.typing")
    record Typing(String conversationId, boolean typing) implements ChatFrame {
        public Typing {
            ChatChecks.id("conversationId", conversationId);
        }
    }

    /** The sender has seen the conversation up to {@code seq}. */
    @JsonTypeName("chat.read")
    record Read(String conversationId, long seq) implements ChatFrame {
        public Read {
            ChatChecks.id("conversationId", conversationId);
            if (seq < 1) {
                throw new FrameException(FrameException.INVALID_INPUT, "seq must be at least 1");
            }
        }
    }

    /** Shared checks of the chat family. */
    final class ChatChecks {
        private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

        private ChatChecks() {}

        static void clientId(String clientId) {
            id("clientId", clientId);
        }

        static void id(String field, String value) {
            if (value == null || !ID.matcher(value).matches()) {
                throw new FrameException(FrameException.INVALID_INPUT, field + " must be 1-64 letters, digits, _ or -");
            }
        }

        static void text(String text) {
            FrameValidation.required("text", text);
            FrameValidation.maxLength("text", text, MAX_TEXT);
        }
    }
}
