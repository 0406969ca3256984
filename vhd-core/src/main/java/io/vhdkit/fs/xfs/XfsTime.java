package io.vhdkit.fs.xfs;

import java.time.Instant;

/**
 * Inode timestamps ({@code xfs_timestamp_t}). Without bigtime: a signed 32-bit second count since the epoch and a
 * 32-bit nanosecond count (1901 to 2038). With bigtime (the inode's {@code di_flags2} bit): one unsigned 64-bit
 * count of nanoseconds since 1901-12-13T20:45:52Z, the earliest 32-bit time (years 1901 to 2486).
 */
final class XfsTime {

    /** {@code XFS_BIGTIME_EPOCH_OFFSET}: seconds from the bigtime epoch to the Unix epoch. */
    static final long BIGTIME_EPOCH_OFFSET = 1L << 31;
    private static final long NANOS = 1_000_000_000L;

    private XfsTime() {
    }

    /** Decodes the 8 bytes of a timestamp, read as one big-endian long. */
    static Instant decode(long raw, boolean bigtime) {
        if (bigtime) {
            long seconds = Long.divideUnsigned(raw, NANOS) - BIGTIME_EPOCH_OFFSET;
            return Instant.ofEpochSecond(seconds, Long.remainderUnsigned(raw, NANOS));
        }
        // a nanosecond count of 1e9 or more is not valid; Instant folds it into the seconds, as the kernel would
        return Instant.ofEpochSecond((int) (raw >> 32), Integer.toUnsignedLong((int) raw));
    }
}
