package io.romotica.desktop.ui;

import io.romotica.desktop.DesktopFailure;
import io.romotica.desktop.host.HostAgent;
import io.romotica.desktop.session.Right;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.swing.SwingUtilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State of the host window: credentials, a pending request, the session in progress. Talks to the
 * {@link HostAgent} on its own worker thread (never on the event thread); every change is published as an
 * immutable {@link View} on the event thread to the one listener (the window).
 */
public final class HostModel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HostModel.class);
    private static final long PATH_POLL_SECONDS = 3;

    /** Where the host is. */
    public enum Phase {
        IDLE,
        CONNECTING,
        READY,
        ASKING,
        CONNECTED,
        STOPPED
    }

    /** One snapshot for the window to render. */
    public record View(
            Phase phase,
            HostAgent.Credentials credentials,
            HostAgent.Request request,
            HostAgent.Started started,
            Instant connectedAt,
            Set<Right> rights,
            String path,
            String stoppedBecause) {}

    private final Function<HostAgent.Events, HostAgent> factory;
    private final Clock clock;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "romotica-host-model");
        t.setDaemon(true);
        return t;
    });
    private volatile View view = new View(Phase.IDLE, null, null, null, null, Set.of(), "none", null);
    private volatile Consumer<View> listener = v -> {};
    private volatile Consumer<Optional<Set<Right>>> answer;
    private HostAgent agent;

    /** {@code factory} builds the agent with the model as its events (so the window decides consent). */
    public HostModel(Function<HostAgent.Events, HostAgent> factory, Clock clock) {
        this.factory = factory;
        this.clock = clock;
    }

    public void listen(Consumer<View> listener) {
        this.listener = listener;
        publish(view);
    }

    public View view() {
        return view;
    }

    /** "New session": registers the first time, afterwards a new password. */
    public void newSession() {
        worker.execute(() -> {
            if (agent != null) {
                agent.regenerate();
                return;
            }
            update(v -> with(v, Phase.CONNECTING));
            agent = factory.apply(events());
            Thread.ofPlatform().daemon().name("romotica-host-run").start(this::run);
            worker.scheduleAtFixedRate(this::pollPath, PATH_POLL_SECONDS, PATH_POLL_SECONDS, TimeUnit.SECONDS);
        });
    }

    private void run() {
        String why;
        try {
            why = agent.run();
        } catch (DesktopFailure e) {
            why = e.code().name();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        }
        String because = why;
        update(v -> new View(Phase.STOPPED, null, null, null, null, Set.of(), "none", because));
    }

    private HostAgent.Events events() {
        return new HostAgent.Events() {
            @Override
            public void credentials(HostAgent.Credentials credentials) {
                update(v -> new View(
                        v.phase() == Phase.CONNECTED || v.phase() == Phase.ASKING ? v.phase() : Phase.READY,
                        credentials,
                        v.request(),
                        v.started(),
                        v.connectedAt(),
                        v.rights(),
                        v.path(),
                        null));
            }

            @Override
            public void consent(HostAgent.Request request, Consumer<Optional<Set<Right>>> reply) {
                answer = reply;
                update(v ->
                        new View(Phase.ASKING, v.credentials(), request, null, null, request.proposed(), "none", null));
            }

            @Override
            public void started(HostAgent.Started started) {
                update(v -> new View(
                        Phase.CONNECTED,
                        v.credentials(),
                        null,
                        started,
                        clock.instant(),
                        started.rights(),
                        "none",
                        null));
            }

            @Override
            public void rights(Set<Right> now) {
                update(v -> new View(
                        v.phase(), v.credentials(), v.request(), v.started(), v.connectedAt(), now, v.path(), null));
            }

            @Override
            public void ended(String sessionId, String reason) {
                update(v -> new View(Phase.READY, v.credentials(), null, null, null, Set.of(), "none", null));
            }
        };
    }

    /** The consent dialog's answer: the rights switched on (view is always part of an allowed session). */
    public void allow(Set<Right> rights) {
        reply(Optional.of(rights.isEmpty() ? EnumSet.of(Right.VIEW) : EnumSet.copyOf(rights)));
    }

    public void deny() {
        reply(Optional.empty());
    }

    private void reply(Optional<Set<Right>> decision) {
        Consumer<Optional<Set<Right>>> a = answer;
        answer = null;
        if (a != null) {
            a.accept(decision);
        }
    }

    /** A right switched on or off in the session bar: granted or revoked at once. */
    public void setRight(Right right, boolean on) {
        worker.execute(() -> {
            try {
                Set<Right> now = on ? agent.grant(right) : agent.revoke(right);
                update(v -> new View(
                        v.phase(), v.credentials(), v.request(), v.started(), v.connectedAt(), now, v.path(), null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    public void stopSession() {
        worker.execute(() -> {
            if (agent != null) {
                agent.stopSession();
            }
        });
    }

    private void pollPath() {
        if (view.phase() != Phase.CONNECTED) {
            return;
        }
        try {
            String path = agent.path().get(5, TimeUnit.SECONDS);
            update(v -> new View(
                    v.phase(), v.credentials(), v.request(), v.started(), v.connectedAt(), v.rights(), path, null));
        } catch (Exception e) {
            log.debug("path unknown: {}", e.toString());
        }
    }

    /** "direct" or "relay" for the bar, from {@code local/remote} candidate types. */
    public static String pathKind(String path) {
        if (path == null || path.equals("none") || path.equals("unknown")) {
            return "none";
        }
        return path.contains("relay") ? "relay" : "direct";
    }

    /** 1234567 s → "12:34" style (h:mm:ss from an hour on). */
    public static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600
                ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%02d:%02d", s / 60, s % 60);
    }

    /** "123456789" → "123 456 789", a password in groups of four. */
    public static String grouped(String text, int group) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            if (i > 0 && i % group == 0) {
                b.append(' ');
            }
            b.append(text.charAt(i));
        }
        return b.toString();
    }

    public Clock clockSource() {
        return clock;
    }

    private static View with(View v, Phase phase) {
        return new View(phase, v.credentials(), v.request(), v.started(), v.connectedAt(), v.rights(), v.path(), null);
    }

    private synchronized void update(Function<View, View> change) {
        view = change.apply(view);
        publish(view);
    }

    private void publish(View v) {
        Consumer<View> l = listener;
        SwingUtilities.invokeLater(() -> l.accept(v));
    }

    @Override
    public void close() {
        worker.shutdownNow();
        if (agent != null) {
            agent.close();
        }
    }
}
