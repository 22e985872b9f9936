package io.romotica.server.auth;

import io.javalin.http.Context;
import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.AppException;
import io.romotica.server.common.Check;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Principal;
import io.romotica.server.common.Principal.Role;
import io.romotica.server.common.Principal.Stage;
import java.util.List;

/** Sign-in, second factor, enrolment, own sessions, first-run setup and invite acceptance. */
public final class AuthRoutes {
    private final AuthService auth;
    private final AccountService accounts;

    public AuthRoutes(AuthService auth, AccountService accounts) {
        this.auth = auth;
        this.accounts = accounts;
    }

    public record LoginRequest(String email, String password) {
        public LoginRequest {
            email = Check.text("email", email, 320);
            password = Check.secret("password", password, 1024);
        }
    }

    public record CodeRequest(String code) {
        public CodeRequest {
            code = Check.secret("code", code, 32);
        }
    }

    public record SetupRequest(String token, String name, String email, String password) {
        public SetupRequest {
            token = Check.secret("token", token, 100);
            name = Check.text("name", name, 200);
            email = Check.email("email", email);
            password = Check.secret("password", password, 1024);
        }
    }

    public record InviteAcceptRequest(String name, String password) {
        public InviteAcceptRequest {
            name = Check.text("name", name, 200);
            password = Check.secret("password", password, 1024);
        }
    }

    public record Me(String id, String name, String email, Role role) {
        static Me of(Principal p) {
            return new Me(p.userId(), p.name(), p.email(), p.role());
        }
    }

    /** Where the client stands: signed in or not, at which stage, and the CSRF token to send back. */
    public record MeResponse(boolean authenticated, boolean setupRequired, Stage stage, Me user, String csrfToken) {}

    /** After a sign-in step: the stage reached and the new CSRF token; {@code user} once fully signed in. */
    public record StepResponse(Stage stage, Me user, String csrfToken) {}

    public record EnrolledResponse(List<String> recoveryCodes, Stage stage, Me user, String csrfToken) {}

    public record InviteInfo(String email, String name, Role role, java.time.Instant expiresAt) {}

    public void register(Api api) {
        api.tag("auth")
                .get(
                        "/api/auth/me",
                        Access.PUBLIC,
                        "Who am I: sign-in state and CSRF token",
                        MeResponse.class,
                        this::me)
                .passive()
                .post(
                        "/api/auth/login",
                        Access.PUBLIC,
                        "Sign in with e-mail and password",
                        LoginRequest.class,
                        StepResponse.class,
                        this::login)
                .post(
                        "/api/auth/second-factor",
                        Access.SECOND_FACTOR,
                        "Give the second factor (TOTP or recovery code)",
                        CodeRequest.class,
                        StepResponse.class,
                        this::secondFactor)
                .post(
                        "/api/auth/totp/enrol",
                        Access.ENROL,
                        "Start TOTP enrolment: secret, otpauth URI, QR code",
                        null,
                        AuthService.TotpEnrolment.class,
                        ctx -> Api.json(ctx, auth.startTotpEnrolment(Api.principal(ctx))))
                .post(
                        "/api/auth/totp/confirm",
                        Access.ENROL,
                        "Confirm TOTP enrolment with a code; returns recovery codes",
                        CodeRequest.class,
                        EnrolledResponse.class,
                        this::confirm)
                .post("/api/auth/logout", Access.SESSION, "Sign out this session", null, null, this::logout)
                .get("/api/auth/sessions", Access.AGENT, "My active sessions", SessionView[].class, ctx -> {
                    Principal p = Api.principal(ctx);
                    Api.json(ctx, auth.sessionsOf(p.userId(), p.sessionId()));
                })
                .delete("/api/auth/sessions/{id}", Access.AGENT, "Revoke one of my sessions", ctx -> {
                    auth.revokeSession(Api.principal(ctx), ctx.pathParam("id"), Api.requestInfo(ctx));
                    ctx.status(204);
                });
        api.tag("setup")
                .post(
                        "/api/setup",
                        Access.PUBLIC,
                        "First run: create the first admin with the printed setup token",
                        SetupRequest.class,
                        StepResponse.class,
                        this::setup)
                .get(
                        "/api/invites/{token}",
                        Access.PUBLIC,
                        "Look at an invite before accepting it",
                        InviteInfo.class,
                        ctx -> {
                            Invite i = accounts.inviteByToken(ctx.pathParam("token"));
                            Api.json(ctx, new InviteInfo(i.email(), i.name(), i.role(), i.expiresAt()));
                        })
                .post(
                        "/api/invites/{token}/accept",
                        Access.PUBLIC,
                        "Accept an invite: create the account",
                        InviteAcceptRequest.class,
                        StepResponse.class,
                        this::acceptInvite);
    }

    private void me(Context ctx) {
        Principal p = ctx.attribute(Api.PRINCIPAL);
        boolean setup = accounts.setupRequired();
        if (p == null) {
            Api.json(ctx, new MeResponse(false, setup, null, null, null));
        } else {
            Api.json(
                    ctx,
                    new MeResponse(true, setup, p.stage(), p.stage() == Stage.FULL ? Me.of(p) : null, p.csrfToken()));
        }
    }

    private void login(Context ctx) {
        LoginRequest req = Api.body(ctx, LoginRequest.class);
        passed(ctx, auth.login(req.email(), req.password(), Api.requestInfo(ctx)));
    }

    private void secondFactor(Context ctx) {
        CodeRequest req = Api.body(ctx, CodeRequest.class);
        passed(ctx, auth.secondFactor(Api.principal(ctx), req.code(), Api.requestInfo(ctx)));
    }

    private void confirm(Context ctx) {
        CodeRequest req = Api.body(ctx, CodeRequest.class);
        AuthService.Enrolled e = auth.confirmTotpEnrolment(Api.principal(ctx), req.code(), Api.requestInfo(ctx));
        SessionCookie.set(ctx, e.session().token());
        Principal p = e.session().principal();
        Api.json(ctx, new EnrolledResponse(e.recoveryCodes(), p.stage(), Me.of(p), p.csrfToken()));
    }

    private void logout(Context ctx) {
        auth.logout(Api.principal(ctx), Api.requestInfo(ctx));
        SessionCookie.clear(ctx);
        ctx.status(204);
    }

    private void setup(Context ctx) {
        SetupRequest req = Api.body(ctx, SetupRequest.class);
        passed(ctx, accounts.completeSetup(req.token(), req.name(), req.email(), req.password(), Api.requestInfo(ctx)));
    }

    private void acceptInvite(Context ctx) {
        InviteAcceptRequest req = Api.body(ctx, InviteAcceptRequest.class);
        passed(ctx, accounts.acceptInvite(ctx.pathParam("token"), req.name(), req.password(), Api.requestInfo(ctx)));
    }

    private static void passed(Context ctx, LoginResult result) {
        switch (result) {
            case LoginResult.Passed ok -> {
                SessionCookie.set(ctx, ok.token());
                Principal p = ok.principal();
                Api.json(ctx, new StepResponse(p.stage(), p.stage() == Stage.FULL ? Me.of(p) : null, p.csrfToken()));
            }
            case LoginResult.Rejected r
            when r.code() == ErrorCode.RATE_LIMITED -> throw AppException.rateLimited(r.retryAfter());
            case LoginResult.Rejected r -> throw new AppException(r.code(), messageFor(r.code()));
        }
    }

    private static String messageFor(ErrorCode code) {
        return switch (code) {
            case INVALID_CREDENTIALS -> "e-mail or password is wrong";
            case INVALID_CODE -> "the code is wrong or was already used";

            default -> code.name().toLowerCase();
        };
    }
}
