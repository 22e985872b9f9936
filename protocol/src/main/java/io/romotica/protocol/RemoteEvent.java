package io.romotica.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;
import java.util.List;

/**
 * Remote-desktop frames the server sends (see {@link RemoteFrame} for the flow). Errors about a single frame
 * still come as {@link ServerFrame.Error}; a refused connection request comes as {@link Refused} with its
 * stable code and, where waiting helps, a retry-after.
 */
public sealed interface RemoteEvent extends ServerFrame.Remote {

    /**
     * First frame on the device socket {@code /ws/remote}: the connection's id and a fresh challenge a host
     * signs to prove its key.
     */
    @JsonTypeName("remote.hello")
    record Hello(String connectionId, String challenge, Instant serverTime) implements RemoteEvent {}

    /** A host's registration went through: its 9-digit ID and how often to send heartbeats. */
    @JsonTypeName("remote.host.registered")
    record HostRegistered(String hostId, int heartbeatSeconds) implements RemoteEvent {}

    /**
     * A session between a viewer and a host exists. To the viewer ({@code role} {@code viewer}) once the
     * request reached the host; to the host ({@code role} {@code host}) as the incoming request, with the
     * viewer's address for its consent prompt. Both get the ICE servers to use.
     */
    @JsonTypeName("remote.session")
    record Session(String sessionId, String hostId, String role, String peerAddress, List<IceServer> iceServers)
            implements RemoteEvent {
        public Session {
            iceServers = List.copyOf(iceServers);
        }
    }

    /** To the viewer: the host accepted; the PAKE starts with the host's first message. */
    @JsonTypeName("remote.accepted")
    record Accepted(String sessionId) implements RemoteEvent {}

    /** An end-to-end payload from the other side (see {@link RemoteFrame.Relay}). */
    @JsonTypeName("remote.relay")
    record Relay(String sessionId, String kind, String payload) implements RemoteEvent {}

    /**
     * A connection request was not routed. {@code code}: {@code HOST_OFFLINE}, {@code HOST_BUSY},
     * {@code LOCKED_OUT} (too many failed attempts for this host ID or from this address; wait {@code
     * retryAfterSeconds}) or {@code RATE_LIMITED} (too many requests from this address).
     */
    @JsonTypeName("remote.refused")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Refused(String hostId, String code, Long retryAfterSeconds) implements RemoteEvent {}

    /**
     * The session is over. {@code reason}: {@code NORMAL}, {@code DECLINED}, {@code WRONG_PASSWORD},
     * {@code SECURITY_CHECK_FAILED}, {@code PEER_GONE}, {@code ERROR}.
     */
    @JsonTypeName("remote.ended")
    record Ended(String sessionId, String reason) implements RemoteEvent {}

    /** To a host: its one-time password drew too many failed attempts; make a new one now. */
    @JsonTypeName("remote.rotate")
    record RotatePassword(String hostId, int failures) implements RemoteEvent {}

    /** One ICE server (the browser's {@code RTCIceServer}); STUN entries have no username or credential. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record IceServer(List<String> urls, String username, String credential) {
        public IceServer {
            urls = List.copyOf(urls);
        }
    }
}
