package io.romotica.desktop.ui;

import static io.romotica.desktop.ui.HostWindow.named;

import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.GraphicsDevice;
import java.awt.RenderingHints;
import java.awt.Toolkit;
import java.awt.datatransfer.DataFlavor;
import java.awt.datatransfer.StringSelection;
import java.awt.event.KeyAdapter;
import java.awt.event.KeyEvent;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.awt.event.MouseWheelEvent;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.awt.image.BufferedImage;
import javax.swing.JCheckBoxMenuItem;
import javax.swing.JFileChooser;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import javax.swing.JScrollPane;
import javax.swing.SwingUtilities;
import javax.swing.WindowConstants;

/**
 * The remote screen: draws the latest frame (fit or 1:1, full screen), forwards mouse and keys, syncs text
 * clipboard, sends files with a progress bar, shows fps / bitrate / path. Event thread only; all network work
 * is in {@link RemoteScreenModel}.
 */
public final class RemoteScreenWindow {
    private final RemoteScreenModel model;
    private final Texts texts;
    private final Runnable onClose;
    final JFrame frame = new JFrame();
    private final ScreenPanel screen = named(new ScreenPanel(), "remoteScreen");
    private final JScrollPane scroll = new JScrollPane(screen);
    private final JLabel status = named(new JLabel(" "), "screenStatus");
    private final JProgressBar progress = named(new JProgressBar(), "fileProgress");
    private final JLabel transfer = named(new JLabel(" "), "fileStatus");
    private boolean fit = true;
    private String lastClipboard = "";
    private boolean closed;

    /** The panel that paints the frame and takes input. */
    final class ScreenPanel extends JPanel {
        double scale() {
            return model.fitScale(
                    scroll.getViewport().getWidth(), scroll.getViewport().getHeight(), fit);
        }

        @Override
        public Dimension getPreferredSize() {
            if (fit || model.remoteWidth() <= 0) {
                return new Dimension(Math.max(320, model.remoteWidth() / 2), Math.max(240, model.remoteHeight() / 2));
            }
            return new Dimension(model.remoteWidth(), model.remoteHeight());
        }

        @Override
        protected void paintComponent(Graphics g) {
            super.paintComponent(g);
            BufferedImage image = model.frame();
            g.setColor(Color.DARK_GRAY);
            g.fillRect(0, 0, getWidth(), getHeight());
            if (image == null) {
                return;
            }
            double s = fit
                    ? Math.min((double) getWidth() / image.getWidth(), (double) getHeight() / image.getHeight())
                    : 1.0;
            Graphics2D g2 = (Graphics2D) g;
            g2.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g2.drawImage(image, 0, 0, (int) (image.getWidth() * s), (int) (image.getHeight() * s), null);
        }

        int[] remote(MouseEvent e) {
            double s = model.remoteWidth() > 0 && fit
                    ? Math.min((double) getWidth() / model.remoteWidth(), (double) getHeight() / model.remoteHeight())
                    : 1.0;
            return model.toRemote(e.getX(), e.getY(), s);
        }
    }

    public RemoteScreenWindow(RemoteScreenModel model, Texts texts, Runnable onClose) {
        this.model = model;
        this.texts = texts;
        this.onClose = onClose;
        frame.setName("remoteScreenWindow");
        frame.setTitle(texts.get("screen.title", model.hostId()));
        frame.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        screen.setFocusable(true);
        screen.setFocusTraversalKeysEnabled(false); // Tab goes to the host
        frame.add(scroll, BorderLayout.CENTER);
        JPanel south = new JPanel(new BorderLayout(8, 0));
        south.add(status, BorderLayout.WEST);
        JPanel files = new JPanel(new BorderLayout(4, 0));
        files.add(transfer, BorderLayout.WEST);
        progress.setVisible(false);
        files.add(progress, BorderLayout.EAST);
        south.add(files, BorderLayout.EAST);
        frame.add(south, BorderLayout.SOUTH);
        frame.setJMenuBar(menu());
        input();
        model.onRepaint(screen::repaint);
        model.onStats(s -> status.setText(texts.get("screen.status", s.fps(), s.kbits(), s.path())));
        model.onClipboard(text -> {
            lastClipboard = text;
            Toolkit.getDefaultToolkit().getSystemClipboard().setContents(new StringSelection(text), null);
        });
        model.onTransfer(this::transfer);
        model.onEnded(reason -> {
            status.setText(texts.get("viewer.ended", reason));
            close();
        });
        frame.addWindowListener(new WindowAdapter() {
            @Override
            public void windowClosed(WindowEvent e) {
                close();
            }

            @Override
            public void windowActivated(WindowEvent e) {
                syncClipboard();
            }
        });
        frame.setSize(960, 600);
        frame.setLocationByPlatform(true);
    }

    public void show() {
        frame.setVisible(true);
        screen.requestFocusInWindow();
    }

    private JMenuBar menu() {
        JMenuBar bar = new JMenuBar();
        JMenu view = new JMenu(texts.get("screen.view"));
        JCheckBoxMenuItem fitItem = named(new JCheckBoxMenuItem(texts.get("screen.fit"), true), "fit");
        JMenuItem actual = named(new JMenuItem(texts.get("screen.actual")), "actualSize");
        JMenuItem full = named(new JMenuItem(texts.get("screen.fullscreen")), "fullscreen");
        fitItem.addActionListener(e -> setFit(fitItem.isSelected()));
        actual.addActionListener(e -> {
            fitItem.setSelected(false);
            setFit(false);
        });
        full.addActionListener(e -> fullscreen());
        view.add(fitItem);
        view.add(actual);
        view.add(full);
        JMenu keys = new JMenu(texts.get("screen.keys"));
        keys.add(combo("screen.ctrlAltDel", RemoteScreenModel.CTRL_ALT_DEL));
        keys.add(combo("screen.altTab", RemoteScreenModel.ALT_TAB));
        keys.add(combo("screen.win", RemoteScreenModel.WIN));
        JMenu session = new JMenu(texts.get("screen.session"));
        JMenuItem send = named(new JMenuItem(texts.get("screen.sendFile")), "sendFile");
        send.addActionListener(e -> {
            JFileChooser chooser = new JFileChooser();
            if (chooser.showOpenDialog(frame) == JFileChooser.APPROVE_OPTION) {
                model.sendFile(chooser.getSelectedFile().toPath());
            }
        });
        JMenuItem disconnect = named(new JMenuItem(texts.get("screen.disconnect")), "disconnect");
        disconnect.addActionListener(e -> frame.dispose());
        session.add(send);
        session.add(disconnect);
        bar.add(view);
        bar.add(keys);
        bar.add(session);
        return bar;
    }

    private JMenuItem combo(String key, int[] codes) {
        JMenuItem item = named(new JMenuItem(texts.get(key)), key);
        item.addActionListener(e -> model.combination(codes));
        return item;
    }

    private void setFit(boolean on) {
        fit = on;
        scroll.setHorizontalScrollBarPolicy(
                on ? JScrollPane.HORIZONTAL_SCROLLBAR_NEVER : JScrollPane.HORIZONTAL_SCROLLBAR_AS_NEEDED);
        scroll.setVerticalScrollBarPolicy(
                on ? JScrollPane.VERTICAL_SCROLLBAR_NEVER : JScrollPane.VERTICAL_SCROLLBAR_AS_NEEDED);
        screen.revalidate();
        screen.repaint();
    }

    private void fullscreen() {
        GraphicsDevice device = frame.getGraphicsConfiguration().getDevice();
        device.setFullScreenWindow(device.getFullScreenWindow() == frame ? null : frame);
    }

    private void input() {
        setFit(true);
        scroll.getViewport().addChangeListener(e -> screen.revalidate());
        MouseAdapter mouse = new MouseAdapter() {
            @Override
            public void mouseMoved(MouseEvent e) {
                int[] p = screen.remote(e);
                model.pointerMove(p[0], p[1]);
            }

            @Override
            public void mouseDragged(MouseEvent e) {
                mouseMoved(e);
            }

            @Override
            public void mousePressed(MouseEvent e) {
                screen.requestFocusInWindow();
                button(e, true);
            }

            @Override
            public void mouseReleased(MouseEvent e) {
                button(e, false);
            }

            @Override
            public void mouseWheelMoved(MouseWheelEvent e) {
                int[] p = screen.remote(e);
                model.wheel(p[0], p[1], e.getWheelRotation());
            }

            private void button(MouseEvent e, boolean pressed) {
                int b = SwingUtilities.isLeftMouseButton(e) ? 1 : SwingUtilities.isMiddleMouseButton(e) ? 2 : 3;
                int[] p = screen.remote(e);
                model.pointerButton(p[0], p[1], b, pressed);
            }
        };
        screen.addMouseListener(mouse);
        screen.addMouseMotionListener(mouse);
        screen.addMouseWheelListener(mouse);
        screen.addKeyListener(new KeyAdapter() {
            @Override
            public void keyPressed(KeyEvent e) {
                if (e.getKeyCode() != KeyEvent.VK_UNDEFINED) {
                    model.key(e.getKeyCode(), true);
                    e.consume();
                }
            }

            @Override
            public void keyReleased(KeyEvent e) {
                if (e.getKeyCode() != KeyEvent.VK_UNDEFINED) {
                    model.key(e.getKeyCode(), false);
                    e.consume();
                }
            }
        });
    }

    /** On focus: the local clipboard's text goes to the host when it changed since last time. */
    private void syncClipboard() {
        try {
            var clip = Toolkit.getDefaultToolkit().getSystemClipboard();
            if (clip.isDataFlavorAvailable(DataFlavor.stringFlavor)) {
                String text = (String) clip.getData(DataFlavor.stringFlavor);
                if (text != null && !text.equals(lastClipboard)) {
                    lastClipboard = text;
                    model.localClipboard(text);
                }
            }
        } catch (Exception e) {
            // clipboard busy or not text: nothing to share
        }
    }

    private void transfer(RemoteScreenModel.Transfer t) {
        progress.setVisible(!t.finished());
        progress.setMaximum(100);
        progress.setValue(t.size() == 0 ? 0 : (int) (t.done() * 100 / t.size()));
        transfer.setText(
                !t.finished()
                        ? texts.get("screen.sending", t.name())
                        : t.error() == null
                                ? texts.get("screen.sent", t.name())
                                : texts.get("screen.sendFailed", t.name(), t.error()));
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        model.close();
        frame.dispose();
        onClose.run();
    }
}
