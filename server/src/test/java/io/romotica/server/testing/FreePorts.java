package io.romotica.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Ports that were free a moment ago on the loopback address, for services that must be told a port
 * (coturn, the STUN responder through configuration, where 0 means off).
 */
public final class FreePorts {
    private FreePorts() {}

    /** A port free for both UDP and TCP on 127.0.0.1 (TURN listens on both). */
    public static int udpAndTcp() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    ServerSocket tcp = new ServerSocket()) {
                tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort()));
                return udp.getLocalPort();
            } catch (IOException e) {
                // taken for TCP: try another
            }
        }
        throw new UncheckedIOException(new IOException("no free UDP+TCP port on loopback"));
    }
}
