package io.romotica.desktop.rtc;

import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reliable, ordered WebRTC data channel. Messages and state changes go to a {@link Listener} from
 * libwebrtc's thread (the listener must hand them to its own thread and not block). Sending is thread-safe;
 * {@link #awaitBuffered} lets a bulk sender wait until the channel's send buffer drains (backpressure).
 */
public final class Channel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Channel.class);

    /** What happens on the channel; called on libwebrtc's thread. */
    public interface Listener {
        void opened(Channel channel);

        /** A message; {@code data} is a copy the listener owns. */
        void message(Channel channel, byte[] data, boolean binary);

        void closed(Channel channel);
    }

    private final RTCDataChannel dc;
    private final String label;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private volatile Listener listener;
    private volatile boolean closed;

    Channel(RTCDataChannel dc) {
        this.dc = dc;
        this.label = dc.getLabel();
    }

    /** Starts delivering events; call once. */
    public void listen(Listener l) {
        this.listener = l;
        dc.registerObserver(new RTCDataChannelObserver() {
            @Override
            public void onBufferedAmountChange(long previous) {
                lock.lock();
                try {
                    drained.signalAll();
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public void onStateChange() {
                RTCDataChannelState state = dc.getState();
                if (state == RTCDataChannelState.OPEN) {
                    l.opened(Channel.this);
                } else if (state == RTCDataChannelState.CLOSED && !closed) {
                    closed = true;
                    wake();
                    l.closed(Channel.this);
                }
            }

            @Override
            public void onMessage(RTCDataChannelBuffer buffer) {
                // The buffer is only valid during this call.
                byte[] copy = new byte[buffer.data.remaining()];
                buffer.data.get(copy);
                l.message(Channel.this, copy, buffer.binary);
            }
        });
        if (dc.getState() == RTCDataChannelState.OPEN) {
            l.opened(this);
        }
    }

    public String label() {
        return label;
    }

    public boolean isOpen() {
        return !closed && dc.getState() == RTCDataChannelState.OPEN;
    }

    /** Sends one message; false when the channel is not open (the message is dropped). */
    public boolean send(byte[] data, boolean binary) {
        if (!isOpen()) {
            return false;
        }
        try {
            dc.send(new RTCDataChannelBuffer(ByteBuffer.wrap(data), binary));
            return true;
        } catch (Exception e) {
            log.debug("send on {} failed: {}", label, e.getMessage());
            return false;
        }
    }

    public long bufferedAmount() {
        return closed ? 0 : dc.getBufferedAmount();
    }

    /** Waits until at most {@code limit} bytes are queued, or the channel closes; false if it closed. */
    public boolean awaitBuffered(long limit) throws InterruptedException {
        lock.lock();
        try {
            while (isOpen() && dc.getBufferedAmount() > limit) {
                drained.await(50, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
        return isOpen();
    }

    private void wake() {
        lock.lock();
        try {
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            wake();
            try {
                dc.close();
            } catch (RuntimeException e) {
                log.debug("closing {} failed: {}", label, e.getMessage());
            }
            Listener l = listener;
            if (l != null) {
                l.closed(this);
            }
        }
    }
}
