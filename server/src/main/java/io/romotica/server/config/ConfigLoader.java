package io.romotica.server.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads {@link ServerConfig}: the defaults file in the jar, then the optional file named by
 * {@code ROMOTICA_CONFIG}, then {@code ROMOTICA_*} environment variables, then explicit overrides (tests).
 * Unknown keys in the file or overrides are errors, so a typo cannot silently fall back to a default.
 */
public final class ConfigLoader {
    public static final String DEFAULTS_RESOURCE = "/romotica-defaults.properties";
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    /** A host of an ICE URL (RFC 7064/7065): a DNS name, an IPv4 address or an IPv6 address in brackets. */
    private static final String ICE_HOST =
            "(\\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)";

    private static final Pattern STUN_URL = Pattern.compile("stun:" + ICE_HOST + "(?::(?<port>[0-9]{1,5}))?");
    private static final Pattern TURN_URL =
            Pattern.compile("turns?:" + ICE_HOST + "(?::(?<port>[0-9]{1,5}))?(?:\\?transport=(?:udp|tcp))?");
    private static final int MIN_TURN_SECRET = 16;

    private final Map<String, String> values;

    private ConfigLoader(Map<String, String> values) {
        this.values = values;
    }

    /** Loads from defaults, optional file, the given environment and overrides, and validates. */
    public static ServerConfig load(Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> merged = defaults();
        String file = env.get("ROMOTICA_CONFIG");
        if (file != null && !file.isBlank()) {
            mergeKnown(merged, readProperties(Path.of(file)), "ROMOTICA_CONFIG file " + file);
        }
        for (String key : merged.keySet().toArray(String[]::new)) {
            String value = env.get(envName(key));
            if (value != null) {
                merged.put(key, value);
            }
        }
        mergeKnown(merged, overrides, "overrides");
        return new ConfigLoader(merged).build();
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        return "ROMOTICA_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** Every key of the defaults file with its default value, in file order. */
    public static Map<String, String> defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " missing from the jar");
            }
            return DefaultsFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .values();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> readProperties(Path path) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + path + ": " + e.getMessage());
        }
        Map<String, String> map = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> map.put(k, p.getProperty(k)));
        return map;
    }

    private static void mergeKnown(Map<String, String> target, Map<String, String> source, String origin) {
        for (var e : source.entrySet()) {
            if (!target.containsKey(e.getKey())) {
                throw new ConfigException("unknown configuration key '" + e.getKey() + "' in " + origin);
            }
            target.put(e.getKey(), e.getValue());
        }
    }

    private ServerConfig build() {
        Path dataDir = Path.of(required("data.dir")).toAbsolutePath().normalize();
        var http = new ServerConfig.Http(
                required("host"),
                intIn("port", 0, 65535),
                url("public.url"),
                addresses("http.trusted.proxies"),
                longIn("http.max.body.bytes", 1024, 1L << 30),
                duration("shutdown.grace"));
        var tls = new ServerConfig.Tls(bool("tls.enabled"), optionalPath("tls.cert"), optionalPath("tls.key"));
        if ((tls.cert() == null) != (tls.key() == null)) {
            throw new ConfigException(
                    "tls.cert and tls.key must be given together (ROMOTICA_TLS_CERT, ROMOTICA_TLS_KEY)");
        }
        String dbUrl = optional("db.url");
        if (dbUrl != null && !dbUrl.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("db.url must be a jdbc:postgresql: URL (ROMOTICA_DB_URL)");
        }
        var db = new ServerConfig.Db(dbUrl, optional("db.user"), secret("db.password"), intIn("db.pool.size", 1, 500));
        Secret redisUrl = secret("redis.url");
        if (!redisUrl.isEmpty() && !redisUrl.value().matches("^rediss?://.+")) {
            throw new ConfigException("redis.url must start with redis:// or rediss:// (ROMOTICA_REDIS_URL)");
        }
        var redis = new ServerConfig.Redis(redisUrl, requiredMatching("redis.prefix", "[A-Za-z0-9_.-]{1,64}"));
        String logFormat = oneOf("log.format", "text", "json");
        var auth = new ServerConfig.Auth(
                duration("session.idle.timeout"),
                duration("session.absolute.timeout"),
                duration("login.pending.timeout"),
                intIn("login.lockout.threshold", 1, 1000),
                intIn("login.backoff.free.attempts", 0, 100),
                duration("login.backoff.base"),
                duration("login.backoff.max"),
                intIn("auth.rate.limit.per.minute", 1, 100_000),
                intIn("password.min.length", 8, 128),
                duration("invite.lifetime"),
                duration("setup.token.lifetime"));
        var ops =
                new ServerConfig.Ops(longIn("health.min.free.disk.bytes", 0, Long.MAX_VALUE), secret("metrics.token"));
        Secret secretKey = secret("secret.key");
        String ancestors = required("chat.embed.ancestors");
        if (!ancestors.matches(
                "(\\*|'none'|'self'|https?://[A-Za-z0-9.*:-]+)( (\\*|'self'|https?://[A-Za-z0-9.*:-]+))*")) {
            throw new ConfigException(
                    "chat.embed.ancestors must be *, 'none', 'self' or space-separated https://origins ("
                            + envName("chat.embed.ancestors") + ")");
        }
        Duration visitorTokenTtl = duration("chat.visitor.token.ttl");
        if (visitorTokenTtl.compareTo(MIN_VISITOR_TOKEN_TTL) < 0) {
            throw new ConfigException(
                    "chat.visitor.token.ttl must be at least 1h (" + envName("chat.visitor.token.ttl") + ")");
        }
        var chat = new ServerConfig.Chat(
                intIn("chat.new.visitors.per.minute", 1, 100_000),
                intIn("chat.messages.per.minute", 1, 100_000),
                ancestors,
                longIn("chat.attachment.max.bytes", 1024, 1L << 31),
                intIn("chat.uploads.per.minute", 1, 100_000),
                Optional.ofNullable(optional("chat.attachments.dir"))
                        .map(d -> Path.of(d).toAbsolutePath().normalize())
                        .orElse(dataDir.resolve("attachments")),
                optional("chat.retention.resolved") == null ? null : duration("chat.retention.resolved"),
                optional("chat.retention.attachments") == null ? null : duration("chat.retention.attachments"),
                duration("chat.retention.interval"),
                oneOf("chat.routing", "least-busy", "round-robin", "manual"),
                intIn("chat.agent.capacity", 0, 1000),
                intIn("chat.messages.per.minute.per.address", 1, 1_000_000),
                intIn("chat.new.conversations.per.minute", 1, 100_000),
                visitorTokenTtl);
        var calls = new ServerConfig.Calls(
                intIn("calls.daily.limit", 0, 1_000_000),
                intIn("calls.daily.limit.per.agent", 0, 1_000_000),
                zone("calls.time.zone"),
                duration("calls.ring.timeout"),
                duration("calls.reconnect.grace"),
                oneOf("calls.recording", "off", "notice", "always").toUpperCase(Locale.ROOT),
                Optional.ofNullable(optional("calls.recordings.dir"))
                        .map(Path::of)
                        .orElse(dataDir.resolve("recordings")),
                longIn("calls.recording.max.bytes", 1024 * 1024, 1L << 40),
                optional("calls.retention.recordings") == null ? null : duration("calls.retention.recordings"),
                intIn("calls.signals.per.minute", 60, 1_000_000));
        return new ServerConfig(
                dataDir,
                http,
                tls,
                db,
                redis,
                secretKey,
                logFormat,
                auth,
                chat,
                calls,
                ops,
                ice(),
                remote(),
                telegram(http));
    }

    private java.time.ZoneId zone(String key) {
        String v = optional(key);
        if (v == null) {
            return java.time.ZoneId.systemDefault();
        }
        try {
            return java.time.ZoneId.of(v);
        } catch (java.time.DateTimeException e) {
            throw new ConfigException(
                    key + " must be a time zone such as Europe/Istanbul or UTC (" + envName(key) + ")");
        }
    }

    /** The Telegram bot: token shape, API URL, and what webhook mode needs. */
    private ServerConfig.Telegram telegram(ServerConfig.Http http) {
        Secret token = secret("telegram.bot.token");
        if (!token.isEmpty() && !token.value().matches("[0-9]{1,20}:[A-Za-z0-9_-]{20,100}")) {
            throw new ConfigException("telegram.bot.token must look like 123456:ABC-DEF... as @BotFather gives it ("
                    + envName("telegram.bot.token") + ")");
        }
        String apiUrl = url("telegram.api.url");
        if (apiUrl == null) {
            throw new ConfigException("telegram.api.url must not be empty (" + envName("telegram.api.url") + ")");
        }
        String mode = oneOf("telegram.mode", "polling", "webhook").toUpperCase(Locale.ROOT);
        Secret webhookSecret = secret("telegram.webhook.secret");
        if (!webhookSecret.isEmpty() && !webhookSecret.value().matches("[A-Za-z0-9_-]{16,256}")) {
            throw new ConfigException("telegram.webhook.secret must be 16 to 256 characters of A-Z, a-z, 0-9, _ and - ("
                    + envName("telegram.webhook.secret") + ")");
        }
        if (!token.isEmpty() && "WEBHOOK".equals(mode)) {
            if (webhookSecret.isEmpty()) {
                throw new ConfigException("telegram.mode=webhook needs telegram.webhook.secret ("
                        + envName("telegram.webhook.secret") + ")");
            }
            if (http.publicUrl() == null || !http.publicUrl().startsWith("https://")) {
                throw new ConfigException(
                        "telegram.mode=webhook needs public.url to be an https:// URL Telegram can reach ("
                                + envName("public.url") + ")");
            }
        }
        Duration pollTimeout = duration("telegram.poll.timeout");
        if (pollTimeout.compareTo(Duration.ofSeconds(1)) < 0 || pollTimeout.compareTo(Duration.ofSeconds(50)) > 0) {
            throw new ConfigException(
                    "telegram.poll.timeout must be between 1s and 50s (" + envName("telegram.poll.timeout") + ")");
        }
        return new ServerConfig.Telegram(
                token, apiUrl, mode, webhookSecret, pollTimeout, bool("telegram.visitor.phone.verification"));
    }

    /** STUN/TURN settings; TURN URLs need the shared secret, credentials a short lifetime. */
    private ServerConfig.Ice ice() {
        var turnUrls = iceUrls("turn.urls", TURN_URL, "turn:host[:port][?transport=udp|tcp] or turns:...");
        Secret turnSecret = secret("turn.secret");
        if (!turnUrls.isEmpty() && turnSecret.isEmpty()) {
            throw new ConfigException("turn.urls needs turn.secret, the secret shared with coturn's use-auth-secret ("
                    + envName("turn.secret") + ")");
        }
        if (!turnSecret.isEmpty() && turnSecret.value().length() < MIN_TURN_SECRET) {
            throw new ConfigException(
                    "turn.secret must be at least " + MIN_TURN_SECRET + " characters (" + envName("turn.secret") + ")");
        }
        Duration ttl = duration("turn.credential.ttl");
        if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofHours(24)) > 0) {
            throw new ConfigException(
                    "turn.credential.ttl must be between 1m and 24h (" + envName("turn.credential.ttl") + ")");
        }
        return new ServerConfig.Ice(
                iceUrls("stun.urls", STUN_URL, "stun:host[:port]"),
                intIn("stun.port", 0, 65535),
                turnUrls,
                turnSecret,
                ttl,
                intIn("ice.servers.per.minute", 1, 100_000));
    }

    /** Remote desktop: a host must be able to send several heartbeats before it counts as offline. */
    private ServerConfig.Remote remote() {
        Duration heartbeat = duration("remote.heartbeat.interval");
        Duration offline = duration("remote.offline.after");
        if (heartbeat.compareTo(Duration.ofSeconds(1)) < 0 || heartbeat.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new ConfigException("remote.heartbeat.interval must be between 1s and 5m ("
                    + envName("remote.heartbeat.interval") + ")");
        }
        if (offline.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new ConfigException("remote.offline.after must be at least twice remote.heartbeat.interval ("
                    + envName("remote.offline.after") + ")");
        }
        Duration base = duration("remote.backoff.base");
        Duration max = duration("remote.backoff.max");
        if (base.isZero() || max.compareTo(base) < 0) {
            throw new ConfigException("remote.backoff.base must be positive and at most remote.backoff.max ("
                    + envName("remote.backoff.base") + ")");
        }
        return new ServerConfig.Remote(
                heartbeat,
                offline,
                intIn("remote.backoff.free.attempts", 0, 100),
                base,
                max,
                intIn("remote.rotate.after.failures", 1, 1000),
                intIn("remote.connects.per.minute", 1, 100_000));
    }

    /** A comma-separated list of ICE server URLs, each matching {@code pattern} with a port in range. */
    private java.util.List<String> iceUrls(String key, Pattern pattern, String form) {
        String v = optional(key);
        if (v == null) {
            return java.util.List.of();
        }
        java.util.List<String> urls = new java.util.ArrayList<>();
        for (String part : v.split(",", -1)) {
            String url = part.strip();
            Matcher m = pattern.matcher(url);
            boolean portInRange = !m.matches()
                    || m.group("port") == null
                    || Integer.parseInt(m.group("port")) >= 1 && Integer.parseInt(m.group("port")) <= 65535;
            if (!m.matches() || !portInRange) {
                throw new ConfigException(key + " has '" + url + "', which is not " + form + " (" + envName(key) + ")");
            }
            urls.add(url);
        }
        return urls;
    }

    private String optional(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private String required(String key) {
        String v = optional(key);
        if (v == null) {
            throw new ConfigException(key + " must not be empty (" + envName(key) + ")");
        }
        return v;
    }

    private String requiredMatching(String key, String regex) {
        String v = required(key);
        if (!v.matches(regex)) {
            throw new ConfigException(key + " must match " + regex + " (" + envName(key) + ")");
        }
        return v;
    }

    private Secret secret(String key) {
        return new Secret(optional(key));
    }

    private Path optionalPath(String key) {
        String v = optional(key);
        return v == null ? null : Path.of(v);
    }

    private String url(String key) {
        String v = optional(key);
        if (v == null) {
            return null;
        }
        try {
            URI uri = new URI(v);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigException(key + " must be an http(s) URL (" + envName(key) + ")");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException(key + " is not a URL (" + envName(key) + ")");
        }
        return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
    }

    private java.util.Set<String> addresses(String key) {
        String v = optional(key);
        if (v == null) {
            return java.util.Set.of();
        }
        java.util.Set<String> set = new java.util.LinkedHashSet<>();
        for (String part : v.split(",")) {
            String ip = part.strip();
            if (!ip.matches("[0-9A-Fa-f:.]{2,45}") || !(ip.contains(".") || ip.contains(":"))) {
                throw new ConfigException(
                        key + " must be a comma-separated list of IP addresses (" + envName(key) + ")");
            }
            set.add(io.romotica.server.common.ClientAddress.canonical(ip));
        }
        return java.util.Set.copyOf(set);
    }

    private boolean bool(String key) {
        String v = required(key).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(key + " must be true or false (" + envName(key) + ")");
        };
    }

    /** The value of {@code key}, lower-cased, which must be one of {@code allowed}. */
    private String oneOf(String key, String... allowed) {
        String v = required(key).toLowerCase(Locale.ROOT);
        if (!java.util.Arrays.asList(allowed).contains(v)) {
            String choices = String.join(", ", java.util.Arrays.copyOf(allowed, allowed.length - 1)) + " or "
                    + allowed[allowed.length - 1];
            throw new ConfigException(key + " must be " + choices + " (" + envName(key) + ")");
        }
        return v;
    }

    private int intIn(String key, int min, int max) {
        return (int) longIn(key, min, max);
    }

    private long longIn(String key, long min, long max) {
        String v = required(key);
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new ConfigException(key + " must be between " + min + " and " + max + " (" + envName(key) + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number (" + envName(key) + ")");
        }
    }

    /** Shortest visitor token lifetime: a visitor must at least get through one visit. */
    private static final Duration MIN_VISITOR_TOKEN_TTL = Duration.ofHours(1);

    private Duration duration(String key) {
        String v = required(key);
        Duration d = parseDuration(v);
        if (d == null || d.isNegative() || d.isZero()) {
            throw new ConfigException(
                    key + " must be a positive duration like 30s, 15m, 12h or PT15M (" + envName(key) + ")");
        }
        return d;
    }

    static Duration parseDuration(String v) {
        Matcher m = SHORT_DURATION.matcher(v.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(v.trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
