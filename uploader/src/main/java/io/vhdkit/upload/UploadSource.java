package io.vhdkit.upload;

import io.vhdkit.io.Extent;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** The bytes of the fixed VHD to write, whatever the input file is. Reads are safe from several threads. */
public interface UploadSource extends Closeable {

    /** The input path, for messages. */
    String name();

    /** What the input is and how it is presented, e.g. "dynamic VHD, converted to fixed on the fly". */
    String description();

    /** The length of the fixed VHD: the virtual size plus the 512-byte footer. */
    long size();

    /** The virtual size: {@link #size()} minus the footer. */
    default long virtualSize() {
        return size() - 512;
    }

    /**
     * The ranges that may hold non-zero bytes, in order, not overlapping, within {@code [0, size())}; everything else
     * is known to read as zeros without reading it (BAT holes, SEEK_HOLE ranges). Always includes the footer.
     */
    List<Extent> dataExtents() throws IOException;

    /**
     * True when the bytes can only be produced front to back (a compressed stream): the uploader then calls
     * {@link #read} from one thread at a time, at ascending, non-overlapping positions (gaps allowed: the source
     * skips forward over them), and {@link #dataExtents()} may be the whole range.
     */
    default boolean sequentialOnly() {
        return false;
    }

    /** Fills {@code dst} from its position to its limit with the bytes at {@code position}. */
    void read(long position, ByteBuffer dst) throws IOException;

    /**
     * The bytes of {@code [position, position + length)} as a read-only buffer over the input file itself (a memory
     * mapping: no copy), or null when they must be {@linkplain #read read}. Hand the view to {@link #release} once
     * nothing needs its bytes; it stays readable afterwards (it reads the file again), so a late reader is safe.
     */
    default ByteBuffer view(long position, int length) throws IOException {
        return null;
    }

    /** Gives back the memory of a {@link #view} that nothing needs any more. */
    default void release(ByteBuffer view) {
    }

    /** Bytes read from the input files so far. */
    long bytesRead();

    /** What identifies this input for a resume: a changed input must not continue an older upload. */
    SourceIdentity identity();

    /**
     * @param path      the input's absolute path
     * @param fileSize  the input file's length
     * @param mtime     its modification time, milliseconds since the epoch (of every file of a differencing chain:
     *                  the latest)
     * @param uniqueId  the VHD footer's unique id, or "raw"
     * @param size      the fixed VHD's length
     */
    record SourceIdentity(String path, long fileSize, long mtime, String uniqueId, long size) {
        /** A compact form for blob metadata (ASCII, no secrets). */
        public String compact(int chunkSize) {
            return "v1;size=" + size + ";file=" + fileSize + ";mtime=" + mtime + ";uid=" + uniqueId + ";chunk="
                    + chunkSize;
        }
    }
}
