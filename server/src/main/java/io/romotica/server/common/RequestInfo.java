package io.romotica.server.common;

/** Where a request came from, for audit rows, throttling and the session list. */
public record RequestInfo(String ip, String userAgent) {
    public RequestInfo {
        userAgent = userAgent == null ? "" : userAgent.length() > 512 ? userAgent.substring(0, 512) : userAgent;
    }
}
