package io.romotica.server.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed defaults file: each key, its default and the comment lines directly above it. Used to load
 * defaults and to generate the README configuration table, so both come from one source.
 */
public record DefaultsFile(List<Entry> entries) {

    /** One key: {@code doc} is the comment block above it, joined with spaces. */
    public record Entry(String key, String defaultValue, String doc) {}

    public static DefaultsFile parse(String text) {
        List<Entry> entries = new ArrayList<>();
        List<String> comment = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                comment.clear();
            } else if (line.startsWith("#")) {
                comment.add(line.substring(1).strip());
            } else {
                int eq = line.indexOf('=');
                if (eq < 1) {
                    throw new IllegalStateException("bad line in defaults file: " + line);
                }
                entries.add(new Entry(
                        line.substring(0, eq).strip(), line.substring(eq + 1).strip(), String.join(" ", comment)));
                comment.clear();
            }
        }
        return new DefaultsFile(List.copyOf(entries));
    }

    public Map<String, String> values() {
        Map<String, String> map = new LinkedHashMap<>();
        entries.forEach(e -> map.put(e.key(), e.defaultValue()));
        return map;
    }

    /** The README table: key, environment variable, default, meaning. */
    public String markdownTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| Key | Environment variable | Default | Meaning |\n");
        sb.append("|---|---|---|---|\n");
        for (Entry e : entries) {
            sb.append("| `")
                    .append(e.key())
                    .append("` | `")
                    .append(ConfigLoader.envName(e.key()))
                    .append("` | ")
                    .append(e.defaultValue().isEmpty() ? "" : "`" + e.defaultValue() + "`")
                    .append(" | ")
                    .append(e.doc().replace("|", "\\|"))
                    .append(" |\n");
        }
        return sb.toString();
    }
}
