package io.romotica.desktop.host;

import io.romotica.desktop.session.ChannelMessage;
import java.awt.AWTException;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects a viewer's input into this desktop with {@link Robot}. Pointer coordinates arrive in the remote
 * screen's coordinates as advertised ({@code advertisedWidth} × {@code advertisedHeight}) and are scaled to
 * the screen's current bounds. Typed text maps printable ASCII, newline and tab to US-layout key strokes
 * (other characters are skipped and logged). Call from the session thread; the caller checks the right.
 */
final class InputInjector {
    private static final Logger log = LoggerFactory.getLogger(InputInjector.class);
    private static final String SHIFTED = "~!@#$%^&*()_+{}|:\"<>?";
    private static final String UNSHIFTED = "`1234567890-=[]\\;',./";

    private final Robot robot;
    private final int advertisedWidth;
    private final int advertisedHeight;

    InputInjector(int advertisedWidth, int advertisedHeight) throws AWTException {
        this.robot = new Robot();
        this.advertisedWidth = Math.max(1, advertisedWidth);
        this.advertisedHeight = Math.max(1, advertisedHeight);
    }

    void apply(ChannelMessage input) {
        switch (input) {
            case ChannelMessage.PointerMove m -> move(m.x(), m.y());
            case ChannelMessage.PointerButton b -> {
                move(b.x(), b.y());
                int mask = InputEvent.getMaskForButton(b.button());
                if (b.pressed()) {
                    robot.mousePress(mask);
                } else {
                    robot.mouseRelease(mask);
                }
            }
            case ChannelMessage.Wheel w -> {
                move(w.x(), w.y());
                robot.mouseWheel(w.notches());
            }
            case ChannelMessage.Key k -> {
                try {
                    if (k.pressed()) {
                        robot.keyPress(k.code());
                    } else {
                        robot.keyRelease(k.code());
                    }
                } catch (IllegalArgumentException e) {
                    log.warn("dropped key code {}: not a key here", k.code());
                }
            }
            case ChannelMessage.Text t -> type(t.text());
            default ->
                throw new IllegalArgumentException(
                        "not input: " + input.getClass().getSimpleName());
        }
    }

    private void move(int x, int y) {
        Rectangle screen = GraphicsEnvironment.getLocalGraphicsEnvironment()
                .getDefaultScreenDevice()
                .getDefaultConfiguration()
                .getBounds();
        int sx = screen.x + (int) Math.min(screen.width - 1L, (long) x * screen.width / advertisedWidth);
        int sy = screen.y + (int) Math.min(screen.height - 1L, (long) y * screen.height / advertisedHeight);
        robot.mouseMove(sx, sy);
    }

    private void type(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int code;
            boolean shift = false;
            if (c >= 'a' && c <= 'z') {
                code = KeyEvent.VK_A + (c - 'a');
            } else if (c >= 'A' && c <= 'Z') {
                code = KeyEvent.VK_A + (c - 'A');
                shift = true;
            } else if (c == ' ') {
                code = KeyEvent.VK_SPACE;
            } else if (c == '\n') {
                code = KeyEvent.VK_ENTER;
            } else if (c == '\t') {
                code = KeyEvent.VK_TAB;
            } else if (UNSHIFTED.indexOf(c) >= 0 || SHIFTED.indexOf(c) >= 0) {
                shift = SHIFTED.indexOf(c) >= 0;
                char base = shift ? UNSHIFTED.charAt(SHIFTED.indexOf(c)) : c;
                code = KeyEvent.getExtendedKeyCodeForChar(base);
            } else {
                log.warn("typed text: skipped a character without a key here (U+{})", Integer.toHexString(c));
                continue;
            }
            if (shift) {
                robot.keyPress(KeyEvent.VK_SHIFT);
            }
            try {
                robot.keyPress(code);
                robot.keyRelease(code);
            } catch (IllegalArgumentException e) {
                log.warn("typed text: no key for U+{}", Integer.toHexString(c));
            } finally {
                if (shift) {
                    robot.keyRelease(KeyEvent.VK_SHIFT);
                }
            }
        }
    }
}
