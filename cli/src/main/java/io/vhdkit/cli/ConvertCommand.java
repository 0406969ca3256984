package io.vhdkit.cli;

import io.vhdkit.compress.CompressedInput;
import io.vhdkit.format.FormatException;
import io.vhdkit.vhd.DiskType;
import io.vhdkit.vhd.ParentNotFoundException;
import io.vhdkit.vhd.VhdWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vhdkit convert}: any readable disk image to a new fixed (or dynamic) VHD. */
@Command(name = "convert",
        mixinStandardHelpOptions = true,
        description = {"Converts a disk image to a new VHD: a raw image, a dynamic or differencing VHD (read through "
                + "its whole parent chain), or a fixed VHD (to a dynamic one with --type dynamic).",
                "The output is sparse (zero regions are skipped, never written), gets a fresh footer (creator "
                        + "\"vhdk\", the spec's CHS geometry, a new unique id) and is written to a temporary "
                        + "file (.OUT.*.vhdkit-partial) in OUT's directory that is renamed to OUT only when "
                        + "complete. The input is only read.",
                "The virtual size is the input's (the current size of a VHD; a raw image's size rounded up to "
                        + "512 bytes); --align-mib grows it to the next whole MiB, as Azure requires."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  converted", "  1  the input is not a readable image (damaged, or a parent missing)",
                "  2  usage error (OUT exists without --force, OUT is IN)",
                "  3  the input could not be read or the output could not be written"})
final class ConvertCommand implements Callable<Integer> {

    static final long MIB = 1024L * 1024;

    @Parameters(index = "0", paramLabel = "IN", description = "The image to convert.")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT", description = "The VHD to write.")
    Path output;

    @Option(names = "--type", defaultValue = "fixed", paramLabel = "TYPE",
            description = "The output's type: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputType type;

    @Option(names = "--align-mib", description = "Grow the virtual size to the next whole MiB (Azure's rule).")
    boolean alignMib;

    @Option(names = "--source-format", defaultValue = "auto", paramLabel = "FORMAT",
            description = "What IN is: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: a VHD, a VHDX, or a "
                    + "raw image with an MBR or GPT; other raw images need --source-format raw).")
    SourceDisks.Format sourceFormat;

    @Option(names = "--temp-dir", paramLabel = "DIR",
            description = "Where a compressed IN (.gz, .xz, .bz2, .zst, a tar of one image) is decompressed to a "
                    + "sparse temporary copy (default: java.io.tmpdir).")
    Path tempDir;

    @Option(names = "--force", description = "Replace OUT if it exists.")
    boolean force;

    @Option(names = "--no-sync", description = "Do not wait for OUT to reach the disk: skip the fsync before the "
            + "rename (faster by the time the disk takes to write the data; a power loss or crash of the machine "
            + "soon after may leave OUT incomplete, while a killed vhdkit still never does). By default OUT is "
            + "forced to disk first.")
    boolean noSync;

    @Spec
    CommandSpec spec;

    enum OutputType { fixed, dynamic }

    @Override
    public Integer call() {
        return run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * The conversion with the options set, printing to {@code out} and {@code err}; also what {@link QuickConvert}
     * runs without picocli, so this path must not touch {@link #spec}.
     */
    int run(PrintWriter out, PrintWriter err) {
        try {
            Inputs.requireReadable(input);
        } catch (IOException e) {
            err.println("vhdkit convert: cannot read " + Inputs.reason(e));
            return ExitCodes.UNREADABLE;
        }
        if (Files.exists(output)) {
            try {
                if (Files.isSameFile(input, output)) {
                    err.println("vhdkit convert: OUT is the same file as IN (" + output + "); write to another file");
                    return ExitCodes.USAGE;
                }
            } catch (IOException e) {
                err.println("vhdkit convert: cannot read " + Inputs.reason(e));
                return ExitCodes.UNREADABLE;
            }
            if (!force) {
                err.println("vhdkit convert: " + output + " exists; pass --force to replace it");
                return ExitCodes.USAGE;
            }
            if (Files.isDirectory(output)) {
                err.println("vhdkit convert: " + output + " is a directory; name the VHD file to write");
                return ExitCodes.USAGE;
            }
        }
        long started = System.nanoTime();
        CompressedInput packed;
        try {
            packed = Decompressed.open(input, tempDir);
        } catch (FormatException e) {
            err.println("vhdkit convert: " + input + ": " + e.getMessage());
            return ExitCodes.FINDINGS;
        } catch (IOException e) {
            err.println("vhdkit convert: cannot read " + input + ": " + Inputs.reason(e));
            return ExitCodes.UNREADABLE;
        }
        try (packed) {
            return convert(packed, out, err, started);
        } catch (IOException e) {
            err.println("vhdkit convert: cannot remove the temporary copy " + packed.path() + ": "
                    + Inputs.reason(e));
            return ExitCodes.UNREADABLE;
        }
    }

    private int convert(CompressedInput packed, PrintWriter out, PrintWriter err, long started) {
        SourceDisks.Source source;
        try {
            source = SourceDisks.open(packed.path(), sourceFormat);
        } catch (FormatException | ParentNotFoundException e) {
            err.println("vhdkit convert: " + input + ": " + e.getMessage());
            return ExitCodes.FINDINGS;
        } catch (IOException e) {
            err.println("vhdkit convert: cannot read " + input + ": " + Inputs.reason(e));
            return ExitCodes.UNREADABLE;
        }
        try (var disk = source.disk()) {
            long inputSize = disk.size();
            long size = roundUp(inputSize, 512);
            if (alignMib) {
                size = roundUp(size, MIB);
            }
            if (size == 0) {
                err.println("vhdkit convert: " + input + " is empty: there is no disk to convert");
                return ExitCodes.FINDINGS;
            }
            DiskType t = type == OutputType.fixed ? DiskType.FIXED : DiskType.DYNAMIC;
            VhdWriter.Result r;
            try {
                r = VhdWriter.write(disk, output, VhdWriter.Options.of(t, size, force), !noSync);
            } catch (FileAlreadyExistsException e) {
                err.println("vhdkit convert: " + output + " " + (e.getReason() == null ? "exists" : e.getReason())
                        + "; pass --force to replace it");
                return ExitCodes.USAGE;
            } catch (FormatException e) {
                throw e;
            } catch (IOException e) {
                err.println("vhdkit convert: cannot write " + output + ": " + Inputs.reason(e));
                return ExitCodes.UNREADABLE;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            // plain concatenation, not printf: java.util.Formatter loads the locale machinery, about 15 ms of a
            // conversion that takes a few tenths of a second
            out.println(input + " (" + (packed.compressed() ? packed.describe() + "; " : "") + source.description()
                    + ", " + bytes(inputSize) + ") -> " + output + " (" + t.label() + " VHD, virtual size "
                    + bytes(size) + "): " + bytes(r.dataBytes()) + " of data written, file " + r.fileSize()
                    + " bytes, " + decimal(seconds, 1) + " s");
            if (size != inputSize) {
                out.println("  the virtual size grew from " + inputSize + " to " + size + " bytes ("
                        + (alignMib ? "--align-mib" : "a whole number of 512-byte sectors") + ")");
            }
            if (size % MIB != 0) {
                out.println("  note: the virtual size " + size + " is not a whole MiB; Azure rejects it (convert with "
                        + "--align-mib, or vhdkit resize " + output + " --align-mib)");
            }
            return ExitCodes.OK;
        } catch (FormatException | ParentNotFoundException e) {
            err.println("vhdkit convert: " + input + ": " + e.getMessage());
            return ExitCodes.FINDINGS;
        } catch (IOException e) {
            err.println("vhdkit convert: cannot read " + input + ": " + Inputs.reason(e));
            return ExitCodes.UNREADABLE;
        }
    }

    static long roundUp(long value, long unit) {
        return (value + unit - 1) / unit * unit;
    }

    /** {@code "67108864 bytes (64 MiB)"}. */
    static String bytes(long n) {
        if (n % MIB == 0) {
            return n + " bytes (" + n / MIB + " MiB)";
        }
        return n + " bytes (" + decimal(n / (double) MIB, 2) + " MiB)";
    }

    /** {@code x} with {@code places} decimals, rounded half up: what {@code %.Nf} prints, without a Formatter. */
    static String decimal(double x, int places) {
        return BigDecimal.valueOf(x).setScale(places, RoundingMode.HALF_UP).toPlainString();
    }
}
