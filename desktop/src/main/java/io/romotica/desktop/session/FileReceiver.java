package io.romotica.desktop.session;

import io.romotica.desktop.rtc.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives files offered on file channels into a destination folder. Bytes go to
 * {@code <dir>/.partial/<transferId>.part}; an offer with a known transfer id (on a new channel, after the
 * old one dropped) resumes from the partial file's length. At {@code file.done} the whole file's SHA-256 is
 * compared with the sender's: a match moves it to a sanitised, unused name; a mismatch deletes it. Every
 * message is checked against {@code allowed} (the {@code files} right); revocation aborts transfers in
 * progress and deletes their partial files. Call every method from the owner's one session thread.
 */
public final class FileReceiver {
    private static final Logger log = LoggerFactory.getLogger(FileReceiver.class);
    private static final long PROGRESS_EVERY = 256 * 1024;

    private final Path dir;
    private final BooleanSupplier allowed;
    private final Usage usage;
    private final ChannelCodec codec = new ChannelCodec();
    private final Map<Channel, Incoming> active = new HashMap<>();

    /** A transfer in progress on one channel. */
    private static final class Incoming {
        final ChannelMessage.FileOffer offer;
        final Path partial;
        final OutputStream out;
        long received;
        long lastProgress;

        Incoming(ChannelMessage.FileOffer offer, Path partial, OutputStream out, long received) {
            this.offer = offer;
            this.partial = partial;
            this.out = out;
            this.received = received;
            this.lastProgress = received;
        }
    }

    public FileReceiver(Path dir, BooleanSupplier allowed, Usage usage) {
        this.dir = dir;
        this.allowed = allowed;
        this.usage = usage;
    }

    public void text(Channel channel, ChannelMessage message) {
        switch (message) {
            case ChannelMessage.FileOffer offer -> offer(channel, offer);
            case ChannelMessage.FileDone done -> done(channel, done);
            default -> log.warn("dropped {} on file channel", message.getClass().getSimpleName());
        }
    }

    private void offer(Channel channel, ChannelMessage.FileOffer offer) {
        if (!allowed.getAsBoolean()) {
            // The sender closes the channel; closing here could lose the answer on the way.
            reply(channel, new ChannelMessage.FileResult(offer.transferId(), null, "NOT_GRANTED"));
            return;
        }
        if (active.containsKey(channel)) {
            reply(channel, new ChannelMessage.FileResult(offer.transferId(), null, "PROTOCOL"));
            return;
        }
        // The same transfer offered on a new channel: the sender gave up on the old one (its close may not
        // have reached us yet). Resume from what is on disk; late bytes of the old channel are dropped.
        for (Channel old : active.keySet().toArray(Channel[]::new)) {
            if (active.get(old).offer.transferId().equals(offer.transferId())) {
                closed(old);
            }
        }
        try {
            Path partials = dir.resolve(".partial");
            Files.createDirectories(partials);
            Path partial = partials.resolve(offer.transferId() + ".part");
            long have = Files.exists(partial) ? Files.size(partial) : 0;
            if (have > offer.size()) {
                Files.delete(partial);
                have = 0;
            }
            OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            active.put(channel, new Incoming(offer, partial, out, have));
            log.info(
                    "receiving {} ({} bytes) as transfer {}{}",
                    FileNames.sanitize(offer.name()),
                    offer.size(),
                    offer.transferId(),
                    have > 0 ? ", resuming at " + have : "");
            reply(channel, new ChannelMessage.FileAccept(offer.transferId(), have));
        } catch (IOException e) {
            log.warn("cannot receive transfer {}: {}", offer.transferId(), e.getMessage());
            reply(channel, new ChannelMessage.FileResult(offer.transferId(), null, "IO_ERROR"));
        }
    }

    public void binary(Channel channel, byte[] data) {
        Incoming in = active.get(channel);
        if (in == null) {
            log.debug("dropped {} bytes outside a transfer (e.g. in flight after REVOKED)", data.length);
            return;
        }
        if (!allowed.getAsBoolean()) {
            fail(channel, in, "REVOKED");
            return;
        }
        if (data.length > ChannelMessage.MAX_CHUNK_BYTES || in.received + data.length > in.offer.size()) {
            fail(channel, in, "SIZE_MISMATCH");
            return;
        }
        try {
            in.out.write(data);
            in.received += data.length;
            usage.received(data.length);
            if (in.received - in.lastProgress >= PROGRESS_EVERY) {
                in.out.flush();
                in.lastProgress = in.received;
                reply(channel, new ChannelMessage.FileProgress(in.offer.transferId(), in.received));
            }
        } catch (IOException e) {
            fail(channel, in, "IO_ERROR");
        }
    }

    private void done(Channel channel, ChannelMessage.FileDone done) {
        Incoming in = active.get(channel);
        if (in == null || !in.offer.transferId().equals(done.transferId())) {
            reply(channel, new ChannelMessage.FileResult(done.transferId(), null, "PROTOCOL"));
            return;
        }
        if (!allowed.getAsBoolean()) {
            fail(channel, in, "REVOKED");
            return;
        }
        if (in.received != in.offer.size()) {
            fail(channel, in, "SIZE_MISMATCH");
            return;
        }
        try {
            in.out.close();
            String actual = sha256(in.partial);
            if (!actual.equals(done.sha256())) {
                log.warn("transfer {}: checksum mismatch, file removed", done.transferId());
                fail(channel, in, "CHECKSUM_MISMATCH");
                return;
            }
            Path target = FileNames.unused(dir, FileNames.sanitize(in.offer.name()));
            Files.move(in.partial, target, StandardCopyOption.ATOMIC_MOVE);
            active.remove(channel);
            usage.fileCompleted();
            log.info("transfer {} stored as {} (sha-256 {})", done.transferId(), target.getFileName(), actual);
            reply(
                    channel,
                    new ChannelMessage.FileResult(
                            done.transferId(), target.getFileName().toString(), null));
        } catch (IOException e) {
            fail(channel, in, "IO_ERROR");
        }
    }

    /** The channel dropped: keep the partial file so an offer with the same id can resume. */
    public void closed(Channel channel) {
        Incoming in = active.remove(channel);
        if (in != null) {
            closeQuietly(in);
            log.info(
                    "transfer {} interrupted at {} of {} bytes; kept for resume",
                    in.offer.transferId(),
                    in.received,
                    in.offer.size());
        }
    }

    /** The right was revoked: every transfer in progress ends with REVOKED and loses its partial file. */
    public void revoked() {
        for (Channel c : active.keySet().toArray(Channel[]::new)) {
            fail(c, active.get(c), "REVOKED");
        }
        deletePartials();
    }

    /** Session over: drops transfers in progress and their partial files. */
    public void end() {
        active.values().forEach(FileReceiver::closeQuietly);
        active.clear();
        deletePartials();
    }

    private void fail(Channel channel, Incoming in, String error) {
        active.remove(channel);
        closeQuietly(in);
        try {
            Files.deleteIfExists(in.partial);
        } catch (IOException e) {
            log.warn("could not delete {}", in.partial);
        }
        log.info("transfer {} failed: {}", in.offer.transferId(), error);
        // The sender closes the channel when it reads this; closing here could lose the answer on the way.
        reply(channel, new ChannelMessage.FileResult(in.offer.transferId(), null, error));
    }

    private void deletePartials() {
        Path partials = dir.resolve(".partial");
        if (!Files.isDirectory(partials)) {
            return;
        }
        try (var files = Files.list(partials)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".part"))
                    .toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("could not clean {}: {}", partials, e.getMessage());
        }
    }

    private void reply(Channel channel, ChannelMessage message) {
        channel.send(codec.encode(message), false);
    }

    private static void closeQuietly(Incoming in) {
        try {
            in.out.close();
        } catch (IOException e) {
            // nothing left to save
        }
    }

    /** Lower-case hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
