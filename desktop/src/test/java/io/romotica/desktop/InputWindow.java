package io.romotica.desktop;

import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import javax.swing.JFrame;
import javax.swing.JTextArea;
import javax.swing.SwingUtilities;
import javax.swing.event.DocumentEvent;
import javax.swing.event.DocumentListener;

/**
 * Test helper run as its own process on the Xvfb display: a borderless window over the whole screen with one
 * text area that records what reaches it. Prints {@code shown WxH}, then {@code click X Y BUTTON} for every
 * mouse press (screen coordinates) and {@code text <content>} after every change of the text.
 */
public final class InputWindow {
    private InputWindow() {}

    public static void main(String[] args) throws Exception {
        SwingUtilities.invokeAndWait(() -> {
            Rectangle screen = GraphicsEnvironment.getLocalGraphicsEnvironment()
                    .getDefaultScreenDevice()
                    .getDefaultConfiguration()
                    .getBounds();
            JFrame frame = new JFrame("input");
            JTextArea area = new JTextArea();
            area.addMouseListener(new MouseAdapter() {
                @Override
                public void mousePressed(MouseEvent e) {
                    print("click " + e.getXOnScreen() + " " + e.getYOnScreen() + " " + e.getButton());
                }
            });
            area.getDocument().addDocumentListener(new DocumentListener() {
                @Override
                public void insertUpdate(DocumentEvent e) {
                    print("text " + area.getText().replace("\n", "\\n"));
                }

                @Override
                public void removeUpdate(DocumentEvent e) {
                    print("text " + area.getText().replace("\n", "\\n"));
                }

                @Override
                public void changedUpdate(DocumentEvent e) {}
            });
            frame.add(area);
            frame.setUndecorated(true);
            frame.setBounds(screen);
            frame.setVisible(true);
            area.requestFocusInWindow();
            print("shown " + screen.width + "x" + screen.height);
        });
        Thread.sleep(Long.MAX_VALUE);
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
