package io.vhdkit.compress;

import io.vhdkit.vhd.ParentCandidate;
import io.vhdkit.vhd.ParentNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A differencing VHD's parent is read from a plain file (beside the child, or where its locators point, also when
 * the child itself is compressed). A parent found only in compressed form is not decompressed behind the user's
 * back: this names it and the command that makes it usable.
 */
public final class CompressedParents {

    private static final String[][] KINDS = {{".gz", "gzip"}, {".xz", "xz"}, {".bz2", "bzip2"}, {".zst", "zstd"}};

    private CompressedParents() {
    }

    /** "its parent base.vhd is there compressed as /d/base.vhd.gz: decompress it (gzip -dk ...) ...", if it is. */
    public static Optional<String> hint(ParentNotFoundException e) {
        for (ParentCandidate c : e.tried()) {
            for (String[] kind : KINDS) {
                Path packed = c.path().resolveSibling(c.path().getFileName() + kind[0]);
                if (Files.isRegularFile(packed)) {
                    return Optional.of("its parent " + c.path().getFileName() + " is there compressed, as " + packed
                            + ": decompress it beside it (" + kind[1] + " -dk '" + packed + "') and run again");
                }
            }
        }
        return Optional.empty();
    }

    /** The exception's message, with the hint when there is one. */
    public static String message(ParentNotFoundException e) {
        return e.getMessage() + hint(e).map(h -> "; " + h).orElse("");
    }
}
