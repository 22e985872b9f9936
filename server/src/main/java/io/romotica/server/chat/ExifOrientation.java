package io.romotica.server.chat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the EXIF orientation tag (0x0112) of a JPEG: 1 (upright, also when absent or unreadable) to 8. */
final class ExifOrientation {
    private static final int SCAN_LIMIT = 128 * 1024;

    private ExifOrientation() {}

    static int read(Path jpeg) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(jpeg)) {
            head = in.readNBytes(SCAN_LIMIT);
        }
        try {
            return parse(ByteBuffer.wrap(head));
        } catch (RuntimeException e) {
            return 1; // truncated or malformed metadata: treat as upright
        }
    }

    private static int parse(ByteBuffer b) {
        if ((b.getShort(0) & 0xFFFF) != 0xFFD8) {
            return 1;
        }
        int pos = 2;
        while (pos + 4 <= b.limit()) {
            int marker = b.getShort(pos) & 0xFFFF;
            int length = b.getShort(pos + 2) & 0xFFFF;
            if (marker == 0xFFDA || (marker & 0xFF00) != 0xFF00) {
                return 1; // image data starts: no EXIF before it
            }
            if (marker == 0xFFE1 && length > 8 && b.getInt(pos + 4) == 0x45786966 && b.getShort(pos + 8) == 0) {
                return orientation(b.slice(pos + 10, Math.min(length - 8, b.limit() - pos - 10)));
            }
            pos += 2 + length;
        }
        return 1;
    }

    private static int orientation(ByteBuffer tiff) {
        tiff.order(tiff.getShort(0) == 0x4949 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = tiff.getInt(4);
        int entries = tiff.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int entry = ifd + 2 + i * 12;
            if ((tiff.getShort(entry) & 0xFFFF) == 0x0112) {
                int value = tiff.getShort(entry + 8) & 0xFFFF;
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }
}
