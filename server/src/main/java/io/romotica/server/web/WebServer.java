package io.romotica.server.web;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.romotica.server.auth.AuthService;
import io.romotica.server.auth.SessionCookie;
import io.romotica.server.auth.SessionState;
import io.romotica.server.bus.RateLimiter;
import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ClientAddress;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Ids;
import io.romotica.server.common.Origins;
import io.romotica.server.common.Principal;
import io.romotica.server.common.Principal.Stage;
import io.romotica.server.common.RequestInfo;
import io.romotica.server.config.ServerConfig;
import io.romotica.server.realtime.RealtimeSocket;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP edge: Jetty through Javalin on virtual threads, TLS 1.3/1.2 (AEAD only, AES-256-GCM first),
 * security headers on every response, the route table with access and CSRF checks around each handler,
 * rate limits on sign-in endpoints, request metrics, the one WebSocket, the static web UI, the OpenAPI
 * document and the error mapping. Handlers stay thin; this class holds the cross-cutting rules.
 */
public final class WebServer {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    private static final String START = "romotica.start";
    private static final String COUNTED = "romotica.inflight";
    private static final String UI_INDEX = "/web/index.html";
    private static final String CHAT_PAGE = "/web/chat.html";
    private static final Set<String> UI_PATHS = Set.of("/", "/login", "/setup", "/invite", "/console");
    private static final Set<HandlerType> STATE_CHANGING =
            Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);
    private static final String[] TLS_CIPHERS = {
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    };

    private final ServerConfig config;
    private final AuthService auth;
    private final RateLimiter authLimiter;
    private final MeterRegistry meters;
    private final Javalin app;
    private final byte[] index;
    private final byte[] chatPage;
    private final java.util.concurrent.atomic.AtomicInteger inflight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean draining;
    private final List<Api.Route> documented;
    private final String version;
    private volatile String openApi;

    public WebServer(
            ServerConfig config,
            KeyStore keyStore,
            List<Api.Route> routes,
            AuthService auth,
            RateLimiter authLimiter,
            RealtimeSocket socket,
            java.util.function.Consumer<RoutesConfig> moreSockets,
            MeterRegistry meters,
            String version) {
        this.config = config;
        this.auth = auth;
        this.authLimiter = authLimiter;
        this.meters = meters;
        this.index = resource(UI_INDEX);
        this.chatPage = resource(CHAT_PAGE);
        io.micrometer.core.instrument.Gauge.builder(
                        "romotica.http.inflight", inflight, java.util.concurrent.atomic.AtomicInteger::get)
                .description("HTTP requests being handled on this node")
                .register(meters);
        this.documented = withOpenApiRoute(routes);
        this.version = version;
        this.app = Javalin.create(cfg -> configure(cfg, keyStore, routes, socket, moreSockets));
    }

    private static List<Api.Route> withOpenApiRoute(List<Api.Route> routes) {
        var all = new java.util.ArrayList<>(routes);
        all.add(new Api.Route(
                HandlerType.GET,
                "/api/openapi.json",
                Access.PUBLIC,
                "general",
                "This document",
                null,
                String.class,
                200,
                null,
                true));
        return all;
    }

    private void configure(
            JavalinConfig cfg,
            KeyStore keyStore,
            List<Api.Route> routes,
            RealtimeSocket socket,
            java.util.function.Consumer<RoutesConfig> moreSockets) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.concurrency.useVirtualThreads = true;
        cfg.http.maxRequestSize = config.http().maxBodyBytes();
        cfg.http.prefer405over404 = false;
        cfg.router.ignoreTrailingSlashes = true;
        cfg.jetty.host = config.http().host();
        cfg.jetty.modifyServer(
                server -> server.setStopTimeout(config.http().shutdownGrace().toMillis()));
        cfg.jetty.modifyWebSocketServletFactory(ws -> {
            ws.setIdleTimeout(Duration.ofSeconds(75));
            ws.setMaxTextMessageSize(io.romotica.protocol.FrameCodec.MAX_FRAME_CHARS * 4L);
        });
        if (config.tls().enabled()) {
            cfg.jetty.addConnector((server, httpConfig) -> {
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                ssl.setKeyStore(keyStore);
                ssl.setKeyStorePassword(new String(TlsMaterial.STORE_PASSWORD));
                ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
                ssl.setIncludeCipherSuites(TLS_CIPHERS);
                ssl.setUseCipherSuitesOrder(true);
                HttpConfiguration https = new HttpConfiguration(httpConfig);
                SecureRequestCustomizer secure = new SecureRequestCustomizer();
                secure.setSniHostCheck(false);
                https.addCustomizer(secure);
                https.setSendServerVersion(false);
                ServerConnector connector = new ServerConnector(
                        server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
                connector.setHost(config.http().host());
                connector.setPort(config.http().port());
                return connector;
            });
        } else {
            cfg.jetty.port = config.http().port();
            cfg.jetty.modifyHttpConfiguration(h -> h.setSendServerVersion(false));
        }
        cfg.staticFiles.add(s -> {
            s.hostedPath = "/";
            s.directory = "/web";
            s.location = Location.CLASSPATH;
            s.headers = java.util.Map.of("Cache-Control", "no-cache");
            s.skipFileFunction = req -> req.getRequestURI().equals("/index.html");
        });

        var r = cfg.routes;
        r.before(ctx -> {
            if (draining) {
                ctx.header("Connection", "close");
                throw new AppException(ErrorCode.UNAVAILABLE, "server is shutting down; retry");
            }
            inflight.incrementAndGet();
            ctx.attribute(COUNTED, Boolean.TRUE);
            ctx.attribute(START, System.nanoTime());
            ctx.attribute(
                    Api.REQUEST_INFO,
                    new RequestInfo(
                            ClientAddress.resolve(
                                    ctx.ip(),
                                    ctx.header("X-Forwarded-For"),
                                    config.http().trustedProxies()),
                            ctx.userAgent()));
            SecurityHeaders.apply(ctx, config.tls().enabled(), config.chat().embedAncestors());
        });
        r.after(this::recordMetrics);
        r.exception(AppException.class, ErrorMapper::app);
        r.exception(HttpResponseException.class, ErrorMapper::javalin);
        r.exception(Exception.class, ErrorMapper::unexpected);
        r.error(404, this::notFound);
        r.error(405, ctx -> {
            if (ctx.path().startsWith("/api/")) {
                ErrorMapper.write(
                        ctx,
                        ErrorCode.METHOD_NOT_ALLOWED,
                        java.util.Map.of("code", "METHOD_NOT_ALLOWED", "message", "method not allowed"));
            }
        });
        r.error(
                413,
                ctx -> ErrorMapper.write(
                        ctx,
                        ErrorCode.PAYLOAD_TOO_LARGE,
                        java.util.Map.of("code", "PAYLOAD_TOO_LARGE", "message", "request body too large")));

        for (Api.Route route : routes) {
            r.addEndpoint(new Endpoint(route.method(), route.path(), ctx -> {
                guard(ctx, route);
                route.handler().handle(ctx);
            }));
        }
        r.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(openApi()));
        for (String path : UI_PATHS) {
            r.get(path, this::serveIndex);
        }
        r.get("/console/{pane}", this::serveIndex);
        r.get(
                SecurityHeaders.CHAT_PAGE,
                ctx -> ctx.header("Cache-Control", "no-cache")
                        .contentType("text/html; charset=utf-8")
                        .result(chatPage));
        socket.register(r);
        moreSockets.accept(r);
    }

    /** The OpenAPI document, built on first request rather than on the start-up path (same result each time). */
    private String openApi() {
        String doc = openApi;
        if (doc == null) {
            openApi = doc = OpenApiDocument.build(documented, version);
        }
        return doc;
    }

    private void serveIndex(Context ctx) {
        ctx.header("Cache-Control", "no-cache")
                .contentType("text/html; charset=utf-8")
                .result(index);
    }

    private void notFound(Context ctx) {
        if (ctx.endpoints().matchedHttpEndpoint() != null) {
            return; // a handler answered 404 itself (e.g. INVITE_INVALID): keep its body
        }
        if (ctx.path().startsWith("/api/") || ctx.path().startsWith("/health/")) {
            ErrorMapper.write(
                    ctx, ErrorCode.NOT_FOUND, java.util.Map.of("code", "NOT_FOUND", "message", "no such endpoint"));
        } else if (ctx.path().startsWith("/console/") && ctx.method() == HandlerType.GET) {
            ctx.status(200);
            serveIndex(ctx);
        } else {
            ctx.contentType("text/plain; charset=utf-8").result("404 Not Found");
        }
    }

    /** Rate limit, session, access and CSRF checks for one API route, before its handler. */
    private void guard(Context ctx, Api.Route route) {
        boolean changing = STATE_CHANGING.contains(route.method());
        if (changing && isSignInEndpoint(route.path())) {
            RequestInfo info = Api.requestInfo(ctx);
            Optional<Duration> wait = authLimiter.tryAcquire(ClientAddress.key(info.ip()));
            if (wait.isPresent()) {
                meters.counter("romotica.login.failures", "reason", "rate_limit")
                        .increment();
                throw AppException.rateLimited(wait.get());
            }
        }
        String cookie = SessionCookie.read(ctx);
        // Polls and heartbeats (passive routes) are not activity: they must not keep an unattended console
        // signed in.
        SessionState state = cookie == null ? new SessionState.None() : auth.resolve(cookie, route.activity());
        Principal principal = state instanceof SessionState.Active a ? a.principal() : null;
        if (principal != null) {
            ctx.attribute(Api.PRINCIPAL, principal);
            MDC.put("userId", principal.userId());
        }
        if (changing) {
            String origin = ctx.header("Origin");
            if (origin != null
                    && !Origins.isSameOrigin(origin, ctx.host(), config.http().publicUrl())) {
                meters.counter("romotica.csrf.rejected", "reason", "origin").increment();
                throw new AppException(ErrorCode.CSRF_REJECTED, "cross-origin request refused");
            }
            if (principal != null && !Ids.sameSecret(ctx.header("X-CSRF-Token"), principal.csrfToken())) {
                meters.counter("romotica.csrf.rejected", "reason", "token").increment();
                throw new AppException(ErrorCode.CSRF_REJECTED, "missing or wrong X-CSRF-Token header");
            }
        }
        checkAccess(route.access(), principal, state);
    }

    private static boolean isSignInEndpoint(String path) {
        return path.startsWith("/api/auth/") || path.startsWith("/api/setup") || path.startsWith("/api/invites/");
    }

    private static void checkAccess(Access access, Principal p, SessionState state) {
        if (access == Access.PUBLIC) {
            return;
        }
        if (p == null) {
            throw state instanceof SessionState.Expired
                    ? new AppException(ErrorCode.SESSION_EXPIRED, "your session has ended; sign in again")
                    : new AppException(ErrorCode.UNAUTHENTICATED, "sign in first");
        }
        boolean allowed = switch (access) {
            case PUBLIC, SESSION -> true;
            case ENROL -> p.stage() == Stage.ENROL;
            case SECOND_FACTOR -> p.stage() == Stage.SECOND_FACTOR;
            case AGENT, ADMIN -> p.stage() == Stage.FULL;
        };
        if (!allowed) {
            throw p.stage() == Stage.SECOND_FACTOR
                    ? new AppException(ErrorCode.SECOND_FACTOR_REQUIRED, "give your second factor first")
                    : new AppException(ErrorCode.FORBIDDEN, "not allowed at this step of sign-in");
        }
        if (access == Access.ADMIN && !p.isAdmin()) {
            throw new AppException(ErrorCode.FORBIDDEN, "admins only");
        }
    }

    private void recordMetrics(Context ctx) {
        MDC.remove("userId");
        if (ctx.attribute(COUNTED) != null) {
            inflight.decrementAndGet();
        }
        Long start = ctx.attribute(START);
        if (start == null) {
            return;
        }
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        String uri = endpoint == null ? (ctx.status().getCode() == 404 ? "NOT_FOUND" : "static") : endpoint.path;
        Timer.builder("http.server.requests")
                .tag("method", ctx.method().name())
                .tag("uri", uri)
                .tag("status", Integer.toString(ctx.status().getCode()))
                .register(meters)
                .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private static byte[] resource(String path) {
        try (InputStream in = WebServer.class.getResourceAsStream(path)) {
            if (in == null) {
                return "<!doctype html><title>Romotica</title><p>UI missing from this build."
                        .getBytes(StandardCharsets.UTF_8);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void start() {
        app.start();
        log.info(
                "listening on {}://{}:{}",
                config.tls().enabled() ? "https" : "http",
                config.http().host(),
                port());
    }

    public int port() {
        return app.port();
    }

    /** Requests being handled right now. */
    public int inflight() {
        return inflight.get();
    }

    /**
     * Graceful stop: new requests get 503 UNAVAILABLE (so load balancers move on), then {@code whenDraining}
     * runs (it ends long-lived responses such as event streams, which count as in flight), requests in flight
     * may finish for up to {@code shutdown.grace}, then Jetty stops.
     */
    public void stop(Runnable whenDraining) {
        draining = true;
        whenDraining.run();
        long deadline = System.nanoTime() + config.http().shutdownGrace().toNanos();
        while (inflight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inflight.get() > 0) {
            log.warn("{} requests still running after the shutdown grace period; closing them", inflight.get());
        }
        app.stop();
    }
}
