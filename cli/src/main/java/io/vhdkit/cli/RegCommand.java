package io.vhdkit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdkit.format.FormatException;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.fs.Resolved;
import io.vhdkit.image.DiskImage;
import io.vhdkit.registry.Hive;
import io.vhdkit.registry.RegistryKey;
import io.vhdkit.registry.RegistryValue;
import io.vhdkit.registry.ReplayStatus;
import io.vhdkit.registry.ValueType;
import io.vhdkit.validator.report.ReportText;
import io.vhdkit.windows.RegistryPath;
import io.vhdkit.windows.WindowsRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vhdkit reg}: {@code reg query} on the registry of a Windows image, offline. */
@Command(name = "reg",
        mixinStandardHelpOptions = true,
        description = {"Prints a registry key of the Windows installation in the image, its values and subkeys, like "
                + "`reg query`, without booting it.",
                "HKLM\\SYSTEM, HKLM\\SOFTWARE, HKLM\\SAM, HKLM\\SECURITY (and COMPONENTS, DRIVERS) and HKU\\.DEFAULT are "
                + "read from the hive files of Windows\\System32\\config. A hive left dirty (changes only in its "
                + ".LOG1/.LOG2 files) is read as Windows would recover it, by replaying the logs; when they cannot be "
                + "replayed a warning says the values may be stale. HKLM\\SYSTEM\\CurrentControlSet is resolved "
                + "through Select\\Current.",
                "Example: vhdkit reg disk.vhd 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion' ProductName"},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  printed", "  1  no such key or value, no Windows registry, not a VHD, or a damaged structure",
                "  2  usage error", "  3  the image could not be read"})
final class RegCommand implements Callable<Integer> {

    /** Keys printed by one recursive query at most (a real SOFTWARE hive has a few hundred thousand). */
    static final int MAX_KEYS = 2_000_000;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The VHD.")
    Path image;

    @Parameters(index = "1", paramLabel = "KEY",
            description = "The key: HKLM\\HIVE\\path or HKU\\.DEFAULT\\path (HKEY_LOCAL_MACHINE and HKEY_USERS also "
                    + "work; any case).")
    String key;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VALUE",
            description = "Print this value of the key only (\"\" or (Default) for the default value).")
    String value;

    @Option(names = {"-s", "--recursive"}, description = "Print every subkey below the key too, with its values.")
    boolean recursive;

    @Option(names = "--volume", paramLabel = "VOLUME",
            description = "The Windows volume (p3, a label or UUID) when the image has several.")
    String volume;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RegistryPath path;
        try {
            path = RegistryPath.parse(key);
        } catch (IllegalArgumentException e) {
            err.println("vhdkit reg: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        try (DiskImage img = ImageOpener.open("reg", image, err)) {
            if (volume == null && img.layout().rootVolume().isEmpty()) {
                err.println("vhdkit reg: " + image + ": no Windows registry: no volume holds an operating system "
                        + "(name the Windows volume with --volume if it is there)");
                return ExitCodes.FINDINGS;
            }
            PathResolver resolver = img.resolver(Optional.ofNullable(volume));
            Optional<Resolved> config = resolver.find(WindowsRegistry.CONFIG_DIR, true);
            if (config.isEmpty() || config.get().node().type() != FileType.DIRECTORY) {
                err.println("vhdkit reg: " + image + ": no Windows registry: " + WindowsRegistry.CONFIG_DIR
                        + " was not found" + (volume == null ? " on the operating system's volume (pick one with "
                        + "--volume)" : " on volume " + volume));
                return ExitCodes.FINDINGS;
            }
            WindowsRegistry registry = new WindowsRegistry(resolver);
            if (path.hive().isEmpty()) {
                return printMachineRoot(registry, path, out);
            }
            Optional<Hive> hive = registry.hive(path.hive().get());
            if (hive.isEmpty()) {
                err.println("vhdkit reg: " + image + ": the image has no " + WindowsRegistry.hivePath(path.hive().get())
                        + " hive file");
                return ExitCodes.FINDINGS;
            }
            warnIfStale(hive.get(), path.hive().get(), err);
            Optional<RegistryKey> k = registry.key(path);
            if (k.isEmpty()) {
                err.println("vhdkit reg: " + image + ": no such key: " + path.display(path.keyPath()));
                return ExitCodes.FINDINGS;
            }
            int exit = format == OutputFormat.json ? printJson(registry, hive.get(), path, k.get(), out, err)
                    : printText(path, k.get(), out, err);
            out.flush();
            return exit;
        } catch (ImageOpener.Failed f) {
            return f.exit;
        } catch (TooManyKeys e) {
            spec.commandLine().getOut().flush();
            err.println("vhdkit reg: " + image + ": " + e.getMessage());
            return ExitCodes.FINDINGS;
        } catch (IOException e) {
            return ImageOpener.report("reg", image, e, err);
        }
    }

    private int printMachineRoot(WindowsRegistry registry, RegistryPath path, PrintWriter out) throws IOException {
        List<String> present = new ArrayList<>();
        for (String h : RegistryPath.MACHINE_HIVES) {
            if (registry.hive(h).isPresent()) {
                present.add(h);
            }
        }
        if (format == OutputFormat.json) {
            ObjectNode n = Json.object();
            n.put("image", image.toString());
            n.put("key", RegistryPath.MACHINE);
            ArrayNode subkeys = n.putArray("subkeys");
            present.forEach(subkeys::add);
            out.println(Json.write(n));
        } else {
            out.println();
            for (String h : present) {
                out.println(RegistryPath.MACHINE + "\\" + h);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void warnIfStale(Hive hive, String name, PrintWriter err) {
        ReplayStatus s = hive.replayStatus();
        if (s.kind() == ReplayStatus.Kind.CLEAN) {
            return;
        }
        if (!s.trustworthy()) {
            err.println("vhdkit reg: warning: hive " + name + " could not be recovered in full ("
                    + s.describe() + "): what follows may be stale");
        } else {
            err.println("vhdkit reg: note: hive " + name + ": " + s.describe());
        }
    }

    private int printText(RegistryPath path, RegistryKey k, PrintWriter out, PrintWriter err) throws IOException {
        if (value != null) {
            Optional<RegistryValue> v = k.value(defaultName(value));
            if (v.isEmpty()) {
                err.println("vhdkit reg: " + image + ": no value " + (defaultName(value).isEmpty() ? "(Default)"
                        : "'" + value + "'") + " in " + path.display(k.path()));
                return ExitCodes.FINDINGS;
            }
            out.println();
            out.println(text(path.display(k.path())));
            out.println(valueLine(v.get()));
            out.println();
            return ExitCodes.OK;
        }
        if (recursive) {
            walk(path, k, out, new int[] {0});
        } else {
            out.println();
            out.println(text(path.display(k.path())));
            for (RegistryValue v : k.values()) {
                out.println(valueLine(v));
            }
            out.println();
            for (RegistryKey sub : k.subkeys()) {
                out.println(text(path.display(sub.path())));
            }
        }
        return ExitCodes.OK;
    }

    /** Depth first, as {@code reg query /s}: each key's values, then its subkeys. */
    private void walk(RegistryPath path, RegistryKey k, PrintWriter out, int[] count) throws IOException {
        if (++count[0] > MAX_KEYS) {
            throw new TooManyKeys();
        }
        out.println();
        out.println(text(path.display(k.path())));
        for (RegistryValue v : k.values()) {
            out.println(valueLine(v));
        }
        for (RegistryKey sub : k.subkeys()) {   // depth is bounded by RegistryKey.MAX_DEPTH
            walk(path, sub, out, count);
        }
    }

    private int printJson(WindowsRegistry registry, Hive hive, RegistryPath path, RegistryKey k, PrintWriter out,
                          PrintWriter err) throws IOException {
        ObjectNode n = Json.object();
        n.put("image", image.toString());
        n.put("hive", path.hive().orElseThrow());
        n.put("file", WindowsRegistry.hivePath(path.hive().orElseThrow()));
        ReplayStatus s = hive.replayStatus();
        ObjectNode replay = n.putObject("replay");
        replay.put("status", s.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        replay.put("trustworthy", s.trustworthy());
        replay.put("format", s.format().name().toLowerCase(Locale.ROOT));
        ArrayNode logs = replay.putArray("logsApplied");
        s.logsApplied().forEach(logs::add);
        ArrayNode notes = replay.putArray("notes");
        s.notes().forEach(note -> notes.add(ReportText.wellFormed(note)));
        if (path.hive().get().equals("SYSTEM")) {
            try {
                n.put("currentControlSet", registry.currentControlSet().orElse(null));
            } catch (FormatException e) {
                n.putNull("currentControlSet");
            }
        }
        if (value != null) {
            Optional<RegistryValue> v = k.value(defaultName(value));
            if (v.isEmpty()) {
                err.println("vhdkit reg: " + image + ": no value " + (defaultName(value).isEmpty() ? "(Default)"
                        : "'" + value + "'") + " in " + path.display(k.path()));
                return ExitCodes.FINDINGS;
            }
            keyJson(n, path, k, List.of(v.get()), false, new int[] {0});
        } else {
            keyJson(n, path, k, k.values(), recursive, new int[] {0});
        }
        out.println(Json.write(n));
        return ExitCodes.OK;
    }

    private void keyJson(ObjectNode n, RegistryPath path, RegistryKey k, List<RegistryValue> values, boolean deep,
                         int[] count) throws IOException {
        if (++count[0] > MAX_KEYS) {
            throw new TooManyKeys();
        }
        n.put("key", ReportText.wellFormed(path.display(k.path())));
        n.put("lastWritten", k.lastWritten().toString());
        ArrayNode vs = n.putArray("values");
        for (RegistryValue v : values) {
            vs.add(valueJson(v));
        }
        ArrayNode subs = n.putArray("subkeys");
        for (RegistryKey sub : k.subkeys()) {
            if (deep) {
                keyJson(subs.addObject(), path, sub, sub.values(), true, count);
            } else {
                subs.add(ReportText.wellFormed(sub.name()));
            }
        }
    }

    private static ObjectNode valueJson(RegistryValue v) throws IOException {
        ObjectNode o = Json.object();
        o.put("name", ReportText.wellFormed(v.name()));
        o.put("type", v.typeName());
        o.put("size", v.dataSize());
        Optional<ValueType> t = v.valueType();
        OptionalLong number = v.integer();
        Optional<String> string = v.string();
        Optional<List<String>> multi = v.multiString();
        if (number.isPresent()) {
            o.put("data", t.get() == ValueType.REG_QWORD ? Long.toUnsignedString(number.getAsLong())
                    : Long.toString(number.getAsLong()));
            o.put("hex", "0x" + Long.toHexString(number.getAsLong()));
        } else if (string.isPresent()) {
            o.put("data", ReportText.wellFormed(string.get()));
        } else if (multi.isPresent()) {
            ArrayNode a = o.putArray("data");
            multi.get().forEach(s -> a.add(ReportText.wellFormed(s)));
        } else {
            o.put("data", HexFormat.of().withUpperCase().formatHex(v.data()));
        }
        return o;
    }

    /** One value as {@code reg query} prints it: name, type and data separated by four spaces, indented by four. */
    static String valueLine(RegistryValue v) throws IOException {
        return "    " + text(v.name().isEmpty() ? "(Default)" : v.name()) + "    " + v.typeName() + "    "
                + text(dataText(v));
    }

    /** The data as {@code reg query} shows it: strings as they are, numbers in hex, the rest as hex bytes. */
    static String dataText(RegistryValue v) throws IOException {
        OptionalLong number = v.integer();
        if (number.isPresent()) {
            return "0x" + Long.toHexString(number.getAsLong());
        }
        Optional<String> s = v.string();
        if (s.isPresent()) {
            return s.get();
        }
        Optional<List<String>> multi = v.multiString();
        if (multi.isPresent()) {
            return String.join("\\0", multi.get());
        }
        return HexFormat.of().withUpperCase().formatHex(v.data());
    }

    private static String defaultName(String name) {
        return name.equalsIgnoreCase("(Default)") ? "" : name;
    }

    /** Text from the image, safe for a terminal. */
    private static String text(String s) {
        return ReportText.printable(s);
    }

    /** A recursive query that met more keys than {@link #MAX_KEYS}: a hive whose subkey lists loop. */
    static final class TooManyKeys extends IOException {
        private static final long serialVersionUID = 1L;

        TooManyKeys() {
            super("more than " + MAX_KEYS + " keys below the key: its subkey lists loop or the hive is damaged; "
                    + "stopped");
        }
    }
}
