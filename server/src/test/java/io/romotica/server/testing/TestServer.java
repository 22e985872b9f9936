package io.romotica.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.RomoticaServer;
import io.romotica.server.config.ConfigLoader;
import io.romotica.server.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real server node on a free port, built exactly as in production, with a {@link MutableClock}. On the
 * embedded defaults by default; on a fresh PostgreSQL database + Redis (with its own key prefix) in cluster
 * mode or when asked. Nodes built with {@link Builder#joining} share database, Redis prefix and secret key,
 * forming one cluster.
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "correct horse battery staple";

    private final RomoticaServer server;
    private final MutableClock clock;
    private final Path dataDir;
    private final String database;
    private final boolean ownsDatabase;
    private final Map<String, String> settings;
    private final SSLContext ssl;
    /** Whether {@link #stopKeepingData()} already stopped the node ({@link #close()} then only cleans up). */
    private volatile boolean stopped;

    private TestServer(Builder b) throws Exception {
        this.clock = b.clock;
        this.dataDir = b.restarting != null ? b.restarting.dataDir : Files.createTempDirectory("romotica-test");
        Map<String, String> overrides = new HashMap<>();
        if (b.joining != null) {
            overrides.putAll(b.joining.settings);
        }
        if (b.restarting != null) {
            overrides.putAll(b.restarting.settings);
        }
        overrides.putAll(b.overrides);
        overrides.put("data.dir", dataDir.toString());
        overrides.put("host", "127.0.0.1");
        overrides.put("port", b.overrides.getOrDefault("port", "0"));
        overrides.putIfAbsent("shutdown.grace", "2s");
        // Many nodes share this machine: the STUN responder runs only where a test asks for it.
        overrides.putIfAbsent("stun.port", "0");
        if (b.joining != null) {
            this.database = b.joining.database;
            this.ownsDatabase = false;
        } else if (b.restarting != null) {
            this.database = b.restarting.database;
            this.ownsDatabase = b.restarting.ownsDatabase;
        } else if (b.cluster) {
            TestEnvironment.requirePostgres();
            TestEnvironment.requireRedis();
            this.database = "romotica_t_"
                    + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            this.ownsDatabase = true;
            overrides.put("db.url", TestEnvironment.createDatabase(database));
            overrides.put("db.user", TestEnvironment.PG_USER);
            overrides.put("db.password", TestEnvironment.PG_PASSWORD);
            overrides.put("redis.url", TestEnvironment.REDIS_URL);
            overrides.put("redis.prefix", database);
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            overrides.put("secret.key", Base64.getEncoder().encodeToString(key));
        } else {
            this.database = null;
            this.ownsDatabase = false;
        }
        this.settings = Map.copyOf(overrides);
        ServerConfig config = ConfigLoader.load(Map.of(), overrides);
        this.server = RomoticaServer.start(config, clock, new SecureRandom());
        this.ssl = trusting(dataDir.resolve("tls/server.crt"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A node on the suite's default store (embedded, or PostgreSQL + Redis in cluster mode). */
    public static TestServer start() throws Exception {
        return builder().start();
    }

    /** Options for a test node. */
    public static final class Builder {
        private final Map<String, String> overrides = new HashMap<>();
        private boolean cluster = TestEnvironment.clusterMode();
        private TestServer joining;
        private TestServer restarting;
        private MutableClock clock = new MutableClock();

        public Builder set(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /** Always PostgreSQL + Redis, whatever the suite's mode. */
        public Builder cluster() {
            this.cluster = true;
            return this;
        }

        /**
         * Shares {@code other}'s database, Redis and key: a second node of the same cluster. Close it before
         * {@code other}, which owns the database.
         */
        public Builder joining(TestServer other) {
            this.joining = other;
            this.clock = other.clock;
            return this;
        }

        public TestServer start() throws Exception {
            return new TestServer(this);
        }

        /** The same node again after {@link TestServer#stopKeepingData()}: same data folder, database and key. */
        public Builder restarting(TestServer stopped) {
            this.restarting = stopped;
            this.clock = stopped.clock;
            return this;
        }
    }

    /** A TLS context that trusts exactly the given certificate. */
    public static SSLContext trusting(Path certFile) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certFile)) {
            trust.setCertificateEntry(
                    "server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** The environment a server process needs to join this node's cluster (database, Redis, secret key …). */
    public Map<String, String> clusterEnvironment() {
        Map<String, String> env = new HashMap<>();
        settings.forEach((key, value) -> {
            if (!List.of("data.dir", "host", "port").contains(key)) {
                env.put(io.romotica.server.config.ConfigLoader.envName(key), value);
            }
        });
        return env;
    }

    public String baseUrl() {
        return "https://localhost:" + server.port();
    }

    public int port() {
        return server.port();
    }

    public MutableClock clock() {
        return clock;
    }

    public Path dataDir() {
        return dataDir;
    }

    public SSLContext ssl() {
        return ssl;
    }

    public RomoticaServer node() {
        return server;
    }

    public ApiClient client() {
        return new ApiClient(baseUrl(), ssl);
    }

    /** The token of a fresh one-time setup link. */
    public String setupToken() {
        return server.setupLink().orElseThrow().replaceAll(".*#t=", "");
    }

    /** A visitor identity and the token that proves it. */
    public record Visitor(String id, String name, String token) {}

    /** Creates a visitor through the public endpoint, as the widget does. */
    public Visitor visitor(String name) {
        var r = client().post("/api/chat/visitors", Map.of("name", name));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return new Visitor(
                r.json().get("visitorId").asText(), name, r.json().get("token").asText());
    }

    /** A signed-in person, with what they need to sign in again. */
    public record Account(ApiClient client, String id, String email, String password, String totpSecret) {}

    /** Runs first-run setup and TOTP enrolment; returns the signed-in first admin. */
    public Account setupAdmin() {
        ApiClient c = client();
        var r = c.post(
                "/api/setup",
                Map.of(
                        "token",
                        setupToken(),
                        "name",
                        "Ada Admin",
                        "email",
                        "ada@example.com",
                        "password",
                        ADMIN_PASSWORD));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String secret = enrol(c);
        return new Account(
                c,
                c.get("/api/auth/me").json().path("user").path("id").asText(),
                "ada@example.com",
                ADMIN_PASSWORD,
                secret);
    }

    /** Enrols TOTP on a session at the ENROL stage; returns the secret. */
    public String enrol(ApiClient c) {
        var start = c.post("/api/auth/totp/enrol", null);
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        String secret = start.json().get("secret").asText();
        var confirm = c.post("/api/auth/totp/confirm", Map.of("code", Totps.code(secret, clock.instant())));
        assertThat(confirm.status()).as(confirm.body()).isEqualTo(200);
        return secret;
    }

    /** Invites, accepts and enrols an agent, signed in on a new client. */
    public Account createAgent(Account admin, String email, String name) {
        var invite = admin.client().post("/api/admin/invites", Map.of("email", email, "name", name, "role", "AGENT"));
        assertThat(invite.status()).as(invite.body()).isEqualTo(200);
        String token = invite.json().get("link").asText().replaceAll(".*#t=", "");
        ApiClient c = client();
        String password = "agent password " + name;
        var accepted = c.post("/api/invites/" + token + "/accept", Map.of("name", name, "password", password));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        String secret = enrol(c);
        JsonNode me = c.get("/api/auth/me").json();
        return new Account(c, me.path("user").path("id").asText(), email, password, secret);
    }

    /** Signs in with password and a TOTP code on a new client; moves the clock one TOTP step first. */
    public ApiClient login(Account account) {
        ApiClient c = client();
        var r = c.post("/api/auth/login", Map.of("email", account.email(), "password", account.password()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(30));
        var second =
                c.post("/api/auth/second-factor", Map.of("code", Totps.code(account.totpSecret(), clock.instant())));
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        return c;
    }

    /** Stops the node but keeps its data folder and database, for {@link Builder#restarting}. */
    public void stopKeepingData() {
        stopped = true;
        server.stop();
    }

    @Override
    public void close() {
        if (!stopped) {
            server.stop();
        }
        if (ownsDatabase) {
            TestEnvironment.dropDatabase(database);
        }
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Temporary folder: leftovers are harmless.
        }
    }
}
