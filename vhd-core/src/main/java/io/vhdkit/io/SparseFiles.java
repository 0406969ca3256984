package io.vhdkit.io;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The data and hole map of a file through {@code lseek(2)} with {@code SEEK_DATA}/{@code SEEK_HOLE} (POSIX.1-2024;
 * Linux 3.1+, FreeBSD, macOS, illumos), called through JNA's direct mapping (static native methods bound once:
 * no interface proxy to generate at start-up, and cheaper calls). Where the platform or the filesystem cannot tell,
 * the whole range is data.
 */
public final class SparseFiles {

    /** Past this many extents the rest of the range is returned as one: a superset is always correct. */
    static final int MAX_EXTENTS = 1 << 20;

    private static final int O_RDONLY = 0;
    private static final int ENXIO = 6;

    private static final Whence WHENCE = Whence.forPlatform();
    private static final LibcBinding LIBC = new LibcBinding(CLibrary.class, WHENCE != null && Native.LONG_SIZE == 8);

    private SparseFiles() {
    }

    /** The {@code whence} values, which differ between platforms. */
    private record Whence(int seekData, int seekHole) {
        static Whence forPlatform() {
            if (Platform.isLinux() || Platform.isFreeBSD() || Platform.isSolaris()) {
                return new Whence(3, 4);
            }
            if (Platform.isMac()) {
                return new Whence(4, 3);
            }
            return null;
        }
    }

    /** The libc calls we need, bound by {@link LibcBinding}; {@code off_t} is 64-bit where we enable them. */
    private static final class CLibrary {
        private CLibrary() {
        }

        static native int open(String path, int flags) throws LastErrorException;

        static native long lseek(int fd, long offset, int whence) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;
    }

    /** Whether the hole map can be asked for on this platform. */
    public static boolean supported() {
        return LIBC.bound();
    }

    /**
     * The ranges of {@code [from, to)} that the filesystem reports as data, in order and not overlapping. Holes read
     * as zeros, so a reader may skip them.
     */
    public static List<Extent> dataExtents(Path path, long from, long to) throws IOException {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ")");
        }
        if (to == from) {
            return List.of();
        }
        List<Extent> whole = List.of(new Extent(from, to - from));
        if (!LIBC.bound()) {
            return whole;
        }
        int fd;
        try {
            fd = CLibrary.open(path.toString(), O_RDONLY);
        } catch (LastErrorException e) {
            throw new IOException(path + ": cannot open to read its hole map (errno " + e.getErrorCode() + ")", e);
        }
        try {
            return scan(fd, from, to);
        } catch (LastErrorException e) {
            return whole; // EINVAL and friends: this filesystem cannot tell
        } finally {
            try {
                CLibrary.close(fd);
            } catch (LastErrorException ignored) {
                // nothing was written: a failed close loses nothing
            }
        }
    }

    private static List<Extent> scan(int fd, long from, long to) {
        List<Extent> out = new ArrayList<>();
        long pos = from;
        while (pos < to) {
            long data;
            try {
                data = CLibrary.lseek(fd, pos, WHENCE.seekData());
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ENXIO) {
                    break; // no data at or after pos
                }
                throw e;
            }
            if (data >= to) {
                break;
            }
            long hole = CLibrary.lseek(fd, data, WHENCE.seekHole());
            if (hole <= data) {
                hole = to; // a filesystem answer that makes no progress: treat the rest as data
            }
            if (out.size() == MAX_EXTENTS - 1) {
                hole = to;
            }
            out.add(new Extent(data, Math.min(hole, to) - data));
            pos = hole;
        }
        return List.copyOf(out);
    }
}
