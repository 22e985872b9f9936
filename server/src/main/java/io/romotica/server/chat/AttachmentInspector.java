package io.romotica.server.chat;

import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.apache.tika.Tika;

/**
 * Decides what an uploaded file is from its bytes (Apache Tika's magic detection; the name and the
 * declared type are not trusted), refuses types outside the allow-list, and re-encodes images: the copy
 * that is kept carries no metadata (EXIF, GPS, comments), is turned upright per its EXIF orientation, and
 * gets a thumbnail. Stateless and thread-safe.
 */
final class AttachmentInspector {
    static final int THUMBNAIL_EDGE = 320;
    /** Larger images are refused before decoding (decompression bombs). */
    static final long MAX_PIXELS = 40_000_000L;

    private static final Tika TIKA = new Tika();
    private static final Set<String> IMAGES = Set.of("image/png", "image/jpeg", "image/gif");
    /** Detected type → type stored and served. Containers whose audio/video flavour the bytes cannot tell. */
    private static final Map<String, String> MEDIA = Map.ofEntries(
            Map.entry("audio/webm", "audio/webm"),
            Map.entry("video/webm", "video/webm"),
            Map.entry("audio/ogg", "audio/ogg"),
            Map.entry("audio/opus", "audio/ogg"),
            Map.entry("audio/vorbis", "audio/ogg"),
            Map.entry("application/ogg", "audio/ogg"),
            Map.entry("audio/mpeg", "audio/mpeg"),
            Map.entry("audio/mp4", "audio/mp4"),
            Map.entry("video/mp4", "video/mp4"),
            Map.entry("video/quicktime", "video/quicktime"),
            Map.entry("audio/vnd.wave", "audio/wav"),
            Map.entry("audio/x-wav", "audio/wav"),
            Map.entry("audio/wav", "audio/wav"));

    private static final Map<String, String> FILES = Map.ofEntries(
            Map.entry("application/pdf", "application/pdf"),
            Map.entry("text/plain", "text/plain"),
            Map.entry("text/csv", "text/plain"),
            Map.entry("application/zip", "application/zip"),
            Map.entry("application/x-tika-ooxml", "application/zip"),
            Map.entry("application/vnd.oasis.opendocument.text", "application/zip"),
            Map.entry("application/vnd.oasis.opendocument.spreadsheet", "application/zip"));

    /** Extensions a kept file's name may end with; the first is added when the name has none of them. */
    private static final Map<String, List<String>> EXTENSIONS = Map.ofEntries(
            Map.entry("image/jpeg", List.of(".jpg", ".jpeg")),
            Map.entry("image/png", List.of(".png")),
            Map.entry("audio/webm", List.of(".webm", ".weba")),
            Map.entry("video/webm", List.of(".webm")),
            Map.entry("audio/ogg", List.of(".ogg", ".oga", ".opus")),
            Map.entry("audio/mpeg", List.of(".mp3")),
            Map.entry("audio/mp4", List.of(".m4a", ".mp4")),
            Map.entry("video/mp4", List.of(".mp4", ".m4v")),
            Map.entry("video/quicktime", List.of(".mov")),
            Map.entry("audio/wav", List.of(".wav")),
            Map.entry("application/pdf", List.of(".pdf")),
            Map.entry("text/plain", List.of(".txt", ".csv", ".log")),
            Map.entry("application/zip", List.of(".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp")));

    private AttachmentInspector() {}

    /** What was kept: the file to store, its type, and for images the thumbnail and size. */
    record Inspected(Path file, String contentType, String name, Path thumbnail, Integer width, Integer height) {}

    /**
     * Inspects the upload in {@code raw}. Images are re-encoded into new files next to it (the raw file is
     * then no longer needed); anything else is kept as uploaded.
     */
    static Inspected inspect(Path raw, String fileName, String declaredType) throws IOException {
        String detected;
        try (InputStream in = Files.newInputStream(raw)) {
            detected = TIKA.detect(in);
        }
        String name = sanitizeName(fileName);
        if (IMAGES.contains(detected)) {
            return reencode(raw, detected, name);
        }
        if ("application/x-matroska".equals(detected) && isWebm(raw)) {
            detected = "video/webm"; // Tika's magic stops at the Matroska container; WebM names itself
        }
        String type = MEDIA.get(detected);
        if (type != null) {
            // WebM, Ogg and MP4 look the same for audio and video: a declared audio/* narrows it.
            if (type.startsWith("video/") && declaredType != null && declaredType.startsWith("audio/")) {
                type = "audio/" + type.substring("video/".length());
            }
        } else {
            type = FILES.get(detected);
        }
        if (type == null) {
            throw new AppException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE, "files of this type (" + detected + ") are not accepted");
        }
        return new Inspected(raw, type, withExtension(name, type), null, null, null);
    }

    /** Whether a Matroska file's EBML header declares the "webm" document type. */
    private static boolean isWebm(Path raw) throws IOException {
        try (InputStream in = Files.newInputStream(raw)) {
            String head = new String(in.readNBytes(64), java.nio.charset.StandardCharsets.ISO_8859_1);
            return head.contains("\u0042\u0082\u0084webm");
        }
    }

    private static Inspected reencode(Path raw, String type, String name) throws IOException {
        BufferedImage image = decode(raw);
        if ("image/jpeg".equals(type)) {
            image = upright(image, ExifOrientation.read(raw));
        }
        // JPEG stays JPEG; PNG and GIF become PNG (keeps transparency; an animated GIF keeps its first frame).
        boolean jpeg = "image/jpeg".equals(type);
        String outType = jpeg ? "image/jpeg" : "image/png";
        Path out = raw.resolveSibling(raw.getFileName() + ".img");
        write(image, jpeg, out);
        Path thumb = raw.resolveSibling(raw.getFileName() + ".thumb");
        write(scaled(image, THUMBNAIL_EDGE), jpeg, thumb);
        return new Inspected(out, outType, withExtension(name, outType), thumb, image.getWidth(), image.getHeight());
    }

    private static BufferedImage decode(Path raw) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(raw.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw unreadable();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new AppException(
                            ErrorCode.PAYLOAD_TOO_LARGE, "images may have at most " + MAX_PIXELS + " pixels");
                }
                return reader.read(0);
            } catch (IOException | RuntimeException e) {
                if (e instanceof AppException app) {
                    throw app;
                }
                throw unreadable();
            } finally {
                reader.dispose();
            }
        }
    }

    private static AppException unreadable() {
        return new AppException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the image could not be read");
    }

    /** Applies an EXIF orientation (1-8) so the pixels themselves are upright. */
    static BufferedImage upright(BufferedImage src, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return src;
        }
        int w = src.getWidth();
        int h = src.getHeight();
        boolean swap = orientation >= 5;
        AffineTransform t = new AffineTransform();
        switch (orientation) {
            case 2 -> t.setTransform(-1, 0, 0, 1, w, 0);
            case 3 -> t.setTransform(-1, 0, 0, -1, w, h);
            case 4 -> t.setTransform(1, 0, 0, -1, 0, h);
            case 5 -> t.setTransform(0, 1, 1, 0, 0, 0);
            case 6 -> t.setTransform(0, 1, -1, 0, h, 0);
            case 7 -> t.setTransform(0, -1, -1, 0, h, w);
            default -> t.setTransform(0, -1, 1, 0, 0, w);
        }
        BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, rgbTypeOf(src));
        Graphics2D g = out.createGraphics();
        g.drawImage(src, t, null);
        g.dispose();
        return out;
    }

    private static int rgbTypeOf(BufferedImage image) {
        return image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
    }

    private static BufferedImage scaled(BufferedImage src, int edge) {
        double f = Math.min(1.0, (double) edge / Math.max(src.getWidth(), src.getHeight()));
        int w = Math.max(1, (int) Math.round(src.getWidth() * f));
        int h = Math.max(1, (int) Math.round(src.getHeight() * f));
        BufferedImage out = new BufferedImage(w, h, rgbTypeOf(src));
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** Writes pixels only: a fresh encoder output holds no metadata from the upload. */
    private static void write(BufferedImage image, boolean jpeg, Path out) throws IOException {
        if (!jpeg) {
            if (!ImageIO.write(image, "png", out.toFile())) {
                throw new IOException("no PNG writer");
            }
            return;
        }
        BufferedImage rgb = image;
        if (image.getType() != BufferedImage.TYPE_INT_RGB) {
            rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = rgb.createGraphics();
            g.drawImage(image, 0, 0, java.awt.Color.WHITE, null);
            g.dispose();
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (OutputStream os = Files.newOutputStream(out);
                ImageOutputStream ios = ImageIO.createImageOutputStream(os)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.88f);
            writer.write(null, new IIOImage(rgb, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    /**
     * A file name safe to show and to save: no folders, no control or bidirectional-override characters,
     * nothing a file system reserves, at most 120 characters; "file" when nothing is left.
     */
    static String sanitizeName(String raw) {
        String name = raw == null ? "" : Normalizer.normalize(raw, Normalizer.Form.NFC);
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder b = new StringBuilder();
        name.codePoints().forEach(cp -> {
            boolean bidi = (cp >= 0x202A && cp <= 0x202E)
                    || (cp >= 0x2066 && cp <= 0x2069)
                    || cp == 0x200E
                    || cp == 0x200F
                    || cp == 0x061C;
            if (Character.isISOControl(cp)
                    || bidi
                    || "<>:\"|?*".indexOf(cp) >= 0
                    || Character.getType(cp) == Character.FORMAT) {
                b.append('_');
            } else {
                b.appendCodePoint(cp);
            }
        });
        String clean = b.toString().strip().replaceAll("^[.\\s]+|[.\\s]+$", "");
        if (clean.length() > 120) {
            int dot = clean.lastIndexOf('.');
            String ext = dot > 0 && clean.length() - dot <= 10 ? clean.substring(dot) : "";
            clean = clean.substring(0, 120 - ext.length()) + ext;
        }
        return clean.isEmpty() ? "file" : clean;
    }

    /**
     * The name with an extension that fits {@code type}: "report.html" kept as text/plain becomes
     * "report.html.txt", so a saved copy cannot open as something else.
     */
    static String withExtension(String name, String type) {
        List<String> fitting = EXTENSIONS.getOrDefault(type, List.of());
        String lower = name.toLowerCase(Locale.ROOT);
        if (fitting.isEmpty() || fitting.stream().anyMatch(lower::endsWith)) {
            return name;
        }
        return name + fitting.getFirst();
    }
}
