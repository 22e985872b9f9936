package io.romotica.desktop.net;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.romotica.desktop.DesktopFailure;
import io.romotica.protocol.ClientFrame;
import io.romotica.protocol.RemoteEvent;
import io.romotica.protocol.ServerFrame;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desktop app's signaling connection: one WebSocket to the server's {@code /ws/remote} over TLS pinned by
 * {@link ServerTrust} (plain {@code ws://} only to a loopback server). Sends client frames; decodes the
 * server's remote frames, errors and {@code bye} into records and hands each to {@code onFrame} in order.
 * {@link #send} is safe from any thread (sends are serialised).
 */
public final class ServerLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerLink.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final ObjectMapper mapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
    private final Map<String, Class<?>> serverTypes = new HashMap<>();
    private final WebSocket ws;

    private ServerLink(URI server, ServerTrust trust, Consumer<Object> onFrame, Consumer<String> onClosed)
            throws DesktopFailure {
        for (Class<?> c : RemoteEvent.class.getPermittedSubclasses()) {
            serverTypes.put(c.getAnnotation(JsonTypeName.class).value(), c);
        }
        serverTypes.put("error", ServerFrame.Error.class);
        serverTypes.put("bye", ServerFrame.Bye.class);
        serverTypes.put("pong", ServerFrame.Pong.class);
        URI endpoint = socketUri(server);
        try {
            this.ws = HttpClient.newBuilder()
                    .sslContext(trust.sslContext())
                    .connectTimeout(CONNECT_TIMEOUT)
                    .build()
                    .newWebSocketBuilder()
                    .connectTimeout(CONNECT_TIMEOUT)
                    .buildAsync(endpoint, new Listener(onFrame, onClosed))
                    .join();
        } catch (CompletionException e) {
            if (trust.refusedChanged()) {
                throw trust.changedFailure();
            }
            String why = e.getCause() instanceof SSLHandshakeException
                    ? "TLS handshake failed"
                    : String.valueOf(e.getCause());
            throw new DesktopFailure(DesktopFailure.Code.SERVER_UNREACHABLE, "cannot reach " + endpoint + ": " + why);
        }
        try {
            trust.rememberFirstUse();
        } catch (IOException e) {
            log.warn("could not store the server's certificate pin: {}", e.getMessage());
        }
    }

    /**
     * Opens the link; frames (records: {@link RemoteEvent}s, {@link ServerFrame.Error}, {@link
     * ServerFrame.Bye}) go to {@code onFrame} on the socket's thread, in order; {@code onClosed} once.
     */
    public static ServerLink open(URI server, ServerTrust trust, Consumer<Object> onFrame, Consumer<String> onClosed)
            throws DesktopFailure {
        return new ServerLink(server, trust, onFrame, onClosed);
    }

    /** {@code https://host:port} → {@code wss://host:port/ws/remote}; {@code http://} only for loopback. */
    static URI socketUri(URI server) throws DesktopFailure {
        String scheme = server.getScheme() == null ? "" : server.getScheme();
        String host = server.getHost();
        if (host == null) {
            throw new DesktopFailure(DesktopFailure.Code.SERVER_UNREACHABLE, "server URL has no host: " + server);
        }
        boolean loopback;
        try {
            loopback = host.equals("localhost") || InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            loopback = false;
        }
        String ws = switch (scheme) {
            case "https" -> "wss";
            case "http" -> {
                if (!loopback) {
                    throw new DesktopFailure(
                            DesktopFailure.Code.SERVER_UNREACHABLE,
                            "plain http is allowed only for a server on this machine");
                }
                yield "ws";
            }
            default -> throw new DesktopFailure(DesktopFailure.Code.SERVER_UNREACHABLE, "server URL must be https://");
        };
        return URI.create(ws + "://" + server.getRawAuthority() + "/ws/remote");
    }

    /** Sends one client frame. */
    public void send(ClientFrame frame) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", frame.getClass().getAnnotation(JsonTypeName.class).value());
        node.setAll((ObjectNode) mapper.valueToTree(frame));
        String text = node.toString();
        synchronized (this) {
            ws.sendText(text, true).join();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (!ws.isOutputClosed()) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye")
                        .exceptionally(e -> null)
                        .join();
            }
        }
        ws.abort();
    }

    private Object decode(String text) {
        try {
            JsonNode tree = mapper.readTree(text);
            Class<?> type = serverTypes.get(tree.path("type").asText());
            if (type == null || !(tree instanceof ObjectNode object)) {
                return null;
            }
            object.remove("type");
            return mapper.treeToValue(object, type);
        } catch (JsonProcessingException e) {
            log.warn("server sent an unreadable frame");
            return null;
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final Consumer<Object> onFrame;
        private final Consumer<String> onClosed;
        private final StringBuilder partial = new StringBuilder();

        Listener(Consumer<Object> onFrame, Consumer<String> onClosed) {
            this.onFrame = onFrame;
            this.onClosed = onClosed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                Object frame = decode(partial.toString());
                partial.setLength(0);
                if (frame != null) {
                    onFrame.accept(frame);
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            onClosed.accept(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            onClosed.accept(String.valueOf(error));
        }
    }
}
