package io.romotica.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** Connection-level frames a client sends: liveness checks and an agent's presence. */
public sealed interface SystemFrame extends ClientFrame {

    /** Heartbeat; the server answers with {@link ServerFrame.Pong} carrying the same {@code ref}. */
    @JsonTypeName("ping")
    record Ping(String ref) implements SystemFrame {
        public Ping {
            FrameValidation.maxLength("ref", ref, 64);
        }
    }

    /** An agent says whether they are at their desk ({@code online}) or not ({@code away}). */
    @JsonTypeName("presence.set")
    record SetPresence(String status) implements SystemFrame {
        public SetPresence {
            if (!"online".equals(status) && !"away".equals(status)) {
                throw new FrameException(FrameException.INVALID_INPUT, "status must be online or away");
            }
        }
    }
}
