package io.romotica.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import io.romotica.server.testing.Totps;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sign-in, second factor, sessions, invites and admin actions over real HTTPS against a real node. */
class AuthFlowIT {
    private TestServer server;
    private Account admin;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.builder()
                .set("login.lockout.threshold", "6")
                .set("login.backoff.free.attempts", "3")
                .set("login.backoff.base", "10s")
                .start();
        admin = server.setupAdmin();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ApiClient.Response login(ApiClient c, String email, String password) {
        return c.post("/api/auth/login", Map.of("email", email, "password", password));
    }

    @Test
    void setupLinkWorksOnceAndNoDefaultAccountExists() {
        ApiClient other = server.client();
        var again = other.post(
                "/api/setup",
                Map.of(
                        "token",
                        "whatever-token",
                        "name",
                        "Eve",
                        "email",
                        "eve@example.com",
                        "password",
                        "another long password"));
        assertThat(again.status()).isEqualTo(403);
        assertThat(again.code()).isEqualTo("SETUP_NOT_AVAILABLE");
        assertThat(server.node().setupLink()).isEmpty();
        assertThat(login(server.client(), "admin@example.com", "admin").code()).isEqualTo("INVALID_CREDENTIALS");
    }

    @Test
    void passwordThenTotpGivesAFullSession() {
        ApiClient c = server.client();
        var step1 = login(c, admin.email(), admin.password());
        assertThat(step1.json().get("stage").asText()).isEqualTo("SECOND_FACTOR");
        assertThat(c.get("/api/admin/users").code()).isEqualTo("SECOND_FACTOR_REQUIRED");
        server.clock().advance(Duration.ofSeconds(30));
        var step2 = c.post(
                "/api/auth/second-factor",
                Map.of("code", Totps.code(admin.totpSecret(), server.clock().instant())));
        assertThat(step2.status()).isEqualTo(200);
        assertThat(step2.json().get("stage").asText()).isEqualTo("FULL");
        assertThat(c.get("/api/admin/users").status()).isEqualTo(200);
    }

    @Test
    void sessionCookieIsHostOnlySecureHttpOnlyStrict() {
        var r = login(server.client(), admin.email(), admin.password());
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie)
                .startsWith("__Host-romotica_session=")
                .contains("Secure")
                .contains("HttpOnly")
                .containsIgnoringCase("SameSite=Strict")
                .contains("Path=/");
    }

    @Test
    void totpCodeIsAcceptedOnlyOnce() {
        ApiClient a = server.client();
        login(a, admin.email(), admin.password());
        server.clock().advance(Duration.ofSeconds(30));
        String code = Totps.code(admin.totpSecret(), server.clock().instant());
        assertThat(a.post("/api/auth/second-factor", Map.of("code", code)).status())
                .isEqualTo(200);
        ApiClient b = server.client();
        login(b, admin.email(), admin.password());
        var replay = b.post("/api/auth/second-factor", Map.of("code", code));
        assertThat(replay.code()).isEqualTo("INVALID_CODE");
    }

    @Test
    void recoveryCodeWorksOnceInPlaceOfTotp() {
        // Enrol an agent by hand to see the recovery codes shown once at enrolment.
        var invite = admin.client().post("/api/admin/invites", Map.of("email", "rita@example.com", "role", "AGENT"));
        String token = invite.json().get("link").asText().replaceAll(".*#t=", "");
        ApiClient rita = server.client();
        rita.post("/api/invites/" + token + "/accept", Map.of("name", "Rita", "password", "rita's long password"));
        String secret =
                rita.post("/api/auth/totp/enrol", null).json().get("secret").asText();
        var confirm = rita.post(
                "/api/auth/totp/confirm",
                Map.of("code", Totps.code(secret, server.clock().instant())));
        assertThat(confirm.json().get("recoveryCodes")).hasSize(10);
        String recovery = confirm.json().get("recoveryCodes").get(0).asText();

        ApiClient c = server.client();
        login(c, "rita@example.com", "rita's long password");
        assertThat(c.post("/api/auth/second-factor", Map.of("code", recovery.toLowerCase()))
                        .status())
                .isEqualTo(200);
        ApiClient d = server.client();
        login(d, "rita@example.com", "rita's long password");
        assertThat(d.post("/api/auth/second-factor", Map.of("code", recovery)).code())
                .isEqualTo("INVALID_CODE");
    }

    @Test
    void unknownAndKnownAccountsGetTheSameAnswer() {
        var known = login(server.client(), admin.email(), "wrong password!");
        var unknown = login(server.client(), "nobody@example.com", "wrong password!");
        assertThat(unknown.status()).isEqualTo(known.status()).isEqualTo(401);
        assertThat(unknown.body()).isEqualTo(known.body());
    }

    @Test
    void failedLoginsBackOffExponentiallyPerAccount() {
        for (int i = 0; i < 3; i++) {
            assertThat(login(server.client(), admin.email(), "wrong " + i).code())
                    .isEqualTo("INVALID_CREDENTIALS");
        }
        var fourth = login(server.client(), admin.email(), "wrong 3");
        assertThat(fourth.code()).isEqualTo("INVALID_CREDENTIALS");
        var blocked = login(server.client(), admin.email(), admin.password());
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.code()).isEqualTo("RATE_LIMITED");
        assertThat(blocked.json().get("retryAfterSeconds").asLong()).isBetween(1L, 10L);
        assertThat(blocked.headers().firstValue("Retry-After")).isPresent();

        server.clock().advance(Duration.ofSeconds(11));
        assertThat(login(server.client(), admin.email(), "wrong 4").code()).isEqualTo("INVALID_CREDENTIALS");
        var longer = login(server.client(), admin.email(), admin.password());
        assertThat(longer.json().get("retryAfterSeconds").asLong()).isBetween(11L, 20L);
    }

    @Test
    void accountLocksAfterThresholdAndAdminUnlocks() {
        Account bob = server.createAgent(admin, "bob@example.com", "Bob");
        for (int i = 0; i < 6; i++) {
            server.clock().advance(Duration.ofMinutes(1));
            assertThat(login(server.client(), bob.email(), "wrong password " + i)
                            .code())
                    .isEqualTo("INVALID_CREDENTIALS");
        }
        server.clock().advance(Duration.ofMinutes(1));
        // Locked: even the right password gets the answer of a wrong one (no password oracle).
        assertThat(login(server.client(), bob.email(), bob.password()).code()).isEqualTo("INVALID_CREDENTIALS");
        assertThat(admin.client()
                        .get("/api/admin/audit?type=LOGIN_FAILED")
                        .json()
                        .get("items")
                        .get(0)
                        .get("details")
                        .asText())
                .isEqualTo("account locked");
        var users = admin.client().get("/api/admin/users").json();
        assertThat(users.findValues("locked").stream()
                        .filter(n -> n.asBoolean())
                        .count())
                .isEqualTo(1);
        // The lock also ended Bob's open session.
        assertThat(bob.client().get("/api/auth/sessions").status()).isEqualTo(401);

        admin.client().post("/api/admin/users/" + bob.id() + "/unlock", null);
        // Unlock clears the account's back-off; this address's own back-off (80 s by now) still runs out.
        server.clock().advance(Duration.ofSeconds(90));
        assertThat(login(server.client(), bob.email(), bob.password()).status()).isEqualTo(200);
        var audit =
                admin.client().get("/api/admin/audit?type=LOGIN_LOCKED").json().get("items");
        assertThat(audit).hasSize(1);
        assertThat(admin.client()
                        .get("/api/admin/audit?type=ACCOUNT_UNLOCKED")
                        .json()
                        .get("items"))
                .hasSize(1);
    }

    @Test
    void inviteIsSingleUse() {
        var invite = admin.client()
                .post("/api/admin/invites", Map.of("email", "carol@example.com", "name", "Carol", "role", "AGENT"));
        String token = invite.json().get("link").asText().replaceAll(".*#t=", "");
        assertThat(server.client()
                        .get("/api/invites/" + token)
                        .json()
                        .get("email")
                        .asText())
                .isEqualTo("carol@example.com");
        assertThat(server.client()
                        .post(
                                "/api/invites/" + token + "/accept",
                                Map.of("name", "Carol", "password", "carol's password!"))
                        .status())
                .isEqualTo(200);
        var second = server.client()
                .post("/api/invites/" + token + "/accept", Map.of("name", "Mallory", "password", "mallory's password"));
        assertThat(second.code()).isEqualTo("INVITE_INVALID");
    }

    @Test
    void inviteExpires() {
        var invite = admin.client().post("/api/admin/invites", Map.of("email", "dan@example.com", "role", "AGENT"));
        String token = invite.json().get("link").asText().replaceAll(".*#t=", "");
        server.clock().advance(Duration.ofHours(73));
        assertThat(server.client().get("/api/invites/" + token).code()).isEqualTo("INVITE_INVALID");
    }

    @Test
    void weakPasswordIsRefused() {
        var invite = admin.client().post("/api/admin/invites", Map.of("email", "erin@example.com", "role", "AGENT"));
        String token = invite.json().get("link").asText().replaceAll(".*#t=", "");
        var r = server.client().post("/api/invites/" + token + "/accept", Map.of("name", "Erin", "password", "short"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("WEAK_PASSWORD");
    }

    @Test
    void adminRevokesAnAgentSessionAndItsNextRequestIsRejected() {
        Account bob = server.createAgent(admin, "bob@example.com", "Bob");
        assertThat(bob.client().get("/api/auth/sessions").status()).isEqualTo(200);
        var sessions =
                admin.client().get("/api/admin/users/" + bob.id() + "/sessions").json();
        assertThat(sessions).hasSize(1);
        assertThat(admin.client()
                        .delete("/api/admin/sessions/"
                                + sessions.get(0).get("id").asText())
                        .status())
                .isEqualTo(204);
        var after = bob.client().get("/api/auth/sessions");
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.code()).isEqualTo("UNAUTHENTICATED");
        assertThat(admin.client()
                        .get("/api/admin/audit?type=SESSION_REVOKED")
                        .json()
                        .get("items"))
                .hasSize(1);
    }

    @Test
    void agentSeesOwnSessionsAndRevokesAnother() {
        Account bob = server.createAgent(admin, "bob@example.com", "Bob");
        ApiClient second = server.login(bob);
        var list = bob.client().get("/api/auth/sessions").json();
        assertThat(list).hasSize(2);
        String other = null;
        for (var session : list) {
            if (!session.get("current").asBoolean()) {
                other = session.get("id").asText();
            }
        }
        assertThat(other).isNotNull();
        assertThat(bob.client().delete("/api/auth/sessions/" + other).status()).isEqualTo(204);
        assertThat(second.get("/api/auth/sessions").status()).isEqualTo(401);
        assertThat(bob.client().get("/api/auth/sessions").status()).isEqualTo(200);
    }

    @Test
    void agentCannotRevokeSomeoneElsesSessionOrUseAdminRoutes() {
        Account bob = server.createAgent(admin, "bob@example.com", "Bob");
        String adminSession =
                admin.client().get("/api/auth/sessions").json().get(0).get("id").asText();
        assertThat(bob.client().delete("/api/auth/sessions/" + adminSession).status())
                .isEqualTo(404);
        assertThat(bob.client().get("/api/admin/users").code()).isEqualTo("FORBIDDEN");
        assertThat(admin.client().get("/api/auth/sessions").status()).isEqualTo(200);
    }

    @Test
    void idleSessionExpires() {
        server.clock().advance(Duration.ofMinutes(31));
        var r = admin.client().get("/api/admin/users");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("SESSION_EXPIRED");
    }

    @Test
    void absoluteTimeoutEndsAnActiveSession() {
        // Active every 20 minutes (never idle), the session still ends 12 hours after sign-in.
        for (int i = 0; i < 35; i++) {
            server.clock().advance(Duration.ofMinutes(20));
            assertThat(admin.client().get("/api/auth/sessions").status()).isEqualTo(200);
        }
        server.clock().advance(Duration.ofMinutes(21));
        assertThat(admin.client().get("/api/auth/sessions").code()).isEqualTo("SESSION_EXPIRED");
    }

    @Test
    void disablingAnAccountEndsItsSessionsAndBlocksLogin() {
        Account bob = server.createAgent(admin, "bob@example.com", "Bob");
        var r = admin.client().patch("/api/admin/users/" + bob.id(), Map.of("disabled", true));
        assertThat(r.json().get("disabled").asBoolean()).isTrue();
        assertThat(bob.client().get("/api/auth/sessions").status()).isEqualTo(401);
        assertThat(login(server.client(), bob.email(), bob.password()).code()).isEqualTo("INVALID_CREDENTIALS");
    }

    @Test
    void roleChangeIsAuditedAndLastAdminIsKept() {
        Account bob = server.createAgent(admin, "bob@example.com", "Bob");
        assertThat(admin.client()
                        .patch("/api/admin/users/" + bob.id(), Map.of("role", "ADMIN"))
                        .json()
                        .get("role")
                        .asText())
                .isEqualTo("ADMIN");
        assertThat(admin.client()
                        .patch("/api/admin/users/" + bob.id(), Map.of("role", "AGENT"))
                        .status())
                .isEqualTo(200);
        var last = admin.client().patch("/api/admin/users/" + admin.id(), Map.of("role", "AGENT"));
        assertThat(last.status()).isEqualTo(409);
        assertThat(last.code()).isEqualTo("LAST_ADMIN");
        assertThat(admin.client()
                        .get("/api/admin/audit?type=ROLE_CHANGED")
                        .json()
                        .get("items"))
                .hasSize(2);
    }

    @Test
    void resetSecondFactorForcesEnrolmentAtNextLogin() {
        Account bob = server.createAgent(admin, "bob@example.com", "Bob");
        var r = admin.client().post("/api/admin/users/" + bob.id() + "/reset-second-factor", null);
        assertThat(r.json().get("secondFactor").isNull()).isTrue();
        assertThat(bob.client().get("/api/auth/sessions").status()).isEqualTo(401);
        ApiClient c = server.client();
        assertThat(login(c, bob.email(), bob.password()).json().get("stage").asText())
                .isEqualTo("ENROL");
        assertThat(c.get("/api/auth/sessions").status()).isEqualTo(403);
        server.enrol(c);
        assertThat(c.get("/api/auth/sessions").status()).isEqualTo(200);
    }

    @Test
    void stateChangingRequestWithoutCsrfTokenIsRejected() {
        ApiClient c = admin.client();
        String token = c.csrf();
        c.csrf(null);
        var r = c.put("/api/admin/settings", Map.of("organizationName", "Evil Corp"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("CSRF_REJECTED");
        c.csrf("wrong-" + token);
        assertThat(c.put("/api/admin/settings", Map.of("organizationName", "Evil Corp"))
                        .code())
                .isEqualTo("CSRF_REJECTED");
        c.csrf(token);
        var crossSite = c.send(
                "PUT",
                "/api/admin/settings",
                Map.of("organizationName", "Evil Corp"),
                Map.of("Origin", "https://evil.example"));
        assertThat(crossSite.code()).isEqualTo("CSRF_REJECTED");
        assertThat(c.get("/api/admin/settings").json().get("organizationName").asText())
                .isEqualTo("Romotica");
        assertThat(c.put("/api/admin/settings", Map.of("organizationName", "Acme"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aFullSessionCannotReplaceItsSecondFactor() {
        var r = admin.client().post("/api/auth/totp/enrol", null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("FORBIDDEN");
    }

    @Test
    void pollingWhoAmIDoesNotKeepAnIdleSessionAlive() {
        for (int i = 0; i < 3; i++) {
            server.clock().advance(Duration.ofMinutes(9));
            assertThat(admin.client()
                            .get("/api/auth/me")
                            .json()
                            .get("authenticated")
                            .asBoolean())
                    .isTrue();
        }
        server.clock().advance(Duration.ofMinutes(4)); // 31 minutes without a real request
        assertThat(admin.client()
                        .get("/api/auth/me")
                        .json()
                        .get("authenticated")
                        .asBoolean())
                .isFalse();
        assertThat(admin.client().get("/api/admin/users").code()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void trustedProxyForwardedAddressIsTheClientAddress() throws Exception {
        try (TestServer behindProxy =
                TestServer.builder().set("http.trusted.proxies", "127.0.0.1").start()) {
            Account a = behindProxy.setupAdmin();
            behindProxy
                    .client()
                    .send(
                            "POST",
                            "/api/auth/login",
                            Map.of("email", "z@example.com", "password", "wrong password"),
                            Map.of("X-Forwarded-For", "203.0.113.77"));
            var row = a.client()
                    .get("/api/admin/audit?type=LOGIN_FAILED")
                    .json()
                    .get("items")
                    .get(0);
            assertThat(row.get("ip").asText()).isEqualTo("203.0.113.77");
        }
        login(server.client(), "z@example.com", "wrong password"); // untrusted: header ignored
        server.client()
                .send(
                        "POST",
                        "/api/auth/login",
                        Map.of("email", "z@example.com", "password", "wrong password"),
                        Map.of("X-Forwarded-For", "203.0.113.77"));
        var rows =
                admin.client().get("/api/admin/audit?type=LOGIN_FAILED").json().get("items");
        assertThat(rows.findValuesAsText("ip")).containsOnly("127.0.0.1");
    }

    @Test
    void veryLongEmailOnSignInIsJustAFailedLogin() {
        var r = login(server.client(), "a".repeat(300) + "@example.com", "wrong password");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("INVALID_CREDENTIALS");
    }

    @Test
    void logoutEndsTheSession() {
        assertThat(admin.client().post("/api/auth/logout", null).status()).isEqualTo(204);
        assertThat(admin.client()
                        .get("/api/auth/me")
                        .json()
                        .get("authenticated")
                        .asBoolean())
                .isFalse();
        assertThat(admin.client().get("/api/admin/users").status()).isEqualTo(401);
    }

    @Test
    void signInEndpointsAreRateLimitedPerAddress() throws Exception {
        try (TestServer limited =
                TestServer.builder().set("auth.rate.limit.per.minute", "5").start()) {
            int limitedCount = 0;
            for (int i = 0; i < 8; i++) {
                var r = limited.client()
                        .post("/api/auth/login", Map.of("email", "x" + i + "@example.com", "password", "irrelevant"));
                if (r.status() == 429) {
                    limitedCount++;
                }
            }
            assertThat(limitedCount).isGreaterThanOrEqualTo(3);
        }
    }
}
