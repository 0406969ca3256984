package io.vhdkit.vhd;

import java.time.Instant;

/** VHD time stamps: unsigned seconds since 2000-01-01 00:00:00 UTC (spec: "Time Stamp"). */
public final class VhdTime {

    /** 2000-01-01T00:00:00Z as Unix seconds. */
    public static final long EPOCH_UNIX_SECONDS = 946_684_800L;

    private VhdTime() {
    }

    public static Instant toInstant(long vhdSeconds) {
        return Instant.ofEpochSecond(EPOCH_UNIX_SECONDS + vhdSeconds);
    }

    public static long fromInstant(Instant instant) {
        return instant.getEpochSecond() - EPOCH_UNIX_SECONDS;
    }
}
