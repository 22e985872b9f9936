package io.romotica.server.telegram;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.romotica.server.common.Json;
import io.romotica.server.config.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * A small client of the Telegram Bot API (https://core.telegram.org/bots/api) on {@link HttpClient}: JSON
 * requests to {@code <base>/bot<token>/<method>}, answers unwrapped from {@code {ok, result}}, failures as
 * {@link BotApiException}, and file downloads from {@code <base>/file/bot<token>/<path>}. The base URL is
 * configurable so tests run against a local server. Request URLs contain the token, so neither they nor
 * the underlying exceptions' messages are ever logged or passed on. Thread-safe; calls block (use virtual
 * threads) and give up when the calling thread is interrupted.
 */
final class BotApi implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Added to a long poll's own timeout, so the server's answer wins the race. */
    private static final Duration SLACK = Duration.ofSeconds(10);

    private final String base;
    private final Secret token;
    private final HttpClient http;

    BotApi(String baseUrl, Secret token) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Calls {@code method} with {@code params}; the {@code result} on success. */
    JsonNode call(String method, ObjectNode params) throws BotApiException, InterruptedException {
        return call(method, params, Duration.ZERO);
    }

    /** As {@link #call(String, ObjectNode)} for a call that may take {@code serverWait} (a long poll). */
    JsonNode call(String method, ObjectNode params, Duration serverWait) throws BotApiException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/bot" + token.value() + "/" + method))
                .timeout(serverWait.plus(SLACK))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        Json.encode(params == null ? Json.MAPPER.createObjectNode() : params)))
                .build();
        return answer(method, send(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** A file to upload with a send method: the form field that names it ({@code photo}, {@code voice}…). */
    record Upload(String field, String fileName, String contentType, byte[] bytes) {}

    /**
     * Calls {@code method} as multipart/form-data (how the Bot API takes new files): each parameter a text part
     * (objects such as {@code reply_markup} JSON-serialized), then {@code upload} as a file part.
     */
    JsonNode upload(String method, ObjectNode params, Upload upload) throws BotApiException, InterruptedException {
        String boundary = "romotica-" + java.util.UUID.randomUUID();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(upload.bytes().length + 1024);
        params.properties().forEach(e -> {
            String value = e.getValue().isValueNode() ? e.getValue().asText() : Json.encode(e.getValue());
            part(body, boundary, "form-data; name=\"" + e.getKey() + "\"", null, value.getBytes(UTF_8));
        });
        part(
                body,
                boundary,
                "form-data; name=\"" + upload.field() + "\"; filename=\"" + quoted(upload.fileName()) + "\"",
                upload.contentType(),
                upload.bytes());
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/bot" + token.value() + "/" + method))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        return answer(method, send(request, HttpResponse.BodyHandlers.ofString()));
    }

    private static void part(
            java.io.ByteArrayOutputStream out, String boundary, String disposition, String type, byte[] content) {
        StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n");
        head.append("Content-Disposition: ").append(disposition).append("\r\n");
        if (type != null) {
            head.append("Content-Type: ").append(type).append("\r\n");
        }
        out.writeBytes(head.append("\r\n").toString().getBytes(UTF_8));
        out.writeBytes(content);
        out.writeBytes("\r\n".getBytes(UTF_8));
    }

    /** A file name fit for a quoted header parameter: no quotes, backslashes or line breaks (RFC 7578 §4.2). */
    static String quoted(String fileName) {
        String clean = fileName.replaceAll("[\"\\\\\\r\\n]", "_");
        return clean.isBlank() ? "file" : clean;
    }

    private static JsonNode answer(String method, HttpResponse<String> response) throws BotApiException {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new BotApiException(0, method + ": answer is not JSON (HTTP " + response.statusCode() + ")", null);
        }
        if (body == null || !body.path("ok").asBoolean(false)) {
            int code = body == null
                    ? response.statusCode()
                    : body.path("error_code").asInt(response.statusCode());
            String description = body == null ? "" : body.path("description").asText("");
            JsonNode retry = body == null ? null : body.path("parameters").get("retry_after");
            throw new BotApiException(
                    code, method + ": " + description, retry == null ? null : Duration.ofSeconds(retry.asLong()));
        }
        return body.path("result");
    }

    /** Opens a file Telegram holds ({@code file_path} from {@code getFile}); at most {@code maxBytes}. */
    byte[] download(String filePath, long maxBytes) throws BotApiException, InterruptedException {
        if (filePath.contains("..") || filePath.startsWith("/")) {
            throw new BotApiException(400, "getFile: unexpected file path", null);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/file/bot" + token.value() + "/" + filePath))
                .timeout(Duration.ofMinutes(2))
                .GET()
                .build();
        HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new BotApiException(response.statusCode(), "file download failed", null);
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new BotApiException(413, "file is larger than " + maxBytes + " bytes", null);
            }
            return bytes;
        } catch (IOException e) {
            throw new BotApiException(
                    0, "file download interrupted: " + e.getClass().getSimpleName(), null);
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws BotApiException, InterruptedException {
        Future<HttpResponse<T>> pending = http.sendAsync(request, handler);
        try {
            return pending.get();
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (ExecutionException | CancellationException e) {
            // The cause's message may name the URL (and so the token): only its kind is kept.
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new BotApiException(
                    0, "Telegram unreachable (" + cause.getClass().getSimpleName() + ")", null);
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
