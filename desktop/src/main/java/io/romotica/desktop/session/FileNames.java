package io.romotica.desktop.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a name the other side offered into a safe file name inside the destination folder: only the last
 * path segment, no control or reserved characters, no leading dot, no Windows device names, bounded length,
 * and never an existing file (a numbered variant instead). Stateless.
 */
public final class FileNames {
    private static final int MAX_LENGTH = 150;
    private static final Set<String> DEVICES = Set.of(
            "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1",
            "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    private FileNames() {}

    public static String sanitize(String offered) {
        String name = offered == null ? "" : offered;
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder b = new StringBuilder();
        name.codePoints().forEach(c -> {
            boolean bad =
                    Character.isISOControl(c) || "<>:\"|?*".indexOf(c) >= 0 || Character.getType(c) == Character.FORMAT;
            b.appendCodePoint(bad ? '_' : c);
        });
        name = b.toString().strip();
        while (name.startsWith(".")) {
            name = name.substring(1);
        }
        while (name.endsWith(".") || name.endsWith(" ")) {
            name = name.substring(0, name.length() - 1);
        }
        String base = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        if (DEVICES.contains(base.toLowerCase(Locale.ROOT))) {
            name = "_" + name;
        }
        if (name.isEmpty()) {
            name = "file";
        }
        if (name.length() > MAX_LENGTH) {
            int dot = name.lastIndexOf('.');
            String ext = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
            name = name.substring(0, MAX_LENGTH - ext.length()) + ext;
        }
        return name;
    }

    /** {@code dir/name}, or {@code dir/name (2).ext} etc. when taken; always directly inside {@code dir}. */
    public static Path unused(Path dir, String safeName) {
        Path p = dir.resolve(safeName);
        int dot = safeName.lastIndexOf('.');
        String stem = dot > 0 ? safeName.substring(0, dot) : safeName;
        String ext = dot > 0 ? safeName.substring(dot) : "";
        for (int n = 2; Files.exists(p); n++) {
            p = dir.resolve(stem + " (" + n + ")" + ext);
        }
        if (!p.normalize().getParent().equals(dir.normalize())) {
            throw new IllegalArgumentException("file name escapes the destination folder");
        }
        return p;
    }
}
