package io.pveha.statuspage;

import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The page's words in one language, from the bundles {@code
 * io/pveha/statuspage/messages*.properties} (Chinese, the default, and English: one place for
 * both).
 */
final class Texts {
    static final String BUNDLE = "io.pveha.statuspage.messages";
    static final Texts ZH = new Texts(Locale.SIMPLIFIED_CHINESE);
    static final Texts EN = new Texts(Locale.ROOT);

    private final Locale locale;
    private final ResourceBundle bundle;

    private Texts(Locale locale) {
        this.locale = locale;
        this.bundle =
                ResourceBundle.getBundle(
                        BUNDLE,
                        locale,
                        ResourceBundle.Control.getNoFallbackControl(
                                ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    /** {@code zh-CN} or {@code en}, as the page's {@code lang} attribute and links use it. */
    String tag() {
        return get("lang.tag");
    }

    ResourceBundle bundle() {
        return bundle;
    }

    String get(String key, Object... args) {
        String pattern;
        try {
            pattern = bundle.getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
        return args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args);
    }

    /** The word for a value of a kind ({@code node.offline}), or the value itself if none. */
    String word(String prefix, String value) {
        if (value == null) {
            return get("unknown");
        }
        String key = prefix + "." + value;
        return bundle.containsKey(key) ? bundle.getString(key) : value;
    }

    /**
     * The language for a request: {@code lang} (query parameter) if given, else the first language
     * of {@code Accept-Language} (by q-value) that is Chinese or English; Chinese by default.
     */
    static Texts forRequest(String langParam, String acceptLanguage) {
        if (langParam != null) {
            return langParam.toLowerCase(Locale.ROOT).startsWith("en") ? EN : ZH;
        }
        if (acceptLanguage == null || acceptLanguage.isBlank()) {
            return ZH;
        }
        try {
            for (Locale.LanguageRange r : Locale.LanguageRange.parse(acceptLanguage)) {
                String range = r.getRange().toLowerCase(Locale.ROOT);
                if (r.getWeight() <= 0) {
                    continue;
                }
                if (range.startsWith("zh")) {
                    return ZH;
                }
                if (range.startsWith("en")) {
                    return EN;
                }
            }
        } catch (IllegalArgumentException e) {
            return ZH;
        }
        return ZH;
    }

    static List<Texts> all() {
        return List.of(ZH, EN);
    }
}
