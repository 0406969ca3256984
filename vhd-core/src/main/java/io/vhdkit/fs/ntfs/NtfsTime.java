package io.vhdkit.fs.ntfs;

import java.time.Instant;

/**
 * NTFS times: a signed 64-bit count of 100-nanosecond intervals since 1601-01-01T00:00:00Z, in UTC (the times of
 * $STANDARD_INFORMATION and $FILE_NAME).
 */
final class NtfsTime {

    /** Seconds from 1601-01-01 to 1970-01-01. */
    static final long EPOCH_DIFFERENCE = 11_644_473_600L;
    static final long TICKS_PER_SECOND = 10_000_000L;

    private NtfsTime() {
    }

    static Instant decode(long ticks) {
        long seconds = Math.floorDiv(ticks, TICKS_PER_SECOND) - EPOCH_DIFFERENCE;
        long nanos = Math.floorMod(ticks, TICKS_PER_SECOND) * 100;
        return Instant.ofEpochSecond(seconds, nanos);
    }
}
