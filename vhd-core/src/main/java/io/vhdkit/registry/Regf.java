package io.vhdkit.registry;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Locale;

/**
 * Constants and message helpers shared by the regf structures (spec: msuhanov/regf, <i>Windows registry file
 * format specification</i>). Offsets "relative" are relative to the start of the hive bins data: the file offset is
 * {@link #BASE} plus the relative offset.
 */
final class Regf {

    /** The format name in every {@link FieldRef}. */
    static final String FORMAT = "regf";
    /** The base block's size, and the file offset of the first hive bin. */
    static final int BASE = 4096;
    /** A relative offset that points nowhere. */
    static final int NIL = 0xFFFFFFFF;
    /** Hive bins are multiples of this, and so is the hive bins data size. */
    static final int BIN_ALIGNMENT = 4096;
    /**
     * The largest hive bins data size accepted: Windows caps a stable hive at 2 GiB (offsets are 31 bits: the top
     * bit of a cell index selects volatile storage).
     */
    static final int MAX_BINS_SIZE = 0x7FFF_F000;
    /** FILETIME ticks (100 ns) from 1601-01-01 to 1970-01-01. */
    private static final long FILETIME_UNIX_EPOCH = 116_444_736_000_000_000L;

    private Regf() {
    }

    static FieldRef ref(String structure, String field, long fileOffset) {
        return FieldRef.of(FORMAT, structure, field, Math.max(fileOffset, FieldRef.NO_OFFSET));
    }

    /** The file offset of a relative offset (for messages). */
    static long fileOffset(int relative) {
        return BASE + Integer.toUnsignedLong(relative);
    }

    static CorruptFormatException corrupt(String structure, String field, long fileOffset, String actual,
                                          String expected) {
        return new CorruptFormatException(ref(structure, field, fileOffset), actual, expected);
    }

    static CorruptFormatException corrupt(String structure, String field, long fileOffset, String actual,
                                          String expected, String detail) {
        return new CorruptFormatException(ref(structure, field, fileOffset), actual, expected, detail);
    }

    static CorruptFormatException corrupt(String structure, String field, long fileOffset, String detail) {
        return new CorruptFormatException(ref(structure, field, fileOffset), detail);
    }

    static String hex(int value) {
        return String.format(Locale.ROOT, "0x%08X", value);
    }

    static String hex(long value) {
        return String.format(Locale.ROOT, "0x%016X", value);
    }

    /**
     * Decodes a name: extended ASCII (Latin-1) when {@code compressed}, else UTF-16LE code units, unpaired
     * surrogates kept as they are (Windows allows them). The caller checked that a UTF-16 name has an even length.
     */
    static String name(ByteBuffer bytes, boolean compressed) {
        int n = bytes.remaining();
        int p = bytes.position();
        if (compressed) {
            char[] c = new char[n];
            for (int i = 0; i < n; i++) {
                c[i] = (char) (bytes.get(p + i) & 0xFF);
            }
            return new String(c);
        }
        char[] c = new char[n / 2];
        for (int i = 0; i < c.length; i++) {
            c[i] = (char) ((bytes.get(p + 2 * i) & 0xFF) | (bytes.get(p + 2 * i + 1) & 0xFF) << 8);
        }
        return new String(c);
    }

    static String offset(int relative) {
        return String.format(Locale.ROOT, "0x%X", Integer.toUnsignedLong(relative));
    }

    /** Two bytes as a quoted signature, non-printable bytes as {@code \xNN}. */
    static String signature(int b0, int b1) {
        return "\"" + printable(b0) + printable(b1) + "\"";
    }

    /** Four bytes (little-endian int) as a quoted signature. */
    static String signature(int value) {
        return "\"" + printable(value & 0xFF) + printable((value >>> 8) & 0xFF) + printable((value >>> 16) & 0xFF)
                + printable(value >>> 24) + "\"";
    }

    private static String printable(int c) {
        return c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? String.valueOf((char) c)
                : String.format(Locale.ROOT, "\\x%02X", c);
    }

    /** A little-endian int whose bytes spell {@code text} (4 ASCII characters). */
    static int fourCC(String text) {
        return text.charAt(0) | text.charAt(1) << 8 | text.charAt(2) << 16 | text.charAt(3) << 24;
    }

    /** A little-endian short whose bytes spell {@code text} (2 ASCII characters). */
    static int twoCC(String text) {
        return text.charAt(0) | text.charAt(1) << 8;
    }

    /** A FILETIME (100 ns ticks since 1601-01-01 UTC, unsigned) as an instant. */
    static Instant filetime(long ticks) {
        long sinceUnix = ticks - FILETIME_UNIX_EPOCH;
        if (ticks < 0) {          // above 2^63 ticks: year 30828 and later
            sinceUnix = Long.MAX_VALUE - FILETIME_UNIX_EPOCH;
        }
        return Instant.ofEpochSecond(Math.floorDiv(sinceUnix, 10_000_000L),
                Math.floorMod(sinceUnix, 10_000_000L) * 100);
    }

    /**
     * Serial-number order of two 32-bit sequence numbers (they wrap): whether {@code a} is {@code b} or after it,
     * as yarp and the kernel compare them (a difference below 2^31 counts as "after").
     */
    static boolean notBefore(int a, int b) {
        return Integer.toUnsignedLong(a - b) <= 0x7FFF_FFFFL;
    }
}
