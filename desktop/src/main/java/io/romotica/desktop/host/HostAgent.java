package io.romotica.desktop.host;

import dev.onvoid.webrtc.media.video.VideoTrack;
import io.romotica.desktop.DesktopFailure;
import io.romotica.desktop.net.ServerLink;
import io.romotica.desktop.net.ServerTrust;
import io.romotica.desktop.rtc.Peer;
import io.romotica.desktop.rtc.PeerEvents;
import io.romotica.desktop.rtc.Rtc;
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
import java.awt.DisplayMode;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

    /** What a headless host prints whenever its credentials change. */
    public record Credentials(String id, String password, Instant expiresAt) {}

    private final URI server;
    private final ServerTrust trust;
    private final DeviceKey key;
    private final boolean autoAccept;
    private final Duration passwordLifetime;
    private final Consumer<Credentials> publish;
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

    /** The one session in progress. */
    private static final class Session {
        final String id;
        final java.util.List<RemoteEvent.IceServer> iceServers;
        SrpHost srp;
        SessionKey key;
        Peer peer;

        Session(String id, java.util.List<RemoteEvent.IceServer> iceServers) {
            this.id = id;
            this.iceServers = iceServers;
        }
    }

    public HostAgent(
            URI server,
            ServerTrust trust,
            Path configDir,
            boolean autoAccept,
            Duration passwordLifetime,
            Consumer<Credentials> publish)
            throws IOException {
        this.server = server;
        this.trust = trust;
        this.key = DeviceKey.loadOrCreate(configDir);
        this.autoAccept = autoAccept;
        this.passwordLifetime = passwordLifetime;
        this.publish = publish;
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
        publish.accept(new Credentials(hostId, password, expiresAt));
    }

    private void incoming(RemoteEvent.Session incoming) {
        if (!autoAccept || session != null) {
            log.info("declining session {} from {}", incoming.sessionId(), incoming.peerAddress());
            link.send(new RemoteFrame.Consent(incoming.sessionId(), false));
            return;
        }
        log.info("accepting session {} from {}", incoming.sessionId(), incoming.peerAddress());
        session = new Session(incoming.sessionId(), incoming.iceServers());
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
        startScreen();
    }

    private void startScreen() {
        DisplayMode mode = GraphicsEnvironment.getLocalGraphicsEnvironment()
                .getDefaultScreenDevice()
                .getDisplayMode();
        Session s = session;
        s.peer = new Peer(rtc, s.iceServers, events(s, mode.getWidth(), mode.getHeight()), (VideoTrack v) -> {});
        s.peer.sendScreen(rtc, mode.getWidth(), mode.getHeight(), FRAME_RATE);
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
                        link.send(new RemoteFrame.End(s.id, "ERROR"));
                        ended(s.id, "ERROR");
                    }
                });
            }
        };
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
        link.send(new RemoteFrame.End(session.id, "SECURITY_CHECK_FAILED"));
        ended(session.id, "SECURITY_CHECK_FAILED");
    }

    private void ended(String sessionId, String reason) {
        if (session == null || !session.id.equals(sessionId)) {
            return;
        }
        Session s = session;
        session = null;
        log.info("session {} ended: {}", sessionId, reason);
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
