package io.vhdkit.vhd;

import static io.vhdkit.vhd.VhdTestSupport.assertFinding;
import static io.vhdkit.vhd.VhdTestSupport.assertNoErrors;
import static io.vhdkit.vhd.VhdTestSupport.check;
import static io.vhdkit.vhd.VhdTestSupport.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Severity;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dynamic header, on golden bytes: {@code dynamic-4m.vhd.gz}, a 4 MiB dynamic VHD written by qemu-img 7.2 with
 * force_size from {@code golden-4m.raw.gz} (recipe in the resources README). The header is at 512, the BAT at 1536.
 */
class DynamicHeaderTest {

    static final int HEADER = 512;

    static byte[] image() {
        return Golden.load(DynamicHeaderTest.class, "dynamic-4m.vhd.gz");
    }

    /** Sets a header field and recomputes the header checksum. */
    static byte[] withInt(int offset, int value) {
        byte[] b = image();
        Golden.putInt(b, HEADER + offset, value);
        Golden.fixChecksum(b, HEADER, DynamicHeader.SIZE, DynamicHeader.OFFSET_CHECKSUM);
        return b;
    }

    static byte[] withLong(int offset, long value) {
        byte[] b = image();
        Golden.putLong(b, HEADER + offset, value);
        Golden.fixChecksum(b, HEADER, DynamicHeader.SIZE, DynamicHeader.OFFSET_CHECKSUM);
        return b;
    }

    @Test
    void decodesEveryField() throws IOException {
        byte[] b = image();
        DynamicHeader h = DynamicHeader.decode(ByteBuffer.wrap(b, HEADER, DynamicHeader.SIZE));
        assertEquals("cxsparse", h.cookie());
        assertEquals(-1L, h.dataOffset());
        assertEquals(1536, h.tableOffset());
        assertEquals("1.0", h.headerVersionText());
        assertEquals(2, h.maxTableEntries());
        assertEquals(2 * 1024 * 1024, h.blockSize());
        assertEquals(512, h.bitmapBytes());
        assertTrue(h.checksumValid());
        assertFalse(h.hasParentFields());
        assertEquals("", h.parentName());
        assertEquals(8, h.locators().size());
        assertTrue(h.usedLocators().isEmpty());
        assertEquals(-1, h.firstNonZeroReserved());
        try (VhdFile f = open(b)) {
            assertEquals(DiskType.DYNAMIC, f.diskType());
            assertEquals(FooterLocation.END, f.footerLocation());
            assertEquals(b.length - 512, f.footerOffset());
            assertEquals(4 * 1024 * 1024, f.virtualSize());
            assertEquals(2, f.bat().orElseThrow().allocatedCount());
            assertTrue(f.anomalies().isEmpty(), f.anomalies().toString());
        }
        assertNoErrors(check(b));
    }

    @Test
    void badCookie() {
        byte[] b = image();
        b[HEADER] = 'X';
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> open(b));
        assertEquals("VHD dynamic header @0x200: cookie is \"Xxsparse\" - should be \"cxsparse\"", e.getMessage());
    }

    @Test
    void badChecksumIsReadAround() throws IOException {
        byte[] b = image();
        Golden.putInt(b, HEADER + DynamicHeader.OFFSET_CHECKSUM, 0x12345678);
        try (VhdFile f = open(b)) {
            assertFinding(f.anomalies(), "dynamic-header.checksum", Severity.ERROR, "checksum is 0x12345678 - should be");
        }
    }

    @Test
    void blockSizeNotAPowerOfTwo() {
        CorruptFormatException e = assertThrows(CorruptFormatException.class,
                () -> open(withInt(DynamicHeader.OFFSET_BLOCK_SIZE, 3 * 1024 * 1024)));
        assertTrue(e.getMessage().contains("block size 3145728 is not a power of two of at least 512 bytes"),
                e.getMessage());
        assertEquals(HEADER + DynamicHeader.OFFSET_BLOCK_SIZE, e.where().offset());
    }

    @Test
    void blockSizeZero() {
        assertThrows(CorruptFormatException.class, () -> open(withInt(DynamicHeader.OFFSET_BLOCK_SIZE, 0)));
    }

    @Test
    void blockSizeTooLarge() {
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
                () -> open(withInt(DynamicHeader.OFFSET_BLOCK_SIZE, 1 << 30)));
        assertTrue(e.getMessage().contains("larger than the 268435456 bytes vhdkit reads"), e.getMessage());
    }

    @Test
    void unusualBlockSizeIsAWarning() throws IOException {
        // 1 MiB blocks: the BAT needs 4 entries, so the two of qemu's table are too few
        CorruptFormatException e = assertThrows(CorruptFormatException.class,
                () -> open(withInt(DynamicHeader.OFFSET_BLOCK_SIZE, 1024 * 1024)));
        assertTrue(e.getMessage().contains("max table entries 2 covers 2097152 bytes, less than the current size "
                + "4194304"), e.getMessage());
    }

    @Test
    void tooManyTableEntries() {
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
                () -> open(withInt(DynamicHeader.OFFSET_MAX_TABLE_ENTRIES, 0xFFFF_FFFF)));
        assertTrue(e.getMessage().contains("max table entries 4294967295 is more than"), e.getMessage());
    }

    @Test
    void tableBeyondTheFile() {
        CorruptFormatException e = assertThrows(CorruptFormatException.class,
                () -> open(withLong(DynamicHeader.OFFSET_TABLE_OFFSET, 1L << 40)));
        assertTrue(e.getMessage().contains("extends past the end of the file"), e.getMessage());
    }

    @Test
    void negativeTableOffset() {
        assertThrows(CorruptFormatException.class, () -> open(withLong(DynamicHeader.OFFSET_TABLE_OFFSET, -512)));
    }

    @Test
    void moreTableEntriesThanNeededIsNoted() throws IOException {
        assertFinding(check(withInt(DynamicHeader.OFFSET_MAX_TABLE_ENTRIES, 3)), "dynamic-header.max-table-entries",
                Severity.INFO, "the BAT has 3 entries; the current size needs 2");
    }

    @Test
    void headerVersion() throws IOException {
        assertFinding(check(withInt(DynamicHeader.OFFSET_HEADER_VERSION, 0x0002_0000)),
                "dynamic-header.header-version", Severity.ERROR, "header version is 2.0 - should be 1.0");
    }

    @Test
    void dataOffsetNotAllOnes() throws IOException {
        assertFinding(check(withLong(DynamicHeader.OFFSET_DATA_OFFSET, 0)), "dynamic-header.data-offset",
                Severity.WARNING, "should be 0xFFFFFFFFFFFFFFFF");
    }

    @Test
    void misalignedTable() throws IOException {
        assertFinding(check(withLong(DynamicHeader.OFFSET_TABLE_OFFSET, 1540)), "dynamic-header.table-offset",
                Severity.WARNING, "not on a sector boundary");
    }

    @Test
    void tableOverlappingTheHeader() throws IOException {
        assertFinding(check(withLong(DynamicHeader.OFFSET_TABLE_OFFSET, 1024)), "dynamic-header.table-offset",
                Severity.ERROR, "overlaps the dynamic header");
    }

    @Test
    void reservedFields() throws IOException {
        assertFinding(check(withInt(DynamicHeader.OFFSET_RESERVED1, 1)), "dynamic-header.reserved", Severity.WARNING,
                "reserved is 0x00000001 - should be 0");
        byte[] b = image();
        b[HEADER + 900] = 1;
        Golden.fixChecksum(b, HEADER, DynamicHeader.SIZE, DynamicHeader.OFFSET_CHECKSUM);
        assertFinding(check(b), "dynamic-header.reserved", Severity.WARNING, "first at header byte 900");
    }

    @Test
    void parentFieldsOnADynamicDisk() throws IOException {
        assertFinding(check(withInt(DynamicHeader.OFFSET_PARENT_TIMESTAMP, 1234)), "dynamic-header.parent-unique-id",
                Severity.WARNING, "only differencing disks should");
    }

    @Test
    void footerDataOffsetOutsideTheFile() {
        byte[] b = image();
        int end = b.length - 512;
        for (int at : new int[] {0, end}) {
            Golden.putLong(b, at + VhdFooter.OFFSET_DATA_OFFSET, 1L << 40);
            Golden.fixChecksum(b, at, VhdFooter.SIZE, VhdFooter.OFFSET_CHECKSUM);
        }
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> open(b));
        assertTrue(e.getMessage().contains("puts the dynamic header outside the file"), e.getMessage());
    }

    @Test
    void parentNameIsUtf16BigEndianWithReplacementForLoneSurrogates() {
        byte[] h = new byte[DynamicHeader.SIZE];
        byte[] name = "p\u00e9re.vhd".getBytes(java.nio.charset.StandardCharsets.UTF_16BE);
        System.arraycopy(name, 0, h, DynamicHeader.OFFSET_PARENT_NAME, name.length);
        assertEquals("p\u00e9re.vhd", DynamicHeader.decode(ByteBuffer.wrap(h)).parentName());
        h[DynamicHeader.OFFSET_PARENT_NAME] = (byte) 0xD8; // a high surrogate with no low one
        h[DynamicHeader.OFFSET_PARENT_NAME + 1] = 0;
        assertEquals("\uFFFD\u00e9re.vhd", DynamicHeader.decode(ByteBuffer.wrap(h)).parentName());
    }

    @Test
    void locatorEntriesDecode() {
        byte[] h = new byte[DynamicHeader.SIZE];
        int at = DynamicHeader.OFFSET_PARENT_LOCATORS + ParentLocatorEntry.SIZE;
        Golden.putInt(h, at, PlatformCode.W2RU.code());
        Golden.putInt(h, at + 4, 1);
        Golden.putInt(h, at + 8, 24);
        Golden.putLong(h, at + 16, 0x2_0000_0000L);
        List<ParentLocatorEntry> used = DynamicHeader.decode(ByteBuffer.wrap(h)).usedLocators();
        assertEquals(1, used.size());
        ParentLocatorEntry e = used.get(0);
        assertEquals(1, e.index());
        assertEquals(PlatformCode.W2RU, e.platform().orElseThrow());
        assertEquals(512, e.dataSpaceBytes().getAsLong(), "a data space below 512 counts sectors");
        assertEquals(24, e.dataLength());
        assertEquals(0x2_0000_0000L, e.dataOffset());
    }
}
