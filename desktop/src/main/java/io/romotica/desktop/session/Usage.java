package io.romotica.desktop.session;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Bytes a session moved over its data channels (files and clipboard), for the audit log. Thread-safe. */
public final class Usage {
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicInteger files = new AtomicInteger();

    public void received(long bytes) {
        received.addAndGet(bytes);
    }

    public void sent(long bytes) {
        sent.addAndGet(bytes);
    }

    public void fileCompleted() {
        files.incrementAndGet();
    }

    public long received() {
        return received.get();
    }

    public long sent() {
        return sent.get();
    }

    public int files() {
        return files.get();
    }
}
