package io.romotica.server.remote;

import io.romotica.server.common.Access;
import io.romotica.server.common.Api;

/** Admin endpoints of remote desktop: who is in brute-force back-off, and lifting one. */
public final class RemoteRoutes {
    private final RemoteService remote;

    public RemoteRoutes(RemoteService remote) {
        this.remote = remote;
    }

    public void register(Api api) {
        api.tag("remote")
                .get(
                        "/api/admin/remote/lockouts",
                        Access.ADMIN,
                        "Host IDs and source addresses in back-off after wrong one-time passwords",
                        RemoteThrottle.Lockout[].class,
                        ctx -> Api.json(ctx, remote.lockouts()))
                .delete(
                        "/api/admin/remote/lockouts/<key>",
                        Access.ADMIN,
                        "Clear one back-off (host ID or address counter key, which may hold a slash); audited",
                        ctx -> {
                            remote.clearLockout(Api.principal(ctx), ctx.pathParam("key"), Api.requestInfo(ctx));
                            ctx.status(204);
                        });
    }
}
