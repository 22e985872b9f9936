package io.romotica.server.testing;

import java.io.File;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real coturn ({@code turnserver}, Debian package coturn) on free ports with REST-API shared-secret auth,
 * started for one test class and stopped by {@link #close()}. When the binary is missing the test fails
 * with CI=true and is skipped otherwise ({@link TestEnvironment#require}).
 */
public final class Coturn implements AutoCloseable {
    private final Process process;
    private final Path workDir;
    private final InetAddress address;
    private final int port;

    private Coturn(Process process, Path workDir, InetAddress address, int port) {
        this.process = process;
        this.workDir = workDir;
        this.address = address;
        this.port = port;
    }

    /** Starts coturn listening and relaying on {@code address} with {@code secret} (use-auth-secret). */
    public static Coturn start(String secret, InetAddress address) throws Exception {
        Optional<Path> binary = binary();
        TestEnvironment.require("coturn's turnserver binary (apt-get install coturn)", binary.isPresent());
        Path workDir = Files.createTempDirectory("romotica-coturn");
        int port = FreePorts.udpAndTcp();
        int relayFrom = ThreadLocalRandom.current().nextInt(50_000, 60_000);
        Process process = new ProcessBuilder(
                        binary.get().toString(),
                        "--listening-ip=" + address.getHostAddress(),
                        "--listening-port=" + port,
                        "--relay-ip=" + address.getHostAddress(),
                        "--min-port=" + relayFrom,
                        "--max-port=" + (relayFrom + 200),
                        "--use-auth-secret",
                        "--static-auth-secret=" + secret,
                        "--realm=romotica",
                        "--allow-loopback-peers",
                        "--no-tls",
                        "--no-dtls",
                        "--no-cli",
                        "--log-file=stdout",
                        "--simple-log",
                        "--pidfile=" + workDir.resolve("turnserver.pid"),
                        "--userdb=" + workDir.resolve("turndb"))
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("turnserver.log").toFile())
                .start();
        Coturn coturn = new Coturn(process, workDir, address, port);
        try {
            coturn.awaitStun();
        } catch (Exception | AssertionError e) {
            coturn.close();
            throw e;
        }
        return coturn;
    }

    /** This machine's first non-loopback IPv4 address (WebRTC in Chromium does not use loopback). */
    public static InetAddress lanAddress() throws SocketException {
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            Optional<InetAddress> v4 = nic.inetAddresses()
                    .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                    .findFirst();
            if (v4.isPresent()) {
                return v4.get();
            }
        }
        throw new AssertionError("no non-loopback IPv4 address on this machine");
    }

    private static Optional<Path> binary() {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin:/usr/local/bin";
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "turnserver"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Waits until coturn answers a STUN Binding request. */
    private void awaitStun() throws Exception {
        InetSocketAddress target = new InetSocketAddress(address, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (StunClient probe = new StunClient(address)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("turnserver exited (" + process.exitValue() + "):\n" + log());
                }
                byte[] request = StunClient.bindingRequest(StunClient.newTransactionId(), Map.of(), false);
                if (probe.exchange(target, request, Duration.ofMillis(200)).isPresent()) {
                    return;
                }
            }
        }
        throw new AssertionError("turnserver did not answer STUN within 20 s:\n" + log());
    }

    public InetAddress address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** The {@code turn:} URL of this server (UDP). */
    public String url() {
        return "turn:" + address.getHostAddress() + ":" + port + "?transport=udp";
    }

    /** What coturn logged, to explain a failure. */
    public String log() {
        try {
            return Files.readString(workDir.resolve("turnserver.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
