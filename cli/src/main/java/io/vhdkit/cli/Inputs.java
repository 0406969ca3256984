package io.vhdkit.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Checks on input paths before they are opened, so that "cannot read" is told apart from "bad image". */
final class Inputs {

    private Inputs() {
    }

    /** Fails with a readable reason unless {@code path} is a readable file (or device), not a directory. */
    static void requireReadable(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        if (Files.isDirectory(path)) {
            throw new IOException(path + ": is a directory");
        }
        if (!Files.isReadable(path)) {
            throw new AccessDeniedException(path.toString(), null, "permission denied");
        }
    }

    /** "missing.vhd: no such file" rather than the exception's class name. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file";
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
