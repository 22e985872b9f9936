package io.romotica.server.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where attachment bytes live, by opaque key. Keys are chosen by the caller (random ids), never derived from
 * user input. Implementations are thread-safe.
 */
public interface BlobStore {
    /** Moves (or copies) the finished file {@code source} in under {@code key}. */
    void put(String key, Path source) throws IOException;

    /** The bytes under {@code key}; {@link java.nio.file.NoSuchFileException} when there are none. */
    InputStream open(String key) throws IOException;

    /**
     * Appends {@code data} to the blob under {@code key} (created when absent) and makes it durable before
     * returning; for media written while it is produced (call recordings). Readers may see the blob grow.
     */
    void append(String key, byte[] data) throws IOException;

    /** The current size of the blob under {@code key}, 0 when there is none. */
    long size(String key) throws IOException;

    /** Removes {@code key}; absent keys are fine. */
    void delete(String key) throws IOException;

    /** A place for an upload in progress, on the same file system when possible (cheap {@link #put}). */
    Path tempFile() throws IOException;
}
