package io.romotica.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.common.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client of the realtime fallback's event stream ({@code GET /api/rt/events}), parsing server-sent events
 * the way a browser's {@code EventSource} does: each unnamed event's data is a frame, queued as JSON; events
 * named {@code heartbeat} are counted. {@link #ended} completes when the server ends the stream. Thread-safe.
 */
public final class EventStreamProbe implements AutoCloseable {
    /** Where the stream was refused: the HTTP status and the error code of the answer. */
    public record Refusal(int status, String code) {}

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final InputStream body;
    private final HttpResponse<InputStream> response;
    public final CompletableFuture<Void> ended = new CompletableFuture<>();

    private EventStreamProbe(HttpResponse<InputStream> response) {
        this.response = response;
        this.body = response.body();
        Thread.ofVirtual().name("event-stream-probe").start(this::read);
    }

    /** Opens the stream with a session cookie (agents; {@code client} may be null) and more headers. */
    public static EventStreamProbe open(
            TestServer server, ApiClient client, String query, Map<String, String> headers) {
        HttpResponse<InputStream> r = request(server, client, query, headers, true);
        if (r.statusCode() != 200) {
            throw new AssertionError("event stream refused: " + r.statusCode() + " " + readAll(r.body()));
        }
        return new EventStreamProbe(r);
    }

    /** Opens the stream as the visitor holding {@code visitorToken}, through a one-time ticket as browsers do. */
    public static EventStreamProbe openAsVisitor(TestServer server, String visitorToken) {
        return open(server, null, "?ticket=" + ticket(server, visitorToken), Map.of());
    }

    /** A fresh stream ticket for a visitor. */
    public static String ticket(TestServer server, String visitorToken) {
        var r = server.client().send("POST", "/api/rt/tickets", null, Map.of("X-Visitor-Token", visitorToken));
        if (r.status() != 200) {
            throw new AssertionError("no ticket: " + r.status() + " " + r.body());
        }
        return r.json().get("ticket").asText();
    }

    /** Tries to open a stream that the server must refuse; fails if it opens. */
    public static Refusal refusal(TestServer server, ApiClient client, String query, Map<String, String> headers) {
        return refusal(server, client, query, headers, true);
    }

    /** As {@link #refusal(TestServer, ApiClient, String, Map)}, optionally without the Accept header. */
    public static Refusal refusal(
            TestServer server, ApiClient client, String query, Map<String, String> headers, boolean accept) {
        HttpResponse<InputStream> r = request(server, client, query, headers, accept);
        if (r.statusCode() == 200) {
            try {
                r.body().close();
            } catch (IOException e) {
                // closing anyway
            }
            throw new AssertionError("the event stream was opened");
        }
        String text = readAll(r.body());
        String code;
        try {
            code = Json.MAPPER.readTree(text).path("code").asText(null);
        } catch (IOException e) {
            code = null;
        }
        return new Refusal(r.statusCode(), code);
    }

    private static HttpResponse<InputStream> request(
            TestServer server, ApiClient client, String query, Map<String, String> headers, boolean accept) {
        Map<String, String> all = new HashMap<>(headers);
        if (accept) {
            all.putIfAbsent("Accept", "text/event-stream");
        }
        if (client != null && client.sessionCookie() != null) {
            all.put("Cookie", "__Host-romotica_session=" + client.sessionCookie());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/rt/events" + query))
                .GET();
        all.forEach(b::header);
        try {
            return HttpClient.newBuilder()
                    .sslContext(server.ssl())
                    .connectTimeout(Duration.ofSeconds(10))
                    .build()
                    .send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** A response header of the stream. */
    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String event = null;
            StringBuilder data = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null && (event == null || event.equals("message"))) {
                        frames.add(Json.MAPPER.readTree(data.toString()));
                    }
                    event = null;
                    data = null;
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    String value = line.substring(5);
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    data = data == null
                            ? new StringBuilder(value)
                            : data.append('\n').append(value);
                }
                // other lines (comments ":…", id:, retry:) carry no frame
            }
            ended.complete(null);
        } catch (IOException e) {
            ended.completeExceptionally(e);
        }
    }

    /** The next frame matching {@code match}, skipping others; fails after {@code timeout}. */
    public JsonNode next(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode f = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
            if (f == null) {
                throw new AssertionError("no matching frame within " + timeout);
            }
            if (match.test(f)) {
                return f;
            }
        }
    }

    public JsonNode next(String type) throws InterruptedException {
        return next(f -> f.path("type").asText().equals(type), Duration.ofSeconds(10));
    }

    /** The very next frame, whatever its type. */
    public JsonNode next() throws InterruptedException {
        return next(f -> true, Duration.ofSeconds(10));
    }

    /** Closes the stream from the client's side (as a browser leaving or losing the network). */
    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
