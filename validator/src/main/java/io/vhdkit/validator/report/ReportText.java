package io.vhdkit.validator.report;

import java.util.Locale;

/**
 * Strings from inside images (file names, file contents) made safe for reports: well-formed Unicode for JSON, XML and
 * SARIF writers, and without control characters for terminals (a file name must not be able to move the cursor).
 */
public final class ReportText {

    private ReportText() {
    }

    /** The string, with unpaired surrogates written as {@code \\uXXXX}; null stays null. */
    public static String wellFormed(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                if (sb != null) {
                    sb.append(c).append(s.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (sb == null) {
                    sb = new StringBuilder(s.substring(0, i));
                }
                sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** Well-formed, and control characters (C0, DEL, C1) written as {@code \\xNN}, tab excepted. */
    public static String printable(String s) {
        String w = wellFormed(s);
        if (w == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(w.length());
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if ((c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F)) {
                sb.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
