package io.vhdkit.fs.ntfs;

import static io.vhdkit.fs.ntfs.NtfsTestSupport.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.CorruptFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The small structures on their own: mapping pairs, update sequences, reparse data and link targets, the upper-case
 * table's ordering, NT times, attribute list entries.
 */
class StructureTest {

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    private static Runlist runs(String pairs, long lowest, long highest) throws CorruptFormatException {
        byte[] b = hex(pairs);
        return Runlist.decode(b, 0, b.length, lowest, highest, 100_000, "test", 0x400, Runlist.MAX_RUNS);
    }

    @Test
    void mappingPairsDecodeToRuns() throws CorruptFormatException {
        // 0x21: 1 length byte, 2 offset bytes. 16 clusters at 0x1234, 8 sparse, 4 at 0x1234 - 0x34 (negative delta)
        Runlist r = runs("21 10 3412  01 08  21 04 ccff  00", 0, 27);
        assertEquals(3, r.count());
        assertEquals(0, r.vcn(0));
        assertEquals(0x1234, r.lcn(0));
        assertEquals(16, r.length(0));
        assertEquals(16, r.vcn(1));
        assertEquals(Runlist.SPARSE, r.lcn(1));
        assertEquals(8, r.length(1));
        assertEquals(24, r.vcn(2));
        assertEquals(0x1234 - 0x34, r.lcn(2), "the delta is relative to the last run with clusters");
        assertEquals(28, r.endVcn());
        assertEquals(1, r.find(20));
        assertEquals(-1, r.find(28));
        assertEquals(0, r.find(0));
        assertEquals(2, r.allocatedRuns());
        // a later segment, starting where the first ends
        Runlist next = runs("11 02 40 00", 28, 29);
        Runlist joined = r.append(next, "test");
        assertEquals(4, joined.count());
        assertEquals(0x40, joined.lcn(3), "each segment's deltas start from 0");
        assertEquals(0x40, next.lcn(0));
    }

    @Test
    void lyingMappingPairsAreRefused() {
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("11 10 20", 0, 15)),
                "without a terminating 0 byte");
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("90 00", 0, 15)),
                "has 0 length and 9 offset bytes");
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("19 10 00", 0, 15)),
                "has 9 length and 1 offset bytes");
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("31 10 20", 0, 15)),
                "runs past the end of the attribute");
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("11 00 20 00", 0, 15)),
                "has length 0 - should be positive");
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("11 f0 20 00", 0, 15)),
                "has length -16 - should be positive");
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("31 10 a08601 00", 0, 15)),
                "covers clusters 100000 to 100015, beyond the volume's 100000 clusters");
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("11 10 f0 00", 0, 15)),
                "covers clusters -16");
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("11 10 20 00", 0, 7)),
                "ends after the attribute's highest VCN 7");
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("11 10 20 00", 0, 31)),
                "the runs end at VCN 15 but the attribute's highest VCN is 31");
        byte[] many = hex("01 01 ".repeat(9) + "00");
        assertMessage(assertThrows(CorruptFormatException.class, () -> Runlist.decode(many, 0, many.length, 0, 8,
                100, "test", 0, 8)), "more than 8 runs");
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("11 10 20 00", 0, 15).append(
                runs("11 10 20 00", 20, 35), "test")), "starts at VCN 20 but the previous one ends before VCN 16");
    }

    @Test
    void fixupsAreCheckedAndUndone() throws CorruptFormatException {
        byte[] b = new byte[1024];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0, 0x454C4946).putShort(4, (short) 0x30).putShort(6, (short) 3);
        bb.putShort(0x30, (short) 0x0007).putShort(0x32, (short) 0xAAAA).putShort(0x34, (short) 0xBBBB);
        bb.putShort(510, (short) 7).putShort(1022, (short) 7);
        Fixups.apply(b.clone(), 1024, "rec", 0);
        byte[] fixed = b.clone();
        Fixups.apply(fixed, 1024, "rec", 0);
        assertEquals(0xAAAA, NtfsTestSupport.u16(fixed, 510));
        assertEquals(0xBBBB, NtfsTestSupport.u16(fixed, 1022));
        byte[] torn = b.clone();
        torn[1022] = 8;
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> Fixups.apply(torn, 1024, "rec",
                0x4000));
        assertMessage(e, "rec @0x43FE", "the last two bytes of 512-byte block 1 are 0x0008 - should be the update "
                + "sequence number 0x0007", "torn");
        byte[] count = b.clone();
        count[6] = 2;
        assertMessage(assertThrows(CorruptFormatException.class, () -> Fixups.apply(count, 1024, "rec", 0)),
                "update sequence count is 2 - should be 3");
        byte[] odd = b.clone();
        odd[4] = 0x31;
        assertMessage(assertThrows(CorruptFormatException.class, () -> Fixups.apply(odd, 1024, "rec", 0)),
                "update sequence offset is 49");
        byte[] late = b.clone();
        late[4] = (byte) 0xFC;
        late[5] = 0x01;
        assertMessage(assertThrows(CorruptFormatException.class, () -> Fixups.apply(late, 1024, "rec", 0)),
                "update sequence offset is 508");
    }

    private static byte[] utf16(String s) {
        return s.getBytes(StandardCharsets.UTF_16LE);
    }

    private static byte[] symlink(int tag, String substitute, String print, int flags) {
        byte[] sub = utf16(substitute);
        byte[] pr = utf16(print);
        int buffer = tag == ReparsePoint.TAG_SYMLINK ? 12 : 8;
        ByteBuffer b = ByteBuffer.allocate(buffer + sub.length + pr.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0).putShort((short) sub.length).putShort((short) sub.length).putShort((short) pr.length);
        if (tag == ReparsePoint.TAG_SYMLINK) {
            b.putInt(flags);
        }
        b.put(sub).put(pr);
        ByteBuffer v = ByteBuffer.allocate(8 + b.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        v.putInt(tag).putShort((short) b.capacity()).putShort((short) 0).put(b.array());
        return v.array();
    }

    private static String target(int tag, String substitute, int flags) throws CorruptFormatException {
        ReparsePoint.Target t = ReparsePoint.decode(symlink(tag, substitute, "print", flags), "s", 0).target("s", 0);
        return t.path() != null ? t.path() : "! " + t.problem();
    }

    @Test
    void linkTargetsBecomePathsInThisVolume() throws CorruptFormatException {
        int sym = ReparsePoint.TAG_SYMLINK;
        int junction = ReparsePoint.TAG_MOUNT_POINT;
        assertEquals("/Windows/System32", target(sym, "\\??\\C:\\Windows\\System32", 0));
        assertEquals("/Windows/System32", target(junction, "\\??\\C:\\Windows\\System32", 0));
        assertEquals("/Users/Public/", target(junction, "\\??\\c:\\Users\\Public\\", 0));
        assertEquals("/", target(junction, "\\??\\D:\\", 0));
        assertEquals("/", target(junction, "\\??\\D:", 0));
        assertEquals("/Windows", target(sym, "C:\\Windows", 0));
        assertEquals("/Windows", target(sym, "\\\\?\\C:\\Windows", 0));
        assertEquals("/Windows", target(sym, "\\Windows", 0));
        assertEquals("/Windows", target(sym, "\\Windows", ReparsePoint.SYMLINK_FLAG_RELATIVE));
        assertEquals("../lib/x.dll", target(sym, "..\\lib\\x.dll", ReparsePoint.SYMLINK_FLAG_RELATIVE));
        assertEquals("sub/dir", target(sym, "sub\\dir", ReparsePoint.SYMLINK_FLAG_RELATIVE));
        assertTrue(target(junction, "\\??\\Volume{0a1b2c3d-0000-0000-0000-000000000000}\\x", 0)
                .startsWith("! the target \"\\??\\Volume{"));
        assertTrue(target(junction, "\\??\\Volume{0a1b2c3d-0000-0000-0000-000000000000}\\x", 0)
                .endsWith("is on another volume, named by its GUID"));
        assertTrue(target(sym, "\\??\\UNC\\server\\share", 0).endsWith("is on a network share"));
        assertTrue(target(sym, "\\\\server\\share", 0).endsWith("is on a network share"));
        assertTrue(target(sym, "\\Device\\HarddiskVolume2\\x", 0).startsWith("/Device"), "a path from the root");
        assertTrue(target(sym, "\\??\\GLOBALROOT\\Device\\x", 0).endsWith("does not name a place on this volume"));
        // the print name when the substitute name is empty
        ReparsePoint p = ReparsePoint.decode(symlink(sym, "", "C:\\print", 0), "s", 0);
        assertEquals("/print", p.target("s", 0).path());
    }

    @Test
    void reparseDataIsChecked() throws CorruptFormatException {
        byte[] v = symlink(ReparsePoint.TAG_SYMLINK, "\\??\\C:\\x", "x", 0);
        v[4] = (byte) 0xF0;     // data length past the value
        assertMessage(assertThrows(CorruptFormatException.class, () -> ReparsePoint.decode(v, "s", 0)),
                "$REPARSE_POINT data length is 240");
        byte[] w = symlink(ReparsePoint.TAG_SYMLINK, "\\??\\C:\\x", "x", 0);
        w[8 + 2] = 0x7F;        // substitute name length past the buffer
        assertMessage(assertThrows(CorruptFormatException.class, () -> ReparsePoint.decode(w, "s", 0)
                .target("s", 0)), "reparse substitute name");
        assertMessage(assertThrows(CorruptFormatException.class, () -> ReparsePoint.decode(new byte[5], "s", 0)),
                "length is 5 - should be at least 8");
        // a third-party tag carries a GUID before its data
        byte[] third = new byte[8 + 16 + 3];
        ByteBuffer.wrap(third).order(ByteOrder.LITTLE_ENDIAN).putInt(0x00001234).putShort((short) 3);
        third[24] = 'a';
        ReparsePoint tp = ReparsePoint.decode(third, "s", 0);
        assertArrayEquals(new byte[]{'a', 0, 0}, tp.data());
        assertEquals("reparse tag 0x00001234", ReparsePoint.tagName(0x1234));
        assertEquals("0x9000301A IO_REPARSE_TAG_CLOUD (a OneDrive or cloud files placeholder)",
                ReparsePoint.tagName(0x9000301A));
        // a WSL symlink: a version, then the UTF-8 target
        byte[] lx = new byte[8 + 4 + 3];
        ByteBuffer.wrap(lx).order(ByteOrder.LITTLE_ENDIAN).putInt(ReparsePoint.TAG_LX_SYMLINK).putShort((short) 7)
                .putShort((short) 0).putInt(2).put("a/b".getBytes(StandardCharsets.UTF_8));
        assertEquals("a/b", ReparsePoint.decode(lx, "s", 0).target("s", 0).path());
        assertFalse(ReparsePoint.decode(symlink(0x80000017, "", "", 0), "s", 0).isLink());
    }

    @Test
    void theUpperCaseTableOrdersNamesAsTheIndexDoes() throws CorruptFormatException {
        byte[] table = new byte[UpCase.SIZE];
        for (int c = 0; c < 0x10000; c++) {
            int u = c >= 'a' && c <= 'z' || c >= 0xE0 && c <= 0xFE && c != 0xF7 ? c - 32 : c;
            table[2 * c] = (byte) u;
            table[2 * c + 1] = (byte) (u >>> 8);
        }
        UpCase up = UpCase.of(table, 0);
        assertEquals(0, up.compareIgnoreCase("Readme.TXT", "README.txt"));
        assertTrue(up.collate("README", "Readme") < 0, "equal ignoring case: then by code unit, upper first");
        assertTrue(up.compareIgnoreCase("a", "B") < 0);
        assertTrue(up.compareIgnoreCase("_", "a") > 0, "'_' (0x5F) sorts after 'A' (0x41), the upper case of 'a'");
        assertTrue(up.compareIgnoreCase("ab", "abc") < 0);
        assertEquals("ÉCOLE", up.upper("école"));
        assertEquals("STRAßE", up.upper("straße"), "one code unit at a time: no SS");
        // a short table maps the rest to themselves
        UpCase shortTable = UpCase.of(new byte[]{0, 0, 'A', 0}, 0);
        assertEquals('b', shortTable.upper('b'));
        assertMessage(assertThrows(CorruptFormatException.class, () -> UpCase.of(new byte[3], 0x100)),
                "$UpCase @0x100", "size is 3");
    }

    @Test
    void ntTimesKeepTheirHundredNanoseconds() {
        assertEquals(Instant.EPOCH, NtfsTime.decode(116_444_736_000_000_000L));
        assertEquals(Instant.parse("2020-01-02T03:04:05.1234567Z"), NtfsTime.decode(132224078451234567L));
        assertEquals(Instant.parse("1601-01-01T00:00:00Z"), NtfsTime.decode(0));
        assertEquals(Instant.parse("1600-12-31T23:59:59.9999999Z"), NtfsTime.decode(-1));
    }

    @Test
    void attributeListEntriesAreChecked() throws CorruptFormatException {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x80).putShort(4, (short) 0x20).put(6, (byte) 0).put(7, (byte) 0x1A).putLong(8, 0)
                .putLong(16, 0x0001_0000_0000_0040L).putShort(24, (short) 3);
        b.putInt(32, 0x30).putShort(36, (short) 0x20).putLong(48, 0x0002_0000_0000_0041L);
        var entries = AttributeList.decode(b.array(), "f", 0);
        assertEquals(2, entries.size());
        assertEquals(0x40, entries.get(0).record());
        assertEquals(3, entries.get(0).instance());
        assertEquals(0x41, entries.get(1).record());
        byte[] bad = b.array().clone();
        bad[36] = 0x21;
        assertMessage(assertThrows(CorruptFormatException.class, () -> AttributeList.decode(bad, "f", 0)),
                "attribute list entry length is 33");
        byte[] name = b.array().clone();
        name[6] = 100;
        assertMessage(assertThrows(CorruptFormatException.class, () -> AttributeList.decode(name, "f", 0)),
                "a name of 100 characters");
        // trailing zeros end the list
        byte[] padded = new byte[40];
        System.arraycopy(b.array(), 0, padded, 0, 32);
        assertEquals(1, AttributeList.decode(padded, "f", 0).size());
    }
}
