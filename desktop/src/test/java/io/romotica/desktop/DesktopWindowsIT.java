package io.romotica.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.TestEnvironment;
import io.romotica.server.testing.TestServer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The host and viewer windows end to end under Xvfb: a real server in-process, the host window (English) on
 * one display with the known pattern, the viewer window (Turkish) on another, each a process of the real
 * command line driven by component names ({@link SwingDriver}).
 */
class DesktopWindowsIT {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final long WAIT_MS = 30_000;

    private static DesktopTestKit kit;
    private static TestServer server;
    private static Driver host;
    private static Driver viewer;
    private static String hostDisplay;

    /** One driven window process: a command a line in, an answer a line out. */
    record Driver(PrintStream in, BufferedReader out) {
        static Driver of(Process p) {
            return new Driver(
                    new PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8),
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
        }

        String ask(String command) throws Exception {
            in.println(command);
            String answer = out.readLine();
            if (answer == null) {
                throw new IllegalStateException("the window process ended");
            }
            return answer;
        }

        /** Asks until the answer fits (the windows change asynchronously). */
        String await(String command, Predicate<String> fits) throws Exception {
            long end = System.currentTimeMillis() + WAIT_MS;
            String last;
            do {
                last = ask(command);
                if (fits.test(last)) {
                    return last;
                }
                Thread.sleep(200);
            } while (System.currentTimeMillis() < end);
            throw new AssertionError(command + ": last answer '" + last + "'");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        TestEnvironment.require("Xvfb (package xvfb)", DesktopTestKit.onPath("Xvfb"));
        TestEnvironment.require(
                "a non-loopback IPv4 interface for WebRTC host candidates", DesktopTestKit.hasNonLoopbackIpv4());
        kit = new DesktopTestKit("romotica-windows-it");
        kit.startXvfb(WIDTH, HEIGHT);
        hostDisplay = kit.display;
        kit.startXvfb(1024, 768);
        String viewerDisplay = kit.display;
        server = TestServer.builder()
                .set("remote.backoff.free.attempts", "5")
                .set("remote.rotate.after.failures", "10")
                .set("remote.offline.after", "1h")
                .start();
        String cert = server.dataDir().resolve("tls/server.crt").toString();
        host = Driver.of(kit.java(
                Map.of("DISPLAY", hostDisplay),
                SwingDriver.class.getName(),
                "host",
                "--server",
                server.baseUrl(),
                "--trust-cert",
                cert,
                "--config-dir",
                kit.work.resolve("host").toString(),
                "--files-dir",
                kit.work.resolve("files").toString(),
                "--lang",
                "en"));
        viewer = Driver.of(kit.java(
                Map.of("DISPLAY", viewerDisplay),
                SwingDriver.class.getName(),
                "viewer",
                "--server",
                server.baseUrl(),
                "--trust-cert",
                cert,
                "--config-dir",
                kit.work.resolve("viewer").toString(),
                "--lang",
                "tr"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (kit != null) {
            kit.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void newSessionConsentRemoteScreenAndWrongPassword() throws Exception {
        host.await("get newSession", "New session"::equals);
        assertThat(viewer.await("get connect", a -> !a.equals("missing"))).isEqualTo("Bağlan");

        host.ask("click newSession");
        String id = host.await("get hostId", a -> a.matches("[1-9][0-9]{2} [0-9]{3} [0-9]{3}"))
                .replace(" ", "");
        String password = host.await("get hostPassword", a -> a.replace(" ", "").length() >= 8)
                .replace(" ", "");
        assertThat(host.ask("get expires")).startsWith("Expires in");

        // The pattern goes over the host window, so the screen the viewer sees is the pattern.
        kit.java(Map.of("DISPLAY", hostDisplay), PatternWindow.class.getName());
        Thread.sleep(1000);

        viewer.ask("text partnerId " + id);
        viewer.ask("text partnerPassword " + password);
        viewer.ask("click connect");
        assertThat(host.await("get consentWho", a -> !a.equals("missing"))).contains("wants to connect");
        host.ask("click allow");

        Path shot = kit.work.resolve("remote-screen.png");
        long end = System.currentTimeMillis() + WAIT_MS;
        boolean pattern = false;
        while (!pattern && System.currentTimeMillis() < end) {
            String size = viewer.ask("shot remoteScreen " + shot);
            pattern = size.matches("[0-9]+x[0-9]+") && showsPattern(ImageIO.read(shot.toFile()));
            if (!pattern) {
                Thread.sleep(300);
            }
        }
        assertThat(pattern)
                .as("the remote screen shows the host's pattern (" + shot + ")")
                .isTrue();
        assertThat(host.await("get barCode", a -> !a.equals("missing"))).startsWith("Verification code:");

        viewer.ask("click disconnect");
        viewer.await("get remoteScreen", "missing"::equals);
        host.await("get barCode", "missing"::equals);

        String fresh = host.await("get hostPassword", a -> !a.replace(" ", "").equals(password))
                .replace(" ", "");
        viewer.ask("text partnerPassword " + wrong(fresh));
        viewer.await("get connect", "Bağlan"::equals);
        viewer.ask("click connect");
        host.await("get consentWho", a -> !a.equals("missing"));
        host.ask("click allow");
        assertThat(viewer.await("get message", a -> a.startsWith("Şifre"))).startsWith("Şifre yanlış");
    }

    /** The password with one character changed to another of its own characters. */
    private static String wrong(String password) {
        for (int i = 1; i < password.length(); i++) {
            if (password.charAt(i) != password.charAt(0)) {
                return password.charAt(i) + password.substring(1);
            }
        }
        throw new IllegalStateException("a password of one repeated character");
    }

    /** The four quadrants' colours at their centres, scaled as the window draws the frame (fit). */
    private static boolean showsPattern(BufferedImage image) {
        double s = Math.min((double) image.getWidth() / WIDTH, (double) image.getHeight() / HEIGHT);
        for (int i = 0; i < 4; i++) {
            int x = (int) (((i % 2) * 2 + 1) * WIDTH / 4.0 * s);
            int y = (int) (((i / 2) * 2 + 1) * HEIGHT / 4.0 * s);
            if (!near(new Color(image.getRGB(x, y)), PatternWindow.QUADRANTS[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean near(Color a, Color b) {
        return Math.abs(a.getRed() - b.getRed()) < 60
                && Math.abs(a.getGreen() - b.getGreen()) < 60
                && Math.abs(a.getBlue() - b.getBlue()) < 60;
    }
}
