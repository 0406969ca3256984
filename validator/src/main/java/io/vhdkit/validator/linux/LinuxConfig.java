package io.vhdkit.validator.linux;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Parsers for the Linux configuration files the rules read, as the programs that read them do; each takes the text
 * and never fails (what it cannot read, it skips). Pure functions, so that each is tested on its own.
 */
public final class LinuxConfig {

    /** Lines read from one file at most. */
    static final int MAX_LINES = 100_000;

    private LinuxConfig() {
    }

    /** One line of /etc/passwd (passwd(5)). */
    public record PasswdEntry(String name, String password, long uid, long gid, String home, String shell) {
    }

    public static List<PasswdEntry> passwd(String text) {
        List<PasswdEntry> out = new ArrayList<>();
        for (String line : lines(text)) {
            String[] f = line.split(":", -1);
            if (f.length < 7 || f[0].isEmpty() || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) {
                continue;
            }
            try {
                out.add(new PasswdEntry(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), f[5], f[6]));
            } catch (NumberFormatException e) {
                // not a valid line: login(1) skips it too
            }
        }
        return out;
    }

    /** /etc/shadow (shadow(5)): user name to the encrypted password field. */
    public static Map<String, String> shadow(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines(text)) {
            String[] f = line.split(":", -1);
            if (f.length >= 2 && !f[0].isEmpty() && !line.startsWith("#")) {
                out.putIfAbsent(f[0], f[1]);
            }
        }
        return out;
    }

    /**
     * Whether a password field holds a hash one can log in with: not empty, not {@code *}, {@code x}, {@code !}
     * or {@code !!}, not locked ({@code !} in front), not waagent's {@code *LOCK*}.
     */
    public static boolean usablePassword(String field) {
        return !field.isEmpty() && !field.startsWith("!") && !field.startsWith("*") && !field.equals("x");
    }

    /** The hash method crypt(5) names by the prefix. */
    public static String hashMethod(String field) {
        if (field.startsWith("$y$")) {
            return "yescrypt";
        } else if (field.startsWith("$gy$")) {
            return "gost-yescrypt";
        } else if (field.startsWith("$7$")) {
            return "scrypt";
        } else if (field.startsWith("$2b$") || field.startsWith("$2a$") || field.startsWith("$2y$")) {
            return "bcrypt";
        } else if (field.startsWith("$6$")) {
            return "SHA-512";
        } else if (field.startsWith("$5$")) {
            return "SHA-256";
        } else if (field.startsWith("$1$")) {
            return "MD5";
        }
        return field.startsWith("$") ? "crypt" : "DES";
    }

    /** login.defs(5) {@code UID_MIN}, or 1000. */
    public static long uidMin(String loginDefs) {
        for (String line : lines(loginDefs)) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 2 && f[0].equals("UID_MIN")) {
                try {
                    return Long.parseLong(f[1]);
                } catch (NumberFormatException e) {
                    return 1000;
                }
            }
        }
        return 1000;
    }

    /** Whether a login shell lets the account log in (not nologin, false, sync, ...). */
    public static boolean loginShell(String shell) {
        String s = shell.strip();
        return !s.isEmpty() && !s.endsWith("/nologin") && !s.endsWith("/false") && !s.endsWith("/sync")
                && !s.endsWith("/shutdown") && !s.endsWith("/halt");
    }

    /**
     * {@code KEY=VALUE} lines of a shell-sourced file ({@code /etc/default/grub}, its {@code grub.d} parts,
     * os-release style files), with {@code $VAR} and {@code ${VAR}} expanded from earlier assignments (in
     * {@code vars}, which it updates) and quotes removed, as {@code sh} would for these simple assignments.
     */
    public static void shellAssignments(String text, Map<String, String> vars) {
        for (String line : lines(text)) {
            String l = line.strip();
            if (l.startsWith("export ")) {
                l = l.substring(7).strip();
            }
            int eq = l.indexOf('=');
            if (l.startsWith("#") || eq <= 0 || !l.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                continue;
            }
            vars.put(l.substring(0, eq), shellValue(l.substring(eq + 1), vars));
        }
    }

    private static String shellValue(String v, Map<String, String> vars) {
        StringBuilder out = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    out.append(c);
                }
            } else if (c == '\\' && i + 1 < v.length()) {
                out.append(v.charAt(++i));
            } else if (c == '"') {
                quote = quote == '"' ? 0 : '"';
            } else if (c == '\'' && quote == 0) {
                quote = '\'';
            } else if (c == '$' && i + 1 < v.length()) {
                int end;
                String name;
                if (v.charAt(i + 1) == '{') {
                    end = v.indexOf('}', i);
                    if (end < 0) {
                        out.append(c);
                        continue;
                    }
                    name = v.substring(i + 2, end);
                } else {
                    end = i + 1;
                    while (end < v.length() && (Character.isLetterOrDigit(v.charAt(end)) || v.charAt(end) == '_')) {
                        end++;
                    }
                    name = v.substring(i + 1, end);
                    end--;
                }
                out.append(vars.getOrDefault(name, ""));
                i = end;
            } else if (c == '#' && quote == 0 && (i == 0 || Character.isWhitespace(v.charAt(i - 1)))) {
                break;
            } else if (Character.isWhitespace(c) && quote == 0) {
                break; // an unquoted value ends at a blank
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The command lines of the {@code linux}, {@code linuxefi} and {@code linux16} lines of a grub.cfg, in order. */
    public static List<String> grubKernelLines(String grubCfg) {
        List<String> out = new ArrayList<>();
        for (String line : lines(grubCfg)) {
            String[] f = line.strip().split("\\s+", 3);
            if (f.length >= 2 && (f[0].equals("linux") || f[0].equals("linuxefi") || f[0].equals("linux16"))) {
                out.add(f.length == 3 ? f[2] : "");
            }
        }
        return out;
    }

    /** A Boot Loader Specification entry's {@code options} (all such lines, joined), or empty without one. */
    public static Optional<String> blsOptions(String entry) {
        List<String> opts = new ArrayList<>();
        for (String line : lines(entry)) {
            String[] f = line.strip().split("\\s+", 2);
            if (f[0].equals("options")) {
                opts.add(f.length == 2 ? f[1] : "");
            }
        }
        return opts.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", opts));
    }

    /** GRUB's environment block ({@code grubenv}): {@code key=value} lines, the {@code #} padding skipped. */
    public static Map<String, String> grubenv(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines(text)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    /**
     * Whether a kernel command line sends the console to {@code port} ({@code ttyS0}, {@code ttyAMA0}):
     * a {@code console=PORT} or {@code console=PORT,OPTIONS} parameter.
     */
    public static boolean hasConsole(String cmdline, String port) {
        for (String p : cmdline.split("\\s+")) {
            String v = p.replace("\"", "");
            if (v.equals("console=" + port) || v.startsWith("console=" + port + ",")) {
                return true;
            }
        }
        return false;
    }

    /** {@code waagent.conf}: {@code Key=Value} lines, comments and blanks skipped. */
    public static Map<String, String> waagentConf(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines(text)) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (!l.startsWith("#") && eq > 0) {
                String v = l.substring(eq + 1).strip();
                int hash = v.indexOf(" #");
                out.put(l.substring(0, eq).strip(), hash >= 0 ? v.substring(0, hash).strip() : v);
            }
        }
        return out;
    }

    /**
     * A top-level scalar of a cloud-init YAML config ({@code manual_cache_clean: true}), or empty: enough YAML for
     * the keys the rules read (cloud-init merges cloud.cfg, then cloud.cfg.d/*.cfg in order, later files winning).
     */
    public static Optional<String> yamlTopLevel(String text, String key) {
        Optional<String> found = Optional.empty();
        for (String line : lines(text)) {
            if (line.isEmpty() || Character.isWhitespace(line.charAt(0)) || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith(key + ":")) {
                String v = line.substring(key.length() + 1).strip();
                int hash = v.indexOf(" #");
                v = hash >= 0 ? v.substring(0, hash).strip() : v;
                if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                    v = v.substring(1, v.length() - 1);
                }
                found = Optional.of(v);
            }
        }
        return found;
    }

    /** cloud-init's {@code util.get_cfg_option_bool} truth: true, 1, on, yes. */
    public static boolean yamlTrue(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "on", "yes", "y" -> true;
            default -> false;
        };
    }

    static List<String> lines(String text) {
        String[] l = text.split("\r?\n");
        return l.length > MAX_LINES ? List.of(l).subList(0, MAX_LINES) : List.of(l);
    }
}
