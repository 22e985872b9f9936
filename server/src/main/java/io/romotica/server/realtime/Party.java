package io.romotica.server.realtime;

import io.romotica.server.common.Principal;

/** Who is on the other end of a socket: a signed-in agent, or a visitor holding a visitor token. */
public sealed interface Party {
    /** The stable id used as sender id and for routing. */
    String id();

    String name();

    record Agent(Principal principal) implements Party {
        @Override
        public String id() {
            return principal.userId();
        }

        @Override
        public String name() {
            return principal.name();
        }
    }

    record Visitor(String id, String name) implements Party {}
}
