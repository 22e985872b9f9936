package io.romotica.server.calls;

import io.javalin.http.Context;
import io.romotica.server.bus.RateLimiter;
import io.romotica.server.chat.ChatRoutes;
import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Principal;
import io.romotica.server.realtime.Party;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code GET /api/ice-servers}: the STUN/TURN list with a fresh TURN credential, for a signed-in agent (FULL
 * session) or a visitor presenting a valid {@code X-Visitor-Token}, rate limited per party. Nobody else gets
 * a relay credential. Stateless apart from the limiter; thread-safe.
 */
public final class IceRoutes {
    private final IceServers ice;
    private final Function<String, Optional<Party.Visitor>> visitors;
    private final RateLimiter limiter;

    /**
     * @param visitors resolves a visitor token to its visitor (empty for a forged, altered or unknown one)
     * @param limiter requests per party ({@code ice.servers.per.minute})
     */
    public IceRoutes(IceServers ice, Function<String, Optional<Party.Visitor>> visitors, RateLimiter limiter) {
        this.ice = ice;
        this.visitors = visitors;
        this.limiter = limiter;
    }

    public void register(Api api) {
        api.tag("calls")
                .get(
                        "/api/ice-servers",
                        Access.PUBLIC,
                        "STUN and TURN servers with a short-lived TURN credential; signed-in agents or a visitor"
                                + " (X-Visitor-Token)",
                        IceServers.IceServerList.class,
                        this::iceServers);
    }

    private void iceServers(Context ctx) {
        Party party = party(ctx);
        String key = (party instanceof Party.Agent ? "agent:" : "visitor:") + party.id();
        limiter.tryAcquire(key).ifPresent(wait -> {
            throw AppException.rateLimited(wait);
        });
        ctx.header("Cache-Control", "no-store");
        Api.json(ctx, ice.forUser(party.id(), ctx.host()));
    }

    /** A visitor by X-Visitor-Token (as the chat accepts one), else the signed-in agent, else 401. */
    private Party party(Context ctx) {
        String token = ctx.header(ChatRoutes.VISITOR_TOKEN);
        if (token != null) {
            return visitors.apply(token)
                    .orElseThrow(() -> new AppException(
                            ErrorCode.UNAUTHENTICATED, "a valid " + ChatRoutes.VISITOR_TOKEN + " header is required"));
        }
        Principal p = ctx.attribute(Api.PRINCIPAL);
        if (p == null || p.stage() != Principal.Stage.FULL) {
            throw new AppException(ErrorCode.UNAUTHENTICATED, "sign in, or send " + ChatRoutes.VISITOR_TOKEN);
        }
        return new Party.Agent(p);
    }
}
