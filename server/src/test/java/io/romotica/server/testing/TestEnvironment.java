package io.romotica.server.testing;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real services tests use, and what happens when one is missing: under {@code CI=true} the test fails
 * (a missing dependency must never look like a pass); elsewhere it is skipped with a message saying why.
 * {@code ROMOTICA_TEST_STORE=cluster} runs every server-level test on PostgreSQL + Redis instead of the
 * embedded defaults.
 */
public final class TestEnvironment {
    public static final String PG_URL = env("ROMOTICA_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String PG_USER = env("ROMOTICA_TEST_PG_USER", "postgres");
    public static final String PG_PASSWORD = env("ROMOTICA_TEST_PG_PASSWORD", "");
    public static final String REDIS_URL = env("ROMOTICA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0");

    private TestEnvironment() {}

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** True when the whole suite runs in cluster mode (PostgreSQL + Redis). */
    public static boolean clusterMode() {
        return "cluster".equalsIgnoreCase(System.getenv("ROMOTICA_TEST_STORE"));
    }

    public static void requirePostgres() {
        require("PostgreSQL at " + PG_URL, postgresUp());
    }

    public static void requireRedis() {
        require("Redis at " + REDIS_URL, redisUp());
    }

    /** Fails (CI) or skips (elsewhere) when {@code available} is false. */
    public static void require(String what, boolean available) {
        if (available) {
            return;
        }
        String message = what + " is not reachable";
        if (ci()) {
            Assertions.fail(message + " (CI=true: missing real dependencies fail the build)");
        }
        Assumptions.abort(message + " — skipped outside CI; start it to run this test");
    }

    static boolean postgresUp() {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    static boolean redisUp() {
        java.net.URI uri = java.net.URI.create(REDIS_URL);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), 2000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Creates an empty PostgreSQL database and returns its JDBC URL. */
    public static String createDatabase(String name) {
        execute("create database " + name);
        return PG_URL.substring(0, PG_URL.lastIndexOf('/') + 1) + name;
    }

    public static void dropDatabase(String name) {
        execute("drop database if exists " + name + " with (force)");
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
            c.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
