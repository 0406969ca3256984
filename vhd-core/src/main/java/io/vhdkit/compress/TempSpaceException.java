package io.vhdkit.compress;

import java.io.IOException;
import java.nio.file.Path;

/** The temporary copy of a compressed image would not fit in the space allowed for it. */
public final class TempSpaceException extends IOException {
    private static final long serialVersionUID = 1L;

    TempSpaceException(Path input, Path dir, long needed, long limit, boolean capped) {
        super("decompressing " + input + " needs more than " + mib(limit) + " of temporary space in " + dir
                + " (" + mib(needed) + " of data so far; zeros are not stored)"
                + (capped ? ", the cap set for it" : ", what is free there")
                + ": free space there or pick a larger directory with --temp-dir, or decompress it yourself");
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
