package io.romotica.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The whole server configuration, loaded once at start by {@link ConfigLoader} and validated there. Each
 * feature is handed only its own sub-record. Immutable.
 */
public record ServerConfig(
        Path dataDir,
        Http http,
        Tls tls,
        Db db,
        Redis redis,
        Secret secretKey,
        String logFormat,
        Auth auth,
        Chat chat,
        Ops ops) {

    /**
     * Listening and limits of the HTTP server. {@code publicUrl} is null when links follow the request's own
     * address; {@code trustedProxies} are the canonical addresses whose X-Forwarded-For is believed.
     */
    public record Http(
            String host,
            int port,
            String publicUrl,
            java.util.Set<String> trustedProxies,
            long maxBodyBytes,
            Duration shutdownGrace) {}

    /** TLS material: both files, or neither for a generated self-signed certificate. */
    public record Tls(boolean enabled, Path cert, Path key) {}

    /** Database; {@code url} null means the embedded H2 file database. */
    public record Db(String url, String user, Secret password, int poolSize) {
        public boolean embedded() {
            return url == null;
        }
    }

    /** Redis; {@code url} null means single node with in-process bus and counters. */
    public record Redis(Secret url, String prefix) {
        public boolean enabled() {
            return !url.isEmpty();
        }
    }

    /** Sign-in policy. */
    public record Auth(
            Duration sessionIdleTimeout,
            Duration sessionAbsoluteTimeout,
            Duration loginPendingTimeout,
            int lockoutThreshold,
            int backoffFreeAttempts,
            Duration backoffBase,
            Duration backoffMax,
            int rateLimitPerMinute,
            int passwordMinLength,
            Duration inviteLifetime,
            Duration setupTokenLifetime) {}

    /** Live chat limits. */
    public record Chat(
            int newVisitorsPerMinute,
            int messagesPerMinute,
            String embedAncestors,
            long attachmentMaxBytes,
            int uploadsPerMinute,
            Path attachmentsDir,
            Duration retainResolved,
            Duration retainAttachments,
            Duration retentionInterval,
            String routing,
            int agentCapacity,
            int addressMessagesPerMinute,
            int newConversationsPerMinute,
            Duration visitorTokenTtl) {}

    /** Health and metrics. */
    public record Ops(long minFreeDiskBytes, Secret metricsToken) {}
}
