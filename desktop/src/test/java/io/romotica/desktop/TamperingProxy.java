package io.romotica.desktop;

import io.javalin.Javalin;
import io.javalin.websocket.WsContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;

/**
 * A test-only man in the middle for {@code /ws/remote}: clients connect to it over plain WebSocket on
 * loopback, it forwards to the real server and passes every frame from the server through {@code rewrite},
 * the way a compromised server or path would alter PAKE messages or session descriptions.
 */
final class TamperingProxy implements AutoCloseable {
    private final Javalin app;
    private final Map<String, WebSocket> upstream = new ConcurrentHashMap<>();

    TamperingProxy(String serverBaseUrl, SSLContext ssl, UnaryOperator<String> rewrite) {
        URI target = URI.create(serverBaseUrl.replace("https://", "wss://") + "/ws/remote");
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            cfg.routes.ws("/ws/remote", ws -> {
                ws.onConnect(ctx -> upstream.put(
                        ctx.sessionId(),
                        HttpClient.newBuilder()
                                .sslContext(ssl)
                                .build()
                                .newWebSocketBuilder()
                                .buildAsync(target, new Forward(ctx, rewrite))
                                .join()));
                ws.onMessage(ctx -> upstream.get(ctx.sessionId())
                        .sendText(ctx.message(), true)
                        .join());
                ws.onClose(ctx -> {
                    WebSocket up = upstream.remove(ctx.sessionId());
                    if (up != null) {
                        up.abort();
                    }
                });
            });
        });
        app.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    @Override
    public void close() {
        upstream.values().forEach(WebSocket::abort);
        app.stop();
    }

    private static final class Forward implements WebSocket.Listener {
        private final WsContext client;
        private final UnaryOperator<String> rewrite;
        private final StringBuilder partial = new StringBuilder();

        Forward(WsContext client, UnaryOperator<String> rewrite) {
            this.client = client;
            this.rewrite = rewrite;
        }

        @Override
        public synchronized CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (client.session.isOpen()) {
                    client.send(rewrite.apply(text));
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            client.closeSession();
            return null;
        }
    }
}
