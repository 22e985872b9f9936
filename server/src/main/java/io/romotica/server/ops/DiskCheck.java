package io.romotica.server.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Readiness: the data folder's file system has at least the configured free space. */
public final class DiskCheck implements HealthCheck {
    private final Path dir;
    private final long minFreeBytes;

    public DiskCheck(Path dir, long minFreeBytes) {
        this.dir = dir;
        this.minFreeBytes = minFreeBytes;
    }

    @Override
    public String name() {
        return "disk";
    }

    @Override
    public Status check() {
        try {
            long free = Files.getFileStore(dir).getUsableSpace();
            return new Status(free >= minFreeBytes, (free / (1024 * 1024)) + " MiB free");
        } catch (IOException e) {
            return new Status(false, "cannot read free space");
        }
    }
}
