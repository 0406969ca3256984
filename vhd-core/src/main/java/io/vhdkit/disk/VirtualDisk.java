package io.vhdkit.disk;

import io.vhdkit.io.Extent;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The contents of a virtual disk, as a guest sees it: {@link #size()} bytes, readable at any offset. Reads are safe
 * from several threads.
 */
public interface VirtualDisk extends Closeable {

    /** The virtual size in bytes. */
    long size();

    /**
     * Fills {@code dst} from its position to its limit with the bytes at {@code position} of the virtual disk.
     * Unallocated ranges read as zeros.
     *
     * @throws io.vhdkit.format.CorruptFormatException when the range lies outside the disk, or the data it needs
     *                                                 is missing from a damaged image
     */
    void read(long position, ByteBuffer dst) throws IOException;

    /**
     * The ranges that may hold non-zero data, in order, not overlapping and within {@code [0, size())}. Everything
     * outside them reads as zeros. Coarse ranges are allowed (a whole block, a whole file); a reader that needs
     * exact zeros still checks the bytes.
     */
    List<Extent> allocatedExtents() throws IOException;
}
