package io.romotica.server.chat;

import java.util.Set;

/** Who is at their desk across the cluster, as the realtime layer knows it. */
public interface AgentPresence {
    /** Agents who may take conversations now (online, not away). */
    Set<String> available();

    /** {@code online}, {@code away} or {@code offline}. */
    String statusOf(String agentId);

    AgentPresence NOBODY = new AgentPresence() {
        @Override
        public Set<String> available() {
            return Set.of();
        }

        @Override
        public String statusOf(String agentId) {
            return "offline";
        }
    };
}
