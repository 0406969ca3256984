package io.vhdkit.validator;

import io.vhdkit.disk.ContentType;
import io.vhdkit.format.FormatException;
import io.vhdkit.fs.FileSystem;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFileSource;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.fs.Resolved;
import io.vhdkit.image.DiskImage;
import io.vhdkit.image.MountLayout;
import io.vhdkit.image.Volume;
import io.vhdkit.registry.Hive;
import io.vhdkit.registry.RegistryValue;
import io.vhdkit.windows.WindowsRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemLoopException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Facts about a Windows installation that the Windows rules, the OS report and {@code vhdkit inspect} share: its
 * registry (the hives of {@code Windows\System32\config} with their logs replayed, read lazily), the product from
 * {@code SOFTWARE\Microsoft\Windows NT\CurrentVersion}, the system root and the current control set; and, when no
 * Windows volume can be read, whether that is because it is encrypted with BitLocker. One instance per image
 * ({@link #of}); it reads nothing until asked.
 */
public final class WindowsFacts {

    /** The system root on the Windows volume (where the layout found {@code System32\config}). */
    public static final String SYSTEM_ROOT = "/Windows";
    public static final String SOFTWARE = "SOFTWARE";
    public static final String SYSTEM = "SYSTEM";
    public static final String CURRENT_VERSION_KEY = "Microsoft\\Windows NT\\CurrentVersion";
    /** The first build of Windows 11 and of Windows Server 2022's client sibling: ProductName still says 10. */
    public static final int FIRST_WINDOWS_11_BUILD = 22000;

    /** Files whose presence on another volume shows that an unreadable volume next to it is a Windows system. */
    private static final List<String> BOOT_MANAGERS = List.of("/EFI/Microsoft/Boot/bootmgfw.efi", "/bootmgr",
            "/Boot/BCD");

    private final ImageContext ctx;
    private WindowsRegistry registry;
    private Optional<Encrypted> encrypted;
    /** The Sysprep evidence, read once by {@link WindowsState#of} (guarded by this object's lock). */
    WindowsState state;

    private WindowsFacts(ImageContext ctx) {
        this.ctx = ctx;
    }

    /** The facts of the image {@code ctx} holds, made once. */
    public static WindowsFacts of(ImageContext ctx) {
        return ctx.shared(WindowsFacts.class, WindowsFacts::new);
    }

    /**
     * A Windows system volume that cannot be read because it is encrypted with BitLocker: the volume, and the file
     * on another volume (the EFI system partition or the System Reserved partition) holding the Windows boot manager
     * that starts it.
     */
    public record Encrypted(Volume volume, Volume bootVolume, String bootManager) {
    }

    /**
     * Whether the image holds no readable OS root but a BitLocker volume next to a Windows boot manager: a Windows
     * system volume encrypted with BitLocker (BitLocker always keeps the boot manager on an unencrypted volume). A
     * BitLocker volume without a boot manager may be a data volume and is not taken for Windows.
     */
    public synchronized Optional<Encrypted> encryptedSystemVolume() throws IOException {
        if (encrypted != null) {
            return encrypted;
        }
        encrypted = Optional.empty();
        Optional<DiskImage> disk = ctx.disk();
        if (disk.isEmpty() || disk.get().layout().rootVolume().isPresent()) {
            return encrypted;
        }
        List<Volume> locked = disk.get().volumes().stream().filter(v -> v.content() == ContentType.BITLOCKER)
                .toList();
        if (locked.isEmpty()) {
            return encrypted;
        }
        for (Volume v : disk.get().volumes()) {
            if (v.content() == ContentType.BITLOCKER) {
                continue;
            }
            Optional<FileSystem> fs = disk.get().fileSystemIfReadable(v);
            if (fs.isEmpty()) {
                continue;
            }
            for (String path : BOOT_MANAGERS) {
                if (isFile(new PathResolver(fs.get()), path)) {
                    encrypted = Optional.of(new Encrypted(locked.get(0), v, path));
                    return encrypted;
                }
            }
        }
        return encrypted;
    }

    private static boolean isFile(PathResolver r, String path) throws IOException {
        try {
            Optional<Resolved> f = r.find(path, true);
            return f.isPresent() && f.get().node().type() == FileType.REGULAR;
        } catch (FormatException | FileSystemLoopException e) {
            return false;
        }
    }

    /**
     * The registry of the Windows volume.
     *
     * @throws FormatException when the Windows volume cannot be read (encrypted with BitLocker, damaged)
     * @throws IllegalStateException when the image holds no Windows installation
     */
    public synchronized WindowsRegistry registry() throws IOException {
        if (registry != null) {
            return registry;
        }
        Optional<Encrypted> locked = encryptedSystemVolume();
        if (locked.isPresent()) {
            ctx.disk().orElseThrow().fileSystem(locked.get().volume()); // says it is encrypted, and how to decrypt it
        }
        Optional<MountLayout> layout = ctx.layout();
        Optional<PathResolver> root = ctx.root();
        if (layout.isEmpty() || !"windows".equals(layout.get().osFamily()) || root.isEmpty()) {
            throw new IllegalStateException("no Windows installation on " + ctx.image());
        }
        registry = new WindowsRegistry(root.get());
        return registry;
    }

    /** A hive, logs replayed ({@link Hive#replayStatus()} says how that went), or empty when the file is missing. */
    public Optional<Hive> hive(String name) throws IOException {
        return registry().hive(name);
    }

    /** A value of a hive's key ({@code CurrentControlSet} resolved in SYSTEM), or empty. */
    public Optional<RegistryValue> value(String hive, String keyPath, String name) throws IOException {
        Optional<Hive> h = hive(hive);
        if (h.isEmpty()) {
            return Optional.empty();
        }
        String path = hive.equals(SYSTEM) ? io.vhdkit.registry.ControlSets.resolve(h.get(), keyPath) : keyPath;
        return h.get().value(path, name);
    }

    /** A REG_SZ or REG_EXPAND_SZ value, or empty (missing, or of another type). */
    public Optional<String> string(String hive, String keyPath, String name) throws IOException {
        Optional<RegistryValue> v = value(hive, keyPath, name);
        return v.isEmpty() ? Optional.empty() : v.get().string();
    }

    /** A REG_DWORD or REG_QWORD value, or empty. */
    public OptionalLong number(String hive, String keyPath, String name) throws IOException {
        Optional<RegistryValue> v = value(hive, keyPath, name);
        return v.isEmpty() ? OptionalLong.empty() : v.get().integer();
    }

    /** {@code ControlSet%03d} of {@code SYSTEM\Select\Current}, or empty without a SYSTEM hive. */
    public Optional<String> currentControlSet() throws IOException {
        return registry().currentControlSet().map(n -> String.format(Locale.ROOT, "ControlSet%03d", n));
    }

    /** A file of the Windows volume, or empty when it is missing or not a regular file. */
    public Optional<Resolved> file(String path) throws IOException {
        Optional<Resolved> f = ctx.find(path);
        return f.filter(r -> r.node().type() == FileType.REGULAR);
    }

    /** The last {@code max} bytes of a file (all of a smaller one), or empty when it is not a file. */
    public Optional<byte[]> tail(String path, int max) throws IOException {
        Optional<Resolved> f = file(path);
        if (f.isEmpty()) {
            return Optional.empty();
        }
        FsFileSource src = FsFileSource.of(f.get());
        long size = src.size();
        int n = (int) Math.min(size, max);
        ByteBuffer buf = ByteBuffer.allocate(n);
        src.readFully(size - n, buf);
        return Optional.of(buf.array());
    }

    /** The context these facts are read from. */
    public ImageContext context() {
        return ctx;
    }

    /**
     * The OS as the registry names it: the product (ProductName, with "Windows 10" made "Windows 11" for a client
     * build of 22000 or later, which keeps the old name in the registry), the version {@code major.minor.build.UBR},
     * and details (edition, installation type, display version, the registry's own product name, system root,
     * current control set, computer name). A hive that cannot be read leaves the name "Windows" and says why in the
     * details; the rules report the damage.
     */
    public static OsInfo os(ImageContext ctx) throws IOException {
        WindowsFacts w = of(ctx);
        Optional<Encrypted> locked = w.encryptedSystemVolume();
        if (locked.isPresent()) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("encryptedVolume", locked.get().volume().id());
            details.put("bootManager", locked.get().bootVolume().id() + ":" + locked.get().bootManager());
            return new OsInfo(OsFamily.WINDOWS, "Windows (system volume " + locked.get().volume().id()
                    + " encrypted with BitLocker)", null, details);
        }
        try {
            return w.product();
        } catch (FormatException e) {
            return new OsInfo(OsFamily.WINDOWS, "Windows", null, Map.of("problem", e.getMessage()));
        }
    }

    private OsInfo product() throws IOException {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("systemRoot", SYSTEM_ROOT);
        Optional<Hive> software = hive(SOFTWARE);
        if (software.isEmpty()) {
            d.put("problem", "no SOFTWARE hive in " + WindowsRegistry.CONFIG_DIR);
            return new OsInfo(OsFamily.WINDOWS, "Windows", null, d);
        }
        String cv = CURRENT_VERSION_KEY;
        Optional<String> productName = string(SOFTWARE, cv, "ProductName");
        Optional<String> edition = string(SOFTWARE, cv, "EditionID");
        Optional<String> installation = string(SOFTWARE, cv, "InstallationType");
        Optional<String> build = string(SOFTWARE, cv, "CurrentBuild").or(() -> stringQuietly(cv, "CurrentBuildNumber"));
        Optional<String> display = string(SOFTWARE, cv, "DisplayVersion").or(() -> stringQuietly(cv, "ReleaseId"));
        OptionalLong ubr = number(SOFTWARE, cv, "UBR");
        OptionalLong major = number(SOFTWARE, cv, "CurrentMajorVersionNumber");
        OptionalLong minor = number(SOFTWARE, cv, "CurrentMinorVersionNumber");
        Optional<String> legacyVersion = string(SOFTWARE, cv, "CurrentVersion");
        string(SOFTWARE, cv, "SystemRoot").ifPresent(s -> d.put("systemRootPath", s));
        productName.ifPresent(s -> d.put("productName", s));
        edition.ifPresent(s -> d.put("editionId", s));
        installation.ifPresent(s -> d.put("installationType", s));
        build.ifPresent(s -> d.put("currentBuild", s));
        display.ifPresent(s -> d.put("displayVersion", s));
        ubr.ifPresent(n -> d.put("ubr", Long.toString(n)));
        try {
            if (hive(SYSTEM).isPresent()) {
                Optional<String> ccs = currentControlSet();
                ccs.ifPresent(s -> d.put("currentControlSet", s));
                string(SYSTEM, "CurrentControlSet\\Control\\ComputerName\\ComputerName", "ComputerName")
                        .ifPresent(s -> d.put("computerName", s));
                string(SYSTEM, "CurrentControlSet\\Control\\ProductOptions", "ProductType")
                        .ifPresent(s -> d.put("productType", s));
            }
        } catch (FormatException e) {
            d.put("problem", e.getMessage());
        }
        String name = productName.orElse("Windows");
        int buildNumber = build.map(WindowsFacts::parseInt).orElse(-1);
        boolean client = installation.map(s -> s.equalsIgnoreCase("Client")).orElse(!name.contains("Server"));
        if (client && buildNumber >= FIRST_WINDOWS_11_BUILD && name.startsWith("Windows 10")) {
            name = "Windows 11" + name.substring("Windows 10".length());
        }
        String version = null;
        if (major.isPresent() && minor.isPresent()) {
            version = major.getAsLong() + "." + minor.getAsLong();
        } else if (legacyVersion.isPresent()) {
            version = legacyVersion.get();
        }
        if (version != null && build.isPresent()) {
            version = version + "." + build.get() + (ubr.isPresent() ? "." + ubr.getAsLong() : "");
        }
        return new OsInfo(OsFamily.WINDOWS, name, version, d);
    }

    private Optional<String> stringQuietly(String key, String name) {
        try {
            return string(SOFTWARE, key, name);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
