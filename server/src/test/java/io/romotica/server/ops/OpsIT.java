package io.romotica.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.TestEnvironment;
import io.romotica.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Health and metrics as an operator sees them. */
class OpsIT {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void liveAndReadyReportUp() {
        assertThat(server.client().get("/health/live").json().get("status").asText())
                .isEqualTo("UP");
        var ready = server.client().get("/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().at("/checks/database/up").asBoolean()).isTrue();
        assertThat(ready.json().at("/checks/disk/up").asBoolean()).isTrue();
        assertThat(ready.json().at("/checks/redis").isMissingNode()).isEqualTo(!TestEnvironment.clusterMode());
    }

    @Test
    void readyReportsDownWhenTheDiskIsTooFull() throws Exception {
        try (TestServer tight = TestServer.builder()
                .set("health.min.free.disk.bytes", Long.toString(Long.MAX_VALUE))
                .start()) {
            var ready = tight.client().get("/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("status").asText()).isEqualTo("DOWN");
            assertThat(ready.json().at("/checks/disk/up").asBoolean()).isFalse();
        }
    }

    @Test
    void metricsCoverHttpJvmPoolAndLoginFailures() {
        server.client().post("/api/auth/login", Map.of("email", "who@example.com", "password", "wrong password"));
        String m = server.client().get("/metrics").body();
        assertThat(m)
                .contains("http_server_requests_seconds_count{method=\"POST\",status=\"401\",uri=\"/api/auth/login\"}");
        assertThat(m).contains("romotica_login_failures_total{reason=\"password\"}");
        assertThat(m).contains("jvm_memory_used_bytes");
        assertThat(m).contains("hikaricp_connections_active");
        assertThat(m).contains("romotica_websocket_connections");
    }

    @Test
    void metricsNeedTheTokenWhenOneIsSet() throws Exception {
        try (TestServer guarded =
                TestServer.builder().set("metrics.token", "s3cret-token").start()) {
            assertThat(guarded.client().get("/metrics").status()).isEqualTo(403);
            var r = guarded.client().send("GET", "/metrics", null, Map.of("Authorization", "Bearer s3cret-token"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).contains("jvm_threads_live_threads");
        }
    }
}
