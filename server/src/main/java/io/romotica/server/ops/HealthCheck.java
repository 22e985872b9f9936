package io.romotica.server.ops;

/** One dependency that {@code /health/ready} reports on. Implementations must answer within a second or two. */
public interface HealthCheck {
    String name();

    Status check();

    /** {@code detail} is a short human-readable note (no secrets). */
    record Status(boolean up, String detail) {}
}
