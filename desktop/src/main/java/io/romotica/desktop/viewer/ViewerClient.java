package io.romotica.desktop.viewer;

import dev.onvoid.webrtc.media.video.VideoTrack;
import io.romotica.desktop.DesktopFailure;
import io.romotica.desktop.net.ServerLink;
import io.romotica.desktop.net.ServerTrust;
import io.romotica.desktop.rtc.FrameImages;
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
import io.romotica.protocol.pake.SrpViewer;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The viewer face without a window: connects to a host by ID and one-time password, runs SRP through the
 * server, accepts the host's session description only with a valid MAC of its DTLS fingerprint (no
 * fallback), answers with its own, and returns the first full-size frame of the host's screen. Server
 * frames and libwebrtc callbacks are handled on one session thread. Single use.
 */
public final class ViewerClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ViewerClient.class);

    /** What a successful connection yields. */
    public record Frame(BufferedImage image, String verificationCode) {}

    private final URI server;
    private final ServerTrust trust;
    private final String hostId;
    private final String password;
    private final SecureRandom random = new SecureRandom();
    private final RelayPayloads payloads = new RelayPayloads();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "romotica-viewer");
        t.setDaemon(true);
        return t;
    });
    private final CompletableFuture<Frame> result = new CompletableFuture<>();
    private final CompletableFuture<ServerLink> linkReady = new CompletableFuture<>();

    private ServerLink link;
    private Rtc rtc;
    private String sessionId;
    private List<RemoteEvent.IceServer> iceServers;
    private SrpViewer srp;
    private SessionKey key;
    private Peer peer;
    private int width;
    private int height;

    public ViewerClient(URI server, ServerTrust trust, String hostId, String typedPassword) {
        this.server = server;
        this.trust = trust;
        this.hostId = hostId;
        this.password = OneTimePassword.normalize(typedPassword);
    }

    /** Connects and waits for the first full frame, at most {@code timeout}. */
    public Frame firstFrame(Duration timeout) throws DesktopFailure, InterruptedException {
        try {
            rtc = new Rtc();
        } catch (Exception e) {
            throw new DesktopFailure(DesktopFailure.Code.SESSION_FAILED, "WebRTC could not start: " + e.getMessage());
        }
        thread.execute(() -> link = linkReady.join());
        try {
            linkReady.complete(ServerLink.open(
                    server,
                    trust,
                    frame -> thread.execute(() -> onFrame(frame)),
                    why -> fail(DesktopFailure.Code.SESSION_FAILED, "connection closed: " + why)));
        } catch (DesktopFailure e) {
            linkReady.cancel(false);
            throw e;
        }
        try {
            Frame frame = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            thread.execute(() -> link.send(new RemoteFrame.End(sessionId, "NORMAL")));
            return frame;
        } catch (TimeoutException e) {
            throw new DesktopFailure(
                    DesktopFailure.Code.TIMEOUT, "no picture from the host within " + timeout.toSeconds() + "s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DesktopFailure f) {
                throw f;
            }
            throw new DesktopFailure(DesktopFailure.Code.SESSION_FAILED, String.valueOf(e.getCause()));
        }
    }

    /** After {@link #firstFrame}: the ICE path the session uses ({@link Peer#path}), or "unknown". */
    public String path() throws InterruptedException {
        try {
            return CompletableFuture.supplyAsync(() -> peer, thread)
                    .thenCompose(Peer::path)
                    .get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "unknown";
        }
    }

    private void fail(DesktopFailure.Code code, String message) {
        result.completeExceptionally(new DesktopFailure(code, message));
    }

    private void onFrame(Object frame) {
        if (result.isDone()) {
            return;
        }
        switch (frame) {
            case RemoteEvent.Hello hello -> link.send(new RemoteFrame.Connect(hostId));
            case RemoteEvent.Refused refused -> refused(refused);
            case RemoteEvent.Session session -> {
                sessionId = session.sessionId();
                iceServers = session.iceServers();
                log.info("session {}: waiting for the host to accept", sessionId);
            }
            case RemoteEvent.Accepted accepted -> srp = new SrpViewer(hostId, password, random);
            case RemoteEvent.Relay relay -> relay(relay);
            case RemoteEvent.Ended ended -> ended(ended.reason());
            case ServerFrame.Error error ->
                fail(DesktopFailure.Code.SESSION_FAILED, error.code() + ": " + error.message());
            case ServerFrame.Bye bye -> fail(DesktopFailure.Code.SESSION_FAILED, "server said bye: " + bye.reason());
            default -> log.debug("ignored {}", frame.getClass().getSimpleName());
        }
    }

    private void refused(RemoteEvent.Refused refused) {
        DesktopFailure.Code code = switch (refused.code()) {
            case "HOST_OFFLINE" -> DesktopFailure.Code.HOST_OFFLINE;
            case "HOST_BUSY" -> DesktopFailure.Code.HOST_BUSY;
            case "LOCKED_OUT" -> DesktopFailure.Code.LOCKED_OUT;
            case "RATE_LIMITED" -> DesktopFailure.Code.RATE_LIMITED;
            default -> DesktopFailure.Code.SESSION_FAILED;
        };
        result.completeExceptionally(new DesktopFailure(
                code, "the server refused the connection: " + refused.code(), refused.retryAfterSeconds()));
    }

    private void ended(String reason) {
        switch (reason) {
            case "WRONG_PASSWORD" -> fail(DesktopFailure.Code.WRONG_PASSWORD, "the host did not accept the password");
            case "DECLINED" -> fail(DesktopFailure.Code.DECLINED, "the host declined the connection");
            case "SECURITY_CHECK_FAILED" ->
                fail(DesktopFailure.Code.SECURITY_CHECK_FAILED, "the host reported a failed security check");
            default -> fail(DesktopFailure.Code.SESSION_FAILED, "the session ended: " + reason);
        }
    }

    private void relay(RemoteEvent.Relay relay) {
        if (!relay.sessionId().equals(sessionId)) {
            return;
        }
        try {
            switch (payloads.decode(relay.kind(), relay.payload())) {
                case RelayPayload.SrpHello hello -> {
                    if (srp == null) {
                        throw new PakeException(PakeException.MALFORMED, "PAKE before consent");
                    }
                    send(srp.answer(hello));
                }
                case RelayPayload.SrpConfirm confirm -> {
                    key = srp.confirm(confirm, sessionId);
                    log.info("session {}: host authenticated; verification code {}", sessionId, key.verificationCode());
                }
                case RelayPayload.Description offer -> offer(offer);
                case RelayPayload.Candidate c -> {
                    if (peer != null) {
                        peer.candidate(c.candidate(), c.sdpMid(), c.sdpMLineIndex());
                    }
                }
                case RelayPayload.SrpProof p -> throw new PakeException(PakeException.MALFORMED, "unexpected proof");
            }
        } catch (PakeException e) {
            log.warn("session {}: security check failed: {}", sessionId, e.getMessage());
            link.send(new RemoteFrame.End(sessionId, "SECURITY_CHECK_FAILED"));
            fail(DesktopFailure.Code.SECURITY_CHECK_FAILED, e.getMessage());
        }
    }

    private void offer(RelayPayload.Description offer) throws PakeException {
        if (key == null || !"offer".equals(offer.type())) {
            throw new PakeException(PakeException.SECURITY_CHECK_FAILED, "a session description before authentication");
        }
        if (!key.verifyFingerprint(SessionKey.Role.HOST, Fingerprints.of(offer.sdp()), offer.fingerprintMac())) {
            throw new PakeException(
                    PakeException.SECURITY_CHECK_FAILED,
                    "the host's DTLS fingerprint is not authenticated (tampering?)");
        }
        width = offer.width() == null ? 0 : offer.width();
        height = offer.height() == null ? 0 : offer.height();
        peer = new Peer(rtc, iceServers, events(), this::watch);
        peer.remote("offer", offer.sdp(), true);
    }

    private void watch(VideoTrack video) {
        Peer.attach(video, frame -> {
            if (result.isDone() || frame.buffer.getWidth() != width || frame.buffer.getHeight() != height) {
                return;
            }
            result.complete(new Frame(FrameImages.toImage(frame), key.verificationCode()));
        });
    }

    private PeerEvents events() {
        return new PeerEvents() {
            @Override
            public void candidate(String candidate, String sdpMid, int sdpMLineIndex) {
                thread.execute(() -> send(new RelayPayload.Candidate(candidate, sdpMid, sdpMLineIndex)));
            }

            @Override
            public void localDescription(String type, String sdp) {
                thread.execute(() -> {
                    try {
                        send(new RelayPayload.Description(
                                type,
                                sdp,
                                key.macFingerprint(SessionKey.Role.VIEWER, Fingerprints.of(sdp)),
                                null,
                                null));
                    } catch (PakeException e) {
                        fail(DesktopFailure.Code.SESSION_FAILED, "own description has no usable fingerprint");
                    }
                });
            }

            @Override
            public void failed(String why) {
                fail(DesktopFailure.Code.SESSION_FAILED, why);
            }
        };
    }

    private void send(RelayPayload payload) {
        link.send(new RemoteFrame.Relay(sessionId, payload.kind(), payloads.encode(payload)));
    }

    @Override
    public void close() {
        thread.execute(() -> {
            if (peer != null) {
                peer.close();
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
