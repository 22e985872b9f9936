package io.romotica.desktop;

import java.awt.Component;
import java.awt.Container;
import java.awt.Window;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import javax.swing.AbstractButton;
import javax.swing.JLabel;
import javax.swing.SwingUtilities;
import javax.swing.text.JTextComponent;

/**
 * Test helper run as its own process: starts the real desktop window ({@link DesktopMain} with the given
 * arguments) and drives it by component names from stdin, one command a line, one answer a line on stdout:
 * {@code click NAME}, {@code text NAME VALUE}, {@code get NAME} (the text, or "missing"), {@code shot NAME
 * FILE} (paints the component into a PNG; answers "WxH"). Everything on the event thread with invokeAndWait.
 */
public final class SwingDriver {
    private SwingDriver() {}

    public static void main(String[] args) throws Exception {
        PrintStream answers = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err); // the app's own output must not mix with the answers
        Thread.ofPlatform().daemon().start(() -> DesktopMain.run(args, System.err, System.err));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.split(" ", 3);
            AtomicReference<String> answer = new AtomicReference<>("missing");
            SwingUtilities.invokeAndWait(() -> {
                Component c = find(w[1]);
                if (c == null) {
                    return;
                }
                try {
                    answer.set(
                            switch (w[0]) {
                                case "click" -> {
                                    ((AbstractButton) c).doClick();
                                    yield "ok";
                                }
                                case "text" -> {
                                    ((JTextComponent) c).setText(w.length > 2 ? w[2] : "");
                                    yield "ok";
                                }
                                case "get" -> text(c);
                                case "shot" -> {
                                    BufferedImage image =
                                            new BufferedImage(c.getWidth(), c.getHeight(), BufferedImage.TYPE_INT_RGB);
                                    var g = image.createGraphics();
                                    c.paint(g);
                                    g.dispose();
                                    ImageIO.write(image, "png", new File(w[2]));
                                    yield image.getWidth() + "x" + image.getHeight();
                                }
                                default -> "unknown command";
                            });
                } catch (Exception e) {
                    answer.set("error " + e);
                }
            });
            answers.println(answer.get().replace('\n', ' '));
        }
    }

    private static String text(Component c) {
        return switch (c) {
            case JLabel l -> l.getText();
            case AbstractButton b -> b.getText() + (b.isEnabled() ? "" : " (disabled)");
            case JTextComponent t -> t.getText();
            default -> c.getClass().getSimpleName();
        };
    }

    private static Component find(String name) {
        for (Window w : Window.getWindows()) {
            if (w.isShowing()) {
                Component c = find(w, name);
                if (c != null) {
                    return c;
                }
            }
        }
        return null;
    }

    private static Component find(Component c, String name) {
        if (name.equals(c.getName()) && c.isShowing()) {
            return c;
        }
        if (c instanceof javax.swing.JMenu menu) {
            for (Component child : menu.getMenuComponents()) {
                if (name.equals(child.getName())) {
                    return child; // menu items are not showing while the menu is closed
                }
            }
        }
        if (c instanceof Container container) {
            for (Component child : container.getComponents()) {
                Component found = find(child, name);
                if (found != null) {
                    return found;
                }
            }
        }
        if (c instanceof javax.swing.JFrame f && f.getJMenuBar() != null) {
            return find(f.getJMenuBar(), name);
        }
        return null;
    }
}
