package io.vhdkit.lvm;

import java.util.Locale;

/** Formatting helpers for messages. */
final class Text {

    private Text() {
    }

    /** Printable ASCII as is, anything else as {@code \xNN}. */
    static String ascii(byte[] b, int offset, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = offset; i < offset + length; i++) {
            int c = b[i] & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append(String.format(Locale.ROOT, "\\x%02X", c));
            }
        }
        return sb.toString();
    }

    static String hex(int v) {
        return String.format(Locale.ROOT, "0x%08X", v);
    }

    /** An unsigned 64-bit value in decimal. */
    static String u64(long v) {
        return Long.toUnsignedString(v);
    }

    /** A string for a message: quoted, cut at 80 characters, control characters escaped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                sb.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (s.length() > 80) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }
}
