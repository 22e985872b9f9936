package io.romotica.desktop.viewer;

import dev.onvoid.webrtc.media.video.VideoTrack;
import io.romotica.desktop.DesktopFailure;
import io.romotica.desktop.net.ServerLink;
import io.romotica.desktop.net.ServerTrust;
import io.romotica.desktop.rtc.Channel;
import io.romotica.desktop.rtc.FrameImages;
import io.romotica.desktop.rtc.Peer;
import io.romotica.desktop.rtc.PeerEvents;
import io.romotica.desktop.rtc.Rtc;
import io.romotica.desktop.session.ChannelCodec;
import io.romotica.desktop.session.ChannelMessage;
import io.romotica.desktop.session.FileSender;
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
import io.romotica.protocol.pake.SrpViewer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The viewer face without a window: connects to a host by ID and one-time password, runs SRP through the
 * server, accepts the host's session description only with a valid MAC of its DTLS fingerprint (no
 * fallback), answers with its own, and then drives the session over the host's control channel: the first
 * full-size frame, input, clipboard, files (each subject to the rights the host grants and enforces). Server
 * frames are handled on one session thread; control-channel messages only complete futures and queues, so
 * the action methods may be called from the caller's thread. Single use.
 */
public final class ViewerClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ViewerClient.class);

    /** What a successful connection yields. */
    public record Frame(BufferedImage image, String verificationCode) {}

    private static final String CONTROL = "control";
    private static final String FILES = "files";

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
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private final ChannelCodec codec = new ChannelCodec();
    private final Usage usage = new Usage();
    private final AtomicLong syncs = new AtomicLong();
    private final Map<Long, CompletableFuture<Void>> acks = new ConcurrentHashMap<>();
    private final BlockingQueue<String> clipboards = new LinkedBlockingQueue<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private volatile List<String> rights = List.of();
    private volatile Channel control;
    private volatile Consumer<BufferedImage> frames;
    private volatile Consumer<String> clipboardListener;
    private volatile Consumer<List<String>> rightsListener;
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

    /**
     * Connects and waits, at most {@code timeout}, until the control channel is open (the host's rights
     * arrived) and, with {@code wantFrame}, for the first full frame (else the frame's image is null).
     */
    public Frame connect(Duration timeout, boolean wantFrame) throws DesktopFailure, InterruptedException {
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
            long deadline = System.nanoTime() + timeout.toNanos();
            CompletableFuture.anyOf(ready, result).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (result.isCompletedExceptionally()) {
                result.get();
            }
            ready.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (wantFrame) {
                return result.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            return new Frame(null, key.verificationCode());
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
        DesktopFailure f = new DesktopFailure(code, message);
        result.completeExceptionally(f);
        ready.completeExceptionally(f);
    }

    private void onFrame(Object frame) {
        if (frame instanceof RemoteEvent.Ended e && ready.isDone()) {
            ended.complete(e.reason());
            return;
        }
        if (result.isDone() && ready.isDone()) {
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
        DesktopFailure f = new DesktopFailure(
                code, "the server refused the connection: " + refused.code(), refused.retryAfterSeconds());
        result.completeExceptionally(f);
        ready.completeExceptionally(f);
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
            // One conversion per frame: the frame's buffer must not be converted (and released) twice.
            Consumer<BufferedImage> sink = frames;
            boolean first = !result.isDone() && frame.buffer.getWidth() == width && frame.buffer.getHeight() == height;
            if (sink == null && !first) {
                return;
            }
            BufferedImage image = FrameImages.toImage(frame);
            if (sink != null) {
                sink.accept(image);
            }
            if (first) {
                result.complete(new Frame(image, key.verificationCode()));
            }
        });
    }

    /**
     * Every decoded frame from now on goes to {@code sink}, on libwebrtc's thread (hand it over, do not
     * block); the window's model sets it before {@link #connect}.
     */
    public void onFrames(Consumer<BufferedImage> sink) {
        this.frames = sink;
    }

    /** Clipboard text from the host goes to {@code listener} too (libwebrtc's thread). */
    public void onClipboard(Consumer<String> listener) {
        this.clipboardListener = listener;
    }

    /** The host's rights announcements go to {@code listener} (libwebrtc's thread). */
    public void onRights(Consumer<List<String>> listener) {
        this.rightsListener = listener;
    }

    /** Completes with the reason when the session ends after it was set up (host stopped, channel closed…). */
    public CompletableFuture<String> ended() {
        return ended;
    }

    /** Bytes of video received so far, for the bitrate shown; 0 when not known. Any thread. */
    public long bytesReceived() throws InterruptedException {
        try {
            return CompletableFuture.supplyAsync(() -> peer, thread)
                    .thenCompose(p -> p == null ? CompletableFuture.completedFuture(0L) : p.bytesReceived())
                    .get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return 0;
        }
    }

    /** Pointer moved to (x, y) of the remote screen. Throws IllegalStateException when the channel is closed. */
    public void pointerMove(int x, int y) {
        sendControl(new ChannelMessage.PointerMove(x, y));
    }

    /** Button 1 (left), 2 (middle) or 3 (right) pressed or released at (x, y). */
    public void pointerButton(int x, int y, int button, boolean pressed) {
        sendControl(new ChannelMessage.PointerButton(x, y, button, pressed));
    }

    public void wheel(int x, int y, int notches) {
        sendControl(new ChannelMessage.Wheel(x, y, notches));
    }

    /** A key (java.awt.event.KeyEvent VK code) pressed or released. */
    public void key(int code, boolean pressed) {
        sendControl(new ChannelMessage.Key(code, pressed));
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
                ended.complete("ERROR");
            }

            @Override
            public void dataChannel(Channel channel) {
                if (channel.label().equals(CONTROL) && control == null) {
                    control = channel;
                    channel.listen(controlListener());
                } else {
                    log.warn("closed an unexpected data channel '{}'", channel.label());
                    channel.close();
                }
            }
        };
    }

    private Channel.Listener controlListener() {
        return new Channel.Listener() {
            @Override
            public void opened(Channel channel) {
                log.debug("control channel open");
            }

            @Override
            public void message(Channel channel, byte[] data, boolean binary) {
                if (binary) {
                    log.warn("dropped binary data on the control channel");
                    return;
                }
                codec.decode(data).ifPresent(ViewerClient.this::control);
            }

            @Override
            public void closed(Channel channel) {
                ended.complete("CHANNEL_CLOSED");
            }
        };
    }

    /** A message from the host on the control channel (libwebrtc's thread: only hands results over). */
    private void control(ChannelMessage message) {
        switch (message) {
            case ChannelMessage.Rights r -> {
                rights = r.granted();
                log.info("rights in force: {}", r.granted());
                Consumer<List<String>> rl = rightsListener;
                if (rl != null) {
                    rl.accept(r.granted());
                }
                ready.complete(null);
            }
            case ChannelMessage.Refused r -> {
                log.info("the host refused {} (no {} right)", r.what(), r.right());
                refused.add(r.what());
            }
            case ChannelMessage.Clipboard c -> {
                usage.received(c.text().length());
                clipboards.add(c.text());
                Consumer<String> cl = clipboardListener;
                if (cl != null) {
                    cl.accept(c.text());
                }
            }
            case ChannelMessage.SyncAck a -> {
                CompletableFuture<Void> f = acks.remove(a.n());
                if (f != null) {
                    f.complete(null);
                }
            }
            case ChannelMessage.PointerMove m -> dropped(m);
            case ChannelMessage.PointerButton m -> dropped(m);
            case ChannelMessage.Wheel m -> dropped(m);
            case ChannelMessage.Key m -> dropped(m);
            case ChannelMessage.Text m -> dropped(m);
            case ChannelMessage.Sync m -> dropped(m);
            case ChannelMessage.Bye m -> dropped(m);
            case ChannelMessage.FileOffer m -> dropped(m);
            case ChannelMessage.FileAccept m -> dropped(m);
            case ChannelMessage.FileProgress m -> dropped(m);
            case ChannelMessage.FileDone m -> dropped(m);
            case ChannelMessage.FileResult m -> dropped(m);
        }
    }

    private static void dropped(ChannelMessage m) {
        log.warn("dropped {} from the host on the control channel", m.getClass().getSimpleName());
    }

    private void sendControl(ChannelMessage m) {
        Channel c = control;
        if (c == null || !c.send(codec.encode(m), false)) {
            throw new IllegalStateException("the control channel is not open");
        }
    }

    /** The host's remote-screen size as it advertised it. */
    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The rights the host grants now. */
    public List<String> rights() {
        return rights;
    }

    /** What the host refused so far (e.g. {@code input}, {@code clipboard}). */
    public List<String> refused() {
        return List.copyOf(refused);
    }

    /** A left click at (x, y) of the remote screen. */
    public void click(int x, int y) {
        sendControl(new ChannelMessage.PointerMove(x, y));
        sendControl(new ChannelMessage.PointerButton(x, y, 1, true));
        sendControl(new ChannelMessage.PointerButton(x, y, 1, false));
    }

    /** Types text on the host, in pieces the message limit allows. */
    public void type(String text) {
        for (int i = 0; i < text.length(); i += ChannelMessage.MAX_TYPED_CHARS) {
            sendControl(new ChannelMessage.Text(
                    text.substring(i, Math.min(text.length(), i + ChannelMessage.MAX_TYPED_CHARS))));
        }
    }

    public void setClipboard(String text) {
        sendControl(new ChannelMessage.Clipboard(text));
        usage.sent(text.length());
    }

    /** The host's clipboard text: the latest it sent, waiting up to {@code timeout} for a first one. */
    public Optional<String> clipboard(Duration timeout) throws InterruptedException {
        String first = clipboards.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        String latest = first;
        for (String more; (more = clipboards.poll()) != null; ) {
            latest = more;
        }
        return Optional.ofNullable(latest);
    }

    /** Waits until the host handled everything sent before on the control channel. */
    public boolean sync(Duration timeout) throws InterruptedException {
        long n = syncs.incrementAndGet();
        CompletableFuture<Void> ack = new CompletableFuture<>();
        acks.put(n, ack);
        sendControl(new ChannelMessage.Sync(n));
        try {
            ack.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Sends a file on a channel of its own (blocking); {@code interruptAfter} > 0 is a resume test hook. */
    public FileSender.Outcome sendFile(Path file, long interruptAfter) throws IOException, InterruptedException {
        return sendFile(
                file, interruptAfter, received -> log.info("sent {}: {} bytes received", file.getFileName(), received));
    }

    /** Sends a file (blocking), reporting the bytes the host confirmed to {@code progress}. */
    public FileSender.Outcome sendFile(Path file, long interruptAfter, java.util.function.LongConsumer progress)
            throws IOException, InterruptedException {
        FileSender sender = new FileSender(() -> peer.openChannel(FILES), () -> true, usage);
        String id = java.util.UUID.randomUUID().toString();
        return sender.send(file, id, interruptAfter, progress);
    }

    /** Asks the host to end the session (so it reports its usage), waiting briefly; else ends it itself. */
    public void finish() throws InterruptedException {
        try {
            sendControl(new ChannelMessage.Bye());
            ended.get(5, TimeUnit.SECONDS);
        } catch (IllegalStateException | ExecutionException | TimeoutException e) {
            thread.execute(() -> link.send(new RemoteFrame.End(sessionId, "NORMAL")));
        }
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
