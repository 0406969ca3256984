package io.vhdkit.windows;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A registry key path as {@code reg query} takes it, mapped onto the hive file that holds it offline:
 * {@code HKLM\SOFTWARE\...} (or {@code HKEY_LOCAL_MACHINE\...}) is the {@code SOFTWARE} hive, {@code HKU\.DEFAULT}
 * (or {@code HKEY_USERS\.DEFAULT}) the {@code DEFAULT} hive.
 *
 * @param hive    the hive file name under {@code System32\config} ({@code SYSTEM}, {@code SOFTWARE}, ...), or empty
 *                for {@code HKLM} itself (whose subkeys are the hives)
 * @param keyPath the path inside the hive, backslash-separated, without leading or trailing backslashes; empty for
 *                the hive's root
 */
public record RegistryPath(Optional<String> hive, String keyPath) {

    /** The hives of {@code HKLM} that live in {@code System32\config}, in {@code reg query HKLM}'s order. */
    public static final List<String> MACHINE_HIVES = List.of("SAM", "SECURITY", "SOFTWARE", "SYSTEM");

    /** Other hive files of {@code System32\config} that {@code HKLM} can load (COMPONENTS, DRIVERS). */
    public static final List<String> LOADABLE_HIVES = List.of("COMPONENTS", "DRIVERS");

    public static final String MACHINE = "HKEY_LOCAL_MACHINE";
    public static final String USERS = "HKEY_USERS";
    public static final String DEFAULT_USER = ".DEFAULT";

    public RegistryPath {
        Objects.requireNonNull(hive, "hive");
        Objects.requireNonNull(keyPath, "keyPath");
        if (hive.isEmpty() && !keyPath.isEmpty()) {
            throw new IllegalArgumentException("a key path needs a hive");
        }
    }

    /**
     * Parses {@code HKLM\SOFTWARE\Microsoft}, {@code HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services},
     * {@code HKU\.DEFAULT\Control Panel}; root names and hive names in any case.
     *
     * @throws IllegalArgumentException with a message for the user when the path names no hive vhdkit can open
     */
    public static RegistryPath parse(String path) {
        String p = path.strip();
        while (p.endsWith("\\")) {
            p = p.substring(0, p.length() - 1);
        }
        String[] parts = p.split("\\\\", 3);
        String root = parts[0].toUpperCase(Locale.ROOT);
        if (root.equals("HKLM") || root.equals(MACHINE)) {
            if (parts.length == 1) {
                return new RegistryPath(Optional.empty(), "");
            }
            String hive = parts[1].toUpperCase(Locale.ROOT);
            if (!MACHINE_HIVES.contains(hive) && !LOADABLE_HIVES.contains(hive)) {
                throw new IllegalArgumentException("HKLM\\" + parts[1] + " is not a hive vhdkit reads offline; use "
                        + "one of HKLM\\" + String.join(", HKLM\\", MACHINE_HIVES) + " (HARDWARE exists only on a "
                        + "running system)");
            }
            return new RegistryPath(Optional.of(hive), parts.length == 3 ? trim(parts[2]) : "");
        }
        if (root.equals("HKU") || root.equals(USERS)) {
            if (parts.length < 2 || !parts[1].equalsIgnoreCase(DEFAULT_USER)) {
                throw new IllegalArgumentException("of HKEY_USERS only HKU\\.DEFAULT is read offline (the users' "
                        + "own hives are their NTUSER.DAT files: read them with `vhdkit cat`)");
            }
            return new RegistryPath(Optional.of("DEFAULT"), parts.length == 3 ? trim(parts[2]) : "");
        }
        throw new IllegalArgumentException("'" + path + "' does not start with HKLM\\ or HKU\\.DEFAULT\\ (also "
                + "spelled HKEY_LOCAL_MACHINE and HKEY_USERS)");
    }

    private static String trim(String p) {
        String s = p;
        while (s.startsWith("\\")) {
            s = s.substring(1);
        }
        return s;
    }

    /** The path as {@code reg query} prints it, with a key's stored name spelling when {@code keyPath} is given. */
    public String display(String storedKeyPath) {
        if (hive.isEmpty()) {
            return MACHINE;
        }
        String top = hive.get().equals("DEFAULT") ? USERS + "\\" + DEFAULT_USER : MACHINE + "\\" + hive.get();
        return storedKeyPath.isEmpty() ? top : top + "\\" + storedKeyPath;
    }

    /** A subkey's path. */
    public RegistryPath child(String name) {
        if (hive.isEmpty()) {
            return new RegistryPath(Optional.of(name.toUpperCase(Locale.ROOT)), "");
        }
        return new RegistryPath(hive, keyPath.isEmpty() ? name : keyPath + "\\" + name);
    }
}
