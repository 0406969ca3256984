package io.vhdkit.io;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * Gives back the resident pages of a read-only file mapping once they have been used: {@code madvise(2)} with
 * {@code MADV_DONTNEED} (Linux), through JNA's direct mapping. For a shared file mapping this only unmaps the pages
 * from the process; the mapping stays valid and a later access reads the file's page cache again, so it is safe
 * whoever still holds the buffer. Without it, every page a long mapping has touched counts in the process's resident
 * set until the garbage collector unmaps the buffer.
 */
public final class MappedPages {

    /** {@code MADV_DONTNEED} on Linux (asm-generic/mman-common.h). */
    private static final int MADV_DONTNEED = 4;

    private static final LibcBinding LIBC = new LibcBinding(CLibrary.class,
            Platform.isLinux() && Native.POINTER_SIZE == 8);
    /** The page size once known; -1 when getpagesize gave something unusable. */
    private static volatile long pageSize;

    private MappedPages() {
    }

    /** The libc calls we need, bound by {@link LibcBinding}. */
    private static final class CLibrary {
        private CLibrary() {
        }

        static native int madvise(Pointer address, long length, int advice) throws LastErrorException;

        static native int getpagesize();
    }

    /** Whether pages can be given back on this platform (Linux, 64-bit, libc bound). */
    public static boolean supported() {
        return library();
    }

    /** The page size, or 0 when {@link #supported()} is false. */
    public static long pageSize() {
        return library() ? pageSize : 0;
    }

    /**
     * Gives back the whole pages between the buffer's position and its limit (a partial page at either end is kept:
     * it may hold another caller's bytes). The buffer must be a file mapping, or a view of one, opened read-only.
     *
     * @return whether the pages were given back (false where it is not supported, or when madvise refused)
     */
    public static boolean release(ByteBuffer mapped) {
        if (!mapped.isDirect()) {
            throw new IllegalArgumentException("not a mapped buffer");
        }
        if (!library()) {
            return false;
        }
        long base = Pointer.nativeValue(Native.getDirectBufferPointer(mapped));
        long from = roundUp(base + mapped.position(), pageSize);
        long to = roundDown(base + mapped.limit(), pageSize);
        if (to <= from) {
            return true;
        }
        try {
            return CLibrary.madvise(new Pointer(from), to - from, MADV_DONTNEED) == 0;
        } catch (LastErrorException e) {
            return false;
        }
    }

    private static long roundUp(long x, long unit) {
        return (x + unit - 1) / unit * unit;
    }

    private static long roundDown(long x, long unit) {
        return x / unit * unit;
    }

    /** Binds {@link CLibrary} once and learns the page size; false when either fails. */
    private static boolean library() {
        if (!LIBC.bound()) {
            return false;
        }
        if (pageSize == 0) {
            long size = CLibrary.getpagesize();
            pageSize = size > 0 && Long.bitCount(size) == 1 ? size : -1;
        }
        return pageSize > 0;
    }
}
