package io.vhdkit.vhd;

import java.util.Locale;

/**
 * A four-character code stored as a big-endian uint32, such as the creator application {@code "qem2"} or the host
 * OS {@code "Wi2k"}.
 *
 * @param value the raw 32-bit value
 */
public record FourCC(int value) {

    public static FourCC of(String text) {
        if (text.length() != 4) {
            throw new IllegalArgumentException("four characters expected: " + text);
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (text.charAt(i) & 0xFF);
        }
        return new FourCC(v);
    }

    /** The four bytes as text: printable ASCII as is, others as {@code \0} or {@code \xNN}. */
    public String text() {
        StringBuilder sb = new StringBuilder(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            int b = (value >>> shift) & 0xFF;
            if (b == 0) {
                sb.append("\\0");
            } else if (b >= 0x20 && b < 0x7F && b != '\\') {
                sb.append((char) b);
            } else {
                sb.append(String.format(Locale.ROOT, "\\x%02X", b));
            }
        }
        return sb.toString();
    }

    public String hex() {
        return String.format(Locale.ROOT, "0x%08X", value);
    }

    @Override
    public String toString() {
        return text();
    }
}
