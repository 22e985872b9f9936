package io.romotica.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit log through the admin API, on the real database: browse, filter, export, verify, tamper. */
class AuditIT {
    private TestServer server;
    private Account admin;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
        admin = server.setupAdmin();
        admin.client().post("/api/admin/invites", Map.of("email", "x@example.com", "role", "AGENT"));
        admin.client().put("/api/admin/settings", Map.of("organizationName", "Acme, \"Inc\""));
        server.client().post("/api/auth/login", Map.of("email", "ada@example.com", "password", "wrong password"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void securityEventsAreRecordedNewestFirst() {
        var items = admin.client().get("/api/admin/audit").json().get("items");
        assertThat(items.findValuesAsText("type"))
                .containsSubsequence(
                        "LOGIN_FAILED",
                        "SETTING_CHANGED",
                        "INVITE_CREATED",
                        "LOGIN_OK",
                        "SECOND_FACTOR_ENROLLED",
                        "SETUP_COMPLETED");
        assertThat(items.get(0).get("ip").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void filtersByTypeActorAndPage() {
        var byType = admin.client()
                .get("/api/admin/audit?type=INVITE_CREATED")
                .json()
                .get("items");
        assertThat(byType).hasSize(1);
        assertThat(byType.get(0).get("target").asText()).isEqualTo("x@example.com");
        var byActor = admin.client().get("/api/admin/audit?actor=ada").json().get("items");
        assertThat(byActor.findValuesAsText("actorName")).allMatch(n -> n.equals("Ada Admin"));
        var page1 = admin.client().get("/api/admin/audit?limit=2").json();
        assertThat(page1.get("items")).hasSize(2);
        long next = page1.get("nextBefore").asLong();
        var page2 =
                admin.client().get("/api/admin/audit?limit=2&before=" + next).json();
        assertThat(page2.get("items").get(0).get("id").asLong()).isLessThan(next);
        assertThat(admin.client().get("/api/admin/audit?type=NOT_A_TYPE").code())
                .isEqualTo("INVALID_INPUT");
        assertThat(admin.client().get("/api/admin/audit?from=yesterday").code()).isEqualTo("INVALID_INPUT");
    }

    @Test
    void csvExportQuotesAndDefusesFormulas() {
        admin.client().post("/api/admin/invites", Map.of("email", "y@example.com", "name", "=cmd()", "role", "AGENT"));
        var r = admin.client().get("/api/admin/audit/export.csv");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition").orElseThrow()).contains("attachment");
        assertThat(r.body().lines().findFirst().orElseThrow()).startsWith("id,at,type,");
        assertThat(r.body()).contains("\"Romotica -> Acme, \"\"Inc\"\"\"");
    }

    @Test
    void chainVerifiesUntilARowIsTampered() {
        var ok = admin.client().post("/api/admin/audit/verify", null).json();
        assertThat(ok.get("ok").asBoolean()).isTrue();
        assertThat(ok.get("checked").asLong()).isGreaterThanOrEqualTo(6);

        long victim = admin.client()
                .get("/api/admin/audit?type=INVITE_CREATED")
                .json()
                .get("items")
                .get(0)
                .get("id")
                .asLong();
        server.node()
                .database()
                .jdbi()
                .useHandle(h -> h.createUpdate("update audit_log set details = 'role ADMIN' where id = :id")
                        .bind("id", victim)
                        .execute());
        var broken = admin.client().post("/api/admin/audit/verify", null).json();
        assertThat(broken.get("ok").asBoolean()).isFalse();
        assertThat(broken.get("firstBrokenId").asLong()).isEqualTo(victim);
    }

    @Test
    void deletedRowBreaksTheChain() {
        server.node()
                .database()
                .jdbi()
                .useHandle(h ->
                        h.createUpdate("delete from audit_log where id = 2").execute());
        var broken = admin.client().post("/api/admin/audit/verify", null).json();
        assertThat(broken.get("ok").asBoolean()).isFalse();
        assertThat(broken.get("firstBrokenId").asLong()).isEqualTo(2);
    }

    @Test
    void agentsCannotReadTheAuditLog() {
        Account bob = server.createAgent(admin, "bob@example.com", "Bob");
        assertThat(bob.client().get("/api/admin/audit").code()).isEqualTo("FORBIDDEN");
        assertThat(server.client().get("/api/admin/audit").code()).isEqualTo("UNAUTHENTICATED");
    }
}
