package io.romotica.desktop.host;

import java.awt.Toolkit;
import java.awt.datatransfer.Clipboard;
import java.awt.datatransfer.DataFlavor;
import java.awt.datatransfer.StringSelection;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This desktop's text clipboard. {@link #changed()} is polled (X11 gives no reliable change event to AWT)
 * and returns new text once; text this class put there itself is not reported back. Call from one thread.
 */
final class HostClipboard {
    private static final Logger log = LoggerFactory.getLogger(HostClipboard.class);
    private final Clipboard clipboard = Toolkit.getDefaultToolkit().getSystemClipboard();
    private String last;

    /** Remembers the current text so only later changes are reported. */
    void baseline() {
        last = read().orElse(null);
    }

    Optional<String> changed() {
        Optional<String> now = read();
        if (now.isPresent() && !now.get().equals(last)) {
            last = now.get();
            return now;
        }
        return Optional.empty();
    }

    Optional<String> current() {
        return read();
    }

    void set(String text) {
        last = text;
        clipboard.setContents(new StringSelection(text), null);
    }

    private Optional<String> read() {
        try {
            if (clipboard.isDataFlavorAvailable(DataFlavor.stringFlavor)) {
                return Optional.of((String) clipboard.getData(DataFlavor.stringFlavor));
            }
        } catch (Exception e) { // busy, lost ownership, odd owners: try again next poll
            log.debug("clipboard not readable: {}", e.getMessage());
        }
        return Optional.empty();
    }
}
