package io.vhdkit.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Random, read-only access to the bytes of an input file. Implementations allow concurrent positional reads.
 */
public interface ByteSource extends Closeable {

    /** A name for messages, usually the file path. */
    String name();

    /** The length in bytes. */
    long size() throws IOException;

    /**
     * Fills {@code dst} from its position to its limit with the bytes at {@code position}.
     *
     * @throws EOFException when the range extends past the end of the source
     */
    void readFully(long position, ByteBuffer dst) throws IOException;

    /** How many bytes have been read from this source so far: what a command reports as its I/O. */
    long bytesRead();

    /** Reads {@code length} bytes at {@code position} into a new heap buffer, positioned at 0. */
    default ByteBuffer read(long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        readFully(position, buffer);
        return buffer.flip();
    }

    /**
     * The ranges within {@code [from, to)} that may hold data, in order: holes of a sparse file are left out where the
     * platform can tell. The default is the whole range.
     */
    default List<Extent> dataExtents(long from, long to) throws IOException {
        return to > from ? List.of(new Extent(from, to - from)) : List.of();
    }
}
