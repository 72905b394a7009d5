package io.pveha.validate;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Go's fmt verbs %q and %v for the values Kubernetes puts into validation messages, so our lines
 * read exactly like kube-apiserver's (strconv.Quote for strings, shortest-representation %v for
 * float64).
 */
final class GoFormat {
    private GoFormat() {}

    /**
     * Go's %q: a double-quoted string with Go escape sequences for quotes, backslashes and control
     * characters.
     */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        s.codePoints()
                .forEach(
                        cp -> {
                            switch (cp) {
                                case '"' -> out.append("\\\"");
                                case '\\' -> out.append("\\\\");
                                case 0x07 -> out.append("\\a");
                                case '\b' -> out.append("\\b");
                                case '\f' -> out.append("\\f");
                                case '\n' -> out.append("\\n");
                                case '\r' -> out.append("\\r");
                                case '\t' -> out.append("\\t");
                                case 0x0b -> out.append("\\v");
                                default -> {
                                    if (cp < 0x20 || cp == 0x7f) {
                                        out.append(String.format(Locale.ROOT, "\\x%02x", cp));
                                    } else if (!isPrintable(cp)) {
                                        out.append(
                                                cp > 0xffff
                                                        ? String.format(Locale.ROOT, "\\U%08x", cp)
                                                        : String.format(
                                                                Locale.ROOT, "\\u%04x", cp));
                                    } else {
                                        out.appendCodePoint(cp);
                                    }
                                }
                            }
                        });
        return out.append('"').toString();
    }

    private static boolean isPrintable(int cp) {
        int type = Character.getType(cp);
        return Character.isDefined(cp)
                && type != Character.CONTROL
                && type != Character.FORMAT
                && type != Character.SURROGATE
                && type != Character.PRIVATE_USE
                && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR
                && (type != Character.SPACE_SEPARATOR || cp == ' ');
    }

    /**
     * Go's %v of a float64: the shortest decimal that round-trips, in exponent form when the
     * exponent is below -4 or at least 6 (fmt's %v is strconv 'g' with shortest precision, e.g.
     * 1e+06 and 0.5).
     */
    static String float64(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 6) {
            String mantissa =
                    digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return String.format(
                    Locale.ROOT,
                    "%s%se%s%02d",
                    sign,
                    mantissa,
                    exponent < 0 ? "-" : "+",
                    Math.abs(exponent));
        }
        return sign + exact.abs().toPlainString();
    }
}
