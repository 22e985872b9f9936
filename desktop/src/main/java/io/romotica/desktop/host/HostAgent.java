package io.romotica.desktop.host;

import dev.onvoid.webrtc.media.video.VideoTrack;
import io.romotica.desktop.DesktopFailure;
import io.romotica.desktop.net.ServerLink;
import io.romotica.desktop.net.ServerTrust;
import io.romotica.desktop.rtc.Channel;
import io.romotica.desktop.rtc.Peer;
import io.romotica.desktop.rtc.PeerEvents;
import io.romotica.desktop.rtc.Rtc;
import io.romotica.desktop.session.ChannelCodec;
import io.romotica.desktop.session.ChannelMessage;
import io.romotica.desktop.session.FileReceiver;
import io.romotica.desktop.session.Right;
import io.romotica.desktop.session.Usage;
import io.romotica.protocol.RemoteEvent;
import io.romotica.protocol.RemoteFrame;
import io.romotica.protocol.ServerFrame;
import io.romotica.protocol.pake.Fingerprints;
import io.romotica.protocol.pake.OneTimePassword;
import io.romotica.protocol.pake.PakeException;
import io.romotica.protocol.pake.RelayPayload;
import io.romotica.protocol.pake.RelayPayloads;
import io.romotica.protocol.pake.SessionKey;
import io.romotica.protocol.pake.SrpHost;
import java.awt.AWTException;
import java.awt.DisplayMode;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host face without a window: registers this device, keeps a one-time password (new after every
 * session, after the server asks because of failed guesses, and when it expires), answers connection
 * requests (accepting only with {@code autoAccept}; there is nobody to ask), runs SRP as the verifier side,
 * checks the viewer's MAC'd DTLS fingerprint and sends the screen. Everything runs on one session thread;
 * server frames and libwebrtc callbacks are queued onto it.
 */
public final class HostAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HostAgent.class);
    private static final int FRAME_RATE = 15;
    private static final String CONTROL = "control";
    private static final String FILES = "files";
    private static final long CLIPBOARD_POLL_MS = 300;

    /** What a headless host prints whenever its credentials change. */
    public record Credentials(String id, String password, Instant expiresAt) {}

    /**
     * A connection request waiting for the host's decision. The protocol gives the viewer's source address
     * (as the server saw it); it names no agent and asks for no particular rights, so {@code proposed} are the
     * rights this host offers by default.
     */
    public record Request(String sessionId, String peerAddress, Set<Right> proposed) {}

    /** A session whose viewer proved the password: who, and the short code both sides show. */
    public record Started(String sessionId, String peerAddress, String verificationCode, Set<Right> rights) {}

    /**
     * What the host tells whoever shows it (the window's model, or the headless printer). Called on the
     * host's session thread: implementations must return quickly and never block; the consent answer may
     * come later from any thread.
     */
    public interface Events {
        void credentials(Credentials credentials);

        /** Decide a request: {@code answer} with the rights to grant, or empty to decline. Default: decline. */
        default void consent(Request request, Consumer<java.util.Optional<Set<Right>>> answer) {
            answer.accept(java.util.Optional.empty());
        }

        default void started(Started started) {}

        /** The rights of the session in progress changed (revoke/grant). */
        default void rights(Set<Right> now) {}

        /** A pending request or a session ended (reason as the server or host named it). */
        default void ended(String sessionId, String reason) {}
    }

    private final URI server;
    private final ServerTrust trust;
    private final DeviceKey key;
    private final boolean autoAccept;
    private final Duration passwordLifetime;
    private final Events events;
    private final Path filesDir;
    private final ChannelCodec codec = new ChannelCodec();
    private volatile Set<Right> consentRights;
    private HostClipboard clipboard;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();
    private final RelayPayloads payloads = new RelayPayloads();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "romotica-host");
        t.setDaemon(true);
        return t;
    });
    private final CompletableFuture<String> stopped = new CompletableFuture<>();

    private final CompletableFuture<ServerLink> linkReady = new CompletableFuture<>();
    private ServerLink link;
    private Rtc rtc;
    private String hostId;
    private String password;
    private Instant expiresAt;
    private ScheduledFuture<?> expiry;
    private Session session;
    private Request pending;

    /** The one session in progress. */
    private static final class Session {
        final String id;
        final java.util.List<RemoteEvent.IceServer> iceServers;
        final String peerAddress;
        final Set<Right> granted;
        final Set<Right> rights;
        final Set<Right> revoked = EnumSet.noneOf(Right.class);
        final Usage usage = new Usage();
        SrpHost srp;
        SessionKey key;
        Peer peer;
        Channel control;
        FileReceiver files;
        InputInjector input;
        ScheduledFuture<?> clipboardPoll;

        Session(String id, java.util.List<RemoteEvent.IceServer> iceServers, String peerAddress, Set<Right> granted) {
            this.id = id;
            this.peerAddress = peerAddress;
            this.iceServers = iceServers;
            this.granted = EnumSet.copyOf(granted);
            this.rights = EnumSet.copyOf(granted);
        }
    }

    /** A host that reports to {@code events}; without {@code autoAccept} it asks {@link Events#consent}. */
    public HostAgent(
            URI server,
            ServerTrust trust,
            Path configDir,
            boolean autoAccept,
            Duration passwordLifetime,
            Set<Right> consentRights,
            Path filesDir,
            Events events)
            throws IOException {
        this.consentRights = EnumSet.copyOf(consentRights);
        this.filesDir = filesDir;
        this.server = server;
        this.trust = trust;
        this.key = DeviceKey.loadOrCreate(configDir);
        this.autoAccept = autoAccept;
        this.passwordLifetime = passwordLifetime;
        this.events = events;
    }

    /** Connects, registers and serves until the link closes or {@link #close()}; returns why it stopped. */
    public String run() throws DesktopFailure, InterruptedException {
        try {
            rtc = new Rtc();
        } catch (Exception e) {
            throw new DesktopFailure(DesktopFailure.Code.SESSION_FAILED, "WebRTC could not start: " + e.getMessage());
        }
        // Frames may arrive before open() returns; the session thread waits for the link first.
        thread.execute(() -> link = linkReady.join());
        try {
            linkReady.complete(ServerLink.open(
                    server,
                    trust,
                    frame -> thread.execute(() -> onFrame(frame)),
                    why -> stopped.complete("connection closed: " + why)));
        } catch (DesktopFailure e) {
            linkReady.cancel(false);
            throw e;
        }
        try {
            return stopped.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new DesktopFailure(DesktopFailure.Code.SESSION_FAILED, String.valueOf(e.getCause()));
        }
    }

    private void onFrame(Object frame) {
        try {
            switch (frame) {
                case RemoteEvent.Hello hello ->
                    link.send(new RemoteFrame.RegisterHost(
                            key.publicKey(),
                            key.sign(hello.challenge()),
                            key.hostId().orElse(null)));
                case RemoteEvent.HostRegistered registered -> registered(registered);
                case RemoteEvent.Session incoming -> incoming(incoming);
                case RemoteEvent.Relay relay -> relay(relay);
                case RemoteEvent.Ended ended -> ended(ended.sessionId(), ended.reason());
                case RemoteEvent.RotatePassword rotate -> {
                    log.info("server asks for a new password after {} failed attempts", rotate.failures());
                    rotate();
                }
                case ServerFrame.Error error -> {
                    log.warn("server refused a frame: {} {}", error.code(), error.message());
                    if (hostId == null) {
                        stopped.complete("registration refused: " + error.code());
                    }
                }
                case ServerFrame.Bye bye -> stopped.complete("server said bye: " + bye.reason());
                default -> log.debug("ignored {}", frame.getClass().getSimpleName());
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            log.error("host failed on {}", frame.getClass().getSimpleName(), e);
        }
    }

    private void registered(RemoteEvent.HostRegistered registered) throws IOException {
        hostId = registered.hostId();
        key.rememberHostId(hostId);
        int every = Math.max(1, registered.heartbeatSeconds());
        thread.scheduleAtFixedRate(() -> link.send(new RemoteFrame.Heartbeat(hostId)), every, every, TimeUnit.SECONDS);
        log.info("registered as host {}", hostId);
        rotate();
    }

    /** A new one-time password, published at once; the old one stops working. */
    private void rotate() {
        password = OneTimePassword.generate(random, OneTimePassword.LENGTH);
        expiresAt = clock.instant().plus(passwordLifetime);
        if (expiry != null) {
            expiry.cancel(false);
        }
        expiry = thread.schedule(this::rotate, passwordLifetime.toMillis(), TimeUnit.MILLISECONDS);
        events.credentials(new Credentials(hostId, password, expiresAt));
    }

    private void incoming(RemoteEvent.Session incoming) {
        if (session != null || pending != null) {
            log.info("declining session {} from {} (busy)", incoming.sessionId(), incoming.peerAddress());
            link.send(new RemoteFrame.Consent(incoming.sessionId(), false));
            return;
        }
        if (autoAccept) {
            accept(incoming, consentRights);
            return;
        }
        Request request = new Request(incoming.sessionId(), incoming.peerAddress(), EnumSet.copyOf(consentRights));
        pending = request;
        events.consent(request, answer -> thread.execute(() -> decided(incoming, request, answer)));
    }

    /** The host's answer to a request, on the session thread; ignored when the request is gone meanwhile. */
    private void decided(RemoteEvent.Session incoming, Request request, java.util.Optional<Set<Right>> answer) {
        if (pending != request) {
            return;
        }
        pending = null;
        if (answer.isEmpty()) {
            log.info("declining session {} from {}", incoming.sessionId(), incoming.peerAddress());
            link.send(new RemoteFrame.Consent(incoming.sessionId(), false));
            events.ended(incoming.sessionId(), "DECLINED");
            return;
        }
        Set<Right> rights = EnumSet.copyOf(answer.get());
        rights.add(Right.VIEW);
        accept(incoming, rights);
    }

    private void accept(RemoteEvent.Session incoming, Set<Right> rights) {
        log.info("accepting session {} from {}", incoming.sessionId(), incoming.peerAddress());
        session = new Session(incoming.sessionId(), incoming.iceServers(), incoming.peerAddress(), rights);
        log.info("session {}: granted {}", session.id, session.granted);
        session.srp = new SrpHost(hostId, password, random);
        link.send(new RemoteFrame.Consent(session.id, true));
        send(session.srp.hello());
    }

    private void send(RelayPayload payload) {
        link.send(new RemoteFrame.Relay(session.id, payload.kind(), payloads.encode(payload)));
    }

    private void relay(RemoteEvent.Relay relay) {
        if (session == null || !session.id.equals(relay.sessionId())) {
            return;
        }
        try {
            switch (payloads.decode(relay.kind(), relay.payload())) {
                case RelayPayload.SrpProof proof -> proof(proof);
                case RelayPayload.Description answer -> answer(answer);
                case RelayPayload.Candidate c -> {
                    if (session.peer != null) {
                        session.peer.candidate(c.candidate(), c.sdpMid(), c.sdpMLineIndex());
                    }
                }
                case RelayPayload.SrpHello h -> throw new PakeException(PakeException.MALFORMED, "unexpected hello");
                case RelayPayload.SrpConfirm c ->
                    throw new PakeException(PakeException.MALFORMED, "unexpected confirm");
            }
        } catch (PakeException e) {
            abort(e.getMessage());
        }
    }

    private void proof(RelayPayload.SrpProof proof) throws PakeException {
        if (session.key != null) {
            throw new PakeException(PakeException.MALFORMED, "a second proof");
        }
        var established = session.srp.verify(proof, session.id);
        if (established.isEmpty()) {
            log.info("session {}: wrong password", session.id);
            link.send(new RemoteFrame.Result(session.id, RemoteFrame.Result.WRONG_PASSWORD));
            return;
        }
        session.key = established.get().key();
        link.send(new RemoteFrame.Result(session.id, RemoteFrame.Result.AUTHENTICATED));
        send(established.get().confirm());
        log.info("session {}: viewer authenticated; verification code {}", session.id, session.key.verificationCode());
        events.started(new Started(
                session.id, session.peerAddress, session.key.verificationCode(), EnumSet.copyOf(session.rights)));
        startScreen();
    }

    private void startScreen() {
        DisplayMode mode = GraphicsEnvironment.getLocalGraphicsEnvironment()
                .getDefaultScreenDevice()
                .getDisplayMode();
        Session s = session;
        s.peer = new Peer(rtc, s.iceServers, events(s, mode.getWidth(), mode.getHeight()), (VideoTrack v) -> {});
        s.peer.sendScreen(rtc, mode.getWidth(), mode.getHeight(), FRAME_RATE);
        s.files = new FileReceiver(filesDir, () -> s.rights.contains(Right.FILES), s.usage);
        try {
            s.input = new InputInjector(mode.getWidth(), mode.getHeight());
        } catch (AWTException | RuntimeException e) {
            log.warn("session {}: input injection unavailable: {}", s.id, e.getMessage());
        }
        s.control = s.peer.openChannel(CONTROL);
        s.control.listen(listener(s, this::control));
        s.peer.offer();
    }

    private PeerEvents events(Session s, int width, int height) {
        return new PeerEvents() {
            @Override
            public void candidate(String candidate, String sdpMid, int sdpMLineIndex) {
                thread.execute(() -> {
                    if (session == s) {
                        send(new RelayPayload.Candidate(candidate, sdpMid, sdpMLineIndex));
                    }
                });
            }

            @Override
            public void localDescription(String type, String sdp) {
                thread.execute(() -> {
                    if (session != s) {
                        return;
                    }
                    try {
                        String mac = s.key.macFingerprint(SessionKey.Role.HOST, Fingerprints.of(sdp));
                        send(new RelayPayload.Description(type, sdp, mac, width, height));
                    } catch (PakeException e) {
                        abort("own description has no usable fingerprint");
                    }
                });
            }

            @Override
            public void failed(String why) {
                thread.execute(() -> {
                    if (session == s) {
                        log.warn("session {}: {}", s.id, why);
                        endByHost(s, "ERROR");
                    }
                });
            }

            @Override
            public void dataChannel(Channel channel) {
                if (channel.label().equals(FILES)) {
                    channel.listen(listener(s, (c, m) -> s.files.text(c, m)));
                } else {
                    log.warn("session {}: closed an unexpected data channel '{}'", s.id, channel.label());
                    channel.close();
                }
            }
        };
    }

    /** Handles one decoded text message of a channel on the session thread. */
    private interface Handler {
        void handle(Channel channel, ChannelMessage message);
    }

    /** Queues a channel's events onto the session thread; binary messages are file chunks. */
    private Channel.Listener listener(Session s, Handler handler) {
        return new Channel.Listener() {
            @Override
            public void opened(Channel channel) {
                thread.execute(() -> {
                    if (session == s && channel == s.control) {
                        controlOpened(s);
                    }
                });
            }

            @Override
            public void message(Channel channel, byte[] data, boolean binary) {
                thread.execute(() -> {
                    if (session != s) {
                        return;
                    }
                    if (binary) {
                        if (channel == s.control) {
                            log.warn("session {}: dropped binary data on the control channel", s.id);
                        } else {
                            s.files.binary(channel, data);
                        }
                    } else {
                        codec.decode(data).ifPresent(m -> handler.handle(channel, m));
                    }
                });
            }

            @Override
            public void closed(Channel channel) {
                thread.execute(() -> {
                    if (session == s && channel != s.control) {
                        s.files.closed(channel);
                    }
                });
            }
        };
    }

    private void controlOpened(Session s) {
        sendControl(s, new ChannelMessage.Rights(wire(s.rights)));
        if (s.rights.contains(Right.CLIPBOARD)) {
            startClipboard(s);
        }
    }

    /** A message on the control channel: input, clipboard, sync, bye. Rights are checked here, per message. */
    private void control(Channel channel, ChannelMessage message) {
        Session s = session;
        switch (message) {
            case ChannelMessage.PointerMove m -> input(s, m);
            case ChannelMessage.PointerButton m -> input(s, m);
            case ChannelMessage.Wheel m -> input(s, m);
            case ChannelMessage.Key m -> input(s, m);
            case ChannelMessage.Text m -> input(s, m);
            case ChannelMessage.Clipboard c -> {
                if (refusedUnless(s, Right.CLIPBOARD, "clipboard")) {
                    return;
                }
                clipboard().set(c.text());
                s.usage.received(c.text().length());
                log.info(
                        "session {}: clipboard set from the viewer ({} characters)",
                        s.id,
                        c.text().length());
            }
            case ChannelMessage.Sync sync -> sendControl(s, new ChannelMessage.SyncAck(sync.n()));
            case ChannelMessage.Bye bye -> {
                log.info("session {}: the viewer is done", s.id);
                endByHost(s, "NORMAL");
            }
            case ChannelMessage.Rights m -> dropped(s, m);
            case ChannelMessage.Refused m -> dropped(s, m);
            case ChannelMessage.SyncAck m -> dropped(s, m);
            case ChannelMessage.FileOffer m -> dropped(s, m);
            case ChannelMessage.FileAccept m -> dropped(s, m);
            case ChannelMessage.FileProgress m -> dropped(s, m);
            case ChannelMessage.FileDone m -> dropped(s, m);
            case ChannelMessage.FileResult m -> dropped(s, m);
        }
    }

    private void input(Session s, ChannelMessage m) {
        if (refusedUnless(s, Right.CONTROL, "input") || s.input == null) {
            return;
        }
        s.input.apply(m);
    }

    private boolean refusedUnless(Session s, Right right, String what) {
        if (s.rights.contains(right)) {
            return false;
        }
        log.info("session {}: refused {} (no {} right)", s.id, what, right.wire());
        sendControl(s, new ChannelMessage.Refused(right.wire(), what));
        return true;
    }

    private static void dropped(Session s, ChannelMessage m) {
        log.warn(
                "session {}: dropped {} on the control channel",
                s.id,
                m.getClass().getSimpleName());
    }

    private void sendControl(Session s, ChannelMessage m) {
        if (s.control != null) {
            s.control.send(codec.encode(m), false);
        }
    }

    private HostClipboard clipboard() {
        if (clipboard == null) {
            clipboard = new HostClipboard();
        }
        return clipboard;
    }

    /** Sends the current clipboard text, then every change, while the right holds. */
    private void startClipboard(Session s) {
        if (s.clipboardPoll != null) {
            return;
        }
        HostClipboard c = clipboard();
        c.baseline();
        c.current().ifPresent(text -> sendClipboard(s, text));
        s.clipboardPoll = thread.scheduleWithFixedDelay(
                () -> {
                    if (session == s && s.rights.contains(Right.CLIPBOARD)) {
                        c.changed().ifPresent(text -> sendClipboard(s, text));
                    }
                },
                CLIPBOARD_POLL_MS,
                CLIPBOARD_POLL_MS,
                TimeUnit.MILLISECONDS);
    }

    private void sendClipboard(Session s, String text) {
        if (text.length() > ChannelMessage.MAX_CLIPBOARD_CHARS) {
            log.info("session {}: clipboard text too long to share ({} characters)", s.id, text.length());
            return;
        }
        sendControl(s, new ChannelMessage.Clipboard(text));
        s.usage.sent(text.length());
    }

    /** The rights the next accepted session gets (what the consent dialog would grant). */
    public void consentRights(Set<Right> rights) {
        Set<Right> copy = EnumSet.copyOf(rights);
        copy.add(Right.VIEW);
        consentRights = copy;
    }

    /**
     * Revokes a right of the session in progress at once: input and clipboard messages are refused from the
     * next message on, file transfers in progress end with REVOKED and lose their partial files. Revoking
     * {@code view} ends the session. Any thread; returns when done, with the rights now in force.
     */
    public Set<Right> revoke(Right right) throws InterruptedException {
        return onSession(s -> {
            if (right == Right.VIEW) {
                endByHost(s, "NORMAL");
                return Set.of();
            }
            if (s.rights.remove(right)) {
                s.revoked.add(right);
                log.info("session {}: revoked {}", s.id, right.wire());
                if (right == Right.FILES) {
                    s.files.revoked();
                }
                if (right == Right.CLIPBOARD && s.clipboardPoll != null) {
                    s.clipboardPoll.cancel(false);
                    s.clipboardPoll = null;
                }
                sendControl(s, new ChannelMessage.Rights(wire(s.rights)));
                events.rights(EnumSet.copyOf(s.rights));
            }
            return EnumSet.copyOf(s.rights);
        });
    }

    /** Grants a right to the session in progress (the host changed its mind). Any thread. */
    public Set<Right> grant(Right right) throws InterruptedException {
        return onSession(s -> {
            if (s.rights.add(right)) {
                log.info("session {}: granted {}", s.id, right.wire());
                sendControl(s, new ChannelMessage.Rights(wire(s.rights)));
                if (right == Right.CLIPBOARD && s.control != null && s.control.isOpen()) {
                    startClipboard(s);
                }
                events.rights(EnumSet.copyOf(s.rights));
            }
            return EnumSet.copyOf(s.rights);
        });
    }

    /** Runs {@code f} on the session thread with the session in progress; empty set when there is none. */
    private Set<Right> onSession(java.util.function.Function<Session, Set<Right>> f) throws InterruptedException {
        try {
            return CompletableFuture.supplyAsync(() -> session == null ? Set.<Right>of() : f.apply(session), thread)
                    .get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static List<String> wire(Set<Right> rights) {
        return rights.stream().map(Right::wire).toList();
    }

    /** The host ends the session and reports rights and bytes for the audit log. */
    private void endByHost(Session s, String reason) {
        link.send(new RemoteFrame.End(
                s.id,
                reason,
                new RemoteFrame.Usage(
                        wire(s.granted), wire(s.revoked), s.usage.received(), s.usage.sent(), s.usage.files())));
        ended(s.id, reason);
    }

    private void answer(RelayPayload.Description answer) throws PakeException {
        if (session.key == null || session.peer == null || !"answer".equals(answer.type())) {
            throw new PakeException(PakeException.MALFORMED, "unexpected description");
        }
        if (!session.key.verifyFingerprint(
                SessionKey.Role.VIEWER, Fingerprints.of(answer.sdp()), answer.fingerprintMac())) {
            throw new PakeException(
                    PakeException.SECURITY_CHECK_FAILED, "the viewer's DTLS fingerprint is not authenticated");
        }
        session.peer.remote("answer", answer.sdp(), false);
    }

    /** A check failed: end the session as a security failure, never continue it. */
    private void abort(String why) {
        log.warn("session {}: security check failed: {}", session.id, why);
        endByHost(session, "SECURITY_CHECK_FAILED");
    }

    /** A new one-time password now (the window's "regenerate"); any thread. */
    public void regenerate() {
        thread.execute(() -> {
            if (hostId != null) {
                rotate();
            }
        });
    }

    /** Ends the session in progress (the window's Stop); any thread. */
    public void stopSession() {
        thread.execute(() -> {
            if (session != null) {
                endByHost(session, "NORMAL");
            }
        });
    }

    /** The ICE path of the session in progress ({@link Peer#path}), or "none"; any thread. */
    public CompletableFuture<String> path() {
        return CompletableFuture.supplyAsync(() -> session == null ? null : session.peer, thread)
                .thenCompose(p -> p == null ? CompletableFuture.completedFuture("none") : p.path());
    }

    private void ended(String sessionId, String reason) {
        if (pending != null && pending.sessionId().equals(sessionId)) {
            pending = null;
            events.ended(sessionId, reason);
            return;
        }
        if (session == null || !session.id.equals(sessionId)) {
            return;
        }
        events.ended(sessionId, reason);
        Session s = session;
        session = null;
        log.info("session {} ended: {}", sessionId, reason);
        if (s.clipboardPoll != null) {
            s.clipboardPoll.cancel(false);
        }
        if (s.files != null) {
            s.files.end();
        }
        if (s.key != null) {
            // One-time: a password that opened a session is never good for another.
            rotate();
        }
        if (s.peer != null) {
            try {
                s.peer.close();
            } catch (Throwable e) { // native teardown: whatever it throws must not stop the host
                log.warn("closing the peer connection of session {} failed", sessionId, e);
            }
        }
    }

    @Override
    public void close() {
        stopped.complete("stopped");
        if (thread.isShutdown()) {
            return; // closed already (the shutdown hook and the caller both close)
        }
        thread.execute(() -> {
            if (session != null && session.peer != null) {
                session.peer.close();
            }
        });
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        linkReady.thenAccept(ServerLink::close);
        if (rtc != null) {
            rtc.close();
        }
    }
}
