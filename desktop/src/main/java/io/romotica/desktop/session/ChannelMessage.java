package io.romotica.desktop.session;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What viewer and host say to each other on a session's data channels (end to end, inside DTLS; the server
 * never sees these). Text messages are JSON {@code {"type": …}}; file contents travel as binary messages on a
 * file channel between {@link FileOffer}/{@link FileAccept} and {@link FileDone}. Compact constructors
 * validate, so a decoded message is always well-formed; {@link ChannelCodec} drops what is not. Immutable.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(ChannelMessage.PointerMove.class),
    @JsonSubTypes.Type(ChannelMessage.PointerButton.class),
    @JsonSubTypes.Type(ChannelMessage.Wheel.class),
    @JsonSubTypes.Type(ChannelMessage.Key.class),
    @JsonSubTypes.Type(ChannelMessage.Text.class),
    @JsonSubTypes.Type(ChannelMessage.Clipboard.class),
    @JsonSubTypes.Type(ChannelMessage.Rights.class),
    @JsonSubTypes.Type(ChannelMessage.Refused.class),
    @JsonSubTypes.Type(ChannelMessage.Sync.class),
    @JsonSubTypes.Type(ChannelMessage.SyncAck.class),
    @JsonSubTypes.Type(ChannelMessage.Bye.class),
    @JsonSubTypes.Type(ChannelMessage.FileOffer.class),
    @JsonSubTypes.Type(ChannelMessage.FileAccept.class),
    @JsonSubTypes.Type(ChannelMessage.FileProgress.class),
    @JsonSubTypes.Type(ChannelMessage.FileDone.class),
    @JsonSubTypes.Type(ChannelMessage.FileResult.class)
})
public sealed interface ChannelMessage {
    /** Longest text message accepted on any channel (bytes of UTF-8). */
    int MAX_TEXT_BYTES = 64 * 1024;
    /** Longest clipboard text (characters); keeps a clipboard message below {@link #MAX_TEXT_BYTES}. */
    int MAX_CLIPBOARD_CHARS = 20_000;
    /** Longest typed text in one message. */
    int MAX_TYPED_CHARS = 1_000;
    /** Largest binary message (a file chunk). */
    int MAX_CHUNK_BYTES = 64 * 1024;
    /** Largest file offered (1 TiB: a sanity bound, not a quota). */
    long MAX_FILE_BYTES = 1L << 40;
    /** Largest coordinate on either axis of a remote screen. */
    int MAX_COORDINATE = 16_384;

    /** The pointer moved to (x, y) in the remote screen's coordinates as the host advertised them. */
    @JsonTypeName("pointer.move")
    record PointerMove(int x, int y) implements ChannelMessage {
        public PointerMove {
            Checks.coordinates(x, y);
        }
    }

    /** Mouse button 1 (left), 2 (middle) or 3 (right) pressed or released at (x, y). */
    @JsonTypeName("pointer.button")
    record PointerButton(int x, int y, int button, boolean pressed) implements ChannelMessage {
        public PointerButton {
            Checks.coordinates(x, y);
            Checks.range("button", button, 1, 3);
        }
    }

    /** The wheel turned by {@code notches} (positive: towards the user) at (x, y). */
    @JsonTypeName("pointer.wheel")
    record Wheel(int x, int y, int notches) implements ChannelMessage {
        public Wheel {
            Checks.coordinates(x, y);
            Checks.range("notches", notches, -50, 50);
        }
    }

    /** A key pressed or released, as a {@code java.awt.event.KeyEvent} VK code (special keys, shortcuts). */
    @JsonTypeName("key")
    record Key(int code, boolean pressed) implements ChannelMessage {
        public Key {
            Checks.range("code", code, 1, 0xFFFF);
        }
    }

    /** Text to type on the host (printable characters, newline and tab). */
    @JsonTypeName("text")
    record Text(String text) implements ChannelMessage {
        public Text {
            Checks.text("text", text, MAX_TYPED_CHARS);
        }
    }

    /** The sender's clipboard text changed (or, sent by the viewer: put this on the host's clipboard). */
    @JsonTypeName("clipboard")
    record Clipboard(String text) implements ChannelMessage {
        public Clipboard {
            Checks.text("text", text, MAX_CLIPBOARD_CHARS);
        }
    }

    /** Host → viewer: the rights in force now (at open and after every change). */
    @JsonTypeName("rights")
    record Rights(List<String> granted) implements ChannelMessage {
        public Rights {
            if (granted == null || granted.size() > Right.values().length) {
                throw new IllegalArgumentException("granted is required");
            }
            granted.forEach(Right::parse);
            granted = List.copyOf(granted);
        }
    }

    /** Host → viewer: a message was refused because {@code right} is not granted. */
    @JsonTypeName("refused")
    record Refused(String right, String what) implements ChannelMessage {
        public Refused {
            Right.parse(right);
            Checks.token("what", what);
        }
    }

    /** Asks the other side to answer {@link SyncAck} after handling everything sent before on this channel. */
    @JsonTypeName("sync")
    record Sync(long n) implements ChannelMessage {}

    /** Everything sent before the {@link Sync} with this number was handled. */
    @JsonTypeName("sync.ack")
    record SyncAck(long n) implements ChannelMessage {}

    /** Viewer → host: the viewer is done; the host ends the session (and reports its usage to the server). */
    @JsonTypeName("bye")
    record Bye() implements ChannelMessage {}

    /** Opens a transfer on a file channel; resending the same id on a new channel resumes it. */
    @JsonTypeName("file.offer")
    record FileOffer(String transferId, String name, long size) implements ChannelMessage {
        public FileOffer {
            Checks.transferId(transferId);
            Checks.text("name", name, 1_000);
            if (size < 0 || size > MAX_FILE_BYTES) {
                throw new IllegalArgumentException("size out of range");
            }
        }
    }

    /** The receiver takes the transfer and wants bytes from {@code offset} on (non-zero: a resume). */
    @JsonTypeName("file.accept")
    record FileAccept(String transferId, long offset) implements ChannelMessage {
        public FileAccept {
            Checks.transferId(transferId);
            if (offset < 0 || offset > MAX_FILE_BYTES) {
                throw new IllegalArgumentException("offset out of range");
            }
        }
    }

    /** Receiver → sender: bytes of the file held so far (for the progress bar). */
    @JsonTypeName("file.progress")
    record FileProgress(String transferId, long received) implements ChannelMessage {
        public FileProgress {
            Checks.transferId(transferId);
        }
    }

    /** Sender → receiver: all bytes sent; the file's SHA-256 (hex) to check against. */
    @JsonTypeName("file.done")
    record FileDone(String transferId, String sha256) implements ChannelMessage {
        private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

        public FileDone {
            Checks.transferId(transferId);
            if (sha256 == null || !HEX.matcher(sha256).matches()) {
                throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
            }
        }
    }

    /**
     * Receiver → sender: the transfer's outcome. {@code error}: null when stored, else {@code CHECKSUM_MISMATCH},
     * {@code NOT_GRANTED}, {@code REVOKED}, {@code SIZE_MISMATCH}, {@code IO_ERROR}, {@code PROTOCOL}.
     */
    @JsonTypeName("file.result")
    record FileResult(String transferId, String storedAs, String error) implements ChannelMessage {
        public FileResult {
            Checks.transferId(transferId);
            if (storedAs != null) {
                Checks.text("storedAs", storedAs, 1_000);
            }
            if (error != null) {
                Checks.token("error", error);
            }
        }
    }

    /** Validation shared by the family; failures are {@link IllegalArgumentException}s. */
    final class Checks {
        private static final Pattern TRANSFER_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");
        private static final Pattern TOKEN = Pattern.compile("[A-Za-z_.]{1,40}");

        private Checks() {}

        static void coordinates(int x, int y) {
            range("x", x, 0, MAX_COORDINATE);
            range("y", y, 0, MAX_COORDINATE);
        }

        static void range(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be " + min + ".." + max);
            }
        }

        static void text(String name, String value, int max) {
            if (value == null || value.length() > max) {
                throw new IllegalArgumentException(name + " is required and at most " + max + " characters");
            }
        }

        static void token(String name, String value) {
            if (value == null || !TOKEN.matcher(value).matches()) {
                throw new IllegalArgumentException(name + " must be a short code");
            }
        }

        static void transferId(String value) {
            if (value == null || !TRANSFER_ID.matcher(value).matches()) {
                throw new IllegalArgumentException("transferId must be 8-64 letters, digits, _ or -");
            }
        }
    }
}
