package io.romotica.server.remote;

import java.time.Instant;

/** One remote session row (see {@code V20__remote.sql}). Immutable. */
record RemoteSession(
        String id,
        String hostId,
        String hostConn,
        String viewerConn,
        String viewerAddress,
        String viewerUserId,
        Status status,
        Instant createdAt,
        Instant startedAt,
        Instant endedAt,
        String endReason) {

    enum Status {
        REQUESTED,
        ACCEPTED,
        AUTHENTICATED,
        ENDED
    }

    /** The connection on the other side from {@code connectionId}, or null when it is neither side. */
    String peerOf(String connectionId) {
        if (connectionId.equals(hostConn)) {
            return viewerConn;
        }
        return connectionId.equals(viewerConn) ? hostConn : null;
    }
}
