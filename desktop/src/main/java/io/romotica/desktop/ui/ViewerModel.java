package io.romotica.desktop.ui;

import io.romotica.desktop.DesktopFailure;
import io.romotica.desktop.viewer.ViewerClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javax.swing.SwingUtilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State of the viewer's connect window: connecting, the failure to show (by stable code), and recent
 * connections (IDs only, never passwords) in {@code <config>/recent-connections}. Connects on its own worker
 * thread and publishes {@link View}s on the event thread.
 */
public final class ViewerModel {
    private static final Logger log = LoggerFactory.getLogger(ViewerModel.class);
    static final int RECENT_MAX = 10;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** A failure to show: stable code, retry-after seconds (or null), detail for SESSION_FAILED. */
    public record Failure(DesktopFailure.Code code, Long retryAfterSeconds, String detail) {}

    /** One snapshot for the window. */
    public record View(boolean connecting, Failure failure, List<String> recent, RemoteScreenModel session) {}

    private final BiFunction<String, String, ViewerClient> clients;
    private final Path recentFile;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "romotica-viewer-model");
        t.setDaemon(true);
        return t;
    });
    private volatile View view;
    private volatile Consumer<View> listener = v -> {};

    /** {@code clients} makes a client for (id, password); recent IDs live under {@code configDir}. */
    public ViewerModel(BiFunction<String, String, ViewerClient> clients, Path configDir) {
        this.clients = clients;
        this.recentFile = configDir.resolve("recent-connections");
        this.view = new View(false, null, loadRecent(), null);
    }

    public void listen(Consumer<View> listener) {
        this.listener = listener;
        publish();
    }

    /** "Connect": validates the ID, then connects off the event thread. */
    public void connect(String typedId, String password) {
        String id = typedId.replaceAll("[\\s-]", "");
        if (!id.matches("[1-9][0-9]{8}") || password.isBlank()) {
            view = new View(false, new Failure(DesktopFailure.Code.HOST_OFFLINE, null, null), view.recent(), null);
            publish();
            return;
        }
        view = new View(true, null, view.recent(), null);
        publish();
        worker.execute(() -> {
            ViewerClient client = clients.apply(id, password);
            RemoteScreenModel screen = new RemoteScreenModel(client, id);
            try {
                String code = client.connect(CONNECT_TIMEOUT, false).verificationCode();
                screen.started(code);
                remember(id);
                view = new View(false, null, view.recent(), screen);
            } catch (DesktopFailure e) {
                client.close();
                view = new View(
                        false, new Failure(e.code(), e.retryAfterSeconds(), e.getMessage()), view.recent(), null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                client.close();
                view = new View(false, null, view.recent(), null);
            } catch (RuntimeException e) {
                log.warn("connect failed", e);
                client.close();
                view = new View(
                        false,
                        new Failure(DesktopFailure.Code.SESSION_FAILED, null, String.valueOf(e.getMessage())),
                        view.recent(),
                        null);
            }
            publish();
        });
    }

    /** The remote-screen window closed: back to the connect form. */
    public void sessionClosed() {
        view = new View(false, null, view.recent(), null);
        publish();
    }

    private void remember(String id) {
        List<String> recent = new ArrayList<>(view.recent());
        recent.remove(id);
        recent.addFirst(id);
        while (recent.size() > RECENT_MAX) {
            recent.removeLast();
        }
        try {
            Files.createDirectories(recentFile.getParent());
            Files.write(recentFile, recent, StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("could not save recent connections: {}", e.getMessage());
        }
        view = new View(view.connecting(), view.failure(), List.copyOf(recent), view.session());
    }

    private List<String> loadRecent() {
        try {
            return Files.exists(recentFile)
                    ? Files.readAllLines(recentFile, StandardCharsets.UTF_8).stream()
                            .map(String::strip)
                            .filter(s -> s.matches("[1-9][0-9]{8}"))
                            .distinct()
                            .limit(RECENT_MAX)
                            .toList()
                    : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The message key and arguments for a failure (the window looks the text up). */
    public static String messageKey(Failure f) {
        return "error." + f.code().name();
    }

    private void publish() {
        View v = view;
        Consumer<View> l = listener;
        SwingUtilities.invokeLater(() -> l.accept(v));
    }
}
