package io.romotica.server.realtime;

import io.javalin.http.sse.SseClient;
import io.romotica.protocol.FrameCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection over the fallback transport's downstream: one server-sent event stream, each server frame
 * one {@code data:} event. Frames go into a queue that one virtual thread per stream writes out, so a slow
 * client never blocks the sender (fan-out runs on the bus thread); when the queue stays empty for
 * {@link #HEARTBEAT} the writer sends a {@code heartbeat} event, which keeps proxies from timing the stream
 * out, lets the browser notice a dead stream and makes a vanished client fail a write (how the server
 * learns that it left). Safe from any thread.
 */
final class SseConnection extends LiveConnection {
    private static final Logger log = LoggerFactory.getLogger(SseConnection.class);

    static final Duration HEARTBEAT = Duration.ofSeconds(20);
    /** A client this far behind is dropped; it reconnects and catches up with {@code chat.sync}. */
    static final int MAX_QUEUED_FRAMES = 1000;
    /** Marks the end of the stream in the queue (compared by identity). */
    private static final String END = new String("end of stream");

    private final SseClient client;
    private final Clock clock;
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private volatile boolean closing;

    SseConnection(String id, Party party, String address, SseClient client, FrameCodec codec, Clock clock) {
        super(id, party, address, codec);
        this.client = client;
        this.clock = clock;
    }

    @Override
    String transport() {
        return "sse";
    }

    /** Starts the writer; frames sent before are written first, in order. */
    void start() {
        Thread.ofVirtual().name("sse-" + id()).start(this::write);
    }

    @Override
    void sendEncoded(String frame) {
        if (closing) {
            return;
        }
        if (queue.size() >= MAX_QUEUED_FRAMES) {
            log.debug("sse stream {} fell {} frames behind; dropping it", id(), MAX_QUEUED_FRAMES);
            end(null);
            return;
        }
        queue.add(frame);
    }

    @Override
    public void close(String reason) {
        end(bye(reason));
    }

    /** Ends the stream after {@code lastFrame} (when not null); frames still queued are dropped. */
    private void end(String lastFrame) {
        if (closing) {
            return;
        }
        closing = true;
        queue.clear();
        if (lastFrame != null) {
            queue.add(lastFrame);
        }
        queue.add(END);
    }

    private void write() {
        try {
            while (!client.terminated()) {
                String next = queue.poll(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
                if (next == END) {
                    break;
                }
                if (next == null) {
                    client.sendEvent("heartbeat", clock.instant().toString());
                } else {
                    client.sendData(next);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.debug("sse stream {} failed", id(), e);
        } finally {
            closing = true;
            client.close();
        }
    }
}
