package io.romotica.server.calls;

import io.romotica.protocol.ServerFrame.CallInfo;
import io.romotica.server.realtime.Party;
import java.time.Instant;

/** One row of {@code calls}: a call's parties, the connections carrying their signaling, and its times. */
record Call(
        String id,
        String conversationId,
        String visitorId,
        String visitorName,
        String agentId,
        String agentName,
        String transferTo,
        Instant transferAt,
        String initiator,
        Status status,
        boolean video,
        boolean recordingActive,
        String visitorConn,
        String agentConn,
        Instant createdAt,
        Instant acceptedAt,
        Instant endedAt,
        String endReason) {

    /** A call's life: PENDING/RINGING wait for an answer, ACCEPTED runs, the rest are final. */
    enum Status {
        PENDING,
        RINGING,
        ACCEPTED,
        REJECTED,
        MISSED,
        CANCELLED,
        ENDED;

        boolean active() {
            return this == PENDING || this == RINGING || this == ACCEPTED;
        }
    }

    static final String VISITOR = "VISITOR";
    static final String AGENT = "AGENT";

    boolean isVisitor(Party p) {
        return p instanceof Party.Visitor v && v.id().equals(visitorId);
    }

    boolean isAgent(Party p) {
        return p instanceof Party.Agent a && a.id().equals(agentId);
    }

    /** The connection of the other party than {@code p}, or null. */
    String peerConnection(Party p) {
        return isVisitor(p) ? agentConn : visitorConn;
    }

    CallInfo info(CallPolicy.Recording recording) {
        return new CallInfo(
                id,
                conversationId,
                visitorId,
                visitorName,
                agentId,
                agentName,
                transferTo,
                initiator,
                status.name(),
                video,
                recording.name(),
                recordingActive,
                createdAt,
                acceptedAt,
                endedAt,
                endReason);
    }
}
