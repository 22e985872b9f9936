package io.romotica.server.ops;

import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Ids;
import io.romotica.server.config.Secret;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Liveness, readiness and Prometheus metrics. {@code /metrics} answers loopback callers, or anyone with the
 * configured bearer token.
 */
public final class OpsRoutes {
    private final List<HealthCheck> checks;
    private final PrometheusMeterRegistry registry;
    private final Secret metricsToken;

    public OpsRoutes(List<HealthCheck> checks, PrometheusMeterRegistry registry, Secret metricsToken) {
        this.checks = List.copyOf(checks);
        this.registry = registry;
        this.metricsToken = metricsToken;
    }

    public record Health(String status, Map<String, HealthCheck.Status> checks) {}

    public void register(Api api) {
        api.tag("operations")
                .get(
                        "/health/live",
                        Access.PUBLIC,
                        "The process is up",
                        Health.class,
                        ctx -> Api.json(ctx, new Health("UP", Map.of())))
                .get("/health/ready", Access.PUBLIC, "Ready to serve: database, Redis, disk", Health.class, this::ready)
                .get(
                        "/metrics",
                        Access.PUBLIC,
                        "Prometheus metrics (loopback or bearer token)",
                        String.class,
                        this::metrics);
    }

    private void ready(Context ctx) {
        Map<String, HealthCheck.Status> results = new LinkedHashMap<>();
        boolean up = true;
        for (HealthCheck c : checks) {
            HealthCheck.Status s = c.check();
            results.put(c.name(), s);
            up &= s.up();
        }
        ctx.status(up ? 200 : 503);
        Api.json(ctx, new Health(up ? "UP" : "DOWN", results));
    }

    private void metrics(Context ctx) {
        if (!allowed(ctx)) {
            throw new AppException(ErrorCode.FORBIDDEN, "metrics need the bearer token or a loopback caller");
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }

    private boolean allowed(Context ctx) {
        if (!metricsToken.isEmpty()) {
            String header = ctx.header("Authorization");
            return header != null && Ids.sameSecret(header, "Bearer " + metricsToken.value());
        }
        try {
            return InetAddress.getByName(ctx.req().getRemoteAddr()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
