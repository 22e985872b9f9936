package io.romotica.desktop;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Set-up shared by the desktop integration tests: a free Xvfb display, JVM child processes on the test class
 * path (the real command line), and the environment checks. Not thread-safe; one per test class.
 */
final class DesktopTestKit implements AutoCloseable {
    final Path work;
    private final List<Process> processes = new ArrayList<>();
    String display;

    DesktopTestKit(String name) throws IOException {
        this.work = Files.createTempDirectory(name);
    }

    /** Whether {@code command} is on the PATH or in the system folders (ip and iptables live in sbin). */
    static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(":")) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Mean per-channel distance (0–255) of the 40 × 40 pixels around (cx, cy) from {@code expected}. */
    static double averageDistance(BufferedImage image, int cx, int cy, Color expected) {
        double sum = 0;
        int n = 0;
        for (int y = cy - 20; y < cy + 20; y++) {
            for (int x = cx - 20; x < cx + 20; x++) {
                Color c = new Color(image.getRGB(x, y));
                sum += (Math.abs(c.getRed() - expected.getRed())
                                + Math.abs(c.getGreen() - expected.getGreen())
                                + Math.abs(c.getBlue() - expected.getBlue()))
                        / 3.0;
                n++;
            }
        }
        return sum / n;
    }

    static boolean hasNonLoopbackIpv4() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .anyMatch(a -> a instanceof Inet4Address && !a.isLinkLocalAddress());
    }

    /** Starts Xvfb on the first free display number from 90 on; sets {@link #display}. */
    void startXvfb(int width, int height) throws Exception {
        for (int n = 90; n < 190; n++) {
            if (Files.exists(Path.of("/tmp/.X11-unix/X" + n)) || Files.exists(Path.of("/tmp/.X" + n + "-lock"))) {
                continue;
            }
            Process p = new ProcessBuilder(
                            "Xvfb", ":" + n, "-screen", "0", width + "x" + height + "x24", "-nolisten", "tcp")
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

    /** A JVM on this test's class path running {@code main}, with stderr kept in a log file under {@link #work}. */
    Process java(Map<String, String> env, String main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                main));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command)
                .redirectError(
                        work.resolve(main.substring(main.lastIndexOf('.') + 1) + "-" + System.nanoTime() + ".log")
                                .toFile());
        b.environment().putAll(env);
        Process p = b.start();
        processes.add(p);
        return p;
    }

    /** A process on the Xvfb display (e.g. xclip, xdotool); waits for it. */
    String x11(String... command) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        b.environment().put("DISPLAY", display);
        Process p = b.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes.reversed()) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
