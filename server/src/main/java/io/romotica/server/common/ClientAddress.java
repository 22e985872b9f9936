package io.romotica.server.common;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;

/**
 * Who is calling, as an address: the socket's peer, or — only when that peer is a configured trusted proxy —
 * the nearest untrusted address in {@code X-Forwarded-For}. Also the counting key of an address: IPv4 as is,
 * IPv6 by its /64 (one host usually owns the whole prefix, so per-address limits must not be per /128).
 */
public final class ClientAddress {
    private ClientAddress() {}

    public static String resolve(String peer, String forwardedFor, Set<String> trustedProxies) {
        if (forwardedFor == null || trustedProxies.isEmpty() || !trustedProxies.contains(canonical(peer))) {
            return peer;
        }
        List<String> hops = List.of(forwardedFor.split(","));
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i).strip();
            if (!isLiteral(hop)) {
                return peer;
            }
            if (!trustedProxies.contains(canonical(hop))) {
                return hop;
            }
        }
        return peer;
    }

    /** The counting key of an address: {@code ip4:a.b.c.d} or {@code ip6:xxxx:xxxx:xxxx:xxxx::/64}. */
    public static String key(String ip) {
        if (!isLiteral(ip)) {
            return "ip:" + ip;
        }
        try {
            // A literal address: getByName parses it without a name lookup.
            byte[] b = InetAddress.getByName(ip).getAddress();
            if (b.length == 16) {
                StringBuilder sb = new StringBuilder("ip6:");
                for (int i = 0; i < 8; i += 2) {
                    sb.append(String.format("%02x%02x:", b[i], b[i + 1]));
                }
                return sb.append(":/64").toString();
            }
            return "ip4:" + InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            return "ip:" + ip;
        }
    }

    /** The address in its canonical text form, for comparisons; unchanged when it is not a literal. */
    public static String canonical(String ip) {
        if (!isLiteral(ip)) {
            return ip;
        }
        try {
            return InetAddress.getByName(ip).getHostAddress();
        } catch (UnknownHostException e) {
            return ip;
        }
    }

    private static boolean isLiteral(String ip) {
        return ip != null && ip.matches("[0-9A-Fa-f:.]{2,45}") && (ip.contains(".") || ip.contains(":"));
    }
}
