package io.vhdkit.windows;

import io.vhdkit.format.FormatException;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFileSource;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.fs.Resolved;
import io.vhdkit.io.ByteSource;
import io.vhdkit.registry.ControlSets;
import io.vhdkit.registry.Hive;
import io.vhdkit.registry.RegistryKey;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of an offline Windows installation: the hive files of {@code Windows\System32\config}, each opened
 * with its transaction logs ({@code .LOG1}, {@code .LOG2}) so that a dirty hive is read as Windows would recover it,
 * and {@code CurrentControlSet} resolved through {@code SYSTEM\Select\Current}. Hives are opened on first use and
 * read lazily: a lookup reads the cells on its path, not the whole file.
 */
public final class WindowsRegistry {

    /** Where the hives are, from the root of the Windows volume (looked up case-insensitively on NTFS). */
    public static final String CONFIG_DIR = "/Windows/System32/config";

    private final PathResolver resolver;
    private final Map<String, Optional<Hive>> hives = new HashMap<>();
    private final Map<String, FormatException> damaged = new HashMap<>();

    /** @param resolver paths of the Windows volume, {@code /} its root */
    public WindowsRegistry(PathResolver resolver) {
        this.resolver = resolver;
    }

    /** The path of hive file {@code name} in the image. */
    public static String hivePath(String name) {
        return CONFIG_DIR + "/" + name;
    }

    /**
     * The hive file {@code name} ({@code SYSTEM}, {@code SOFTWARE}, {@code SAM}, {@code SECURITY}, {@code DEFAULT},
     * ...), with its logs replayed when it is dirty ({@link Hive#replayStatus()} says how that went), or empty when the
     * image has no such file.
     *
     * @throws FormatException when the hive file is damaged (the same exception on every later call)
     */
    public synchronized Optional<Hive> hive(String name) throws IOException {
        Optional<Hive> h = hives.get(name);
        if (h != null) {
            return h;
        }
        FormatException known = damaged.get(name);
        if (known != null) {
            throw known;
        }
        Optional<ByteSource> primary = file(hivePath(name));
        try {
            h = primary.isEmpty() ? Optional.empty()
                    : Optional.of(Hive.open(primary.get(), file(hivePath(name) + ".LOG1"),
                            file(hivePath(name) + ".LOG2")));
        } catch (FormatException e) {
            damaged.put(name, e);
            throw e;
        }
        hives.put(name, h);
        return h;
    }

    /**
     * The key {@code path} names, {@code CurrentControlSet} resolved; empty when the hive file or the key does not
     * exist.
     */
    public Optional<RegistryKey> key(RegistryPath path) throws IOException {
        if (path.hive().isEmpty()) {
            return Optional.empty();
        }
        Optional<Hive> h = hive(path.hive().get());
        if (h.isEmpty()) {
            return Optional.empty();
        }
        return h.get().key(resolvedKeyPath(h.get(), path));
    }

    /** The key path inside the hive with a leading {@code CurrentControlSet} replaced (SYSTEM only). */
    public String resolvedKeyPath(Hive hive, RegistryPath path) throws IOException {
        return path.hive().orElse("").equals("SYSTEM") ? ControlSets.resolve(hive, path.keyPath()) : path.keyPath();
    }

    /** The {@code SYSTEM} hive's current control set number. */
    public Optional<Integer> currentControlSet() throws IOException {
        Optional<Hive> system = hive("SYSTEM");
        return system.isEmpty() ? Optional.empty() : Optional.of(ControlSets.current(system.get()));
    }

    private Optional<ByteSource> file(String path) throws IOException {
        Optional<Resolved> f = resolver.find(path, true);
        if (f.isEmpty() || f.get().node().type() != FileType.REGULAR) {
            return Optional.empty();
        }
        return Optional.of(FsFileSource.of(f.get()));
    }
}
