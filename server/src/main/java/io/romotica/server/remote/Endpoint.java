package io.romotica.server.remote;

import io.romotica.protocol.ServerFrame;

/**
 * One side of a remote session as the service sees it: a device on {@code /ws/remote} (host or desktop
 * viewer) or an agent's console connection on {@code /ws} (a viewer). Safe from any thread.
 */
interface Endpoint {
    /** Connection id; {@link RemoteDelivery} reaches it from any node. */
    String id();

    /** The client's address key ({@code ClientAddress.key}: IPv4, or IPv6 by /64). */
    String address();

    /** The signed-in agent's user id when the endpoint is a console connection; null for a device. */
    String agentId();

    /** The signed-in agent's name, or null for a device. */
    String agentName();

    /** The {@code Host} the client reached this server by, for the STUN responder's ICE entry. */
    String requestHost();

    /** True for a device on {@code /ws/remote}; only devices can be hosts. */
    boolean device();

    void send(ServerFrame frame);
}
