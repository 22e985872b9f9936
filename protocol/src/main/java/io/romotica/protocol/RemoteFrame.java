package io.romotica.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Remote-desktop frames a client sends. A host device registers (proving its key by signing the server's
 * challenge) and keeps itself online with heartbeats; a viewer asks to connect by the host's 9-digit ID; the
 * host consents; then both exchange {@link Relay} payloads (PAKE messages, SDP, ICE candidates) which the
 * server passes unread between exactly the two connections bound to the session. The server never sees the
 * one-time password: the host reports the PAKE's outcome with {@link Result}.
 */
public sealed interface RemoteFrame extends ClientFrame {
    /** Longest relayed payload (an SDP offer with its MAC stays well below). */
    int MAX_PAYLOAD = 32_000;

    /** Relay kinds: PAKE messages, session descriptions, ICE candidates. */
    Set<String> RELAY_KINDS = Set.of("pake", "sdp", "ice");

    /**
     * A host device announces itself: {@code publicKey} is its Ed25519 public key (base64 of the X.509
     * encoding); {@code signature} signs {@link #challengeMessage} of the challenge from {@code remote.hello}.
     * {@code hostId} is the ID the device had before, if any: it is kept only when bound to this key.
     */
    @JsonTypeName("remote.host.register")
    record RegisterHost(String publicKey, String signature, String hostId) implements RemoteFrame {
        public RegisterHost {
            FrameValidation.required("publicKey", publicKey);
            FrameValidation.maxLength("publicKey", publicKey, 200);
            FrameValidation.required("signature", signature);
            FrameValidation.maxLength("signature", signature, 200);
            if (hostId != null) {
                RemoteChecks.hostId(hostId);
            }
        }
    }

    /** What a host signs to prove its key: a fixed context and the server's challenge. */
    static byte[] challengeMessage(String challenge) {
        return ("romotica-remote-host-v1\n" + challenge).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A registered host is still there (the server marks it offline when these stop). */
    @JsonTypeName("remote.host.heartbeat")
    record Heartbeat(String hostId) implements RemoteFrame {
        public Heartbeat {
            RemoteChecks.hostId(hostId);
        }
    }

    /** A viewer asks to connect to the host with this 9-digit ID. */
    @JsonTypeName("remote.connect")
    record Connect(String hostId) implements RemoteFrame {
        public Connect {
            RemoteChecks.hostId(hostId);
        }
    }

    /** The host's answer to an incoming session: accepted, or declined (the viewer is told DECLINED). */
    @JsonTypeName("remote.consent")
    record Consent(String sessionId, Boolean accepted) implements RemoteFrame {
        public Consent {
            RemoteChecks.sessionId(sessionId);
            if (accepted == null) {
                throw new FrameException(FrameException.INVALID_INPUT, "accepted is required");
            }
        }
    }

    /** An end-to-end payload for the other side of the session; the server does not read it. */
    @JsonTypeName("remote.relay")
    record Relay(String sessionId, String kind, String payload) implements RemoteFrame {
        public Relay {
            RemoteChecks.sessionId(sessionId);
            if (kind == null || !RELAY_KINDS.contains(kind)) {
                throw new FrameException(FrameException.INVALID_INPUT, "kind must be pake, sdp or ice");
            }
            FrameValidation.required("payload", payload);
            FrameValidation.maxLength("payload", payload, MAX_PAYLOAD);
        }
    }

    /**
     * The host's verdict on the viewer's PAKE proof: {@code AUTHENTICATED} (the session starts) or
     * {@code WRONG_PASSWORD} (counted against the host ID and the viewer's address; the session ends).
     */
    @JsonTypeName("remote.result")
    record Result(String sessionId, String outcome) implements RemoteFrame {
        public static final String AUTHENTICATED = "AUTHENTICATED";
        public static final String WRONG_PASSWORD = "WRONG_PASSWORD";

        public Result {
            RemoteChecks.sessionId(sessionId);
            if (!AUTHENTICATED.equals(outcome) && !WRONG_PASSWORD.equals(outcome)) {
                throw new FrameException(
                        FrameException.INVALID_INPUT, "outcome must be AUTHENTICATED or WRONG_PASSWORD");
            }
        }
    }

    /**
     * Either side ends the session. {@code reason}: {@code NORMAL}, {@code SECURITY_CHECK_FAILED} (a PAKE or
     * fingerprint check failed: possible tampering), {@code DECLINED}, {@code ERROR}. The host adds its
     * {@link Usage} (optional; the server audits it and ignores a viewer's).
     */
    @JsonTypeName("remote.end")
    record End(String sessionId, String reason, Usage usage) implements RemoteFrame {
        public static final Set<String> REASONS = Set.of("NORMAL", "SECURITY_CHECK_FAILED", "DECLINED", "ERROR");

        public End {
            RemoteChecks.sessionId(sessionId);
            if (reason == null || !REASONS.contains(reason)) {
                throw new FrameException(FrameException.INVALID_INPUT, "unknown reason");
            }
        }

        public End(String sessionId, String reason) {
            this(sessionId, reason, null);
        }
    }

    /**
     * What a session used, as the host saw it: rights granted at consent, rights revoked during the session,
     * bytes of files and clipboard text received by and sent from the host, files completed.
     */
    record Usage(
            java.util.List<String> rights,
            java.util.List<String> revoked,
            Long bytesToHost,
            Long bytesFromHost,
            Integer files) {
        private static final Pattern RIGHT = Pattern.compile("[a-z]{1,20}");

        public Usage {
            rights = rightsList("rights", rights);
            revoked = rightsList("revoked", revoked);
            if (bytesToHost == null
                    || bytesToHost < 0
                    || bytesFromHost == null
                    || bytesFromHost < 0
                    || files == null
                    || files < 0) {
                throw new FrameException(FrameException.INVALID_INPUT, "usage counters must be non-negative");
            }
        }

        private static java.util.List<String> rightsList(String name, java.util.List<String> list) {
            if (list == null
                    || list.size() > 8
                    || !list.stream()
                            .allMatch(r -> r != null && RIGHT.matcher(r).matches())) {
                throw new FrameException(FrameException.INVALID_INPUT, name + " must be at most 8 right names");
            }
            return java.util.List.copyOf(list);
        }

        /** One line for the audit log. */
        public String summary() {
            return "rights " + String.join(",", rights)
                    + (revoked.isEmpty() ? "" : "; revoked " + String.join(",", revoked))
                    + "; bytes to host " + bytesToHost + ", from host " + bytesFromHost + "; files " + files;
        }
    }

    /** Shared checks of the remote family. */
    final class RemoteChecks {
        private static final Pattern HOST_ID = Pattern.compile("[1-9][0-9]{8}");
        private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

        private RemoteChecks() {}

        static void hostId(String value) {
            if (value == null || !HOST_ID.matcher(value).matches()) {
                throw new FrameException(FrameException.INVALID_INPUT, "hostId must be 9 digits");
            }
        }

        static void sessionId(String value) {
            if (value == null || !SESSION_ID.matcher(value).matches()) {
                throw new FrameException(
                        FrameException.INVALID_INPUT, "sessionId must be 1-64 letters, digits, _ or -");
            }
        }
    }
}
