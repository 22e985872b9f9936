package io.romotica.desktop.session;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a host grants a viewer at consent (and may revoke during the session). */
public enum Right {
    /** See the screen. Every accepted session has it. */
    VIEW,
    /** Move the pointer, click, type. */
    CONTROL,
    /** Text clipboard both ways. */
    CLIPBOARD,
    /** File transfer both ways. */
    FILES;

    /** The wire and command-line name. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Right parse(String name) {
        if (name != null) {
            for (Right r : values()) {
                if (r.wire().equals(name.strip().toLowerCase(Locale.ROOT))) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("unknown right '" + name + "' (view, control, clipboard, files)");
    }

    /** A comma-separated list such as {@code view,control}; view is always included. */
    public static Set<Right> parseList(String list) {
        Set<Right> rights = EnumSet.of(VIEW);
        for (String part : list.split(",")) {
            if (!part.isBlank()) {
                rights.add(parse(part));
            }
        }
        return rights;
    }
}
