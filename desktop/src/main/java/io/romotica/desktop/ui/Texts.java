package io.romotica.desktop.ui;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The windows' texts in English and Turkish ({@code messages*.properties}, UTF-8), chosen from the OS locale
 * and switchable at run time; windows register to relabel themselves. Used on the event thread only.
 */
public final class Texts {
    static final Locale TURKISH = Locale.forLanguageTag("tr");
    private static final String BUNDLE = "io.romotica.desktop.ui.messages";

    private final List<Runnable> listeners = new ArrayList<>();
    private Locale locale;
    private ResourceBundle bundle;

    public Texts(Locale locale) {
        use(locale);
    }

    /** Turkish for a Turkish locale (or {@code tr} given), else English. */
    public static Locale choose(String given, Locale os) {
        String lang = given != null && !given.isBlank() ? given : os.getLanguage();
        return lang.startsWith("tr") ? TURKISH : Locale.ENGLISH;
    }

    public Locale locale() {
        return locale;
    }

    /** Switches the language and tells every registered window. */
    public void use(Locale next) {
        locale = choose(next.getLanguage(), next);
        bundle = ResourceBundle.getBundle(
                BUNDLE, locale, ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        List.copyOf(listeners).forEach(Runnable::run);
    }

    public void onChange(Runnable relabel) {
        listeners.add(relabel);
    }

    public String get(String key, Object... args) {
        String pattern;
        try {
            pattern = bundle.getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
        return args.length == 0 && !pattern.contains("''") ? pattern : new MessageFormat(pattern, locale).format(args);
    }
}
