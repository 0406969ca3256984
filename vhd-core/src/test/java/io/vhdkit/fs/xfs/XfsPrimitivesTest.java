package io.vhdkit.fs.xfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Timestamps, name hashes and CRCs against values xfs_db and the format define. */
class XfsPrimitivesTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void timestamps() {
        // 32-bit seconds (signed) and nanoseconds
        assertEquals(Instant.EPOCH, XfsTime.decode(0, false));
        assertEquals(Instant.parse("1969-12-31T23:59:59.000000001Z"), XfsTime.decode((-1L << 32) | 1, false));
        assertEquals(Instant.parse("2038-01-19T03:14:07Z"), XfsTime.decode((long) Integer.MAX_VALUE << 32, false));
        assertEquals(Instant.parse("1901-12-13T20:45:52Z"), XfsTime.decode((long) Integer.MIN_VALUE << 32, false));
        // bigtime: unsigned nanoseconds since the earliest 32-bit time
        assertEquals(Instant.parse("1901-12-13T20:45:52Z"), XfsTime.decode(0, true));
        assertEquals(Instant.EPOCH, XfsTime.decode((1L << 31) * 1_000_000_000L, true));
        assertEquals(Instant.parse("2486-07-02T20:20:25.709551615Z"), XfsTime.decode(-1L, true));   // 2^64 - 1 ns
    }

    @Test
    void nameHashesAsXfsDbPrintsThem() {
        // from `xfs_db -c ls` of the fixture images
        assertEquals(0x2e, XfsDaHash.hash(utf8(".")));
        assertEquals(0x172e, XfsDaHash.hash(utf8("..")));
        assertEquals(0x3230, XfsDaHash.hash(utf8("d0")));
        assertEquals(0x9d76aef4, XfsDaHash.hash(utf8("UPPER-lower")));
        assertEquals(0x378e8f26, XfsDaHash.hash(utf8("h\u00e9llo.txt")));
        assertEquals(0x23f827f8, XfsDaHash.hash(utf8("emoji-\uD83D\uDE00")));
        assertEquals(0x464edd93, XfsDaHash.hash(utf8("leaf-entry-00000-")));
        assertEquals(0, XfsDaHash.hash(new byte[0]));
    }

    @Test
    void caseInsensitiveHashesAndCompares() {
        assertEquals(XfsDaHash.ciHash(utf8("HELLO.txt"), true), XfsDaHash.ciHash(utf8("hello.TXT"), true));
        assertEquals(XfsDaHash.ciHash(utf8("HELLO.txt"), false), XfsDaHash.ciHash(utf8("hello.TXT"), false));
        // U+00C0 is C3 80 in UTF-8: Linux 6.3 folds the byte 0xC3 like a Latin-1 capital, mkfs.xfs 6.1 does not
        byte[] grave = utf8("\u00c0");
        assertNotEquals(XfsDaHash.ciHash(grave, true), XfsDaHash.ciHash(grave, false));
        assertEquals(XfsDaHash.ciHash(utf8("\u00c0"), false), (0xC3 << 7) ^ 0x80);
        assertTrue(XfsDaHash.ciEquals(utf8("ABC-xyz"), utf8("abc-XYZ")));
        assertFalse(XfsDaHash.ciEquals(utf8("abc"), utf8("abd")));
        assertFalse(XfsDaHash.ciEquals(utf8("abc"), utf8("abcd")));
        assertEquals(0xD7, XfsDaHash.fold(0xD7, true));       // the multiplication sign is not a letter
        assertEquals(0xE0, XfsDaHash.fold(0xC0, true));
        assertEquals(0xC0, XfsDaHash.fold(0xC0, false));
    }

    @Test
    void crc32cIsStoredLittleEndian() {
        // the standard CRC-32C (check value 0xE3069283 over "123456789"), the field itself counted as zeros
        java.util.zip.CRC32C check = new java.util.zip.CRC32C();
        check.update(utf8("123456789"));
        assertEquals(0xE3069283L, check.getValue());
        byte[] b = new byte[17];
        System.arraycopy(utf8("1234"), 0, b, 0, 4);
        System.arraycopy(utf8("56789"), 0, b, 8, 5);
        b[4] = 0x7F;                                   // the field: ignored
        java.util.zip.CRC32C want = new java.util.zip.CRC32C();
        want.update(utf8("1234"));
        want.update(new byte[4]);
        want.update(utf8("56789"));
        want.update(new byte[4]);
        assertEquals((int) want.getValue(), XfsChecksum.compute(ByteBuffer.wrap(b), 0, 17, 4));
        XfsTestSupport.fixCrc(b, 0, 17, 4);
        assertEquals((int) want.getValue(), XfsChecksum.stored(ByteBuffer.wrap(b), 4));
        assertEquals((byte) want.getValue(), b[4]);    // the low byte first
    }
}
