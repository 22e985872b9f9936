package io.romotica.desktop.session;

import io.romotica.desktop.rtc.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one file over its own data channel: offer, the receiver's accepted offset, 16 KiB binary chunks with
 * backpressure (waits while more than {@link #HIGH_WATER} bytes are queued in the channel), then the file's
 * SHA-256 and the receiver's verdict. When the channel drops mid-way, a new channel is opened and the same
 * transfer id offered again: the receiver answers with the offset it holds and the transfer resumes there.
 * Blocking; run {@link #send} on a thread of its own. {@code allowed} is checked before every chunk.
 */
public final class FileSender {
    private static final Logger log = LoggerFactory.getLogger(FileSender.class);
    public static final int CHUNK = 16 * 1024;
    static final long HIGH_WATER = 1024 * 1024;
    private static final int ATTEMPTS = 3;
    private static final Object OPENED = new Object();
    private static final Object CLOSED = new Object();

    /** How a transfer ended: {@code error} null on success; {@code resumedFrom} the last resume offset. */
    public record Outcome(
            String transferId,
            String name,
            long size,
            String sha256,
            String storedAs,
            String error,
            long resumedFrom) {}

    private final Supplier<Channel> opener;
    private final BooleanSupplier allowed;
    private final Usage usage;
    private final ChannelCodec codec = new ChannelCodec();

    public FileSender(Supplier<Channel> opener, BooleanSupplier allowed, Usage usage) {
        this.opener = opener;
        this.allowed = allowed;
        this.usage = usage;
    }

    /**
     * Sends {@code file} as {@code transferId}. {@code interruptAfter} > 0 is a test hook: the first channel
     * is closed after that many bytes, as if the path had dropped, to exercise resume.
     */
    public Outcome send(Path file, String transferId, long interruptAfter, LongConsumer progress)
            throws IOException, InterruptedException {
        long size = Files.size(file);
        String sha = FileReceiver.sha256(file);
        String name = file.getFileName().toString();
        long resumedFrom = 0;
        String lastError = "CHANNEL_CLOSED";
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (!allowed.getAsBoolean()) {
                return new Outcome(transferId, name, size, sha, null, "NOT_GRANTED", resumedFrom);
            }
            BlockingQueue<Object> events = new LinkedBlockingQueue<>();
            Channel channel = opener.get();
            channel.listen(new Channel.Listener() {
                @Override
                public void opened(Channel c) {
                    events.add(OPENED);
                }

                @Override
                public void message(Channel c, byte[] data, boolean binary) {
                    if (!binary) {
                        codec.decode(data).ifPresent(events::add);
                    }
                }

                @Override
                public void closed(Channel c) {
                    events.add(CLOSED);
                }
            });
            try {
                if (events.poll(15, TimeUnit.SECONDS) != OPENED) {
                    lastError = "CHANNEL_NOT_OPENED";
                    continue;
                }
                channel.send(codec.encode(new ChannelMessage.FileOffer(transferId, name, size)), false);
                Object answer = next(events, transferId, 15);
                if (answer instanceof ChannelMessage.FileResult r) {
                    return new Outcome(transferId, name, size, sha, null, r.error(), resumedFrom);
                }
                if (!(answer instanceof ChannelMessage.FileAccept accept) || accept.offset() > size) {
                    lastError = "NO_ANSWER";
                    continue;
                }
                if (accept.offset() > 0) {
                    resumedFrom = accept.offset();
                    log.info("transfer {} resumes at {} of {} bytes", transferId, accept.offset(), size);
                }
                long limit = attempt == 0 && interruptAfter > 0 ? interruptAfter : Long.MAX_VALUE;
                String streamed = stream(file, channel, events, transferId, accept.offset(), size, limit, progress);
                if (streamed != null) {
                    if (!streamed.equals("RETRY")) {
                        return new Outcome(transferId, name, size, sha, null, streamed, resumedFrom);
                    }
                    continue;
                }
                channel.send(codec.encode(new ChannelMessage.FileDone(transferId, sha)), false);
                Object verdict = next(events, transferId, 60);
                if (verdict instanceof ChannelMessage.FileResult r) {
                    return new Outcome(transferId, name, size, sha, r.storedAs(), r.error(), resumedFrom);
                }
                lastError = "NO_RESULT";
            } finally {
                channel.close();
            }
        }
        return new Outcome(transferId, name, size, sha, null, lastError, resumedFrom);
    }

    /** Null when every byte is queued; "RETRY" when the channel dropped; else the receiver's error. */
    private String stream(
            Path file,
            Channel channel,
            BlockingQueue<Object> events,
            String transferId,
            long offset,
            long size,
            long limit,
            LongConsumer progress)
            throws IOException, InterruptedException {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            byte[] buf = new byte[CHUNK];
            long sent = offset;
            while (sent < size) {
                String stop = pending(events, transferId, progress);
                if (stop != null) {
                    return stop;
                }
                if (!allowed.getAsBoolean()) {
                    return "REVOKED";
                }
                if (sent >= limit) {
                    log.info("transfer {}: test hook closes the channel at {} bytes", transferId, sent);
                    channel.close();
                    return "RETRY";
                }
                int n = in.readNBytes(buf, 0, (int) Math.min(CHUNK, size - sent));
                if (!channel.awaitBuffered(HIGH_WATER) || !channel.send(Arrays.copyOf(buf, n), true)) {
                    String why = pending(events, transferId, progress);
                    return why != null ? why : "RETRY";
                }
                sent += n;
                usage.sent(n);
            }
            return null;
        }
    }

    /** A receiver's error that arrived meanwhile (e.g. REVOKED), without waiting; progress is logged. */
    private static String pending(BlockingQueue<Object> events, String transferId, LongConsumer progress)
            throws InterruptedException {
        for (Object e; (e = events.poll()) != null; ) {
            if (e instanceof ChannelMessage.FileResult r && r.transferId().equals(transferId) && r.error() != null) {
                return r.error();
            }
            if (e instanceof ChannelMessage.FileProgress p) {
                progress.accept(p.received());
            }
            if (e == CLOSED) {
                // a result may still be in the queue behind it
                Object last = events.poll(200, TimeUnit.MILLISECONDS);
                if (last instanceof ChannelMessage.FileResult r && r.error() != null) {
                    return r.error();
                }
                return "RETRY";
            }
        }
        return null;
    }

    private static Object next(BlockingQueue<Object> events, String transferId, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (; ; ) {
            Object e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null || e == CLOSED) {
                return null;
            }
            if (e instanceof ChannelMessage.FileAccept a && a.transferId().equals(transferId)) {
                return a;
            }
            if (e instanceof ChannelMessage.FileResult r && r.transferId().equals(transferId)) {
                return r;
            }
        }
    }
}
