package io.romotica.server.common;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Same-origin checks for state-changing requests and WebSocket upgrades (CSRF / cross-site WebSocket
 * hijacking): the {@code Origin} header must name this server, as reached ({@code Host}) or as configured
 * ({@code public.url}).
 */
public final class Origins {
    private Origins() {}

    /** True when {@code origin} is this server. A missing origin is the caller's decision. */
    public static boolean isSameOrigin(String origin, String host, String publicUrl) {
        if (origin == null || origin.equals("null")) {
            return false;
        }
        try {
            URI o = new URI(origin);
            if (o.getHost() == null) {
                return false;
            }
            String authority = o.getAuthority();
            if (host != null && authority.equalsIgnoreCase(host)) {
                return true;
            }
            if (publicUrl != null) {
                URI p = new URI(publicUrl);
                return p.getScheme().equalsIgnoreCase(o.getScheme())
                        && p.getAuthority().equalsIgnoreCase(authority);
            }
            return false;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
