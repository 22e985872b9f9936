package io.romotica.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.romotica.server.config.ServerConfig;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The database: a HikariCP pool, Flyway migrations (one set for H2 and PostgreSQL) and a {@link Jdbi} on
 * top. H2 runs as a file database in PostgreSQL mode when no {@code db.url} is configured. Thread-safe.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean postgres;

    private Database(HikariDataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.postgres = postgres;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** Opens the pool and migrates the schema to the newest version. */
    public static Database open(ServerConfig.Db config, Path dataDir, MeterRegistry meters) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("romotica-db");
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
        if (config.embedded()) {
            // WRITE_DELAY=0: a commit reaches the file at once, so an acknowledged message survives a crash
            // of the process (H2 otherwise batches commits for up to a second).
            Path file = dataDir.resolve("db").resolve("romotica");
            hikari.setJdbcUrl(
                    "jdbc:h2:file:" + file
                            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000;WRITE_DELAY=0");
            hikari.setUsername("romotica");
            hikari.setPassword("");
        } else {
            hikari.setJdbcUrl(config.url());
            hikari.setUsername(config.user());
            hikari.setPassword(config.password().value());
        }
        HikariDataSource ds = new HikariDataSource(hikari);
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            return new Database(ds, !config.embedded());
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** True on PostgreSQL, false on the embedded H2 (for the few queries that differ, e.g. full-text). */
    public boolean isPostgres() {
        return postgres;
    }

    /** A cheap round trip for the readiness check. */
    public boolean ping() {
        try {
            return jdbi.withHandle(
                            h -> h.createQuery("select 1").mapTo(Integer.class).one())
                    == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
