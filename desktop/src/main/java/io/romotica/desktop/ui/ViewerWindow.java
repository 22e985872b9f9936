package io.romotica.desktop.ui;

import static io.romotica.desktop.ui.HostWindow.named;

import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.util.Locale;
import javax.swing.BorderFactory;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.JPanel;
import javax.swing.JPasswordField;
import javax.swing.JScrollPane;
import javax.swing.JTextField;
import javax.swing.WindowConstants;

/**
 * The viewer's connect window: partner ID, password, "Connect", recent IDs, and the failure in plain words.
 * Opens a {@link RemoteScreenWindow} when connected. Renders {@link ViewerModel.View}s; event thread only.
 */
public final class ViewerWindow {
    private final ViewerModel model;
    private final Texts texts;
    final JFrame frame = new JFrame();
    private final JLabel idCaption = new JLabel();
    private final JLabel passwordCaption = new JLabel();
    private final JTextField id = named(new JTextField(14), "partnerId");
    private final JPasswordField password = named(new JPasswordField(14), "partnerPassword");
    private final JButton connect = named(new JButton(), "connect");
    private final JLabel message = named(new JLabel(" "), "message");
    private final JLabel recentCaption = new JLabel();
    private final DefaultListModel<String> recentIds = new DefaultListModel<>();
    private final JList<String> recent = named(new JList<>(recentIds), "recent");
    private final JMenu language = new JMenu();
    private ViewerModel.View view;
    private RemoteScreenWindow screen;

    public ViewerWindow(ViewerModel model, Texts texts) {
        this.model = model;
        this.texts = texts;
        frame.setName("viewerWindow");
        frame.setDefaultCloseOperation(WindowConstants.EXIT_ON_CLOSE);
        JPanel p = new JPanel(new GridBagLayout());
        p.setBorder(BorderFactory.createEmptyBorder(16, 16, 16, 16));
        GridBagConstraints c = new GridBagConstraints();
        c.insets = new Insets(4, 4, 4, 4);
        c.anchor = GridBagConstraints.WEST;
        c.fill = GridBagConstraints.HORIZONTAL;
        c.gridx = 0;
        c.gridy = 0;
        p.add(idCaption, c);
        c.gridy++;
        p.add(id, c);
        c.gridy++;
        p.add(passwordCaption, c);
        c.gridy++;
        p.add(password, c);
        c.gridy++;
        p.add(connect, c);
        c.gridy++;
        p.add(message, c);
        c.gridy++;
        p.add(recentCaption, c);
        c.gridy++;
        JScrollPane scroll = new JScrollPane(recent);
        scroll.setPreferredSize(new Dimension(200, 100));
        p.add(scroll, c);
        frame.add(p, BorderLayout.CENTER);
        JMenuBar bar = new JMenuBar();
        bar.add(language);
        language.add(languageItem("language.en", Locale.ENGLISH));
        language.add(languageItem("language.tr", Texts.TURKISH));
        frame.setJMenuBar(bar);

        connect.addActionListener(e -> model.connect(id.getText(), new String(password.getPassword())));
        password.addActionListener(e -> connect.doClick());
        recent.addListSelectionListener(e -> {
            if (recent.getSelectedValue() != null) {
                id.setText(recent.getSelectedValue());
                password.requestFocusInWindow();
            }
        });
        texts.onChange(this::relabel);
        relabel();
        model.listen(this::render);
        frame.setMinimumSize(new Dimension(420, 0));
        frame.pack();
    }

    public void show() {
        frame.setVisible(true);
    }

    private JMenuItem languageItem(String key, Locale locale) {
        JMenuItem item = new JMenuItem(texts.get(key));
        item.setName(key);
        item.addActionListener(e -> texts.use(locale));
        return item;
    }

    private void relabel() {
        frame.setTitle(texts.get("viewer.title"));
        language.setText(texts.get("language"));
        idCaption.setText(texts.get("viewer.id"));
        passwordCaption.setText(texts.get("viewer.password"));
        connect.setText(texts.get("viewer.connect"));
        recentCaption.setText(texts.get("viewer.recent"));
        if (view != null) {
            render(view);
        }
    }

    private void render(ViewerModel.View v) {
        view = v;
        connect.setEnabled(!v.connecting() && v.session() == null);
        if (!recentIds.elements().asIterator().hasNext()
                || recentIds.size() != v.recent().size()) {
            recentIds.clear();
            v.recent().forEach(recentIds::addElement);
        }
        if (v.connecting()) {
            message.setText(texts.get("viewer.connecting"));
        } else if (v.failure() != null) {
            ViewerModel.Failure f = v.failure();
            Object arg = f.retryAfterSeconds() != null ? f.retryAfterSeconds() : f.detail();
            message.setText(texts.get(ViewerModel.messageKey(f), arg));
        } else if (v.session() != null) {
            message.setText(texts.get("viewer.connected", v.session().verificationCode()));
        } else {
            message.setText(" ");
        }
        if (v.session() != null && screen == null) {
            password.setText("");
            screen = new RemoteScreenWindow(v.session(), texts, () -> {
                screen = null;
                model.sessionClosed();
            });
            screen.show();
        }
    }
}
