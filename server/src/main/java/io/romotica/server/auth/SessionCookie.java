package io.romotica.server.auth;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;

/**
 * The session cookie: {@code __Host-} prefixed (Secure, host-only, path /), HttpOnly, SameSite=Strict. Its
 * value is a 256-bit token; the server stores only its hash.
 */
public final class SessionCookie {
    public static final String NAME = "__Host-romotica_session";

    private SessionCookie() {}

    public static String read(Context ctx) {
        return ctx.cookie(NAME);
    }

    static void set(Context ctx, String token) {
        Cookie c = new Cookie(NAME, token, "/", -1, true, true, null, SameSite.STRICT);
        ctx.cookie(c);
    }

    static void clear(Context ctx) {
        Cookie c = new Cookie(NAME, "", "/", 0, true, true, null, SameSite.STRICT);
        ctx.cookie(c);
    }
}
