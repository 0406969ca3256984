package io.vhdkit.registry;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code CurrentControlSet} in a SYSTEM hive read offline. The key exists only in a running system (a symbolic
 * link the kernel makes at boot): offline, the DWORD {@code Select\Current} = n names the control set in use,
 * {@code ControlSet00n} (as libguestfs' {@code get_current_control_set} resolves it).
 */
public final class ControlSets {

    public static final String CURRENT_CONTROL_SET = "CurrentControlSet";

    private ControlSets() {
    }

    /** The number of the current control set: {@code Select\Current}, a REG_DWORD from 1 to 999. */
    public static int current(Hive system) throws IOException {
        Optional<RegistryValue> v = system.value("Select", "Current");
        if (v.isEmpty()) {
            throw new CorruptFormatException(Regf.ref("Select key", "Current", FieldRef.NO_OFFSET), "missing",
                    "a REG_DWORD", "the hive has no Select\\Current value: CurrentControlSet cannot be resolved "
                            + "(is this a SYSTEM hive?)");
        }
        OptionalLong n = v.get().valueType().filter(t -> t == ValueType.REG_DWORD).isPresent()
                ? v.get().integer() : OptionalLong.empty();
        if (n.isEmpty() || n.getAsLong() < 1 || n.getAsLong() > 999) {
            throw new CorruptFormatException(Regf.ref("key value", "Current", v.get().offset()),
                    n.isPresent() ? Long.toString(n.getAsLong()) : v.get().typeName() + " of " + v.get().dataSize()
                            + " bytes", "a REG_DWORD from 1 to 999", "Select\\Current is " + (n.isPresent()
                            ? Long.toString(n.getAsLong()) : "a " + v.get().typeName() + " of "
                            + v.get().dataSize() + " bytes") + " - should be a REG_DWORD from 1 to 999 (the number "
                            + "of the current ControlSetNNN)");
        }
        return (int) n.getAsLong();
    }

    /**
     * {@code path} with a leading {@code CurrentControlSet} (any case) replaced by {@code ControlSet%03d} of
     * {@link #current}; other paths are returned as they are, without reading the hive.
     */
    public static String resolve(Hive system, String path) throws IOException {
        String p = path;
        while (p.startsWith("\\")) {
            p = p.substring(1);
        }
        int end = p.indexOf('\\');
        String first = end < 0 ? p : p.substring(0, end);
        if (!Names.equal(first, CURRENT_CONTROL_SET)) {
            return path;
        }
        return String.format(Locale.ROOT, "ControlSet%03d", current(system)) + (end < 0 ? "" : p.substring(end));
    }

    /** The key at {@code path} of a SYSTEM hive, {@code CurrentControlSet} resolved. */
    public static Optional<RegistryKey> key(Hive system, String path) throws IOException {
        return system.key(resolve(system, path));
    }

    /** A value of a SYSTEM hive's key, {@code CurrentControlSet} resolved. */
    public static Optional<RegistryValue> value(Hive system, String keyPath, String valueName) throws IOException {
        return system.value(resolve(system, keyPath), valueName);
    }
}
