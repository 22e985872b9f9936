package io.romotica.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.romotica.server.testing.Browser;
import io.romotica.server.testing.TestEnvironment;
import io.romotica.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * The browser viewer in the console's Remote pane against the real headless host under Xvfb: SRP-6a in
 * JavaScript reproduces RFC 5054's values in Chromium and interoperates with the BouncyCastle host; the
 * host's screen (a known pattern) appears in the video; a click in the video arrives in a window on the host;
 * a wrong password is reported as such; a DTLS fingerprint swapped on the way is a security warning and no
 * video; an ID no host has is reported as offline.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserViewerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;

    private static DesktopTestKit kit;
    private static TestServer server;
    private static TestServer.Account admin;
    private static Process pattern;
    private static volatile JsonNode current;
    private static final BlockingQueue<String> windowEvents = new LinkedBlockingQueue<>();

    @RegisterExtension
    final Browser.PerTest browsers = new Browser.PerTest();

    @BeforeAll
    static void start() throws Exception {
        TestEnvironment.require("Xvfb (package xvfb)", DesktopTestKit.onPath("Xvfb"));
        TestEnvironment.require("Chromium", Browser.CHROMIUM.toFile().canExecute());
        TestEnvironment.require(
                "a non-loopback IPv4 interface for WebRTC host candidates", DesktopTestKit.hasNonLoopbackIpv4());
        kit = new DesktopTestKit("romotica-browser-viewer-it");
        kit.startXvfb(WIDTH, HEIGHT);
        pattern = kit.java(Map.of("DISPLAY", kit.display), PatternWindow.class.getName());
        String shown =
                new BufferedReader(new InputStreamReader(pattern.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(shown).as("pattern window").isEqualTo("shown " + WIDTH + "x" + HEIGHT);

        server = TestServer.builder().set("remote.offline.after", "1h").start();
        admin = server.setupAdmin();
        Process host = kit.java(
                Map.of("DISPLAY", kit.display),
                DesktopMain.class.getName(),
                "host",
                "--headless",
                "--auto-accept",
                "--grant",
                "view,control",
                "--server",
                server.baseUrl(),
                "--trust-cert",
                server.dataDir().resolve("tls/server.crt").toString(),
                "--config-dir",
                kit.work.resolve("host").toString());
        Thread.ofPlatform().daemon().start(() -> readHost(host));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (current == null && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(current).as("credentials from the host").isNotNull();
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

    private static void readHost(Process host) {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("{")) {
                    JsonNode node = JSON.readTree(line);
                    if (node.has("password")) {
                        current = node;
                    }
                }
            }
        } catch (IOException e) {
            // the host ended
        }
    }

    private Browser remotePane() {
        return remotePane(null);
    }

    /** The Remote pane; {@code initScript}, when given, runs in every document before the page's own scripts. */
    private Browser remotePane(String initScript) {
        Browser b = browsers.open(server, Browser.options().fakeMedia());
        if (initScript != null) {
            ((ChromeDriver) b.driver())
                    .executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", initScript));
        }
        b.signIn(admin);
        b.get("/console/remote");
        b.visible("#remote-host-id");
        return b;
    }

    private static void connect(Browser b, String hostId, String password) {
        b.type("#remote-host-id", hostId);
        b.type("#remote-password", password);
        b.click("#remote-connect");
    }

    @Test
    @Order(1)
    void srpInTheBrowserReproducesTheRfc5054Values() {
        Browser b = remotePane();

        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) b.asyncJs("""
                const done = arguments[arguments.length - 1];
                import('/js/srp.js').then((srp) => srp.rfc5054Values({
                  salt: 'BEB25379 D1A8581E B5A72767 3A2441EE', id: 'alice', password: 'password123',
                  a: '60975527 035CF2AD 1989806F 0407210B C81EDC04 E2762A56 AFD529DD DA2D4393',
                  b: 'E487CB59 D31AC550 471E81F0 0F6928E0 1DDA08E9 74A004F4 9E61F5D1 05284D20',
                })).then(done, (e) => done({ error: String(e) }));
                """);

        // RFC 5054, Appendix B.
        assertThat(values.get("k")).isEqualTo("7556AA045AEF2CDD07ABAF0F665C3E818913186F");
        assertThat(values.get("x")).isEqualTo("94B7555AABE9127CC58CCF4993DB6CF84D16C124");
        assertThat(values.get("v"))
                .isEqualTo(
                        "7E273DE8696FFC4F4E337D05B4B375BEB0DDE1569E8FA00A9886D8129BADA1F1822223CA1A605B530E379BA4729FDC59"
                                + "F105B4787E5186F5C671085A1447B52A48CF1970B4FB6F8400BBF4CEBFBB168152E08AB5EA53D15C1AFF87B2"
                                + "B9DA6E04E058AD51CC72BFC9033B564E26480D78E955A5E29E7AB245DB2BE315E2099AFB");
        assertThat(values.get("A"))
                .isEqualTo(
                        "61D5E490F6F1B79547B0704C436F523DD0E560F0C64115BB72557EC44352E8903211C04692272D8B2D1A5358A2CF1B6E"
                                + "0BFCF99F921530EC8E39356179EAE45E42BA92AEACED825171E1E8B9AF6D9C03E1327F44BE087EF06530E69F"
                                + "66615261EEF54073CA11CF5858F0EDFDFE15EFEAB349EF5D76988A3672FAC47B0769447B");
        assertThat(values.get("B"))
                .isEqualTo(
                        "BD0C61512C692C0CB6D041FA01BB152D4916A1E77AF46AE105393011BAF38964DC46A0670DD125B95A981652236F99D9"
                                + "B681CBF87837EC996C6DA04453728610D0C6DDB58B318885D7D82C7F8DEB75CE7BD4FBAA37089E6F9C6059F3"
                                + "88838E7A00030B331EB76840910440B1B27AAEAEEB4012B7D7665238A8E3FB004B117B58");
        assertThat(values.get("S"))
                .isEqualTo(
                        "B0DC82BABCF30674AE450C0287745E7990A3381F63B387AAF271A10D233861E359B48220F7C4693C9AE12B0A6F67809F"
                                + "0876E2D013800D6C41BB59B6D5979B5C00A172B4A2A5903A0BDCAF8A709585EB2AFAFA8F3499B200210DCC1F"
                                + "10EB33943CD67FC88A2F39A4BE5BEC4EC0A3212DC346D7E474B29EDE8A469FFECA686E5A");
    }

    /** The video's pixel at (fx, fy) of its picture, as [r, g, b]. */
    @SuppressWarnings("unchecked")
    private static List<Long> pixel(Browser b, double fx, double fy) {
        return (List<Long>) b.js("""
                const v = document.getElementById('remote-video');
                if (!v.videoWidth) return null;
                const c = document.createElement('canvas');
                c.width = v.videoWidth;
                c.height = v.videoHeight;
                const ctx = c.getContext('2d');
                ctx.drawImage(v, 0, 0);
                const d = ctx.getImageData(Math.floor(c.width * arguments[0]), Math.floor(c.height * arguments[1]),
                  1, 1).data;
                return [d[0], d[1], d[2]];
                """, fx, fy);
    }

    private static boolean near(List<Long> rgb, int r, int g, int bl) {
        return rgb != null
                && Math.abs(rgb.get(0) - r) < 50
                && Math.abs(rgb.get(1) - g) < 50
                && Math.abs(rgb.get(2) - bl) < 50;
    }

    @Test
    @Order(2)
    void connectShowsTheHostsScreenAndAClickInTheVideoArrivesOnTheHost() throws Exception {
        Browser b = remotePane();
        connect(b, current.get("id").asText(), current.get("password").asText());

        b.awaitAttribute("#remote-video", "data-state", "playing");
        assertThat(b.text("#remote-code")).matches("[0-9]{3} [0-9]{3}");
        b.await(
                "the host's pattern in the video",
                () -> near(pixel(b, 0.25, 0.25), 255, 0, 0)
                        && near(pixel(b, 0.75, 0.25), 0, 255, 0)
                        && near(pixel(b, 0.25, 0.75), 0, 0, 255)
                        && near(pixel(b, 0.75, 0.75), 255, 255, 255));
        b.awaitAttribute("#remote-video", "data-control", "on");

        pattern.destroy();
        Process window = kit.java(Map.of("DISPLAY", kit.display), InputWindow.class.getName());
        BufferedReader events =
                new BufferedReader(new InputStreamReader(window.getInputStream(), StandardCharsets.UTF_8));
        assertThat(events.readLine()).as("input window").isEqualTo("shown " + WIDTH + "x" + HEIGHT);
        Thread.ofPlatform().daemon().start(() -> events.lines().forEach(windowEvents::add));
        b.await("the input window in the video", () -> near(pixel(b, 0.25, 0.25), 255, 255, 255));

        // WebDriver clicks the centre of an element's visible part: show all of it (max 75vh) first.
        b.js("document.getElementById('remote-video').scrollIntoView({block: 'center'})");
        new Actions(b.driver())
                .moveToElement(b.visible("#remote-video"))
                .click()
                .perform();

        String click = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (click == null && System.nanoTime() < deadline) {
            String e = windowEvents.poll(200, TimeUnit.MILLISECONDS);
            if (e != null && e.startsWith("click")) {
                click = e;
            }
        }
        assertThat(click).as("a click on the host").isNotNull();
        String[] parts = click.split(" ");
        assertThat(Integer.parseInt(parts[1])).isBetween(WIDTH / 2 - 3, WIDTH / 2 + 3);
        assertThat(Integer.parseInt(parts[2])).isBetween(HEIGHT / 2 - 3, HEIGHT / 2 + 3);
        assertThat(parts[3]).isEqualTo("1");

        b.click("#remote-disconnect");
        b.awaitAttribute("#remote-video", "hidden", "true");
    }

    @Test
    @Order(3)
    void aWrongPasswordIsReportedAsSuch() {
        Browser b = remotePane();
        connect(b, current.get("id").asText(), "WRONGPASS9");

        b.awaitAttribute("#remote-error", "data-code", "WRONG_PASSWORD");
        assertThat(b.text("#remote-error")).containsIgnoringCase("password");
    }

    /**
     * A man in the middle at the console socket's edge (the server relays remote.* frames unread, so this is
     * exactly what a compromised server or path could deliver): every frame received passes through it, and in
     * relayed session descriptions the first byte of the DTLS fingerprint is swapped on every fingerprint line
     * alike (so the description stays consistent and only the fingerprint's MAC can reveal the swap), as
     * RemoteSessionIT's TamperingProxy does for the desktop viewer. (A proxy on another port cannot be used here: the console's
     * Content-Security-Policy allows connections to its own origin only.) Counts its swaps in
     * {@code window.__tampered}.
     */
    private static final String SWAP_FINGERPRINT = """
            (() => {
              const Native = window.WebSocket;
              window.__tampered = 0;
              const swap = (text) => {
                let f;
                try { f = JSON.parse(text); } catch { return text; }
                if (!f || f.type !== 'remote.relay' || f.kind !== 'sdp' || typeof f.payload !== 'string') return text;
                const p = f.payload.replace(/(a=fingerprint:sha-256 )([0-9A-F]{2})/g,
                  (m, a, b) => a + (b === '00' ? '01' : '00'));
                if (p !== f.payload) window.__tampered++;
                f.payload = p;
                return JSON.stringify(f);
              };
              class Tampering extends Native {
                constructor(...args) {
                  super(...args);
                  const forged = new WeakSet();
                  this.addEventListener('message', (ev) => {
                    if (forged.has(ev)) return;
                    ev.stopImmediatePropagation();
                    const copy = new MessageEvent('message', { data: swap(ev.data), origin: ev.origin });
                    forged.add(copy);
                    this.dispatchEvent(copy);
                  });
                }
              }
              window.WebSocket = Tampering;
            })();
            """;

    @Test
    @Order(4)
    void aSwappedFingerprintIsASecurityWarningAndNoVideo() {
        Browser b = remotePane(SWAP_FINGERPRINT);
        connect(b, current.get("id").asText(), current.get("password").asText());

        b.awaitAttribute("#remote-error", "data-code", "SECURITY_CHECK_FAILED");
        assertThat(((Number) b.js("return window.__tampered")).intValue())
                .as("fingerprints swapped")
                .isGreaterThanOrEqualTo(1);
        // Refused by the fingerprint's MAC (the description itself is consistent).
        assertThat(b.consoleLines())
                .anySatisfy(l -> assertThat(l.getMessage()).contains("DTLS fingerprint is not authenticated"));
        assertThat(b.visible("#remote-error").getAttribute("class")).contains("remote-security");
        assertThat(b.text("#remote-error")).startsWith("Security warning");
        assertThat(b.js("""
                        const v = document.getElementById('remote-video');
                        return [v.hidden, v.srcObject === null, v.videoWidth, v.dataset.state ?? null];
                        """)).isEqualTo(Arrays.asList(true, true, 0L, null));
        assertThat(b.visible("#remote-connect").isDisplayed()).isTrue();
    }

    @Test
    @Order(5)
    void anIdNoHostHasIsReportedAsOffline() {
        Browser b = remotePane();
        String unknown = current.get("id").asText().equals("123456789") ? "987654321" : "123456789";
        connect(b, unknown, "ANYPASS12");

        b.awaitAttribute("#remote-error", "data-code", "HOST_OFFLINE");
        assertThat(b.text("#remote-error"))
                .isEqualTo("This host is not online. Ask the person to open the Romotica app.");
        assertThat(b.visible("#remote-connect").isDisplayed()).isTrue();
    }
}
