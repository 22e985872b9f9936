package io.romotica.desktop.ui;

import io.romotica.desktop.session.FileSender;
import io.romotica.desktop.viewer.ViewerClient;
import java.awt.event.KeyEvent;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.swing.SwingUtilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One remote session seen by the viewer: the latest frame, frame rate, bitrate and path, the host's
 * clipboard, file sending; forwards input to the {@link ViewerClient} on a worker thread so the event thread
 * never waits on the network. Listeners are called on the event thread.
 */
public final class RemoteScreenModel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RemoteScreenModel.class);

    /** The status line's numbers. */
    public record Stats(int fps, long kbits, String path) {}

    /** A file transfer's state for the progress bar; {@code error} null while going or when done. */
    public record Transfer(String name, long size, long done, boolean finished, String error) {}

    private final ViewerClient client;
    private final String hostId;
    private final AtomicReference<BufferedImage> frame = new AtomicReference<>();
    private final AtomicInteger frames = new AtomicInteger();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "romotica-remote-screen");
        t.setDaemon(true);
        return t;
    });
    private volatile String verificationCode = "";
    private volatile Runnable repaint = () -> {};
    private volatile Consumer<Stats> stats = s -> {};
    private volatile Consumer<String> clipboard = s -> {};
    private volatile Consumer<Transfer> transfers = t -> {};
    private volatile Consumer<String> ended = r -> {};
    private long lastBytes;

    RemoteScreenModel(ViewerClient client, String hostId) {
        this.client = client;
        this.hostId = hostId;
        client.onFrames(image -> {
            frame.set(image);
            frames.incrementAndGet();
            Runnable r = repaint;
            SwingUtilities.invokeLater(r);
        });
        client.onClipboard(text -> {
            Consumer<String> c = clipboard;
            SwingUtilities.invokeLater(() -> c.accept(text));
        });
        client.ended().thenAccept(reason -> {
            Consumer<String> e = ended;
            SwingUtilities.invokeLater(() -> e.accept(reason));
        });
    }

    void started(String code) {
        verificationCode = code;
        worker.scheduleAtFixedRate(this::measure, 1, 1, TimeUnit.SECONDS);
    }

    private void measure() {
        try {
            int fps = frames.getAndSet(0);
            long bytes = client.bytesReceived();
            long kbits = Math.max(0, bytes - lastBytes) * 8 / 1000;
            lastBytes = bytes;
            String path = client.path();
            Stats s = new Stats(fps, kbits, path);
            Consumer<Stats> l = stats;
            SwingUtilities.invokeLater(() -> l.accept(s));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String hostId() {
        return hostId;
    }

    public String verificationCode() {
        return verificationCode;
    }

    /** The latest decoded frame, or null before the first. */
    public BufferedImage frame() {
        return frame.get();
    }

    public int remoteWidth() {
        return client.width();
    }

    public int remoteHeight() {
        return client.height();
    }

    public List<String> rights() {
        return client.rights();
    }

    public void onRepaint(Runnable r) {
        repaint = r;
    }

    public void onStats(Consumer<Stats> l) {
        stats = l;
    }

    public void onClipboard(Consumer<String> l) {
        clipboard = l;
    }

    public void onTransfer(Consumer<Transfer> l) {
        transfers = l;
    }

    public void onEnded(Consumer<String> l) {
        ended = l;
    }

    /** Maps a point of a view of size (w, h) showing the whole remote screen to remote coordinates. */
    public int[] toRemote(double x, double y, double scale) {
        int rx = (int) Math.round(x / scale);
        int ry = (int) Math.round(y / scale);
        return new int[] {
            Math.clamp(rx, 0, Math.max(0, client.width() - 1)), Math.clamp(ry, 0, Math.max(0, client.height() - 1))
        };
    }

    /** Scale that fits the remote screen into (w, h), never enlarging; 1 for actual size. */
    public double fitScale(int w, int h, boolean fit) {
        if (!fit || client.width() <= 0 || client.height() <= 0) {
            return 1.0;
        }
        return Math.min((double) w / client.width(), (double) h / client.height());
    }

    public void pointerMove(int x, int y) {
        send(() -> client.pointerMove(x, y));
    }

    public void pointerButton(int x, int y, int button, boolean pressed) {
        send(() -> client.pointerButton(x, y, button, pressed));
    }

    public void wheel(int x, int y, int notches) {
        send(() -> client.wheel(x, y, Math.clamp(notches, -50, 50)));
    }

    public void key(int code, boolean pressed) {
        send(() -> client.key(code, pressed));
    }

    /** A combination the local OS would catch, pressed then released in reverse order on the host. */
    public void combination(int... codes) {
        send(() -> {
            for (int c : codes) {
                client.key(c, true);
            }
            for (int i = codes.length - 1; i >= 0; i--) {
                client.key(codes[i], false);
            }
        });
    }

    public static final int[] CTRL_ALT_DEL = {KeyEvent.VK_CONTROL, KeyEvent.VK_ALT, KeyEvent.VK_DELETE};
    public static final int[] ALT_TAB = {KeyEvent.VK_ALT, KeyEvent.VK_TAB};
    public static final int[] WIN = {KeyEvent.VK_WINDOWS};

    /** The local clipboard text, to put on the host's clipboard (when the host granted clipboard). */
    public void localClipboard(String text) {
        if (rights().contains("clipboard")
                && text.length() <= io.romotica.desktop.session.ChannelMessage.MAX_CLIPBOARD_CHARS) {
            send(() -> client.setClipboard(text));
        }
    }

    /** Sends a file on its own thread (a transfer can be long), reporting progress. */
    public void sendFile(Path file) {
        Thread.ofPlatform().daemon().name("romotica-send-file").start(() -> {
            String name = file.getFileName().toString();
            try {
                long size = Files.size(file);
                report(new Transfer(name, size, 0, false, null));
                FileSender.Outcome o =
                        client.sendFile(file, 0, done -> report(new Transfer(name, size, done, false, null)));
                report(new Transfer(name, size, size, true, o.error()));
            } catch (Exception e) {
                report(new Transfer(name, 0, 0, true, String.valueOf(e.getMessage())));
            }
        });
    }

    private void report(Transfer t) {
        Consumer<Transfer> l = transfers;
        SwingUtilities.invokeLater(() -> l.accept(t));
    }

    private void send(Runnable r) {
        worker.execute(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.debug("input not sent: {}", e.getMessage());
            }
        });
    }

    /** Disconnect: tells the host, then closes the client (off the event thread). */
    @Override
    public void close() {
        worker.execute(() -> {
            try {
                client.finish();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                client.close();
            }
        });
        worker.shutdown();
    }
}
