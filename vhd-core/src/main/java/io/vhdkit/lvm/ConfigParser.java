package io.vhdkit.lvm;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.regex.Pattern;

/**
 * A parser for LVM's text configuration syntax, the one of the VG metadata, of {@code vgcfgbackup} files and of
 * {@code lvm.conf} (libdm {@code libdm-config.c}):
 * <pre>
 *   file    = item*
 *   item    = name "=" value | name "{" item* "}"
 *   value   = string | number | "[" (scalar ","?)* "]"
 *   string  = '"' chars, with \" and \\ escaped '"'  |  "'" chars "'"
 *   number  = [+-]? digits ("." digits?)?
 * </pre>
 * Names and numbers are runs of characters other than white space and {@code { } [ ] , = " ' #} (a run that is not a
 * number is a name, so an LV may be called {@code 0data}); {@code #} starts a comment that
 * runs to the end of the line. As in libdm, a backslash in a double-quoted string keeps the next character from ending
 * it and is dropped only before {@code "} and {@code \}. The text is taken one char per byte (ISO 8859-1); string
 * values are decoded as UTF-8.
 *
 * <p>Hostile input: sections nest at most {@link #MAX_DEPTH} deep, a text has at most {@link #MAX_TOKENS} tokens,
 * a name may appear once per section; anything else raises a {@link CorruptFormatException} that gives the line.
 */
public final class ConfigParser {

    public static final int MAX_DEPTH = 32;
    public static final int MAX_TOKENS = 1_000_000;

    private enum Kind { NAME, STRING, INT, REAL, OPEN_SECTION, CLOSE_SECTION, OPEN_ARRAY, CLOSE_ARRAY, COMMA, EQUALS,
        END }

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern REAL = Pattern.compile("[+-]?[0-9]+\\.[0-9]*");

    private final String text;
    private final String source;
    private final LongUnaryOperator offsetOf;
    private int pos;
    private int line = 1;
    private int tokens;

    // the current token
    private Kind kind;
    private int start;
    private int startLine;
    private String value;

    private ConfigParser(String text, String source, LongUnaryOperator offsetOf) {
        this.text = text;
        this.source = source;
        this.offsetOf = offsetOf;
    }

    /**
     * Parses a whole text.
     *
     * @param source   what the text is, for messages ({@code "partition 2, metadata area 0"})
     * @param offsetOf maps a char index of the text to its byte offset on the device, for {@link FieldRef}s; null
     *                 when the text is not on a device
     */
    public static ConfigSection parse(String text, String source, LongUnaryOperator offsetOf) throws FormatException {
        ConfigParser p = new ConfigParser(text, source, offsetOf);
        p.next();
        ConfigSection root = p.items("", 1, 0, 0);
        if (p.kind != Kind.END) {
            throw p.error(p.start, p.startLine, "unexpected " + p.describe() + " - a '}' without a section to close");
        }
        return root;
    }

    /** Items up to the closing brace (depth > 0) or the end of the text (depth 0). */
    private ConfigSection items(String name, int line0, int pos0, int depth) throws FormatException {
        LinkedHashMap<String, ConfigNode> children = new LinkedHashMap<>();
        while (kind != Kind.END && kind != Kind.CLOSE_SECTION) {
            if (kind != Kind.NAME && kind != Kind.INT && kind != Kind.REAL) {
                throw error(start, startLine, "expected a name, found " + describe());
            }
            String key = value;
            int keyLine = startLine;
            int keyPos = start;
            next();
            ConfigNode node;
            if (kind == Kind.OPEN_SECTION) {
                if (depth + 1 >= MAX_DEPTH) {
                    throw error(keyPos, keyLine, "sections nest deeper than " + MAX_DEPTH + " levels");
                }
                next();
                node = items(key, keyLine, keyPos, depth + 1);
                if (kind != Kind.CLOSE_SECTION) {
                    throw error(keyPos, keyLine, "section " + Text.quote(key) + " is not closed before the end");
                }
                next();
            } else if (kind == Kind.EQUALS) {
                next();
                node = value(key);
            } else {
                throw error(start, startLine, "expected '=' or '{' after " + Text.quote(key) + ", found " + describe());
            }
            ConfigNode earlier = children.putIfAbsent(key, node);
            if (earlier != null) {
                throw error(keyPos, keyLine, Text.quote(key) + " appears twice in "
                        + (name.isEmpty() ? "the top level" : "section " + Text.quote(name)) + " (first on line "
                        + earlier.line() + ")");
            }
        }
        return new ConfigSection(name, line0, pos0, children);
    }

    private ConfigValue value(String key) throws FormatException {
        if (kind == Kind.OPEN_ARRAY) {
            int l = startLine;
            int p = start;
            next();
            List<ConfigValue> items = new ArrayList<>();
            while (kind != Kind.CLOSE_ARRAY) {
                if (kind == Kind.END) {
                    throw error(p, l, "the array of " + Text.quote(key) + " is not closed before the end");
                }
                ConfigValue v = scalar();
                if (v == null) {
                    throw error(start, startLine, "expected a string, a number or ']' in the array of "
                            + Text.quote(key) + ", found " + describe());
                }
                items.add(v);
                next();
                if (kind == Kind.COMMA) {
                    next();
                }
            }
            next();
            return new ConfigValue.Array(items, l, p);
        }
        ConfigValue v = scalar();
        if (v == null) {
            throw error(start, startLine, "expected a value for " + Text.quote(key) + ", found " + describe());
        }
        next();
        return v;
    }

    /** The current token as a scalar value, or null when it is not one. */
    private ConfigValue scalar() throws FormatException {
        switch (kind) {
            case STRING:
                return new ConfigValue.Str(value, startLine, start);
            case INT:
                try {
                    return new ConfigValue.Int(Long.parseLong(value.startsWith("+") ? value.substring(1) : value),
                            startLine, start);
                } catch (NumberFormatException e) {
                    throw error(start, startLine, "the integer " + Text.quote(value) + " is out of range");
                }
            case REAL:
                return new ConfigValue.Real(value, startLine, start);
            default:
                return null;
        }
    }

    // ------------------------------------------------------------------ lexer

    private void next() throws FormatException {
        skipSpaceAndComments();
        start = pos;
        startLine = line;
        value = null;
        if (pos >= text.length()) {
            kind = Kind.END;
            return;
        }
        if (++tokens > MAX_TOKENS) {
            throw new UnsupportedFormatException(ref(pos), source + " line " + line + ": the text has more than "
                    + MAX_TOKENS + " tokens, over vhdkit's limit");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{' -> single(Kind.OPEN_SECTION);
            case '}' -> single(Kind.CLOSE_SECTION);
            case '[' -> single(Kind.OPEN_ARRAY);
            case ']' -> single(Kind.CLOSE_ARRAY);
            case ',' -> single(Kind.COMMA);
            case '=' -> single(Kind.EQUALS);
            case '"' -> doubleQuoted();
            case '\'' -> singleQuoted();
            default -> {
                if (isNameChar(c)) {
                    word();
                } else {
                    throw error(pos, line, String.format(java.util.Locale.ROOT,
                            "unexpected character 0x%02X", (int) c));
                }
            }
        }
    }

    private void single(Kind k) {
        pos++;
        kind = k;
    }

    private void skipSpaceAndComments() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0B) {
                pos++;
            } else if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private void doubleQuoted() throws FormatException {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= text.length()) {
                throw error(start, startLine, "a string is not closed before the end");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                break;
            }
            if (c == '\n') {
                line++;
            }
            if (c == '\\' && pos < text.length()) {
                char d = text.charAt(pos++);
                if (d == '\n') {
                    line++;
                }
                if (d != '"' && d != '\\') {
                    sb.append(c);
                }
                sb.append(d);
            } else {
                sb.append(c);
            }
        }
        kind = Kind.STRING;
        value = utf8(sb);
    }

    private void singleQuoted() throws FormatException {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= text.length()) {
                throw error(start, startLine, "a string is not closed before the end");
            }
            char c = text.charAt(pos++);
            if (c == '\'') {
                break;
            }
            if (c == '\n') {
                line++;
            }
            sb.append(c);
        }
        kind = Kind.STRING;
        value = utf8(sb);
    }

    /** A run of name characters that starts like a number: an integer, a real, or else a name ("0data"). */
    private void word() {
        int p = pos;
        while (p < text.length() && isNameChar(text.charAt(p))) {
            p++;
        }
        pos = p;
        value = text.substring(start, p);
        if (INTEGER.matcher(value).matches()) {
            kind = Kind.INT;
        } else if (REAL.matcher(value).matches()) {
            kind = Kind.REAL;
        } else {
            kind = Kind.NAME;
        }
    }

    private static boolean isNameChar(char c) {
        return c > 0x20 && c != 0x7F && c != '{' && c != '}' && c != '[' && c != ']' && c != ',' && c != '='
                && c != '"' && c != '\'' && c != '#';
    }

    /** The chars of a string token are bytes; the value is their UTF-8 reading. */
    private static String utf8(StringBuilder sb) {
        for (int i = 0; i < sb.length(); i++) {
            if (sb.charAt(i) >= 0x80) {
                return new String(sb.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }
        return sb.toString();
    }

    private String describe() {
        return switch (kind) {
            case NAME -> "the name " + Text.quote(value);
            case STRING -> "the string " + Text.quote(value);
            case INT, REAL -> "the number " + value;
            case OPEN_SECTION -> "'{'";
            case CLOSE_SECTION -> "'}'";
            case OPEN_ARRAY -> "'['";
            case CLOSE_ARRAY -> "']'";
            case COMMA -> "','";
            case EQUALS -> "'='";
            case END -> "the end of the text";
        };
    }

    private FieldRef ref(int at) {
        return FieldRef.of("LVM", "metadata text", "syntax", offsetOf == null ? FieldRef.NO_OFFSET
                : Math.max(FieldRef.NO_OFFSET, offsetOf.applyAsLong(at)));
    }

    private CorruptFormatException error(int at, int atLine, String message) {
        return new CorruptFormatException(ref(at), source + " line " + atLine + ": " + message);
    }
}
