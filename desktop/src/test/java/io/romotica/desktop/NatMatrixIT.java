package io.romotica.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.romotica.server.testing.TestEnvironment;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 5's NAT matrix on real networks: {@code netns-lab.sh} builds a "WAN" namespace holding the server
 * process and coturn, and a host and a viewer, each in its own LAN namespace behind its own NAT router
 * namespace (iptables MASQUERADE: cone-like; {@code --random-fully}: symmetric). Host and viewer are the real
 * desktop command line run inside their LANs with {@code ip netns exec}; the host shows a known pattern on
 * Xvfb. The viewer reports the ICE path it used ({@code path} in its result line), and the WAN's packet
 * counters say what crossed it directly and what reached coturn. Needs root (namespaces, iptables).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NatMatrixIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final String SERVER_IP = "10.77.1.1";
    private static final String SERVER_URL = "https://" + SERVER_IP + ":8443";
    private static final String TURN_SECRET = "nat-matrix-" + HexFormat.of().toHexDigits(System.nanoTime());
    private static final Pattern COUNTERS = Pattern.compile("direct=(\\d+) turn-udp=(\\d+) turn-tcp=(\\d+)");

    private static final List<Process> processes = new ArrayList<>();
    private static final BlockingQueue<JsonNode> credentials = new LinkedBlockingQueue<>();
    private static final Map<String, Boolean> labUp = new ConcurrentHashMap<>();
    private static String prefix;
    private static Path work;
    private static Path lab;
    private static String display;
    private static JsonNode current;

    @BeforeAll
    static void start() throws Exception {
        TestEnvironment.require("root (network namespaces)", "root".equals(System.getProperty("user.name")));
        TestEnvironment.require("ip (package iproute2)", DesktopTestKit.onPath("ip"));
        TestEnvironment.require("iptables (package iptables)", DesktopTestKit.onPath("iptables"));
        TestEnvironment.require("coturn's turnserver (package coturn)", DesktopTestKit.onPath("turnserver"));
        TestEnvironment.require("Xvfb (package xvfb)", DesktopTestKit.onPath("Xvfb"));
        work = Files.createTempDirectory("romotica-nat-it");
        lab = Path.of(NatMatrixIT.class.getResource("/netns-lab.sh").toURI());
        // Namespace names are global: a per-run prefix keeps parallel or crashed runs apart.
        prefix = "rn" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        labUp.put(prefix, true);
        Runtime.getRuntime().addShutdownHook(new Thread(NatMatrixIT::tearDown));
        lab("up", "cone", "cone");

        startXvfb();
        Process pattern = java(Map.of("DISPLAY", display), null, PatternWindow.class.getName());
        String shown =
                new BufferedReader(new InputStreamReader(pattern.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(shown).as("pattern window").isEqualTo("shown " + WIDTH + "x" + HEIGHT);

        startCoturn();
        startServer();

        Process host = java(
                Map.of("DISPLAY", display),
                "lh",
                DesktopMain.class.getName(),
                "host",
                "--headless",
                "--auto-accept",
                "--server",
                SERVER_URL,
                "--trust-cert",
                certificate().toString(),
                "--config-dir",
                work.resolve("host").toString());
        Thread.ofPlatform().daemon().start(() -> readCredentials(host));
        current = nextCredentials();
    }

    @AfterAll
    static void stop() {
        tearDown();
    }

    /** Kills what the test started and removes the namespaces; safe to call twice (also a shutdown hook). */
    private static synchronized void tearDown() {
        for (Process p : processes.reversed()) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        if (prefix != null && labUp.remove(prefix) != null) {
            try {
                lab("down");
            } catch (Exception e) {
                System.err.println("netns-lab down " + prefix + " failed: " + e);
            }
        }
    }

    @Test
    @Order(1)
    void coneToConeConnectsDirectly() throws Exception {
        Session s = connect("cone-cone");

        assertThat(s.path()).as(s.line().toString()).doesNotContain("relay").isNotIn("none", "unknown");
        assertThat(s.direct())
                .as("UDP bytes the WAN forwarded between the two NATs")
                .isGreaterThan(0);
    }

    @Test
    @Order(2)
    void symmetricToSymmetricConnectsThroughTurn() throws Exception {
        lab("nat", "h", "symmetric");
        lab("nat", "v", "symmetric");

        Session s = connect("symmetric-symmetric");

        // Through TURN: one end's candidate is a relay (the other may be its NAT's prflx mapping seen by it).
        assertThat(s.path()).as(s.line().toString()).contains("relay");
        assertThat(s.turnUdp()).as("UDP bytes to coturn").isGreaterThan(s.direct());
    }

    /** One viewer run in the viewer's LAN, its screenshot checked, with the WAN's counters for that run. */
    record Session(JsonNode line, long direct, long turnUdp, long turnTcp) {
        String path() {
            return line.path("path").asText("missing");
        }
    }

    private Session connect(String name) throws Exception {
        lab("counters");
        Path png = work.resolve(name + ".png");
        Process p = java(
                Map.of(),
                "lv",
                DesktopMain.class.getName(),
                "viewer",
                "--headless",
                "--id",
                current.get("id").asText(),
                "--password",
                current.get("password").asText(),
                "--screenshot",
                png.toString(),
                "--server",
                SERVER_URL,
                "--trust-cert",
                certificate().toString(),
                "--config-dir",
                work.resolve("viewer-" + name).toString(),
                "--timeout",
                "40s");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        JsonNode line = JSON.readTree(
                out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}"));
        Matcher m = COUNTERS.matcher(lab("counters"));
        assertThat(m.find()).isTrue();
        System.out.printf("NatMatrixIT %s: %s %s%n", name, line, m.group());

        assertThat(p.exitValue()).as(line.toString()).isZero();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(WIDTH);
        assertThat(image.getHeight()).isEqualTo(HEIGHT);
        for (int i = 0; i < 4; i++) {
            int cx = (i % 2) * WIDTH / 2 + WIDTH / 4;
            int cy = (i / 2) * HEIGHT / 2 + HEIGHT / 4;
            assertThat(DesktopTestKit.averageDistance(image, cx, cy, PatternWindow.QUADRANTS[i]))
                    .as("quadrant %d", i)
                    .isLessThan(40.0);
        }
        current = nextCredentials(); // one-time password: the host rotated it
        return new Session(line, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    }

    /** Runs the lab script with this run's prefix; fails with its output when it fails. */
    private static String lab(String command, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", lab.toString(), command, prefix));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("netns-lab.sh " + String.join(" ", cmd.subList(2, cmd.size())) + ":\n" + out);
        }
        return out;
    }

    private static List<String> inNamespace(String ns, List<String> command) {
        if (ns == null) {
            return command;
        }
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", prefix + "-" + ns));
        all.addAll(command);
        return all;
    }

    private static Process started(ProcessBuilder b) throws IOException {
        Process p = b.start();
        processes.add(p);
        return p;
    }

    private static void startCoturn() throws Exception {
        Path dir = Files.createDirectories(work.resolve("coturn"));
        started(new ProcessBuilder(inNamespace(
                        "wan",
                        List.of(
                                "turnserver",
                                "--listening-ip=" + SERVER_IP,
                                "--listening-port=3478",
                                "--relay-ip=" + SERVER_IP,
                                "--min-port=50000",
                                "--max-port=50200",
                                "--use-auth-secret",
                                "--static-auth-secret=" + TURN_SECRET,
                                "--realm=romotica",
                                "--no-tls",
                                "--no-dtls",
                                "--no-cli",
                                "--log-file=stdout",
                                "--simple-log",
                                "--pidfile=" + dir.resolve("turnserver.pid"),
                                "--userdb=" + dir.resolve("turndb"))))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("turnserver.log").toFile()));
    }

    private static void startServer() throws Exception {
        Path data = Files.createDirectories(work.resolve("server"));
        ProcessBuilder b = new ProcessBuilder(inNamespace(
                        "wan",
                        List.of(
                                javaBinary(),
                                "-Xmx256m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                "io.romotica.server.ServerMain")))
                .redirectErrorStream(true);
        b.environment().keySet().removeIf(k -> k.startsWith("ROMOTICA_"));
        b.environment()
                .putAll(Map.of(
                        "ROMOTICA_DATA_DIR",
                        data.toString(),
                        "ROMOTICA_HOST",
                        SERVER_IP,
                        "ROMOTICA_PORT",
                        "8443",
                        "ROMOTICA_STUN_PORT",
                        "0",
                        "ROMOTICA_STUN_URLS",
                        "stun:" + SERVER_IP + ":3478",
                        "ROMOTICA_TURN_URLS",
                        "turn:" + SERVER_IP + ":3478?transport=udp,turn:" + SERVER_IP + ":3478?transport=tcp",
                        "ROMOTICA_TURN_SECRET",
                        TURN_SECRET));
        Process server = started(b);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                    Files.writeString(
                            work.resolve("server.log"),
                            l + "\n",
                            java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                }
            } catch (IOException e) {
                // the server ended
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String l = lines.poll(1, TimeUnit.SECONDS);
            if (l != null && l.contains("Romotica is running at")) {
                return;
            }
            if (!server.isAlive()) {
                break;
            }
        }
        throw new AssertionError("server did not start in the WAN namespace; see " + work.resolve("server.log"));
    }

    private static Path certificate() {
        return work.resolve("server/tls/server.crt");
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void startXvfb() throws Exception {
        for (int n = 200; n < 300; n++) {
            if (Files.exists(Path.of("/tmp/.X11-unix/X" + n)) || Files.exists(Path.of("/tmp/.X" + n + "-lock"))) {
                continue;
            }
            Process p = new ProcessBuilder(
                            "Xvfb", ":" + n, "-screen", "0", WIDTH + "x" + HEIGHT + "x24", "-nolisten", "tcp")
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve("xvfb-" + n + ".log").toFile())
                    .start();
            for (int i = 0; i < 50 && p.isAlive(); i++) {
                if (Files.exists(Path.of("/tmp/.X11-unix/X" + n))) {
                    processes.add(p);
                    display = ":" + n;
                    return;
                }
                Thread.sleep(100);
            }
            p.destroyForcibly();
        }
        throw new IllegalStateException("no free X display for Xvfb");
    }

    /** A JVM on this test's class path running {@code main} (inside namespace {@code ns} unless null). */
    private static Process java(Map<String, String> env, String ns, String main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                javaBinary(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                main));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(inNamespace(ns, command))
                .redirectError(
                        work.resolve(main.substring(main.lastIndexOf('.') + 1) + "-" + System.nanoTime() + ".log")
                                .toFile());
        b.environment().putAll(env);
        return started(b);
    }

    private static void readCredentials(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("{")) {
                    credentials.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            // the host ended
        }
    }

    private static JsonNode nextCredentials() throws InterruptedException {
        JsonNode c = credentials.poll(60, TimeUnit.SECONDS);
        assertThat(c).as("credentials line from the host").isNotNull();
        return c;
    }
}
