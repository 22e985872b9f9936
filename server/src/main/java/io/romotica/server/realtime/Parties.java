package io.romotica.server.realtime;

import io.javalin.http.Context;
import io.romotica.server.common.Api;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Principal;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who sends an HTTP request that visitors and agents may both make: a visitor by the {@link #VISITOR_TOKEN}
 * header, else the fully signed-in agent of the session. Thread-safe.
 */
public final class Parties {
    /** Header carrying the visitor token on visitor requests. */
    public static final String VISITOR_TOKEN = "X-Visitor-Token";

    private final Function<String, Optional<Party.Visitor>> visitors;

    /** @param visitors the visitor behind a token, if it is valid */
    public Parties(Function<String, Optional<Party.Visitor>> visitors) {
        this.visitors = visitors;
    }

    /** A visitor by token, else the signed-in agent; UNAUTHENTICATED when neither. */
    public Party party(Context ctx) {
        if (ctx.header(VISITOR_TOKEN) != null) {
            return visitor(ctx);
        }
        Principal p = ctx.attribute(Api.PRINCIPAL);
        if (p == null || p.stage() != Principal.Stage.FULL) {
            throw new AppException(ErrorCode.UNAUTHENTICATED, "sign in, or send " + VISITOR_TOKEN);
        }
        return new Party.Agent(p);
    }

    /** The visitor by token; UNAUTHENTICATED without a valid one. */
    public Party.Visitor visitor(Context ctx) {
        return visitors.apply(ctx.header(VISITOR_TOKEN))
                .orElseThrow(() -> new AppException(
                        ErrorCode.UNAUTHENTICATED, "a valid " + VISITOR_TOKEN + " header is required"));
    }
}
