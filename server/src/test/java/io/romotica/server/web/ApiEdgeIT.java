package io.romotica.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP edge: bad input gets {code, message}, never a 500; headers; unknown paths; OpenAPI. */
class ApiEdgeIT {
    private static TestServer server;
    private static Account admin;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder().set("http.max.body.bytes", "4096").start();
        admin = server.setupAdmin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "broken JSON            | {\"email\": \"a@b.c\",            | INVALID_INPUT",
                "not an object          | [1, 2, 3]                        | INVALID_INPUT",
                "wrong type             | {\"email\": 5, \"role\": \"AGENT\"} | INVALID_INPUT",
                "unknown field          | {\"email\": \"a@example.com\", \"role\": \"AGENT\", \"admin\": true} | INVALID_INPUT",
                "bad enum               | {\"email\": \"a@example.com\", \"role\": \"ROOT\"} | INVALID_INPUT",
                "missing field          | {\"role\": \"AGENT\"}               | INVALID_INPUT",
                "not an e-mail          | {\"email\": \"nobody\", \"role\": \"AGENT\"} | INVALID_INPUT",
                "empty body             | ``                               | INVALID_INPUT",
                "null body              | null                             | INVALID_INPUT",
                "trailing garbage       | {\"email\": \"a@example.com\", \"role\": \"AGENT\"} x | INVALID_INPUT",
            })
    void badInputGetsAStableCode(String name, String body, String code) {
        var r = admin.client().send("POST", "/api/admin/invites", body, Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.code()).isEqualTo(code);
        assertThat(r.json().get("message").asText()).isNotBlank();
    }

    @Test
    void oversizeBodyIs413WithCode() {
        var r = admin.client()
                .post(
                        "/api/admin/invites",
                        Map.of("email", "a@example.com", "name", "x".repeat(10_000), "role", "AGENT"));
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.code()).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @Test
    void unknownApiPathIs404Json() {
        var r = server.client().get("/api/does/not/exist");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.code()).isEqualTo("NOT_FOUND");
        assertThat(r.json().get("message").asText()).isNotBlank();
    }

    @Test
    void wrongMethodOnApiPathGetsACode() {
        var r = admin.client().send("DELETE", "/api/auth/me", null, Map.of());
        assertThat(r.status()).isIn(404, 405);
        assertThat(r.code()).isIn("NOT_FOUND", "METHOD_NOT_ALLOWED");
    }

    @Test
    void everyResponseCarriesSecurityHeaders() {
        for (String path : new String[] {"/", "/api/auth/me", "/api/nope", "/health/live", "/console/chats"}) {
            var h = server.client().get(path).headers();
            assertThat(h.firstValue("Content-Security-Policy").orElseThrow())
                    .contains("script-src 'self'")
                    .contains("frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline");
            assertThat(h.firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(h.firstValue("Referrer-Policy")).contains("no-referrer");
            assertThat(h.firstValue("Strict-Transport-Security").orElseThrow()).contains("max-age=");
        }
    }

    @Test
    void onlyTheChatPageMayBeFramedAndOnlyTheWidgetScriptLoadsCrossOrigin() {
        var chat = server.client().get("/chat").headers();
        assertThat(chat.firstValue("Content-Security-Policy").orElseThrow()).endsWith("frame-ancestors *");
        assertThat(chat.firstValue("X-Frame-Options")).isEmpty();
        var console = server.client().get("/console/chats").headers();
        assertThat(console.firstValue("Content-Security-Policy").orElseThrow()).contains("frame-ancestors 'none'");
        assertThat(console.firstValue("X-Frame-Options")).contains("DENY");
        assertThat(server.client().get("/widget.js").headers().firstValue("Cross-Origin-Resource-Policy"))
                .contains("cross-origin");
        assertThat(console.firstValue("Cross-Origin-Resource-Policy")).contains("same-origin");
    }

    @Test
    void uiPathsServeTheSinglePage() {
        for (String path : new String[] {"/", "/login", "/setup", "/invite", "/console/admin"}) {
            var r = server.client().get(path);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        }
    }

    @Test
    void openApiDocumentListsEveryRoute() {
        JsonNode doc = server.client().get("/api/openapi.json").json();
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        JsonNode paths = doc.get("paths");
        assertThat(paths.has("/api/auth/login")).isTrue();
        assertThat(paths.get("/api/auth/login").has("post")).isTrue();
        assertThat(paths.get("/api/admin/users/{id}").has("patch")).isTrue();
        assertThat(paths.has("/health/ready")).isTrue();
        assertThat(doc.at("/components/schemas/LoginRequest/properties").has("email"))
                .isTrue();
        // Every documented operation answers something other than 404 (they exist).
        paths.fields()
                .forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(method -> {
                    if (method.equals("get") && !p.getKey().contains("{")) {
                        int status = admin.client().get(p.getKey()).status();
                        assertThat(status).as(p.getKey()).isNotEqualTo(404).isLessThan(500);
                    }
                }));
    }

    @Test
    void tlsIsModernOnly() throws Exception {
        ApiClient c = server.client();
        assertThat(c.get("/health/live").status()).isEqualTo(200);
        try (var socket =
                (javax.net.ssl.SSLSocket) server.ssl().getSocketFactory().createSocket("localhost", server.port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(socket.getSession().getCipherSuite()).isEqualTo("TLS_AES_256_GCM_SHA384");
        }
        try (var socket =
                (javax.net.ssl.SSLSocket) server.ssl().getSocketFactory().createSocket("localhost", server.port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
            org.assertj.core.api.Assertions.assertThatThrownBy(socket::startHandshake)
                    .isInstanceOf(java.io.IOException.class);
        }
    }
}
