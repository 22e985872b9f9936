package io.romotica.server.realtime;

import io.javalin.http.Context;
import io.romotica.server.common.Api;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Principal;
import java.util.function.Function;

/**
 * Who sends an HTTP request that visitors and agents may both make: a visitor by the {@link #VISITOR_TOKEN}
 * header, else the fully signed-in agent of the session. A visitor token due for renewal is answered with
 * its successor in {@link #RENEWED_TOKEN}, whichever feature's route it came to. Thread-safe.
 */
public final class Parties {
    /** Header carrying the visitor token on visitor requests. */
    public static final String VISITOR_TOKEN = "X-Visitor-Token";

    /** Response header with a fresh visitor token, sent when the presented one is due for renewal. */
    public static final String RENEWED_TOKEN = "X-Visitor-Token-Renewed";

    /** A visitor let in by their token, with a fresh token for them when theirs is due for renewal (else null). */
    public record VisitorAccess(Party.Visitor visitor, String renewedToken) {}

    private final Function<String, VisitorAccess> visitors;

    /**
     * @param visitors the visitor behind a token; throws {@code AppException} (UNAUTHENTICATED or
     *     VISITOR_TOKEN_EXPIRED) for a token that does not let anyone in
     */
    public Parties(Function<String, VisitorAccess> visitors) {
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

    /** The visitor by token (renewed when due); UNAUTHENTICATED without a valid one. */
    public Party.Visitor visitor(Context ctx) {
        String token = ctx.header(VISITOR_TOKEN);
        if (token == null) {
            throw new AppException(ErrorCode.UNAUTHENTICATED, "a valid " + VISITOR_TOKEN + " header is required");
        }
        VisitorAccess access = visitors.apply(token);
        if (access.renewedToken() != null) {
            ctx.header(RENEWED_TOKEN, access.renewedToken());
        }
        return access.visitor();
    }
}
