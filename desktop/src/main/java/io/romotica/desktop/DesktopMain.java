package io.romotica.desktop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.romotica.desktop.host.HostAgent;
import io.romotica.desktop.net.ServerTrust;
import io.romotica.desktop.session.Right;
import io.romotica.desktop.viewer.ViewerClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * The desktop app's entry point: {@code host} or {@code viewer}. This build has the headless modes (for
 * automation and tests); output is JSON lines on stdout, logs go to stderr, and failures end with a stable
 * code and exit status (see {@link DesktopFailure.Code}). The one place that wires the desktop objects.
 */
public final class DesktopMain {
    /** How long the headless viewer waits for the host to confirm input and clipboard actions. */
    private static final Duration ACTIONS_CONFIRMED = Duration.ofSeconds(20);

    static final int USAGE = 64;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FLAGS = Set.of("--headless", "--auto-accept", "--get-clipboard");
    /** Exit status of a viewer whose session worked but an action was refused or failed. */
    static final int ACTION_FAILED = 21;

    private DesktopMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || Set.of("-h", "--help", "help").contains(args[0])) {
            err.print(usage());
            return args.length == 0 ? USAGE : 0;
        }
        Map<String, String> options;
        try {
            options = parse(List.of(args).subList(1, args.length));
        } catch (IllegalArgumentException e) {
            err.println("romotica: " + e.getMessage());
            err.print(usage());
            return USAGE;
        }
        if (!options.containsKey("--headless")) {
            try {
                return gui(args[0], options, err);
            } catch (IllegalArgumentException e) {
                err.println("romotica: " + e.getMessage());
                return USAGE;
            } catch (IOException e) {
                err.println("romotica: " + e.getMessage());
                return 74;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 130;
            }
        }
        try {
            return switch (args[0]) {
                case "host" -> host(options, out);
                case "viewer" -> viewer(options, out, err);
                default -> {
                    err.println("romotica: unknown command '" + args[0] + "'");
                    err.print(usage());
                    yield USAGE;
                }
            };
        } catch (IllegalArgumentException e) {
            err.println("romotica: " + e.getMessage());
            return USAGE;
        } catch (DesktopFailure e) {
            return failed(e, out, err);
        } catch (IOException e) {
            err.println("romotica: " + e.getMessage());
            return 74;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    static String usage() {
        return """
                Usage:
                  romotica host   [--server URL] [--trust-cert FILE] [--config-dir DIR] [--lang en|tr]   (window)
                  romotica viewer [--server URL] [--trust-cert FILE] [--config-dir DIR] [--lang en|tr]   (window)
                  romotica host --headless [--auto-accept] [--grant view,control,clipboard,files]
                                [--files-dir DIR] [--server URL] [--trust-cert FILE] [--config-dir DIR]
                                [--password-lifetime 1h]
                  romotica viewer --headless --id ID --password PW [--screenshot FILE] [--click X,Y]
                                [--type TEXT] [--set-clipboard TEXT] [--get-clipboard] [--send-file PATH]
                                [--server URL] [--trust-cert FILE] [--config-dir DIR] [--timeout 30s]
                The server comes from --server, else ROMOTICA_SERVER, else the one used last time.
                The host prints {"id","password","expiresAt"} as one JSON line (again whenever they change) and
                serves until stopped; it accepts connections only with --auto-accept, granting the rights of
                --grant (default: view only). Received files go to --files-dir (default ~/Downloads/romotica).
                On stdin the host takes "revoke RIGHT" and "grant RIGHT" (the session in progress) and
                "consent RIGHTS" (what later sessions get); it answers {"rights":[...]}.
                The viewer does its actions in the order click, type, set-clipboard, get-clipboard, send-file,
                then prints one JSON line of results; exit 0 when all worked, 21 when the host refused one.
                """;
    }

    static Map<String, String> parse(List<String> args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            if (FLAGS.contains(a)) {
                options.put(a, "true");
            } else if (i + 1 < args.size()) {
                options.put(a, args.get(++i));
            } else {
                throw new IllegalArgumentException(a + " needs a value");
            }
        }
        return options;
    }

    private static Path configDir(Map<String, String> options) {
        String given = options.get("--config-dir");
        if (given != null) {
            return Path.of(given);
        }
        String env = System.getenv("ROMOTICA_CONFIG_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("romotica");
    }

    /** --server, else ROMOTICA_SERVER, else the remembered one; remembered for next time. */
    private static URI server(Map<String, String> options, Path configDir) throws IOException {
        String url = options.get("--server");
        if (url == null || url.isBlank()) {
            url = System.getenv("ROMOTICA_SERVER");
        }
        Path remembered = configDir.resolve("server");
        if ((url == null || url.isBlank()) && Files.exists(remembered)) {
            url = Files.readString(remembered).strip();
        }
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("no server: give --server https://HOST:PORT or set ROMOTICA_SERVER");
        }
        Files.createDirectories(configDir);
        Files.writeString(remembered, url + "\n");
        return URI.create(url);
    }

    private static ServerTrust trust(Map<String, String> options, Path configDir, URI server) throws IOException {
        String cert = options.get("--trust-cert");
        return cert != null ? ServerTrust.explicit(Path.of(cert)) : ServerTrust.onFirstUse(configDir, server);
    }

    private static int host(Map<String, String> options, PrintStream out)
            throws IOException, DesktopFailure, InterruptedException {
        Path config = configDir(options);
        URI server = server(options, config);
        Duration lifetime = duration(options.getOrDefault("--password-lifetime", "1h"));
        Set<Right> grant = Right.parseList(options.getOrDefault("--grant", "view"));
        Path filesDir = Path.of(options.getOrDefault(
                "--files-dir",
                Path.of(System.getProperty("user.home"), "Downloads", "romotica")
                        .toString()));
        Files.createDirectories(filesDir);
        try (HostAgent host = new HostAgent(
                server,
                trust(options, config, server),
                config,
                options.containsKey("--auto-accept"),
                lifetime,
                grant,
                filesDir,
                credentials -> {
                    ObjectNode line = JSON.createObjectNode();
                    line.put("id", credentials.id());
                    line.put("password", credentials.password());
                    line.put("expiresAt", credentials.expiresAt().toString());
                    out.println(line);
                    out.flush();
                })) {
            Thread hook = new Thread(host::close);
            Runtime.getRuntime().addShutdownHook(hook);
            Thread.ofPlatform().daemon().name("romotica-stdin").start(() -> commands(host, out));
            String why = host.run();
            System.err.println("romotica host: stopped (" + why + ")");
            return why.equals("stopped") ? 0 : 1;
        }
    }

    /** The headless host's control commands on stdin (what the host's window will offer as buttons). */
    private static void commands(HostAgent host, PrintStream out) {
        try (var in = new java.io.BufferedReader(
                new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] words = line.strip().split("\\s+", 2);
                try {
                    Set<Right> now = switch (words[0]) {
                        case "revoke" -> host.revoke(Right.parse(words.length > 1 ? words[1] : ""));
                        case "grant" -> host.grant(Right.parse(words.length > 1 ? words[1] : ""));
                        case "consent" -> {
                            host.consentRights(Right.parseList(words.length > 1 ? words[1] : ""));
                            yield Right.parseList(words.length > 1 ? words[1] : "");
                        }
                        case "" -> null;
                        default -> throw new IllegalArgumentException("unknown command '" + words[0] + "'");
                    };
                    if (now != null) {
                        ObjectNode answer = JSON.createObjectNode();
                        now.forEach(r -> answer.withArray("rights").add(r.wire()));
                        if (now.isEmpty()) {
                            answer.putArray("rights");
                        }
                        synchronized (out) {
                            out.println(answer);
                            out.flush();
                        }
                    }
                } catch (IllegalArgumentException e) {
                    System.err.println("romotica host: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            // stdin closed: no more commands
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int viewer(Map<String, String> options, PrintStream out, PrintStream err)
            throws IOException, DesktopFailure, InterruptedException {
        String id = required(options, "--id").replace(" ", "");
        String password = required(options, "--password");
        Path screenshot = options.containsKey("--screenshot") ? Path.of(options.get("--screenshot")) : null;
        int[] click = options.containsKey("--click") ? point(options.get("--click")) : null;
        Path sendFile = options.containsKey("--send-file") ? Path.of(options.get("--send-file")) : null;
        long interruptAfter = Long.parseLong(options.getOrDefault("--test-interrupt-after", "0"));
        if (screenshot == null
                && click == null
                && sendFile == null
                && !options.containsKey("--type")
                && !options.containsKey("--set-clipboard")
                && !options.containsKey("--get-clipboard")) {
            throw new IllegalArgumentException("nothing to do: give --screenshot or an action");
        }
        if (sendFile != null && !Files.isRegularFile(sendFile)) {
            throw new IllegalArgumentException("--send-file: no such file " + sendFile);
        }
        Path config = configDir(options);
        URI server = server(options, config);
        Duration timeout = duration(options.getOrDefault("--timeout", "30s"));
        try (ViewerClient viewer = new ViewerClient(server, trust(options, config, server), id, password)) {
            ViewerClient.Frame frame = viewer.connect(timeout, screenshot != null);
            ObjectNode line = JSON.createObjectNode();
            boolean ok = true;
            if (screenshot != null) {
                if (!ImageIO.write(frame.image(), "png", screenshot.toFile())) {
                    throw new IOException("no PNG writer");
                }
                line.put("screenshot", screenshot.toString());
                line.put("width", frame.image().getWidth());
                line.put("height", frame.image().getHeight());
            }
            line.put("verificationCode", frame.verificationCode());
            line.put("path", viewer.path());
            viewer.rights().forEach(r -> line.withArray("rights").add(r));
            if (click != null) {
                viewer.click(click[0], click[1]);
            }
            if (options.containsKey("--type")) {
                viewer.type(options.get("--type"));
            }
            if (options.containsKey("--set-clipboard")) {
                viewer.setClipboard(options.get("--set-clipboard"));
            }
            // Input and clipboard go over the data channel: wait until the host has handled them. A run that
            // only takes a screenshot has nothing to confirm.
            boolean sentActions =
                    click != null || options.containsKey("--type") || options.containsKey("--set-clipboard");
            if (sentActions && !viewer.sync(ACTIONS_CONFIRMED)) {
                throw new DesktopFailure(DesktopFailure.Code.TIMEOUT, "the host did not confirm the actions");
            }
            if (options.containsKey("--get-clipboard")) {
                var text = viewer.clipboard(Duration.ofSeconds(3));
                if (text.isPresent()) {
                    line.put("clipboard", text.get());
                } else {
                    line.putNull("clipboard");
                    ok = false;
                }
            }
            if (sendFile != null) {
                var outcome = viewer.sendFile(sendFile, interruptAfter);
                ObjectNode file = line.putObject("file");
                file.put("name", outcome.name());
                file.put("size", outcome.size());
                file.put("sha256", outcome.sha256());
                file.put("resumedFrom", outcome.resumedFrom());
                if (outcome.error() == null) {
                    file.put("storedAs", outcome.storedAs());
                } else {
                    file.put("error", outcome.error());
                    ok = false;
                }
            }
            viewer.refused().forEach(r -> line.withArray("refused").add(r));
            ok &= viewer.refused().isEmpty();
            line.put("ok", ok);
            viewer.finish();
            out.println(line);
            err.println("romotica viewer: verification code " + frame.verificationCode());
            return ok ? 0 : ACTION_FAILED;
        }
    }

    /** The windows (Swing + FlatLaf); blocks until the window is closed (which exits the JVM). */
    private static int gui(String face, Map<String, String> options, PrintStream err)
            throws IOException, InterruptedException {
        try {
            return window(face, options, err);
        } catch (java.lang.reflect.InvocationTargetException e) {
            err.println("romotica: the window failed: " + e.getCause());
            return 1;
        }
    }

    private static int window(String face, Map<String, String> options, PrintStream err)
            throws IOException, InterruptedException, java.lang.reflect.InvocationTargetException {
        if (!face.equals("host") && !face.equals("viewer")) {
            throw new IllegalArgumentException("unknown command '" + face + "'");
        }
        if (java.awt.GraphicsEnvironment.isHeadless()) {
            err.println("romotica: no display for the window; use --headless");
            return USAGE;
        }
        Path config = configDir(options);
        URI server = server(options, config);
        ServerTrust trust = trust(options, config, server);
        java.util.Locale locale = io.romotica.desktop.ui.Texts.choose(
                options.getOrDefault("--lang", System.getenv("ROMOTICA_LANG")), java.util.Locale.getDefault());
        Path filesDir = Path.of(options.getOrDefault(
                "--files-dir",
                Path.of(System.getProperty("user.home"), "Downloads", "romotica")
                        .toString()));
        Duration lifetime = duration(options.getOrDefault("--password-lifetime", "1h"));
        javax.swing.SwingUtilities.invokeAndWait(() -> {
            com.formdev.flatlaf.FlatLightLaf.setup();
            var texts = new io.romotica.desktop.ui.Texts(locale);
            if (face.equals("host")) {
                var model = new io.romotica.desktop.ui.HostModel(
                        events -> {
                            try {
                                Files.createDirectories(filesDir);
                                return new HostAgent(
                                        server,
                                        trust,
                                        config,
                                        false,
                                        lifetime,
                                        java.util.EnumSet.allOf(Right.class),
                                        filesDir,
                                        events);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        },
                        java.time.Clock.systemUTC());
                new io.romotica.desktop.ui.HostWindow(model, texts).show();
            } else {
                var model = new io.romotica.desktop.ui.ViewerModel(
                        (id, password) -> new ViewerClient(server, trust, id, password), config);
                new io.romotica.desktop.ui.ViewerWindow(model, texts).show();
            }
        });
        new java.util.concurrent.CountDownLatch(1).await();
        return 0;
    }

    private static int[] point(String text) {
        var m = java.util.regex.Pattern.compile("([0-9]{1,5}),([0-9]{1,5})").matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("a point is like 100,200: '" + text + "'");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private static int failed(DesktopFailure e, PrintStream out, PrintStream err) {
        ObjectNode line = JSON.createObjectNode();
        line.put("ok", false);
        line.put("error", e.code().name());
        line.put("message", e.getMessage());
        if (e.retryAfterSeconds() != null) {
            line.put("retryAfterSeconds", e.retryAfterSeconds());
        }
        out.println(line);
        err.println("romotica: " + e.code().name() + " — " + e.getMessage());
        return e.code().exitStatus();
    }

    private static String required(Map<String, String> options, String name) {
        String v = options.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return v;
    }

    static Duration duration(String text) {
        var m = java.util.regex.Pattern.compile("([0-9]{1,6})([smh])").matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("a duration is like 30s, 15m or 1h: '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
