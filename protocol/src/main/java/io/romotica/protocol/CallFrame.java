package io.romotica.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Support-call frames a client sends: a visitor asks for a call (or an agent offers one from a conversation),
 * the called side accepts or rejects, and the two parties exchange WebRTC signaling (offer, answer, ICE
 * candidates) which the server relays only between the two connections bound to that call. Media never
 * passes through the server.
 */
public sealed interface CallFrame extends ClientFrame {
    /** Longest SDP accepted (a video offer with simulcast and many codecs stays well below). */
    int MAX_SDP = 32_000;

    /** A visitor asks the team for a call, optionally from one of their conversations. */
    @JsonTypeName("call.request")
    record Request(String clientId, String conversationId, Boolean video) implements CallFrame {
        public Request {
            video = Boolean.TRUE.equals(video);
            CallChecks.id("clientId", clientId);
            if (conversationId != null) {
                CallChecks.id("conversationId", conversationId);
            }
        }
    }

    /** An agent offers a call to the visitor of a conversation; the visitor's clients ring. */
    @JsonTypeName("call.invite")
    record Invite(String conversationId, Boolean video) implements CallFrame {
        public Invite {
            video = Boolean.TRUE.equals(video);
            CallChecks.id("conversationId", conversationId);
        }
    }

    /** The called side takes the call: an agent from the queue, or a visitor an agent's invitation. */
    @JsonTypeName("call.accept")
    record Accept(String callId) implements CallFrame {
        public Accept {
            CallChecks.id("callId", callId);
        }
    }

    /** The called side declines the call. */
    @JsonTypeName("call.reject")
    record Reject(String callId) implements CallFrame {
        public Reject {
            CallChecks.id("callId", callId);
        }
    }

    /** Either party ends the call (a caller still waiting cancels it). */
    @JsonTypeName("call.hangup")
    record Hangup(String callId) implements CallFrame {
        public Hangup {
            CallChecks.id("callId", callId);
        }
    }

    /**
     * After a signaling reconnect: this connection now carries the sender's side of the call. The server
     * answers with the call's state; the media keeps flowing meanwhile.
     */
    @JsonTypeName("call.resume")
    record Resume(String callId) implements CallFrame {
        public Resume {
            CallChecks.id("callId", callId);
        }
    }

    /**
     * WebRTC signaling to the other party: {@code offer} and {@code answer} carry {@code sdp}; {@code
     * candidate} carries {@code candidate} (empty: end of candidates) with {@code sdpMid}/{@code
     * sdpMLineIndex}. An ICE restart is a new offer.
     */
    @JsonTypeName("call.signal")
    record Signal(String callId, String kind, String sdp, String candidate, String sdpMid, Integer sdpMLineIndex)
            implements CallFrame {
        public Signal {
            CallChecks.id("callId", callId);
            switch (kind == null ? "" : kind) {
                case "offer", "answer" -> {
                    FrameValidation.required("sdp", sdp);
                    FrameValidation.maxLength("sdp", sdp, MAX_SDP);
                    if (!sdp.startsWith("v=0")) {
                        throw new FrameException(FrameException.INVALID_INPUT, "sdp must be a session description");
                    }
                    candidate = null;
                    sdpMid = null;
                    sdpMLineIndex = null;
                }
                case "candidate" -> {
                    candidate = candidate == null ? "" : candidate;
                    FrameValidation.maxLength("candidate", candidate, 1024);
                    FrameValidation.maxLength("sdpMid", sdpMid, 64);
                    if (sdpMLineIndex != null && (sdpMLineIndex < 0 || sdpMLineIndex > 64)) {
                        throw new FrameException(FrameException.INVALID_INPUT, "sdpMLineIndex must be 0-64");
                    }
                    sdp = null;
                }
                default ->
                    throw new FrameException(FrameException.INVALID_INPUT, "kind must be offer, answer or candidate");
            }
        }
    }

    /**
     * An in-call request to the other party or the server: {@code share-request} (an agent asks the
     * visitor to share their screen), {@code recording-start}/{@code recording-stop} (agent, where the
     * recording policy allows), {@code video-on}/{@code video-off}, {@code sharing-on}/{@code sharing-off}
     * (what the sender now sends, for the other side's display), {@code media-restart} (the sender lost its
     * media session, e.g. a reload, and starts a fresh one: the agent then makes a new offer).
     */
    @JsonTypeName("call.control")
    record Control(String callId, String action) implements CallFrame {
        public static final Set<String> ACTIONS = Set.of(
                "share-request",
                "recording-start",
                "recording-stop",
                "video-on",
                "video-off",
                "sharing-on",
                "sharing-off",
                "media-restart");

        public Control {
            CallChecks.id("callId", callId);
            if (action == null || !ACTIONS.contains(action)) {
                throw new FrameException(FrameException.INVALID_INPUT, "unknown action");
            }
        }
    }

    /** An agent hands their call to another agent, who is rung; the visitor stays on the line meanwhile. */
    @JsonTypeName("call.transfer")
    record Transfer(String callId, String agentId) implements CallFrame {
        public Transfer {
            CallChecks.id("callId", callId);
            CallChecks.id("agentId", agentId);
        }
    }

    /** Shared checks of the call family. */
    final class CallChecks {
        private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

        private CallChecks() {}

        static void id(String field, String value) {
            if (value == null || !ID.matcher(value).matches()) {
                throw new FrameException(FrameException.INVALID_INPUT, field + " must be 1-64 letters, digits, _ or -");
            }
        }
    }
}
