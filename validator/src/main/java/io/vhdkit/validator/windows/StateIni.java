package io.vhdkit.validator.windows;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code %WINDIR%\Setup\State\State.ini}: {@code [State]} then {@code ImageState=IMAGE_STATE_...}, the value often
 * quoted. Read as UTF-16 when it has a UTF-16 byte-order mark, else as UTF-8 (an ASCII file either way).
 */
public final class StateIni {

    private StateIni() {
    }

    /** The raw {@code ImageState} value of the {@code [State]} section (the first one), or empty. */
    public static Optional<String> imageState(byte[] file) {
        String text = decode(file);
        String section = "";
        for (String line : text.split("\r\n|\r|\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith(";") || l.startsWith("#")) {
                continue;
            }
            if (l.startsWith("[") && l.endsWith("]")) {
                section = l.substring(1, l.length() - 1).strip().toLowerCase(Locale.ROOT);
                continue;
            }
            int eq = l.indexOf('=');
            if (eq > 0 && section.equals("state") && l.substring(0, eq).strip().equalsIgnoreCase("ImageState")) {
                return Optional.of(l.substring(eq + 1).strip());
            }
        }
        return Optional.empty();
    }

    static String decode(byte[] b) {
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16LE);
        }
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16BE);
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            return new String(b, 3, b.length - 3, StandardCharsets.UTF_8);
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
