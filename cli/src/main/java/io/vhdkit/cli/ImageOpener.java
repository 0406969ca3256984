package io.vhdkit.cli;

import io.vhdkit.format.FormatException;
import io.vhdkit.image.DiskImage;
import io.vhdkit.vhd.ParentNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Opens an image for the commands that read files in it, and turns failures into messages and exit codes. */
final class ImageOpener {

    /** A failure already reported to the user, with the exit code it stands for. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        final int exit;

        Failed(int exit) {
            super(null, null, false, false);
            this.exit = exit;
        }
    }

    private ImageOpener() {
    }

    /**
     * Opens {@code image} or reports why not on {@code err}: exit 3 when the file cannot be read, exit 1 when it
     * is not a readable VHD.
     */
    static DiskImage open(String command, Path image, PrintWriter err) throws Failed {
        try {
            Inputs.requireReadable(image);
        } catch (IOException e) {
            err.println("vhdkit " + command + ": cannot read " + Inputs.reason(e));
            throw new Failed(ExitCodes.UNREADABLE);
        }
        try {
            return DiskImage.open(image);
        } catch (FormatException | ParentNotFoundException e) {
            err.println("vhdkit " + command + ": " + image + ": " + e.getMessage());
            throw new Failed(ExitCodes.FINDINGS);
        } catch (IOException e) {
            err.println("vhdkit " + command + ": cannot read " + image + ": " + Inputs.reason(e));
            throw new Failed(ExitCodes.UNREADABLE);
        }
    }

    /**
     * The message and exit code for a failure while reading inside an opened image: a missing path or a damaged
     * structure is exit 1; an I/O error is exit 3.
     */
    static int report(String command, Path image, IOException e, PrintWriter err) {
        if (e instanceof java.nio.file.NoSuchFileException n) {
            err.println("vhdkit " + command + ": " + image + ": " + n.getFile() + ": "
                    + (n.getReason() == null ? "no such file or directory" : n.getReason()));
            return ExitCodes.FINDINGS;
        }
        if (e instanceof java.nio.file.NotDirectoryException n) {
            err.println("vhdkit " + command + ": " + image + ": " + n.getFile() + ": not a directory");
            return ExitCodes.FINDINGS;
        }
        if (e instanceof java.nio.file.FileSystemLoopException n) {
            err.println("vhdkit " + command + ": " + image + ": " + n.getFile() + ": too many levels of symbolic links");
            return ExitCodes.FINDINGS;
        }
        if (e instanceof FormatException) {
            err.println("vhdkit " + command + ": " + image + ": " + e.getMessage());
            return ExitCodes.FINDINGS;
        }
        err.println("vhdkit " + command + ": cannot read " + image + ": " + Inputs.reason(e));
        return ExitCodes.UNREADABLE;
    }
}
