package io.romotica.desktop;

import java.awt.Color;
import java.awt.Frame;
import java.awt.Graphics;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;

/**
 * Test helper run as its own process on the Xvfb display: a borderless window over the whole screen with four
 * flat quadrants (red, green, blue, white), the pattern the viewer's screenshot must show.
 */
public final class PatternWindow {
    static final Color[] QUADRANTS = {Color.RED, Color.GREEN, Color.BLUE, Color.WHITE};

    private PatternWindow() {}

    public static void main(String[] args) throws Exception {
        Rectangle screen = GraphicsEnvironment.getLocalGraphicsEnvironment()
                .getDefaultScreenDevice()
                .getDefaultConfiguration()
                .getBounds();
        Frame frame = new Frame() {
            @Override
            public void paint(Graphics g) {
                int w = getWidth() / 2;
                int h = getHeight() / 2;
                for (int i = 0; i < 4; i++) {
                    g.setColor(QUADRANTS[i]);
                    g.fillRect((i % 2) * w, (i / 2) * h, w, h);
                }
            }
        };
        frame.setUndecorated(true);
        frame.setBounds(screen);
        frame.setVisible(true);
        System.out.println("shown " + screen.width + "x" + screen.height);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
