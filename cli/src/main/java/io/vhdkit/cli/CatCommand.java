package io.vhdkit.cli;

import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.Resolved;
import io.vhdkit.image.DiskImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vhdkit cat}: print a file inside an image, like virt-cat. */
@Command(name = "cat",
        mixinStandardHelpOptions = true,
        description = {"Writes a file inside the image to standard output, byte for byte, without mounting it, "
                + "as the running system would see it (the root with the other volumes mounted per /etc/fstab).",
                "Large files are streamed."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  written", "  1  no such file, a directory, not a VHD, or a damaged structure",
                "  2  usage error", "  3  the image could not be read"})
final class CatCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The VHD.")
    Path image;

    @Parameters(index = "1", paramLabel = "PATH", description = "An absolute path in the image, / or \\ separated (C:\\Windows\\win.ini works).")
    String path;

    @Option(names = "--volume", paramLabel = "VOLUME",
            description = "Read this volume alone (p2, vg/lv, a label or UUID) instead of the mounted layout.")
    String volume;

    @Spec
    CommandSpec spec;

    private final OutputStream data;

    CatCommand() {
        this(System.out);
    }

    /** With the stream the file's bytes go to (tests pass their own). */
    CatCommand(OutputStream data) {
        this.data = data;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String path = ImagePaths.toPosix(this.path).orElse(null);
        if (path == null) {
            err.println("vhdkit cat: PATH must be absolute (/etc/fstab, C:\\Windows or \\Windows): " + this.path);
            return ExitCodes.USAGE;
        }
        try (DiskImage img = ImageOpener.open("cat", image, err)) {
            Resolved f = img.resolver(Optional.ofNullable(volume)).resolve(path, true);
            if (f.node().type() == FileType.DIRECTORY) {
                err.println("vhdkit cat: " + image + ": " + f.path() + ": is a directory");
                return ExitCodes.FINDINGS;
            }
            if (f.node().type() != FileType.REGULAR) {
                err.println("vhdkit cat: " + image + ": " + f.path() + ": not a regular file ("
                        + f.node().type().name().toLowerCase(java.util.Locale.ROOT) + ")");
                return ExitCodes.FINDINGS;
            }
            try (InputStream in = FsFiles.newInputStream(f.fs(), f.node())) {
                in.transferTo(data);
            }
            data.flush();
            return ExitCodes.OK;
        } catch (ImageOpener.Failed failed) {
            return failed.exit;
        } catch (IOException e) {
            return ImageOpener.report("cat", image, e, err);
        }
    }
}
