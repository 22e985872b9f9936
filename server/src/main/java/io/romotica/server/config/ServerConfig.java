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
        Calls calls,
        Ops ops,
        Ice ice,
        Remote remote,
        Telegram telegram) {

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

    /**
     * Support calls. A limit of 0 means none; days are counted in {@code timeZone}. {@code recording} is the
     * policy until an admin sets one (OFF, NOTICE or ALWAYS); {@code retainRecordings} null keeps them.
     */
    public record Calls(
            int dailyLimit,
            int dailyLimitPerAgent,
            java.time.ZoneId timeZone,
            Duration ringTimeout,
            Duration reconnectGrace,
            String recording,
            Path recordingsDir,
            long recordingMaxBytes,
            Duration retainRecordings,
            int signalsPerMinute) {}

    /** Health and metrics. */
    public record Ops(long minFreeDiskBytes, Secret metricsToken) {}

    /**
     * ICE servers for calls and remote sessions. {@code stunUrls} and {@code turnUrls} are validated
     * {@code stun:}/{@code turn:}/{@code turns:} URLs; {@code turnSecret} is set whenever {@code turnUrls} is
     * not empty; {@code stunPort} 0 means the built-in STUN responder is off.
     */
    public record Ice(
            java.util.List<String> stunUrls,
            int stunPort,
            java.util.List<String> turnUrls,
            Secret turnSecret,
            Duration turnCredentialTtl,
            int requestsPerMinute) {
        public Ice {
            stunUrls = java.util.List.copyOf(stunUrls);
            turnUrls = java.util.List.copyOf(turnUrls);
        }
    }

    /**
     * Remote desktop rendezvous: host liveness (heartbeat interval, offline after), brute-force back-off for
     * failed one-time passwords (per host ID and per source address: free attempts, then base doubling up to
     * max), when a host is told to rotate its password, and connection requests per minute per address.
     */
    public record Remote(
            Duration heartbeatInterval,
            Duration offlineAfter,
            int backoffFreeAttempts,
            Duration backoffBase,
            Duration backoffMax,
            int rotateAfterFailures,
            int connectsPerMinute) {}

    /**
     * The Telegram bot; off when {@code botToken} is empty. {@code mode} is POLLING or WEBHOOK; in webhook
     * mode {@code webhookSecret} is set and {@code http.publicUrl} is an https URL.
     */
    public record Telegram(
            Secret botToken,
            String apiUrl,
            String mode,
            Secret webhookSecret,
            Duration pollTimeout,
            boolean visitorPhoneVerification) {
        public boolean enabled() {
            return !botToken.isEmpty();
        }

        public boolean webhook() {
            return "WEBHOOK".equals(mode);
        }
    }
}
