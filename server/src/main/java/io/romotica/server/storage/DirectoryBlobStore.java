package io.romotica.server.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/**
 * Blobs as files in one directory (local disk by default; a shared mount such as NFS in a cluster). Files
 * are spread over 256 sub-folders by the key's first two characters; a file appears under its final name
 * only when complete (atomic move), so a reader never sees half a blob — except blobs written by
 * {@link #append}, which grow in place.
 */
public final class DirectoryBlobStore implements BlobStore {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    private final Path root;
    private final Path incoming;

    public DirectoryBlobStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.incoming = this.root.resolve("incoming");
        Files.createDirectories(incoming);
    }

    private Path file(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("bad blob key");
        }
        return root.resolve(key.substring(0, 2)).resolve(key);
    }

    @Override
    public void put(String key, Path source) throws IOException {
        Path target = file(key);
        Files.createDirectories(target.getParent());
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Path part = target.resolveSibling(key + ".part");
            Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(source);
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Files.newInputStream(file(key));
    }

    @Override
    public void append(String key, byte[] data) throws IOException {
        Path target = file(key);
        Files.createDirectories(target.getParent());
        try (FileChannel channel = FileChannel.open(
                target, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        }
    }

    @Override
    public long size(String key) throws IOException {
        Path target = file(key);
        return Files.exists(target) ? Files.size(target) : 0;
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(file(key));
    }

    @Override
    public Path tempFile() throws IOException {
        return Files.createTempFile(incoming, "up-", ".tmp");
    }
}
