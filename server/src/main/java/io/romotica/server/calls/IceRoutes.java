package io.romotica.server.calls;

import io.javalin.http.Context;
import io.romotica.server.bus.RateLimiter;
import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.AppException;
import io.romotica.server.realtime.Parties;
import io.romotica.server.realtime.Party;

/**
 * {@code GET /api/ice-servers}: the STUN/TURN list with a fresh TURN credential, for a signed-in agent (FULL
 * session) or a visitor presenting a valid {@code X-Visitor-Token}, rate limited per party. Nobody else gets
 * a relay credential. Stateless apart from the limiter; thread-safe.
 */
public final class IceRoutes {
    private final IceServers ice;
    private final Parties parties;
    private final RateLimiter limiter;

    /**
     * @param parties tells the visitor (by token) or the signed-in agent behind a request
     * @param limiter requests per party ({@code ice.servers.per.minute})
     */
    public IceRoutes(IceServers ice, Parties parties, RateLimiter limiter) {
        this.ice = ice;
        this.parties = parties;
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
        Party party = parties.party(ctx);
        String key = (party instanceof Party.Agent ? "agent:" : "visitor:") + party.id();
        limiter.tryAcquire(key).ifPresent(wait -> {
            throw AppException.rateLimited(wait);
        });
        ctx.header("Cache-Control", "no-store");
        Api.json(ctx, ice.forUser(party.id(), ctx.host()));
    }
}
