package io.vhdkit.fs.ext;

import java.io.IOException;

/** Maps a file's logical blocks to volume blocks: an extent tree or the classic indirect block map. */
interface BlockMap {

    /**
     * The run of blocks that holds logical block {@code logical}: mapped blocks contiguous on the volume, a hole, or
     * unwritten (preallocated) blocks, starting at {@code logical} and at least one block long.
     */
    Run find(long logical) throws IOException;

    /** What a run of logical blocks is. */
    enum Kind { MAPPED, HOLE, UNWRITTEN }

    /**
     * @param logical  the first logical block
     * @param length   blocks, at least 1
     * @param physical the volume block of {@code logical} when mapped, else 0
     */
    record Run(long logical, long length, long physical, Kind kind) {

        static Run hole(long logical, long length) {
            return new Run(logical, length, 0, Kind.HOLE);
        }

        long end() {
            return logical + length;
        }
    }
}
