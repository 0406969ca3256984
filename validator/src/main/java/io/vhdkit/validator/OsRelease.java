package io.vhdkit.validator;

import java.util.LinkedHashMap;
import java.util.Map;

/** os-release(5): {@code KEY=value} lines, values optionally quoted with shell escapes. */
final class OsRelease {

    private OsRelease() {
    }

    static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (l.isEmpty() || l.startsWith("#") || eq <= 0) {
                continue;
            }
            String key = l.substring(0, eq);
            if (!key.matches("[A-Z_][A-Z0-9_]*")) {
                continue;
            }
            out.put(key, unquote(l.substring(eq + 1)));
        }
        return out;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            v = v.substring(1, v.length() - 1);
        }
        return v.replaceAll("\\\\([\"'$`\\\\])", "$1");
    }
}
