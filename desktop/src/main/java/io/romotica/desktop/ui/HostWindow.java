package io.romotica.desktop.ui;

import io.romotica.desktop.session.Right;
import java.awt.BorderLayout;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.awt.Toolkit;
import java.awt.datatransfer.StringSelection;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JCheckBox;
import javax.swing.JDialog;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.JPanel;
import javax.swing.JToggleButton;
import javax.swing.JWindow;
import javax.swing.Timer;
import javax.swing.WindowConstants;

/**
 * The host's face: "New session" with the ID and one-time password, the consent dialog, and the always-on-top
 * bar while someone is connected. Renders {@link HostModel.View}s and forwards clicks; event thread only.
 */
public final class HostWindow {
    private static final int BIG_FONT = 30;

    private final HostModel model;
    private final Texts texts;
    final JFrame frame = new JFrame();
    private final JButton newSession = named(new JButton(), "newSession");
    private final JButton regenerate = named(new JButton(), "regenerate");
    private final JLabel idCaption = new JLabel();
    private final JLabel passwordCaption = new JLabel();
    private final JLabel id = named(new JLabel("— — —"), "hostId");
    private final JLabel password = named(new JLabel("— — —"), "hostPassword");
    private final JButton copyId = named(new JButton(), "copyId");
    private final JButton copyPassword = named(new JButton(), "copyPassword");
    private final JLabel expires = named(new JLabel(" "), "expires");
    private final JLabel status = named(new JLabel(" "), "status");
    private final JMenu language = new JMenu();

    private JDialog consent;
    private final Map<Right, JCheckBox> consentBoxes = new EnumMap<>(Right.class);
    private final JWindow bar = new JWindow();
    private final JLabel barWho = named(new JLabel(), "barWho");
    private final JLabel barElapsed = named(new JLabel(), "barElapsed");
    private final JLabel barPath = named(new JLabel(), "barPath");
    private final JLabel barCode = named(new JLabel(), "barCode");
    private final Map<Right, JToggleButton> barRights = new EnumMap<>(Right.class);
    private final JButton stop = named(new JButton(), "stop");
    private HostModel.View view;

    public HostWindow(HostModel model, Texts texts) {
        this.model = model;
        this.texts = texts;
        frame.setName("hostWindow");
        frame.setDefaultCloseOperation(WindowConstants.EXIT_ON_CLOSE);
        id.setFont(id.getFont().deriveFont(Font.BOLD, BIG_FONT));
        password.setFont(password.getFont().deriveFont(Font.BOLD, BIG_FONT));

        JPanel grid = new JPanel(new GridBagLayout());
        grid.setBorder(BorderFactory.createEmptyBorder(16, 16, 16, 16));
        GridBagConstraints c = new GridBagConstraints();
        c.insets = new Insets(4, 4, 4, 4);
        c.anchor = GridBagConstraints.WEST;
        add(grid, c, 0, 0, idCaption);
        add(grid, c, 0, 1, id);
        add(grid, c, 1, 1, copyId);
        add(grid, c, 0, 2, passwordCaption);
        add(grid, c, 0, 3, password);
        add(grid, c, 1, 3, copyPassword);
        add(grid, c, 0, 4, expires);
        add(grid, c, 1, 4, regenerate);
        JPanel top = new JPanel(new FlowLayout(FlowLayout.LEFT));
        top.add(newSession);
        frame.add(top, BorderLayout.NORTH);
        frame.add(grid, BorderLayout.CENTER);
        status.setBorder(BorderFactory.createEmptyBorder(4, 16, 8, 16));
        frame.add(status, BorderLayout.SOUTH);
        frame.setJMenuBar(menu());

        newSession.addActionListener(e -> model.newSession());
        regenerate.addActionListener(e -> model.newSession());
        copyId.addActionListener(e -> copy(
                view == null || view.credentials() == null
                        ? null
                        : view.credentials().id()));
        copyPassword.addActionListener(e -> copy(
                view == null || view.credentials() == null
                        ? null
                        : view.credentials().password()));

        buildBar();
        texts.onChange(this::relabel);
        relabel();
        new Timer(1000, e -> tick()).start();
        model.listen(this::render);
        frame.setMinimumSize(new Dimension(460, 360));
        frame.pack();
        frame.setLocation(0, 0);
    }

    public void show() {
        frame.setVisible(true);
    }

    private JMenuBar menu() {
        JMenuBar bar = new JMenuBar();
        bar.add(language);
        language.add(languageItem("language.en", Locale.ENGLISH));
        language.add(languageItem("language.tr", Texts.TURKISH));
        return bar;
    }

    private JMenuItem languageItem(String key, Locale locale) {
        JMenuItem item = new JMenuItem(texts.get(key));
        item.setName(key);
        item.addActionListener(e -> texts.use(locale));
        return item;
    }

    private void buildBar() {
        bar.setName("sessionBar");
        bar.setAlwaysOnTop(true);
        JPanel p = new JPanel(new FlowLayout(FlowLayout.LEFT, 10, 6));
        p.setBorder(BorderFactory.createLineBorder(new java.awt.Color(0xE0, 0x6C, 0x00), 2));
        p.add(barWho);
        p.add(barElapsed);
        p.add(barPath);
        p.add(barCode);
        for (Right r : Right.values()) {
            JToggleButton t = named(new JToggleButton(), "bar." + r.wire());
            t.addActionListener(e -> model.setRight(r, t.isSelected()));
            barRights.put(r, t);
            p.add(t);
        }
        p.add(stop);
        stop.addActionListener(e -> model.stopSession());
        bar.add(p);
    }

    private void relabel() {
        frame.setTitle(texts.get("host.title"));
        language.setText(texts.get("language"));
        newSession.setText(texts.get("host.new"));
        regenerate.setText(texts.get("host.regenerate"));
        idCaption.setText(texts.get("host.id"));
        passwordCaption.setText(texts.get("host.password"));
        copyId.setText(texts.get("host.copy"));
        copyPassword.setText(texts.get("host.copy"));
        stop.setText(texts.get("bar.stop"));
        barRights.forEach((r, t) -> t.setText(texts.get("right." + r.wire())));
        if (view != null) {
            render(view);
        }
    }

    private void render(HostModel.View v) {
        view = v;
        regenerate.setEnabled(v.credentials() != null);
        copyId.setEnabled(v.credentials() != null);
        copyPassword.setEnabled(v.credentials() != null);
        if (v.credentials() != null) {
            id.setText(HostModel.grouped(v.credentials().id(), 3));
            password.setText(HostModel.grouped(v.credentials().password(), 4));
        }
        status.setText(
                switch (v.phase()) {
                    case IDLE -> " ";
                    case CONNECTING -> texts.get("host.connecting");
                    case READY, ASKING, CONNECTED -> texts.get("host.ready");
                    case STOPPED -> texts.get("host.stopped", v.stoppedBecause());
                });
        if (v.phase() == HostModel.Phase.ASKING && consent == null) {
            showConsent(v);
        } else if (v.phase() != HostModel.Phase.ASKING && consent != null) {
            consent.dispose();
            consent = null;
        }
        if (v.phase() == HostModel.Phase.CONNECTED) {
            barWho.setText(texts.get("bar.connected", v.started().peerAddress()));
            barPath.setText(texts.get("bar.path", texts.get("path." + HostModel.pathKind(v.path()))));
            barCode.setText(texts.get("bar.code", v.started().verificationCode()));
            barRights.forEach((r, t) -> t.setSelected(v.rights().contains(r)));
            tick();
            bar.pack();
            java.awt.Rectangle screen = frame.getGraphicsConfiguration().getBounds();
            bar.setLocation(screen.x + (screen.width - bar.getWidth()) / 2, screen.y);
            bar.setVisible(true);
        } else {
            bar.setVisible(false);
        }
        tick();
    }

    private void tick() {
        if (view == null) {
            return;
        }
        java.time.Instant now = model.clockSource().instant();
        expires.setText(
                view.credentials() == null
                        ? " "
                        : texts.get(
                                "host.expires",
                                HostModel.clock(
                                        Duration.between(now, view.credentials().expiresAt()))));
        if (view.connectedAt() != null) {
            barElapsed.setText(texts.get("bar.elapsed", HostModel.clock(Duration.between(view.connectedAt(), now))));
        }
    }

    private void showConsent(HostModel.View v) {
        consent = new JDialog(frame, texts.get("consent.title"), false);
        consent.setName("consentDialog");
        consent.setAlwaysOnTop(true);
        consent.setDefaultCloseOperation(WindowConstants.DO_NOTHING_ON_CLOSE);
        JPanel p = new JPanel(new GridBagLayout());
        p.setBorder(BorderFactory.createEmptyBorder(12, 12, 12, 12));
        GridBagConstraints c = new GridBagConstraints();
        c.anchor = GridBagConstraints.WEST;
        c.insets = new Insets(3, 3, 3, 3);
        int row = 0;
        add(
                p,
                c,
                0,
                row++,
                named(new JLabel(texts.get("consent.who", v.request().peerAddress())), "consentWho"));
        add(p, c, 0, row++, new JLabel(texts.get("consent.rights")));
        consentBoxes.clear();
        for (Right r : Right.values()) {
            JCheckBox box = named(new JCheckBox(texts.get("right." + r.wire())), "consent." + r.wire());
            box.setSelected(v.request().proposed().contains(r));
            consentBoxes.put(r, box);
            add(p, c, 0, row++, box);
        }
        JButton allow = named(new JButton(texts.get("consent.allow")), "allow");
        JButton deny = named(new JButton(texts.get("consent.deny")), "deny");
        allow.addActionListener(e -> {
            Set<Right> rights = EnumSet.noneOf(Right.class);
            consentBoxes.forEach((r, b) -> {
                if (b.isSelected()) {
                    rights.add(r);
                }
            });
            model.allow(rights);
        });
        deny.addActionListener(e -> model.deny());
        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.RIGHT));
        buttons.add(deny);
        buttons.add(allow);
        consent.add(p, BorderLayout.CENTER);
        consent.add(buttons, BorderLayout.SOUTH);
        consent.pack();
        consent.setLocationRelativeTo(frame);
        consent.setVisible(true);
    }

    private static void copy(String text) {
        if (text != null) {
            Toolkit.getDefaultToolkit().getSystemClipboard().setContents(new StringSelection(text), null);
        }
    }

    private static void add(JPanel p, GridBagConstraints c, int x, int y, Component comp) {
        c.gridx = x;
        c.gridy = y;
        p.add(comp, c);
    }

    static <T extends Component> T named(T component, String name) {
        component.setName(name);
        return component;
    }
}
