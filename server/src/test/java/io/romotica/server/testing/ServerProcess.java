package io.romotica.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged server jar ({@code target/romotica-server.jar}, built before integration tests) run as a real
 * process on a free port, with everything it prints collected line by line.
 */
public final class ServerProcess {
    private static final Path JAR = Path.of("target", "romotica-server.jar");
    private static final Pattern RUNNING = Pattern.compile("Romotica is running at https://localhost:(\\d+)");

    public final Process process;
    public final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private final Path dataDir;

    private ServerProcess(Process process, Path dataDir) {
        this.process = process;
        this.dataDir = dataDir;
        BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.reader = Thread.ofVirtual().start(() -> {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
    }

    /** Starts the jar on {@code dataDir}, loopback, a free port, with {@code env} added. */
    public static ServerProcess start(Path dataDir, Map<String, String> env) throws IOException {
        assertThat(JAR)
                .as("the packaged jar (package runs before integration tests)")
                .exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", JAR.toString()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("ROMOTICA_"));
        pb.environment().put("ROMOTICA_DATA_DIR", dataDir.toString());
        pb.environment().put("ROMOTICA_HOST", "127.0.0.1");
        pb.environment().put("ROMOTICA_PORT", "0");
        pb.environment().put("ROMOTICA_STUN_PORT", "0");
        pb.environment().putAll(env);
        return new ServerProcess(pb.start(), dataDir);
    }

    /** Waits (up to a minute) until a line contains {@code marker} or the output ends. */
    public ServerProcess await(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lines.stream().noneMatch(l -> l.contains(marker)) && reader.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return this;
    }

    /** Waits for the end of the output (after the process exited). */
    public ServerProcess end() throws InterruptedException {
        reader.join(TimeUnit.SECONDS.toMillis(30));
        return this;
    }

    /** Waits until the server says it is running and returns a client for it. */
    public ApiClient client() throws Exception {
        await("Romotica is running at");
        Matcher m = lines.stream()
                .map(RUNNING::matcher)
                .filter(Matcher::find)
                .findFirst()
                .orElseThrow(() -> new AssertionError("server did not start: " + lines));
        return new ApiClient("https://localhost:" + m.group(1), TestServer.trusting(dataDir.resolve("tls/server.crt")));
    }

    /** SIGTERM, as an operator or an orchestrator stops it (graceful). */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL: the process dies at once, nothing runs on the way out. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }
}
