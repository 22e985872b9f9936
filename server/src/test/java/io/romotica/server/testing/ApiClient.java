package io.romotica.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.romotica.server.common.Json;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * A browser-like API client for tests: its own cookie jar, the server's certificate trusted (nothing else),
 * and the latest CSRF token sent back on state-changing requests, as the web UI does.
 */
public final class ApiClient {
    /** One HTTP answer; {@code json} is MissingNode when the body is not JSON. */
    public record Response(int status, String body, JsonNode json, HttpHeaders headers) {
        public String code() {
            return json.path("code").asText(null);
        }
    }

    private final String baseUrl;
    private final SSLContext ssl;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private String csrf;

    public ApiClient(String baseUrl, SSLContext ssl) {
        this.baseUrl = baseUrl;
        this.ssl = ssl;
        this.http = HttpClient.newBuilder()
                .sslContext(ssl)
                .cookieHandler(cookies)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    public String csrf() {
        return csrf;
    }

    public void csrf(String token) {
        this.csrf = token;
    }

    public Response get(String path) {
        return send("GET", path, null, Map.of());
    }

    public Response post(String path, Object body) {
        return send("POST", path, body, Map.of());
    }

    public Response put(String path, Object body) {
        return send("PUT", path, body, Map.of());
    }

    public Response patch(String path, Object body) {
        return send("PATCH", path, body, Map.of());
    }

    public Response delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    /** {@code body}: null (no body), a String (sent as is) or an object (sent as JSON). */
    public Response send(String method, String path, Object body, Map<String, String> headers) {
        String text = body == null ? null : body instanceof String s ? s : Json.encode(body);
        Map<String, String> all = new java.util.LinkedHashMap<>();
        if (text != null) {
            all.put("Content-Type", "application/json");
        }
        all.putAll(headers);
        HttpResponse<String> r = exchange(
                method,
                path,
                text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text),
                all,
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = MissingNode.getInstance();
        String ct = r.headers().firstValue("Content-Type").orElse("");
        if (ct.startsWith("application/json") && !r.body().isEmpty()) {
            try {
                json = Json.MAPPER.readTree(r.body());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (json.hasNonNull("csrfToken")) {
                csrf = json.get("csrfToken").asText();
            }
        }
        return new Response(r.statusCode(), r.body(), json, r.headers());
    }

    /** POSTs raw bytes (an upload); the answer is read like any other. */
    public Response upload(String path, byte[] bytes, Map<String, String> headers) {
        return upload("POST", path, bytes, headers);
    }

    /** Sends raw bytes with {@code method}; the answer is read like any other. */
    public Response upload(String method, String path, byte[] bytes, Map<String, String> headers) {
        HttpResponse<String> r = exchange(
                method,
                path,
                HttpRequest.BodyPublishers.ofByteArray(bytes),
                headers,
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = MissingNode.getInstance();
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            json = Json.decode(r.body(), JsonNode.class);
        }
        return new Response(r.statusCode(), r.body(), json, r.headers());
    }

    /** GETs raw bytes (a download). */
    public HttpResponse<byte[]> download(String path, Map<String, String> headers) {
        return exchange(
                "GET", path, HttpRequest.BodyPublishers.noBody(), headers, HttpResponse.BodyHandlers.ofByteArray());
    }

    private <T> HttpResponse<T> exchange(
            String method,
            String path,
            HttpRequest.BodyPublisher body,
            Map<String, String> headers,
            HttpResponse.BodyHandler<T> handler) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        b.method(method, body);
        if (csrf != null && !method.equals("GET")) {
            b.header("X-CSRF-Token", csrf);
        }
        headers.forEach(b::header);
        try {
            return http.send(b.build(), handler);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The session cookie's value, for WebSocket handshakes and browser tests. */
    public String sessionCookie() {
        return cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals("__Host-romotica_session"))
                .map(java.net.HttpCookie::getValue)
                .findFirst()
                .orElse(null);
    }

    /**
     * Opens {@code /ws} as the visitor holding {@code visitorToken} (sent in {@code X-Visitor-Token}, as
     * non-browser clients do); frames go to {@code listener}.
     */
    public WebSocket openVisitorSocket(WebSocket.Listener listener, String visitorToken) {
        return HttpClient.newBuilder()
                .sslContext(ssl)
                .build()
                .newWebSocketBuilder()
                .header("X-Visitor-Token", visitorToken)
                .buildAsync(URI.create(baseUrl.replace("https://", "wss://") + "/ws"), listener)
                .join();
    }

    /** Opens {@code /ws} with a one-time ticket from {@code POST /api/rt/tickets}, as browsers do. */
    public WebSocket openTicketSocket(WebSocket.Listener listener, String ticket) {
        return HttpClient.newBuilder()
                .sslContext(ssl)
                .build()
                .newWebSocketBuilder()
                .buildAsync(
                        URI.create(baseUrl.replace("https://", "wss://") + "/ws?ticket="
                                + java.net.URLEncoder.encode(ticket, java.nio.charset.StandardCharsets.UTF_8)),
                        listener)
                .join();
    }

    /** Opens {@code /ws} with this client's session cookie; frames go to {@code listener}. */
    public WebSocket openSocket(WebSocket.Listener listener, String origin) {
        WebSocket.Builder b = HttpClient.newBuilder().sslContext(ssl).build().newWebSocketBuilder();
        String cookie = sessionCookie();
        if (cookie != null) {
            b.header("Cookie", "__Host-romotica_session=" + cookie);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b.buildAsync(URI.create(baseUrl.replace("https://", "wss://") + "/ws"), listener)
                .join();
    }
}
