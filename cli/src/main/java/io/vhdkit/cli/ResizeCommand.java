package io.vhdkit.cli;

import io.vhdkit.format.FormatException;
import io.vhdkit.vhd.ParentNotFoundException;
import io.vhdkit.vhd.VhdFile;
import io.vhdkit.vhd.VhdResize;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vhdkit resize}: change the virtual size of a fixed or dynamic VHD. */
@Command(name = "resize",
        mixinStandardHelpOptions = true,
        description = {"Changes the virtual size of a fixed or dynamic VHD.",
                "A fixed VHD grows in place (the file is extended as a hole and the footer moved); a dynamic one "
                        + "updates its footers, grows its BAT into the free space after it, or is rewritten to a "
                        + "temporary file that replaces it (same unique id and block size). The grown part reads "
                        + "as zeros: blocks another tool left allocated past the old size are unallocated first.",
                "Shrinking is refused below the end of the last partition (named), on a GPT disk, and on a disk "
                        + "without a partition table that holds data. Differencing disks are not resized: convert "
                        + "them first."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  resized (or already that size)", "  1  refused (the reason is printed), or not a readable VHD",
                "  2  usage error", "  3  the image could not be read or written"})
final class ResizeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The VHD to resize, in place.")
    Path image;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--align-mib", required = true,
                description = "Grow the virtual size to the next whole MiB (Azure's rule).")
        boolean alignMib;

        @Option(names = "--size", required = true, paramLabel = "SIZE",
                description = "The new virtual size: bytes, or with a K, M, G or T suffix (powers of 1024); a "
                        + "multiple of 512.")
        String size;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Inputs.requireReadable(image);
        } catch (IOException e) {
            err.println("vhdkit resize: cannot read " + Inputs.reason(e));
            return ExitCodes.UNREADABLE;
        }
        try {
            long current;
            try (VhdFile f = VhdFile.open(image)) {
                current = f.virtualSize();
            }
            long size;
            if (target.alignMib) {
                size = ConvertCommand.roundUp(current, ConvertCommand.MIB);
            } else {
                Long parsed = parseSize(target.size);
                if (parsed == null || parsed <= 0 || parsed % 512 != 0) {
                    err.println("vhdkit resize: --size " + target.size + " is not a positive multiple of 512 bytes "
                            + "(for example 30G, 30720M or 32212254720)");
                    return ExitCodes.USAGE;
                }
                size = parsed;
            }
            VhdResize.Outcome o = VhdResize.resize(image, size);
            if (o.refused()) {
                err.println("vhdkit resize: " + image + ": refused: " + o.refusal());
                return ExitCodes.FINDINGS;
            }
            if (!o.actions().isEmpty()) {
                out.printf(Locale.ROOT, "%s: virtual size %s -> %s%n", image, ConvertCommand.bytes(o.oldSize()),
                        ConvertCommand.bytes(o.newSize()));
            }
            o.actions().forEach(a -> out.println("  " + a));
            o.notes().forEach(n -> out.println("  note: " + n));
            if (o.newSize() % ConvertCommand.MIB != 0) {
                out.println("  note: the virtual size " + o.newSize() + " is not a whole MiB; Azure rejects it");
            }
            return ExitCodes.OK;
        } catch (FormatException | ParentNotFoundException e) {
            err.println("vhdkit resize: " + image + ": " + e.getMessage());
            return ExitCodes.FINDINGS;
        } catch (IOException e) {
            err.println("vhdkit resize: cannot resize " + image + ": " + Inputs.reason(e));
            return ExitCodes.UNREADABLE;
        }
    }

    /** {@code 30G} and friends; null when it does not parse or overflows. */
    static Long parseSize(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("IB")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - 1);
        }
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                case 'T' -> unit = 1L << 40;
                default -> unit = 1;
            }
            if (unit != 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(t), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }
}
