package io.vhdkit.fs.fat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** FAT stamps read as UTC, summed field by field as Linux's {@code fat_time_fat2unix} does. */
class FatTimeTest {

    private static int date(int year, int month, int day) {
        return (year - 1980) << 9 | month << 5 | day;
    }

    private static int time(int h, int m, int s) {
        return h << 11 | m << 5 | s / 2;
    }

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    @Test
    void validStamps() {
        assertEquals(at("1980-01-01T00:00:00Z"), FatTime.toInstant(date(1980, 1, 1), 0));
        assertEquals(at("2020-02-29T23:59:58Z"), FatTime.toInstant(date(2020, 2, 29), time(23, 59, 58)));
        assertEquals(at("2020-03-01T00:00:00Z"), FatTime.toInstant(date(2020, 3, 1), 0));
        assertEquals(at("2000-03-01T12:00:00Z"), FatTime.toInstant(date(2000, 3, 1), time(12, 0, 0)));
        assertEquals(at("2099-12-31T00:00:00Z"), FatTime.toInstant(date(2099, 12, 31), 0));
        // 2100 is not a leap year
        assertEquals(at("2100-03-01T00:00:00Z"), FatTime.toInstant(date(2100, 3, 1), 0));
        assertEquals(at("2107-12-31T23:59:58Z"), FatTime.toInstant(0xFFFF & date(2107, 12, 31),
                time(23, 59, 58)));
    }

    @Test
    void outOfRangeFieldsAreSummedAsLinuxDoes() {
        // month 0 and day 0 count as 1
        assertEquals(at("2021-01-01T00:00:00Z"), FatTime.toInstant(date(2021, 0, 0), 0));
        // months 13-15 add no days (Linux's table)
        assertEquals(at("2021-01-05T00:00:00Z"), FatTime.toInstant(date(2021, 13, 5), 0));
        // 31 hours, 63 minutes, 62 seconds are just added
        assertEquals(at("2021-01-02T08:04:02Z"), FatTime.toInstant(date(2021, 1, 1), 31 << 11 | 63 << 5 | 31));
        // February 31st runs into March
        assertEquals(at("2021-03-03T00:00:00Z"), FatTime.toInstant(date(2021, 2, 31), 0));
    }
}
