package io.vhdkit.fs.fat;

import java.time.Instant;

/**
 * FAT date and time stamps (fatgen103, "Date and Time Formats"): a 16-bit date (bits 15-9 years since 1980, 8-5
 * month, 4-0 day) and a 16-bit time (bits 15-11 hours, 10-5 minutes, 4-0 two-second count), in local time with no
 * zone recorded.
 *
 * <p><b>Time zone:</b> vhdkit reads them as UTC, as Linux does when mounted with {@code tz=UTC} (and with the
 * default when the kernel's time zone is UTC, as on most VMs); an image made elsewhere may be hours off. Out-of-range
 * fields are not rejected: they are summed the way Linux's {@code fat_time_fat2unix} (fs/fat/misc.c) does (month and
 * day 0 count as 1, months 13-15 add no days, seconds up to 62), so that vhdkit shows the time {@code stat} shows on
 * Linux.
 */
final class FatTime {

    /** Days before each month, index = month (1-12); 0 and 13-15 as Linux's table ({@code days_in_year}). */
    private static final int[] DAYS_BEFORE_MONTH = {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 0, 0, 0};
    /** 1970-01-01 to 1980-01-01: ten years with two leap days. */
    private static final long DAYS_1970_TO_1980 = 3652;
    private static final long SECONDS_PER_DAY = 86_400;

    private FatTime() {
    }

    /** The instant of a FAT date and time read as UTC. */
    static Instant toInstant(int date, int time) {
        long year = (date >> 9) & 0x7F;
        int month = Math.max(1, (date >> 5) & 0xF);
        long day = Math.max(1, date & 0x1F) - 1;
        // leap days in the whole years since 1980 (1980 itself is one); 2100 is not a leap year
        long leapDays = (year + 3) / 4;
        if (year > 2100 - 1980) {
            leapDays--;
        }
        if (isLeap(year) && month > 2) {
            leapDays++;
        }
        long days = DAYS_1970_TO_1980 + year * 365 + leapDays + DAYS_BEFORE_MONTH[month] + day;
        long seconds = (time & 0x1F) * 2L + ((time >> 5) & 0x3F) * 60L + ((time >> 11) & 0x1F) * 3600L;
        return Instant.ofEpochSecond(days * SECONDS_PER_DAY + seconds);
    }

    private static boolean isLeap(long yearsSince1980) {
        long y = 1980 + yearsSince1980;
        return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    }
}
