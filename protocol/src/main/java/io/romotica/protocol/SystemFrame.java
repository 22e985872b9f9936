package io.romotica.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** Connection-level frames a client sends: liveness checks. */
public sealed interface SystemFrame extends ClientFrame {

    /** Heartbeat; the server answers with {@link ServerFrame.Pong} carrying the same {@code ref}. */
    @JsonTypeName("ping")
    record Ping(String ref) implements SystemFrame {
        public Ping {
            FrameValidation.maxLength("ref", ref, 64);
        }
    }
}
