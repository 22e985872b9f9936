package io.romotica.server;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.romotica.protocol.FrameCodec;
import io.romotica.server.audit.AuditLog;
import io.romotica.server.audit.AuditRoutes;
import io.romotica.server.auth.AccountRoutes;
import io.romotica.server.auth.AccountService;
import io.romotica.server.auth.AuthRoutes;
import io.romotica.server.auth.AuthService;
import io.romotica.server.auth.LoginThrottle;
import io.romotica.server.auth.PasswordHasher;
import io.romotica.server.bus.AttemptCounter;
import io.romotica.server.bus.EventBus;
import io.romotica.server.bus.LocalAttemptCounter;
import io.romotica.server.bus.LocalEventBus;
import io.romotica.server.bus.RateLimiter;
import io.romotica.server.bus.Redis;
import io.romotica.server.bus.RedisAttemptCounter;
import io.romotica.server.bus.RedisEventBus;
import io.romotica.server.calls.CallHistory;
import io.romotica.server.calls.CallPolicy;
import io.romotica.server.calls.CallRecordings;
import io.romotica.server.calls.CallRoutes;
import io.romotica.server.calls.CallService;
import io.romotica.server.calls.CallSocket;
import io.romotica.server.calls.IceRoutes;
import io.romotica.server.calls.IceServers;
import io.romotica.server.calls.StunResponder;
import io.romotica.server.chat.AgentPresence;
import io.romotica.server.chat.CannedReplies;
import io.romotica.server.chat.ChatDeskRoutes;
import io.romotica.server.chat.ChatRetention;
import io.romotica.server.chat.ChatRouter;
import io.romotica.server.chat.ChatRoutes;
import io.romotica.server.chat.ChatService;
import io.romotica.server.chat.ChatSocket;
import io.romotica.server.chat.VisitorTokens;
import io.romotica.server.common.Api;
import io.romotica.server.common.ClientAddress;
import io.romotica.server.common.Ids;
import io.romotica.server.common.SecretBox;
import io.romotica.server.config.ServerConfig;
import io.romotica.server.ops.HealthCheck;
import io.romotica.server.ops.OpsRoutes;
import io.romotica.server.realtime.Broadcaster;
import io.romotica.server.realtime.Connections;
import io.romotica.server.realtime.EventStreamRoutes;
import io.romotica.server.realtime.FrameDispatcher;
import io.romotica.server.realtime.Parties;
import io.romotica.server.realtime.Presence;
import io.romotica.server.realtime.RealtimeSocket;
import io.romotica.server.realtime.StreamTokens;
import io.romotica.server.remote.RemoteRoutes;
import io.romotica.server.remote.RemoteService;
import io.romotica.server.remote.RemoteSocket;
import io.romotica.server.settings.SettingsRoutes;
import io.romotica.server.settings.SettingsService;
import io.romotica.server.storage.BlobStore;
import io.romotica.server.storage.Database;
import io.romotica.server.storage.DirectoryBlobStore;
import io.romotica.server.storage.SecretKeys;
import io.romotica.server.telegram.TelegramRoutes;
import io.romotica.server.telegram.TelegramService;
import io.romotica.server.web.TlsMaterial;
import io.romotica.server.web.WebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running server node: the one place that builds the object graph from a {@link ServerConfig}. Tests
 * start it in-process on port 0 exactly as {@link ServerMain} does. Not reusable after {@link #stop()}.
 */
public final class RomoticaServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RomoticaServer.class);
    /** How often each node looks for unanswered calls and calls whose side did not come back. */
    private static final java.time.Duration CALL_SWEEP = java.time.Duration.ofSeconds(1);

    private final ServerConfig config;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private WebServer web;
    private Connections connections;
    private RemoteSocket remoteSocket;
    private AccountService accounts;
    private Database database;
    private StunResponder stun;

    private RomoticaServer(ServerConfig config, Clock clock, SecureRandom random) throws Exception {
        this.config = config;
        try {
            Files.createDirectories(config.dataDir());
            build(clock, random);
        } catch (Exception | Error e) {
            closeResources();
            throw e;
        }
    }

    private void build(Clock clock, SecureRandom random) throws IOException {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ClassLoaderMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(meters);
        resources.add(gc);

        Ids ids = new Ids(random);
        database = Database.open(config.db(), config.dataDir(), meters);
        resources.add(database);
        byte[] secretKey = SecretKeys.load(config, database.jdbi(), random);
        SecretBox secrets = new SecretBox(secretKey, random);

        EventBus bus;
        AttemptCounter attempts;
        RateLimiter authLimiter;
        RateLimiter visitorLimiter;
        RateLimiter messageLimiter;
        RateLimiter uploadLimiter;
        RateLimiter addressMessageLimiter;
        RateLimiter conversationLimiter;
        RateLimiter ticketUses;
        Optional<Redis> redis = Optional.empty();
        if (config.redis().enabled()) {
            Redis r = Redis.connect(config.redis());
            resources.add(r);
            redis = Optional.of(r);
            bus = new RedisEventBus(r);
            attempts = new RedisAttemptCounter(r);
            authLimiter = RateLimiter.redis(r, "auth", config.auth().rateLimitPerMinute());
            visitorLimiter = RateLimiter.redis(r, "visitors", config.chat().newVisitorsPerMinute());
            messageLimiter = RateLimiter.redis(r, "messages", config.chat().messagesPerMinute());
            uploadLimiter = RateLimiter.redis(r, "uploads", config.chat().uploadsPerMinute());
            addressMessageLimiter =
                    RateLimiter.redis(r, "address-messages", config.chat().addressMessagesPerMinute());
            conversationLimiter =
                    RateLimiter.redis(r, "conversations", config.chat().newConversationsPerMinute());
            ticketUses = RateLimiter.redis(r, "stream-tickets", 1);
        } else {
            bus = new LocalEventBus();
            attempts = new LocalAttemptCounter(clock);
            authLimiter = RateLimiter.local(config.auth().rateLimitPerMinute());
            visitorLimiter = RateLimiter.local(config.chat().newVisitorsPerMinute());
            messageLimiter = RateLimiter.local(config.chat().messagesPerMinute());
            uploadLimiter = RateLimiter.local(config.chat().uploadsPerMinute());
            addressMessageLimiter = RateLimiter.local(config.chat().addressMessagesPerMinute());
            conversationLimiter = RateLimiter.local(config.chat().newConversationsPerMinute());
            ticketUses = RateLimiter.local(1);
        }
        resources.add(bus);

        AuditLog audit = new AuditLog(database.jdbi(), clock);
        AuthService auth = new AuthService(
                database.jdbi(),
                new PasswordHasher(random),
                secrets,
                new LoginThrottle(attempts, config.auth(), clock),
                audit,
                bus,
                config.auth(),
                ids,
                clock,
                meters);
        accounts = new AccountService(database.jdbi(), auth, audit, config.auth(), ids, clock);
        SettingsService settings = new SettingsService(database.jdbi(), audit, bus);
        FrameCodec codec = new FrameCodec();
        Broadcaster broadcaster = new Broadcaster(bus, codec);
        BlobStore blobs = new DirectoryBlobStore(config.chat().attachmentsDir());
        ChatRouter router = new ChatRouter(
                database.jdbi(),
                ChatRouter.Strategy.parse(config.chat().routing()),
                config.chat().agentCapacity(),
                clock);
        ChatService chat = new ChatService(
                database.jdbi(),
                new VisitorTokens(secretKey, config.chat().visitorTokenTtl(), clock),
                broadcaster,
                blobs,
                config.chat().attachmentMaxBytes(),
                router,
                ids,
                clock);
        Presence presence = new Presence(bus, ids.newId());
        resources.add(presence);
        router.presence(new AgentPresence() {
            @Override
            public java.util.Set<String> available() {
                return presence.availableAgents();
            }

            @Override
            public String statusOf(String agentId) {
                return presence.statusOf(agentId).name().toLowerCase(java.util.Locale.ROOT);
            }
        });
        presence.onAgentAvailable(agent -> chat.routeWaiting());
        connections = new Connections(bus, presence, meters);
        CallPolicy callPolicy =
                new CallPolicy(database.jdbi(), audit, config.calls().recording());
        CallService calls = new CallService(database.jdbi(), broadcaster, callPolicy, config.calls(), ids, clock);
        resources.add(calls);
        calls.start(CALL_SWEEP);
        connections.onClosed(calls::disconnected);
        CallRecordings recordings = new CallRecordings(
                database.jdbi(),
                new DirectoryBlobStore(config.calls().recordingsDir()),
                audit,
                config.calls().recordingMaxBytes(),
                config.calls().retainRecordings(),
                ids,
                clock);
        resources.add(recordings);
        recordings.start(config.chat().retentionInterval());
        calls.onRecordingClosed(recordings::finishAll);
        if (config.ice().stunPort() != 0) {
            stun = StunResponder.start(config.http().host(), config.ice().stunPort());
            resources.add(stun);
        }
        IceServers iceServers =
                new IceServers(config.ice(), config.http().publicUrl(), stun == null ? 0 : stun.port(), clock);
        int remotePerMinute = config.remote().connectsPerMinute();
        RemoteService remote = new RemoteService(
                database.jdbi(),
                bus,
                broadcaster,
                codec,
                attempts,
                redis.map(r -> RateLimiter.redis(r, "remote", remotePerMinute))
                        .orElseGet(() -> RateLimiter.local(remotePerMinute)),
                iceServers,
                audit,
                config.remote(),
                ids,
                clock);
        connections.onClosed(c -> remote.disconnected(c.id()));
        remoteSocket = new RemoteSocket(
                remote,
                codec,
                ids,
                clock,
                ctx -> ClientAddress.resolve(
                        ctx.ip(), ctx.header("X-Forwarded-For"), config.http().trustedProxies()));
        FrameDispatcher dispatcher = new FrameDispatcher(
                new ChatSocket(chat, messageLimiter, addressMessageLimiter, conversationLimiter),
                new CallSocket(
                        calls,
                        conversationLimiter,
                        RateLimiter.local(config.calls().signalsPerMinute())),
                remoteSocket,
                presence,
                codec,
                clock);
        StreamTokens streamTokens = new StreamTokens(secretKey, clock, ticketUses, ids);
        RealtimeSocket socket = new RealtimeSocket(
                auth,
                chat::visitor,
                streamTokens,
                connections,
                dispatcher,
                codec,
                clock,
                config.http().publicUrl(),
                ctx -> ClientAddress.resolve(
                        ctx.ip(), ctx.header("X-Forwarded-For"), config.http().trustedProxies()));

        List<HealthCheck> checks = new ArrayList<>();
        checks.add(check("database", () -> database.ping(), database.isPostgres() ? "postgresql" : "h2"));
        redis.ifPresent(r -> checks.add(check("redis", () -> r.ping() && bus.healthy(), "redis")));
        checks.add(new io.romotica.server.ops.DiskCheck(
                config.dataDir(), config.ops().minFreeDiskBytes()));

        Api api = new Api();
        new AuthRoutes(auth, accounts).register(api);
        new AccountRoutes(accounts, auth, config.http().publicUrl()).register(api);
        new AuditRoutes(audit).register(api);
        new RemoteRoutes(remote).register(api);
        new SettingsRoutes(settings).register(api);
        Parties parties = new Parties(chat::visitorAccess);
        new ChatRoutes(
                        chat,
                        parties,
                        visitorLimiter,
                        uploadLimiter,
                        config.chat().attachmentMaxBytes())
                .register(api);
        ChatRetention retention = new ChatRetention(
                database.jdbi(),
                blobs,
                audit,
                broadcaster,
                config.chat().retainResolved(),
                config.chat().retainAttachments(),
                clock);
        resources.add(retention);
        retention.start(config.chat().retentionInterval());
        retention.onErase(recordings::eraseVisitor);
        new ChatDeskRoutes(chat, retention, new CannedReplies(database.jdbi(), audit, ids, clock), router, audit)
                .register(api);
        new EventStreamRoutes(
                        chat::visitor,
                        connections,
                        dispatcher,
                        streamTokens,
                        codec,
                        clock,
                        config.http().publicUrl())
                .register(api);
        new CallRoutes(
                        calls,
                        new CallHistory(
                                database.jdbi(),
                                callPolicy,
                                recordings,
                                config.calls().timeZone()),
                        recordings,
                        callPolicy,
                        parties,
                        audit)
                .register(api);
        int icePerMinute = config.ice().requestsPerMinute();
        new IceRoutes(
                        iceServers,
                        parties,
                        redis.map(r -> RateLimiter.redis(r, "ice-servers", icePerMinute))
                                .orElseGet(() -> RateLimiter.local(icePerMinute)))
                .register(api);
        TelegramService telegram = telegram(auth, chat, calls, presence, audit, redis, ids, clock);
        if (telegram.enabled()) {
            checks.add(telegram.health());
        }
        new TelegramRoutes(telegram, parties).register(api);
        new OpsRoutes(checks, meters, config.ops().metricsToken()).register(api);

        web = new WebServer(
                config,
                config.tls().enabled() ? TlsMaterial.load(config.tls(), config.dataDir(), random) : null,
                api.routes(),
                auth,
                authLimiter,
                socket,
                remoteSocket::register,
                meters,
                version());
    }

    /** The Telegram bot, hooked to sign-in, chat, calls and presence; inert without a bot token. */
    private TelegramService telegram(
            AuthService auth,
            ChatService chat,
            CallService calls,
            Presence presence,
            AuditLog audit,
            Optional<Redis> redis,
            Ids ids,
            Clock clock) {
        int codesPerMinute = 3;
        TelegramService telegram = new TelegramService(
                config.telegram(),
                database.jdbi(),
                chat,
                agentId -> presence.statusOf(agentId) == Presence.Status.ONLINE,
                audit,
                redis.map(r -> RateLimiter.redis(r, "telegram-codes", codesPerMinute))
                        .orElseGet(() -> RateLimiter.local(codesPerMinute)),
                ids,
                clock,
                config.http().publicUrl(),
                config.chat().attachmentMaxBytes());
        resources.add(telegram);
        if (!telegram.enabled()) {
            return telegram;
        }
        auth.acceptSecondFactor(new AuthService.SecondFactorCodes() {
            @Override
            public String method() {
                return "telegram code";
            }

            @Override
            public boolean use(String userId, String code) {
                return telegram.useSignInCode(userId, code);
            }
        });
        chat.onMessageStored(telegram::messageStored);
        calls.onNews(new CallService.CallNews() {
            @Override
            public void incoming(String callId, String visitorName) {
                telegram.incomingCall(callId, visitorName);
            }

            @Override
            public void missed(String callId, String visitorName) {
                telegram.missedCall(callId, visitorName);
            }

            @Override
            public void dailyLimitReached(java.time.LocalDate day, int limit) {
                telegram.dailyLimitReached(day, limit);
            }
        });
        presence.onAgentOnlineChange(telegram::agentPresence);
        telegram.start();
        return telegram;
    }

    private static HealthCheck check(String name, java.util.function.BooleanSupplier probe, String detail) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Status check() {
                return new Status(probe.getAsBoolean(), detail);
            }
        };
    }

    /** Builds and starts a node. */
    public static RomoticaServer start(ServerConfig config, Clock clock, SecureRandom random) throws Exception {
        RomoticaServer server = new RomoticaServer(config, clock, random);
        try {
            server.web.start();
        } catch (RuntimeException e) {
            server.closeResources();
            throw e;
        }
        return server;
    }

    public int port() {
        return web.port();
    }

    /** The URL people use: {@code public.url}, else this host on the bound port. */
    public String baseUrl() {
        if (config.http().publicUrl() != null) {
            return config.http().publicUrl();
        }
        return (config.tls().enabled() ? "https" : "http") + "://localhost:" + port();
    }

    /** While no admin exists, a fresh one-time setup link; else empty. */
    public Optional<String> setupLink() {
        return accounts.issueSetupToken().map(t -> baseUrl() + "/setup#t=" + t);
    }

    /** HTTP requests being handled right now on this node. */
    public int requestsInFlight() {
        return web.inflight();
    }

    /** The UDP port of this node's STUN responder; empty when {@code stun.port} is 0. */
    public java.util.OptionalInt stunPort() {
        return stun == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(stun.port());
    }

    public Database database() {
        return database;
    }

    /**
     * Graceful stop: refuse new requests, say {@code bye} to realtime clients (WebSocket and SSE) and close
     * their connections, let open requests finish (shutdown.grace), then close resources.
     */
    public void stop() {
        log.info("stopping: draining connections");
        web.stop(() -> {
            connections.closeAll();
            remoteSocket.closeAll();
        });
        closeResources();
        log.info("stopped");
    }

    @Override
    public void close() {
        stop();
    }

    private void closeResources() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("closing {} failed", resources.get(i).getClass().getSimpleName(), e);
            }
        }
    }

    static String version() {
        String v = RomoticaServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
