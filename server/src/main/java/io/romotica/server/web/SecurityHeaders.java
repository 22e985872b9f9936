package io.romotica.server.web;

import io.javalin.http.Context;

/** Headers every response carries: strict CSP without inline script, no sniffing, no framing, HSTS on TLS. */
final class SecurityHeaders {
    /** Paths that the chat widget loads into other sites' pages. */
    static final String CHAT_PAGE = "/chat";

    static final String WIDGET_SCRIPT = "/widget.js";

    private static final String CSP_BASE = String.join(
            "; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob:",
            "font-src 'self'",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'");
    static final String CSP = CSP_BASE + "; frame-ancestors 'none'";

    private SecurityHeaders() {}

    /**
     * @param embedAncestors who may frame the chat page (the widget's iframe), a CSP frame-ancestors list;
     *     every other page may not be framed at all
     */
    static void apply(Context ctx, boolean tls, String embedAncestors) {
        boolean chatPage = ctx.path().equals(CHAT_PAGE);
        ctx.header("Content-Security-Policy", chatPage ? CSP_BASE + "; frame-ancestors " + embedAncestors : CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        if (!chatPage) {
            ctx.header("X-Frame-Options", "DENY");
        }
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        // The widget script is loaded by <script> tags on other sites; everything else stays same-origin.
        ctx.header("Cross-Origin-Resource-Policy", ctx.path().equals(WIDGET_SCRIPT) ? "cross-origin" : "same-origin");
        ctx.header(
                "Permissions-Policy",
                "camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=()");
        if (tls) {
            ctx.header("Strict-Transport-Security", "max-age=31536000");
        }
        if (ctx.path().startsWith("/api/")) {
            ctx.header("Cache-Control", "no-store");
        }
    }
}
