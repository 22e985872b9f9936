package io.romotica.server;

import io.romotica.server.config.ConfigException;
import io.romotica.server.config.ConfigLoader;
import io.romotica.server.config.ServerConfig;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of {@code ./romotica server}: loads the configuration (bad configuration: one line on stderr,
 * exit code 78), chooses the log format before anything logs, starts the node, prints its URL (and the
 * one-time setup link on first run) and stops gracefully on SIGTERM / Ctrl-C.
 */
public final class ServerMain {
    static final int EXIT_CONFIG = 78;

    private ServerMain() {}

    public static void main(String[] args) throws Exception {
        ServerConfig config;
        try {
            config = ConfigLoader.load(System.getenv(), Map.of());
        } catch (ConfigException e) {
            System.err.println("romotica: configuration error: " + e.getMessage());
            System.exit(EXIT_CONFIG);
            return;
        }
        System.setProperty("romotica.log.format", config.logFormat());
        System.setProperty("java.awt.headless", "true"); // images are re-encoded without a display
        Logger log = LoggerFactory.getLogger(ServerMain.class);
        RomoticaServer server;
        try {
            server = RomoticaServer.start(config, Clock.systemUTC(), new SecureRandom());
        } catch (ConfigException e) {
            System.err.println("romotica: configuration error: " + e.getMessage());
            System.exit(EXIT_CONFIG);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.stop();
                            stopped.countDown();
                        },
                        "shutdown"));
        log.info("Romotica {} ready at {}", RomoticaServer.version(), server.baseUrl());
        System.out.println("Romotica is running at " + server.baseUrl());
        server.setupLink().ifPresent(link -> {
            // The setup link is a one-time credential: printed to the console only, never to the log.
            System.out.println();
            System.out.println("First run: no account exists yet. Open this one-time link to create the first admin:");
            System.out.println("  " + link);
            System.out.println("(It expires after "
                    + config.auth().setupTokenLifetime().toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                    + "; a new one is printed at each start until setup is done.)");
            System.out.println();
        });
        stopped.await();
    }
}
