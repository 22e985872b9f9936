package io.romotica.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP server that answers like the Telegram Bot API as publicly documented
 * (https://core.telegram.org/bots/api): {@code getMe}, {@code getUpdates} with {@code offset} and
 * {@code timeout} (long poll), {@code sendMessage} (with {@code parse_mode}, {@code reply_to_message_id},
 * {@code reply_parameters}, {@code reply_markup}), {@code sendPhoto}, {@code sendVoice}, {@code sendDocument},
 * {@code getFile} and the file download at {@code /file/bot<token>/<path>}, {@code setWebhook} (with
 * {@code secret_token}), {@code deleteWebhook}, {@code answerCallbackQuery}, and error bodies
 * {@code {ok:false, error_code, description, parameters:{retry_after}}}. Parameters come as JSON, form,
 * query string or multipart/form-data (how the public Bot API takes uploaded files: a part with a file name
 * becomes a stored file whose id the recorded parameter holds, retrievable with {@link #file}). Test hooks
 * inject updates (messages, contacts, media, button presses), take it down (connections closed without an
 * answer) and up, and answer the next sends with 429. Thread-safe.
 */
public final class FakeTelegram implements AutoCloseable {
    public static final String TOKEN = "123456789:AAtest-token_for-the-fake-bot";
    public static final String BOT_USERNAME = "romotica_test_bot";
    private static final long BOT_ID = 123456789L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One call the bot made to a send method, with its parameters and the message id it was given. */
    public record Sent(String method, long chatId, JsonNode params, long messageId) {
        public String text() {
            return params.path("text").asText(params.path("caption").asText(""));
        }

        /** The message this one answers, from {@code reply_parameters} or {@code reply_to_message_id}. */
        public long replyTo() {
            return params.path("reply_parameters")
                    .path("message_id")
                    .asLong(params.path("reply_to_message_id").asLong(0));
        }
    }

    private final HttpServer server;
    private final Object lock = new Object();
    private final List<ObjectNode> updates = new ArrayList<>();
    private final List<Sent> sent = new ArrayList<>();
    private final List<String> calls = new ArrayList<>();
    private final List<JsonNode> callbackAnswers = new ArrayList<>();
    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, String> filePaths = new HashMap<>();
    private final Map<Long, AtomicInteger> messageIds = new HashMap<>();
    private long nextUpdateId = 1000;
    private boolean down;
    private int tooManyLeft;
    private int retryAfterSeconds;
    private String webhookUrl = "";
    private String webhookSecret;

    private FakeTelegram(HttpServer server) {
        this.server = server;
    }

    public static FakeTelegram start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        FakeTelegram fake = new FakeTelegram(server);
        server.createContext("/", fake::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return fake;
    }

    /** The base URL to configure as {@code telegram.api.url}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    // ---- test hooks ----------------------------------------------------------------------------------

    /** While down, every request's connection is closed without an answer, as if Telegram were unreachable. */
    public void down() {
        synchronized (lock) {
            down = true;
        }
    }

    public void up() {
        synchronized (lock) {
            down = false;
            lock.notifyAll();
        }
    }

    /** The next {@code count} send calls answer 429 Too Many Requests with {@code retry_after}. */
    public void tooManyRequests(int count, int retryAfter) {
        synchronized (lock) {
            tooManyLeft = count;
            retryAfterSeconds = retryAfter;
        }
    }

    /** Queues an update (its {@code update_id} is assigned); returns the id. */
    public long inject(ObjectNode update) {
        synchronized (lock) {
            long id = nextUpdateId++;
            update.put("update_id", id);
            updates.add(update);
            lock.notifyAll();
            return id;
        }
    }

    /** Queues a text message from a private chat; {@code replyTo} 0 for none. Returns the update. */
    public ObjectNode message(long chatId, String text, long replyTo) {
        ObjectNode update = JSON.createObjectNode();
        ObjectNode message = messageIn(chatId, replyTo);
        message.put("text", text);
        if (text.startsWith("/")) {
            int end = text.indexOf(' ') < 0 ? text.length() : text.indexOf(' ');
            message.putArray("entities")
                    .addObject()
                    .put("type", "bot_command")
                    .put("offset", 0)
                    .put("length", end);
        }
        update.set("message", message);
        inject(update);
        return update;
    }

    /** Queues a contact the user shared; {@code ownContact} sets its {@code user_id} to the sender's. */
    public ObjectNode contact(long chatId, String phone, boolean ownContact) {
        ObjectNode update = JSON.createObjectNode();
        ObjectNode message = messageIn(chatId, 0);
        message.putObject("contact")
                .put("phone_number", phone)
                .put("first_name", "Vera")
                .put("user_id", ownContact ? chatId : chatId + 1);
        update.set("message", message);
        inject(update);
        return update;
    }

    /**
     * Queues a press on an inline keyboard button with {@code data} under the bot's message {@code messageId}
     * in {@code chatId}; returns the callback query's id.
     */
    public String buttonPress(long chatId, long messageId, String data) {
        ObjectNode update = JSON.createObjectNode();
        String id = "cq" + chatId + "x" + messageId + "x" + Math.abs(data.hashCode());
        ObjectNode query = update.putObject("callback_query");
        query.put("id", id);
        query.putObject("from")
                .put("id", chatId)
                .put("is_bot", false)
                .put("first_name", "Agent")
                .put("username", "user" + chatId);
        query.put("chat_instance", "ci" + chatId);
        query.put("data", data);
        ObjectNode message = query.putObject("message");
        message.put("message_id", messageId);
        message.put("date", System.currentTimeMillis() / 1000);
        message.putObject("chat").put("id", chatId).put("type", "private").put("first_name", "Agent");
        message.putObject("from").put("id", BOT_ID).put("is_bot", true).put("username", BOT_USERNAME);
        inject(update);
        return id;
    }

    /**
     * Queues a media message replying to {@code replyTo}: {@code kind} photo, voice or document, with bytes
     * retrievable through getFile.
     */
    public ObjectNode media(long chatId, long replyTo, String kind, byte[] bytes, String fileName, String mimeType) {
        String fileId = addFile(bytes, kind + "s/file_" + files.size() + "_" + fileName);
        ObjectNode update = JSON.createObjectNode();
        ObjectNode message = messageIn(chatId, replyTo);
        switch (kind) {
            case "photo" -> {
                ArrayNode sizes = message.putArray("photo");
                sizes.addObject()
                        .put("file_id", fileId)
                        .put("file_unique_id", "u" + fileId)
                        .put("width", 90)
                        .put("height", 90)
                        .put("file_size", bytes.length);
            }
            case "voice" ->
                message.putObject("voice")
                        .put("file_id", fileId)
                        .put("file_unique_id", "u" + fileId)
                        .put("duration", 2)
                        .put("mime_type", mimeType)
                        .put("file_size", bytes.length);
            default ->
                message.putObject("document")
                        .put("file_id", fileId)
                        .put("file_unique_id", "u" + fileId)
                        .put("file_name", fileName)
                        .put("mime_type", mimeType)
                        .put("file_size", bytes.length);
        }
        update.set("message", message);
        inject(update);
        return update;
    }

    /** Stores a file the bot can fetch with getFile; returns its file_id. */
    public String addFile(byte[] bytes, String path) {
        synchronized (lock) {
            String id = "F" + files.size() + "x" + Math.abs(path.hashCode());
            files.put(id, bytes);
            filePaths.put(id, path);
            return id;
        }
    }

    private ObjectNode messageIn(long chatId, long replyTo) {
        ObjectNode message = JSON.createObjectNode();
        message.put("message_id", nextMessageId(chatId));
        message.put("date", System.currentTimeMillis() / 1000);
        message.putObject("chat").put("id", chatId).put("type", "private").put("first_name", "Agent");
        message.putObject("from")
                .put("id", chatId)
                .put("is_bot", false)
                .put("first_name", "Agent")
                .put("username", "user" + chatId);
        if (replyTo != 0) {
            message.putObject("reply_to_message")
                    .put("message_id", replyTo)
                    .put("date", System.currentTimeMillis() / 1000)
                    .set("chat", JSON.createObjectNode().put("id", chatId).put("type", "private"));
        }
        return message;
    }

    private long nextMessageId(long chatId) {
        synchronized (lock) {
            return messageIds.computeIfAbsent(chatId, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** Every send call so far, in order. */
    public List<Sent> sent() {
        synchronized (lock) {
            return List.copyOf(sent);
        }
    }

    /** The parameters of every answerCallbackQuery call so far, in order. */
    public List<JsonNode> callbackAnswers() {
        synchronized (lock) {
            return List.copyOf(callbackAnswers);
        }
    }

    /** The bytes of a stored file (one injected with {@link #addFile} or uploaded by the bot), or null. */
    public byte[] file(String fileId) {
        synchronized (lock) {
            return files.get(fileId);
        }
    }

    /** Every method called so far (successful or not), in order. */
    public List<String> calls() {
        synchronized (lock) {
            return List.copyOf(calls);
        }
    }

    /** Waits until a send call matches; fails after {@code timeout}. */
    public Sent awaitSent(Predicate<Sent> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                for (Sent s : sent) {
                    if (match.test(s)) {
                        return s;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching call to Telegram within " + timeout + "; sent: " + sent);
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Waits until every injected update has been confirmed by a later getUpdates offset. */
    public void awaitConfirmed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!updates.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("updates not confirmed within " + timeout + ": " + updates);
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    public String webhookUrl() {
        synchronized (lock) {
            return webhookUrl;
        }
    }

    public String webhookSecret() {
        synchronized (lock) {
            return webhookSecret;
        }
    }

    // ---- the Bot API ---------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            synchronized (lock) {
                if (down) {
                    return; // closes the connection without an answer
                }
            }
            String path = ex.getRequestURI().getPath();
            String filePrefix = "/file/bot" + TOKEN + "/";
            if (path.startsWith(filePrefix)) {
                serveFile(ex, path.substring(filePrefix.length()));
                return;
            }
            String botPrefix = "/bot" + TOKEN + "/";
            if (!path.startsWith(botPrefix)) {
                error(
                        ex,
                        path.startsWith("/bot") ? 401 : 404,
                        path.startsWith("/bot") ? "Unauthorized" : "Not Found",
                        0);
                return;
            }
            String method = path.substring(botPrefix.length());
            ObjectNode params = params(ex);
            synchronized (lock) {
                calls.add(method);
            }
            switch (method) {
                case "getMe" ->
                    ok(
                            ex,
                            JSON.createObjectNode()
                                    .put("id", BOT_ID)
                                    .put("is_bot", true)
                                    .put("first_name", "Romotica")
                                    .put("username", BOT_USERNAME));
                case "getUpdates" -> getUpdates(ex, params);
                case "sendMessage", "sendPhoto", "sendVoice", "sendDocument" -> send(ex, method, params);
                case "getFile" -> getFile(ex, params);
                case "setWebhook" -> {
                    synchronized (lock) {
                        webhookUrl = params.path("url").asText("");
                        webhookSecret = params.path("secret_token").asText(null);
                    }
                    ok(ex, JSON.getNodeFactory().booleanNode(true));
                }
                case "deleteWebhook" -> {
                    synchronized (lock) {
                        webhookUrl = "";
                        webhookSecret = null;
                        if (params.path("drop_pending_updates").asBoolean(false)) {
                            updates.clear();
                        }
                    }
                    ok(ex, JSON.getNodeFactory().booleanNode(true));
                }
                case "answerCallbackQuery" -> {
                    if (params.path("callback_query_id").asText("").isEmpty()) {
                        error(
                                ex,
                                400,
                                "Bad Request: query is too old and response timeout expired or query ID is invalid",
                                0);
                        return;
                    }
                    synchronized (lock) {
                        callbackAnswers.add(params);
                        lock.notifyAll();
                    }
                    ok(ex, JSON.getNodeFactory().booleanNode(true));
                }
                default -> error(ex, 404, "Not Found", 0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void getUpdates(HttpExchange ex, ObjectNode params) throws IOException, InterruptedException {
        long offset = params.path("offset").asLong(0);
        long timeoutMs = params.path("timeout").asLong(0) * 1000;
        ArrayNode result = JSON.createArrayNode();
        synchronized (lock) {
            if (!webhookUrl.isEmpty()) {
                error(
                        ex,
                        409,
                        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
                        0);
                return;
            }
            if (offset != 0) {
                updates.removeIf(u -> u.path("update_id").asLong() < offset);
                lock.notifyAll();
            }
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (updates.isEmpty() && !down && System.currentTimeMillis() < deadline) {
                lock.wait(Math.max(1, deadline - System.currentTimeMillis()));
            }
            if (down) {
                return;
            }
            updates.stream().limit(params.path("limit").asInt(100)).forEach(result::add);
        }
        ok(ex, result);
    }

    private void send(HttpExchange ex, String method, ObjectNode params) throws IOException {
        long chatId = params.path("chat_id").asLong(0);
        if (chatId == 0) {
            error(ex, 400, "Bad Request: chat not found", 0);
            return;
        }
        if ("sendMessage".equals(method) && params.path("text").asText("").isBlank()) {
            error(ex, 400, "Bad Request: message text is empty", 0);
            return;
        }
        String media = method.equals("sendMessage") ? null : method.substring(4).toLowerCase(Locale.ROOT);
        if (media != null && params.path(media).asText("").isBlank()) {
            error(ex, 400, "Bad Request: there is no " + media + " in the request", 0);
            return;
        }
        long messageId;
        synchronized (lock) {
            if (tooManyLeft > 0) {
                tooManyLeft--;
                error(ex, 429, "Too Many Requests: retry after " + retryAfterSeconds, retryAfterSeconds);
                return;
            }
            messageId =
                    messageIds.computeIfAbsent(chatId, k -> new AtomicInteger()).incrementAndGet();
        }
        ObjectNode message = JSON.createObjectNode();
        message.put("message_id", messageId);
        message.put("date", System.currentTimeMillis() / 1000);
        message.putObject("chat").put("id", chatId).put("type", "private");
        message.putObject("from").put("id", BOT_ID).put("is_bot", true).put("username", BOT_USERNAME);
        if (params.has("text")) {
            message.put("text", params.path("text").asText());
        }
        if (params.has("caption")) {
            message.put("caption", params.path("caption").asText());
        }
        if (media != null) {
            String fileId = params.path(media).asText("");
            ObjectNode file = JSON.createObjectNode().put("file_id", fileId).put("file_unique_id", "u" + fileId);
            if (media.equals("photo")) {
                message.putArray("photo").add(file);
            } else {
                message.set(media, file);
            }
        }
        ok(ex, message);
        // Recorded once answered: a test that replies to this message must not beat the bot to its id.
        synchronized (lock) {
            sent.add(new Sent(method, chatId, params, messageId));
            lock.notifyAll();
        }
    }

    private void getFile(HttpExchange ex, ObjectNode params) throws IOException {
        String id = params.path("file_id").asText("");
        byte[] bytes;
        String path;
        synchronized (lock) {
            bytes = files.get(id);
            path = filePaths.get(id);
        }
        if (bytes == null) {
            error(ex, 400, "Bad Request: invalid file_id", 0);
            return;
        }
        ok(
                ex,
                JSON.createObjectNode()
                        .put("file_id", id)
                        .put("file_unique_id", "u" + id)
                        .put("file_size", bytes.length)
                        .put("file_path", path));
    }

    private void serveFile(HttpExchange ex, String path) throws IOException {
        byte[] bytes = null;
        synchronized (lock) {
            for (var e : filePaths.entrySet()) {
                if (e.getValue().equals(path)) {
                    bytes = files.get(e.getKey());
                }
            }
        }
        if (bytes == null) {
            ex.sendResponseHeaders(404, -1);
            return;
        }
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private ObjectNode params(HttpExchange ex) throws IOException {
        ObjectNode params = JSON.createObjectNode();
        String query = ex.getRequestURI().getRawQuery();
        if (query != null) {
            form(query, params);
        }
        byte[] body = ex.getRequestBody().readAllBytes();
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (body.length > 0 && type != null && type.startsWith("application/json")) {
            JSON.readTree(body).properties().forEach(e -> params.set(e.getKey(), e.getValue()));
        } else if (body.length > 0 && type != null && type.startsWith("application/x-www-form-urlencoded")) {
            form(new String(body, StandardCharsets.UTF_8), params);
        } else if (body.length > 0 && type != null && type.startsWith("multipart/form-data")) {
            multipart(body, type, params);
        }
        return params;
    }

    /**
     * multipart/form-data (RFC 7578): a part without a file name is a parameter (JSON-serialized ones parsed,
     * as in a form); a part with one is an uploaded file, stored, and the parameter becomes its file id.
     */
    private void multipart(byte[] body, String contentType, ObjectNode into) throws IOException {
        Matcher b = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
        if (!b.find()) {
            return;
        }
        byte[] delimiter = ("--" + b.group(1)).getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int start = at + delimiter.length;
            if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
                return; // the closing delimiter
            }
            start += 2; // CRLF after the delimiter
            int next = indexOf(body, delimiter, start);
            if (next < 0) {
                return;
            }
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            if (headersEnd < 0 || headersEnd > next) {
                return;
            }
            String headers = new String(body, start, headersEnd - start, StandardCharsets.UTF_8);
            byte[] content = Arrays.copyOfRange(body, headersEnd + 4, next - 2); // CRLF before delimiter
            Matcher name = Pattern.compile("(?i)[; ]name=\"([^\"]*)\"").matcher(headers);
            Matcher fileName = Pattern.compile("(?i)filename=\"([^\"]*)\"").matcher(headers);
            if (name.find()) {
                if (fileName.find()) {
                    String id = addFile(content, "uploads/file_" + files.size() + "_" + fileName.group(1));
                    into.put(name.group(1), id);
                } else {
                    String value = new String(content, StandardCharsets.UTF_8);
                    into.set(
                            name.group(1),
                            value.startsWith("{") || value.startsWith("[")
                                    ? JSON.readTree(value)
                                    : JSON.getNodeFactory().textNode(value));
                }
            }
            at = next;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void form(String encoded, ObjectNode into) throws IOException {
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            // JSON-serialized parameters (reply_markup, reply_parameters) arrive as text.
            into.set(
                    key,
                    value.startsWith("{") || value.startsWith("[")
                            ? JSON.readTree(value)
                            : JSON.getNodeFactory().textNode(value));
        }
    }

    private static void ok(HttpExchange ex, JsonNode result) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("ok", true);
        body.set("result", result);
        write(ex, 200, body);
    }

    private static void error(HttpExchange ex, int code, String description, int retryAfter) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("ok", false).put("error_code", code).put("description", description);
        if (retryAfter > 0) {
            body.putObject("parameters").put("retry_after", retryAfter);
        }
        write(ex, code, body);
    }

    private static void write(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        up();
        server.stop(0);
    }
}
