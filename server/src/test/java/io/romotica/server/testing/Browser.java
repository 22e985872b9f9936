package io.romotica.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A real headless Chromium, driven through chromedriver, pointed at one {@link TestServer}: a fresh profile,
 * the server's self-signed certificate trusted by its key hash (nothing else), a chosen language and window
 * size. Waits poll the page until a condition holds (never a fixed sleep). Every console line is kept, so a
 * test can insist that nothing but the expected 4xx "Failed to load resource" lines was logged (a CSP
 * violation is a SEVERE line). Missing Chromium fails the test under {@code CI=true} and skips it elsewhere.
 *
 * <p>Open browsers through {@link PerTest} to get a screenshot and the page source under
 * {@code target/browser-failures} when a test fails, the console check after each test and {@code quit()}
 * in every case. Not thread-safe: one test thread drives a browser.
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** How long a wait tries before failing; generous for a loaded CI machine, short enough to fail fast. */
    public static final Duration WAIT = Duration.ofSeconds(15);

    private static final Duration POLL = Duration.ofMillis(50);
    /** The UI's own requests that the server refuses (wrong password, 403 probes…) are logged like this. */
    private static final Pattern EXPECTED_SEVERE =
            Pattern.compile("Failed to load resource: the server responded with a status of 4\\d\\d\\b");

    /**
     * Selenium looks for a CDP binding matching the browser's version and warns on every start when none
     * is on the class path; these tests use only chromedriver's own endpoints, so the warning is noise.
     * Held in a field because JUL keeps loggers weakly and would forget the level.
     */
    private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_FINDER.setLevel(Level.SEVERE);
    }

    private final TestServer server;
    private final ChromeDriver driver;
    private final Path profile;
    private final List<LogEntry> console = new ArrayList<>();

    private Browser(TestServer server, ChromeDriver driver, Path profile) {
        this.server = server;
        this.driver = driver;
        this.profile = profile;
    }

    /** An English (en-US) desktop-sized browser. */
    public static Browser open(TestServer server) {
        return options().open(server);
    }

    public static Options options() {
        return new Options();
    }

    /** How to start a browser: language, window size and whether it has a (fake) microphone and camera. */
    public static final class Options {
        private String language = "en-US";
        private int width = 1280;
        private int height = 900;
        private boolean fakeMedia = false;

        /** A BCP 47 tag such as {@code tr-TR}: the UI language Chromium reports and sends. */
        public Options language(String tag) {
            this.language = tag;
            return this;
        }

        /** The viewport in CSS pixels. */
        public Options size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        /**
         * Gives the page Chromium's fake microphone and camera (a beep and a test pattern), grants
         * getUserMedia without a prompt and lets WebRTC offer real host addresses.
         */
        public Options fakeMedia() {
            this.fakeMedia = true;
            return this;
        }

        public Browser open(TestServer server) {
            TestEnvironment.require(
                    "Chromium (" + CHROMIUM + ") with chromedriver (" + CHROMEDRIVER + ")",
                    Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER));
            Path profile;
            try {
                profile = Files.createTempDirectory("romotica-chromium");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String primary = language.split("-", 2)[0];
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toString());
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--user-data-dir=" + profile,
                    "--lang=" + language,
                    "--window-size=" + width + "," + height,
                    // Trust exactly this server's key; every other certificate error still fails.
                    "--ignore-certificate-errors-spki-list="
                            + spkiSha256(server.dataDir().resolve("tls/server.crt")));
            if (fakeMedia) {
                options.addArguments(
                        "--use-fake-device-for-media-stream",
                        "--use-fake-ui-for-media-stream",
                        // WebRTC host candidates as real addresses (not mDNS names nobody here resolves).
                        "--disable-features=WebRtcHideLocalIpsWithMdns");
            }
            options.setExperimentalOption(
                    "prefs",
                    Map.of("intl.accept_languages", primary.equals(language) ? language : language + "," + primary));
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .withLogOutput(OutputStream.nullOutputStream())
                    .build();
            ChromeDriver driver;
            try {
                driver = new ChromeDriver(service, options);
            } catch (RuntimeException e) {
                service.stop();
                deleteTree(profile);
                throw e;
            }
            // Headless Chromium sometimes widens a narrow window to its 500 px minimum; emulated device
            // metrics give the page exactly the viewport asked for. Not "mobile": a phone's zoom-out would
            // hide a page that is wider than the screen, which is just what the layout tests look for.
            driver.executeCdpCommand(
                    "Emulation.setDeviceMetricsOverride",
                    Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
            return new Browser(server, driver, profile);
        }
    }

    /** Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo, as Chromium's SPKI list wants it. */
    static String spkiSha256(Path certFile) {
        try (InputStream in = Files.newInputStream(certFile)) {
            X509Certificate cert =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(cert.getPublicKey().getEncoded());
            return Base64.getEncoder().encodeToString(hash);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Opens a path (or a full URL) of the server. */
    public void get(String pathOrUrl) {
        driver.get(pathOrUrl.startsWith("https://") ? pathOrUrl : server.baseUrl() + pathOrUrl);
    }

    public void reload() {
        driver.navigate().refresh();
    }

    /** The address bar's path, e.g. {@code /console/admin}. */
    public String path() {
        return String.valueOf(js("return location.pathname;"));
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Runs an async script; it reports its result by calling {@code arguments[arguments.length - 1]}. */
    public Object asyncJs(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    // --- waits ---

    /**
     * Polls {@code probe} until it gives a non-null value other than {@code false}, ignoring elements that
     * are missing, stale or not yet interactable meanwhile; fails after {@link #WAIT} naming {@code what}.
     */
    public <T> T await(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                T value = probe.get();
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
            } catch (NoSuchElementException | StaleElementReferenceException | ElementNotInteractableException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "waited " + WAIT.toSeconds() + " s for " + what + " at " + driver.getCurrentUrl()
                                + shownMessage(),
                        last);
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** What #message shows (code and text), to explain a failed wait. */
    private String shownMessage() {
        try {
            Object shown = js("const m = document.getElementById('message');"
                    + " return m && m.textContent.trim() ? ' (#message ' + (m.dataset.code || m.dataset.kind)"
                    + " + ': ' + m.textContent.trim() + ')' : '';");
            return String.valueOf(shown);
        } catch (WebDriverException e) {
            return "";
        }
    }

    /** The first element matching {@code css} once it is displayed. */
    public WebElement visible(String css) {
        return await(css + " to be visible", () -> {
            WebElement e = driver.findElement(By.cssSelector(css));
            return e.isDisplayed() ? e : null;
        });
    }

    /** Every element matching {@code css} once there are {@code count} of them. */
    public List<WebElement> all(String css, int count) {
        return await(count + " × " + css, () -> {
            List<WebElement> found = driver.findElements(By.cssSelector(css));
            return found.size() == count ? found : null;
        });
    }

    /** Whether an element matching {@code css} exists right now (no waiting). */
    public boolean present(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    /** Waits until the element's visible text contains {@code part}; returns the whole text. */
    public String awaitText(String css, String part) {
        return await(css + " to show \"" + part + "\"", () -> {
            String text = driver.findElement(By.cssSelector(css)).getText();
            return text.contains(part) ? text : null;
        });
    }

    /** Waits until the element's attribute has {@code value}. */
    public WebElement awaitAttribute(String css, String attribute, String value) {
        return await(css + "[" + attribute + "=" + value + "]", () -> {
            WebElement e = driver.findElement(By.cssSelector(css));
            return value.equals(e.getAttribute(attribute)) ? e : null;
        });
    }

    public String text(String css) {
        return visible(css).getText();
    }

    /** Replaces an input's value by typing, as a person would (retried while the input is hidden). */
    public void type(String css, String value) {
        await(css + " to accept typing", () -> {
            WebElement e = driver.findElement(By.cssSelector(css));
            e.clear();
            e.sendKeys(value);
            return true;
        });
    }

    /**
     * Clicks once the element is enabled, displayed and not covered (the last two are retried on
     * chromedriver's "not interactable" answer, which saves a round trip per click).
     */
    public void click(String css) {
        await(css + " to be clickable", () -> {
            WebElement e = driver.findElement(By.cssSelector(css));
            if (!e.isEnabled()) {
                return false;
            }
            e.click();
            return true;
        });
    }

    // --- flows shared by scenarios ---

    /**
     * Signs in through the login form with password and a fresh TOTP code (the server clock moves one step
     * first, since a code counts once per step and account) and waits for the console.
     */
    public void signIn(TestServer.Account account) {
        signIn(account.email(), account.password(), account.totpSecret());
    }

    /** Opens /login and {@linkplain #completeLoginForm completes} it. */
    public void signIn(String email, String password, String totpSecret) {
        get("/login");
        completeLoginForm(email, password, totpSecret);
    }

    /**
     * Fills the #login-form already on screen with e-mail and password, then the #second-factor-form with a
     * fresh TOTP code (moving the server clock one step first), and waits for the console.
     */
    public void completeLoginForm(String email, String password, String totpSecret) {
        type("#login-email", email);
        type("#login-password", password);
        click("#login-submit");
        visible("#second-factor-form");
        server.clock().advance(Duration.ofSeconds(30));
        type("#second-factor-code", Totps.code(totpSecret, server.clock().instant()));
        click("#second-factor-submit");
        visible("nav#console-nav");
    }

    // --- console ---

    /** Every console line so far (the browser's buffer is drained into this list on each call). */
    public List<LogEntry> consoleLines() {
        try {
            driver.manage().logs().get(LogType.BROWSER).forEach(console::add);
        } catch (WebDriverException e) {
            // The browser is gone (e.g. crashed): what was read before is all there is.
        }
        return List.copyOf(console);
    }

    /** SEVERE console lines other than the expected 4xx "Failed to load resource" ones. */
    public List<String> unexpectedConsoleErrors() {
        return consoleLines().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> !EXPECTED_SEVERE.matcher(m).find())
                .toList();
    }

    /** The unexpected console errors so far, then forgotten: for a stretch where some are expected. */
    public List<String> takeConsoleErrors() {
        List<String> errors = unexpectedConsoleErrors();
        console.clear();
        return errors;
    }

    public void assertNoConsoleErrors() {
        assertThat(unexpectedConsoleErrors()).as("browser console errors").isEmpty();
    }

    /** Saves a screenshot and the page source as {@code <dir>/<name>.png|.html}. Best effort. */
    public void saveEvidence(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
            Files.writeString(
                    dir.resolve(name + ".html"),
                    driver.getCurrentUrl() + "\n" + driver.getPageSource(),
                    StandardCharsets.UTF_8);
        } catch (IOException | WebDriverException e) {
            System.err.println("could not save browser evidence " + name + ": " + e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException | UncheckedIOException e) {
            // A temporary profile: leftovers are harmless.
        }
    }

    /**
     * Opens browsers for one test and cleans up after it: on failure a screenshot and the page source of
     * each open browser go to {@code target/browser-failures/}; after the test each browser's console must
     * hold no unexpected error, and every browser is quit whatever happened. Register with
     * {@code @RegisterExtension final Browser.PerTest browsers = new Browser.PerTest();}.
     */
    public static final class PerTest implements TestExecutionExceptionHandler, AfterEachCallback {
        private static final Path EVIDENCE = Path.of("target", "browser-failures");
        private final List<Browser> open = new ArrayList<>();

        public Browser open(TestServer server) {
            return keep(Browser.open(server));
        }

        public Browser open(TestServer server, Options options) {
            return keep(options.open(server));
        }

        private Browser keep(Browser b) {
            open.add(b);
            return b;
        }

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
            String test = context.getRequiredTestClass().getSimpleName() + "."
                    + context.getRequiredTestMethod().getName();
            for (int i = 0; i < open.size(); i++) {
                open.get(i).saveEvidence(EVIDENCE, test + "-browser" + (i + 1));
            }
            for (Browser b : open) {
                List<String> errors = b.unexpectedConsoleErrors();
                if (!errors.isEmpty()) {
                    failure.addSuppressed(new AssertionError("browser console errors: " + errors));
                }
            }
            throw failure;
        }

        @Override
        public void afterEach(ExtensionContext context) {
            List<String> errors = new ArrayList<>();
            for (Browser b : open) {
                errors.addAll(b.unexpectedConsoleErrors());
            }
            for (Browser b : open) {
                try {
                    b.close();
                } catch (RuntimeException e) {
                    System.err.println("could not quit a browser: " + e);
                }
            }
            open.clear();
            if (context.getExecutionException().isEmpty()) {
                assertThat(errors).as("browser console errors").isEmpty();
            }
        }
    }
}
