package io.vhdkit.image;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Parses {@code /etc/fstab} as util-linux's libmount does: whitespace-separated fields, octal escapes. */
public final class Fstab {

    /** The most lines read: anything longer is not a real fstab. */
    public static final int MAX_LINES = 10_000;

    private static final Pattern FIELDS = Pattern.compile("[ \t]+");
    private static final Pattern SLASHES = Pattern.compile("/+");

    private Fstab() {
    }

    public static List<FstabEntry> parse(byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        List<FstabEntry> out = new ArrayList<>();
        String[] lines = text.split("\n", MAX_LINES + 1);
        for (int i = 0; i < Math.min(lines.length, MAX_LINES); i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = FIELDS.split(line);
            if (f.length < 2) {
                continue;
            }
            String type = f.length > 2 ? unescape(f[2]) : "auto";
            List<String> options = f.length > 3 ? Arrays.asList(unescape(f[3]).split(",")) : List.of("defaults");
            out.add(new FstabEntry(unescape(f[0]), normalize(unescape(f[1])), type, options, i + 1));
        }
        return out;
    }

    /** {@code \040} and the other octal escapes of fstab(5). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** udev's {@code \x2f} escapes in {@code /dev/disk/by-label} names. */
    static String unescapeUdev(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\x", i) && i + 4 <= s.length()
                    && s.substring(i + 2, i + 4).matches("[0-9a-fA-F]{2}")) {
                sb.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                sb.append(s.charAt(i));
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }

    /** A mount point without trailing or doubled slashes. */
    static String normalize(String path) {
        if (!path.startsWith("/")) {
            return path;
        }
        String p = SLASHES.matcher(path).replaceAll("/");
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
