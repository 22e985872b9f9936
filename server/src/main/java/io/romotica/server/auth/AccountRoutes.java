package io.romotica.server.auth;

import io.javalin.http.Context;
import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.Check;
import io.romotica.server.common.Principal.Role;

/** Admin endpoints for accounts, invites and other people's sessions. */
public final class AccountRoutes {
    private final AccountService accounts;
    private final AuthService auth;
    private final String publicUrl;

    /** {@code publicUrl} is the configured base URL for links, or null to use the request's own origin. */
    public AccountRoutes(AccountService accounts, AuthService auth, String publicUrl) {
        this.accounts = accounts;
        this.auth = auth;
        this.publicUrl = publicUrl;
    }

    public record InviteRequest(String email, String name, Role role) {
        public InviteRequest {
            email = Check.email("email", email);
            name = Check.optionalText("name", name, 200);
            role = Check.required("role", role);
        }
    }

    public record UserUpdateRequest(Role role, Boolean disabled) {}

    public void register(Api api) {
        api.tag("admin")
                .get(
                        "/api/admin/users",
                        Access.ADMIN,
                        "All accounts",
                        UserView[].class,
                        ctx -> Api.json(ctx, accounts.users()))
                .patch(
                        "/api/admin/users/{id}",
                        Access.ADMIN,
                        "Change role or disable/enable an account",
                        UserUpdateRequest.class,
                        UserView.class,
                        ctx -> {
                            UserUpdateRequest req = Api.body(ctx, UserUpdateRequest.class);
                            Api.json(
                                    ctx,
                                    accounts.update(
                                            Api.principal(ctx),
                                            ctx.pathParam("id"),
                                            req.role(),
                                            req.disabled(),
                                            Api.requestInfo(ctx)));
                        })
                .post(
                        "/api/admin/users/{id}/unlock",
                        Access.ADMIN,
                        "Unlock an account locked by failed sign-ins",
                        null,
                        UserView.class,
                        ctx -> Api.json(
                                ctx, accounts.unlock(Api.principal(ctx), ctx.pathParam("id"), Api.requestInfo(ctx))))
                .post(
                        "/api/admin/users/{id}/reset-second-factor",
                        Access.ADMIN,
                        "Remove an account's second factor; it enrols again at next sign-in",
                        null,
                        UserView.class,
                        ctx -> Api.json(
                                ctx,
                                accounts.resetSecondFactor(
                                        Api.principal(ctx), ctx.pathParam("id"), Api.requestInfo(ctx))))
                .get(
                        "/api/admin/users/{id}/sessions",
                        Access.ADMIN,
                        "An account's active sessions",
                        SessionView[].class,
                        ctx -> Api.json(ctx, accounts.sessionsOf(ctx.pathParam("id"))))
                .delete("/api/admin/sessions/{id}", Access.ADMIN, "Revoke any session", ctx -> {
                    auth.revokeSession(Api.principal(ctx), ctx.pathParam("id"), Api.requestInfo(ctx));
                    ctx.status(204);
                })
                .post(
                        "/api/admin/invites",
                        Access.ADMIN,
                        "Invite someone: returns the one-time link",
                        InviteRequest.class,
                        AccountService.CreatedInvite.class,
                        this::invite)
                .get(
                        "/api/admin/invites",
                        Access.ADMIN,
                        "Pending invites",
                        Invite[].class,
                        ctx -> Api.json(ctx, accounts.pendingInvites()))
                .delete("/api/admin/invites/{id}", Access.ADMIN, "Revoke a pending invite", ctx -> {
                    accounts.revokeInvite(Api.principal(ctx), ctx.pathParam("id"), Api.requestInfo(ctx));
                    ctx.status(204);
                });
    }

    private void invite(Context ctx) {
        InviteRequest req = Api.body(ctx, InviteRequest.class);
        String base = publicUrl != null ? publicUrl : ctx.scheme() + "://" + ctx.host();
        Api.json(
                ctx,
                accounts.invite(Api.principal(ctx), req.email(), req.name(), req.role(), base, Api.requestInfo(ctx)));
    }
}
