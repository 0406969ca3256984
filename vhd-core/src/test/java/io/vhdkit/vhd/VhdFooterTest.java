package io.vhdkit.vhd;

import static io.vhdkit.vhd.VhdTestSupport.assertFinding;
import static io.vhdkit.vhd.VhdTestSupport.assertNoErrors;
import static io.vhdkit.vhd.VhdTestSupport.check;
import static io.vhdkit.vhd.VhdTestSupport.open;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The footer, on golden bytes: {@code fixed-1m.vhd.gz}, a 1 MiB fixed VHD written by qemu-img 7.2 with force_size
 * (recipe in the resources README). Each test corrupts one field and checks what is reported.
 */
class VhdFooterTest {

    private static final int DATA = 1024 * 1024;

    private static byte[] image() {
        return Golden.load(VhdFooterTest.class, "fixed-1m.vhd.gz");
    }

    /** Sets a footer field and recomputes the checksum, so that only the field is wrong. */
    private static byte[] withInt(int offset, int value) {
        byte[] b = image();
        Golden.putInt(b, DATA + offset, value);
        Golden.fixChecksum(b, DATA, VhdFooter.SIZE, VhdFooter.OFFSET_CHECKSUM);
        return b;
    }

    private static byte[] withLong(int offset, long value) {
        byte[] b = image();
        Golden.putLong(b, DATA + offset, value);
        Golden.fixChecksum(b, DATA, VhdFooter.SIZE, VhdFooter.OFFSET_CHECKSUM);
        return b;
    }

    @Test
    void decodesEveryField() throws IOException {
        byte[] b = image();
        assertEquals(DATA + VhdFooter.SIZE, b.length);
        VhdFooter f = VhdFooter.decode(ByteBuffer.wrap(b, DATA, VhdFooter.SIZE));
        assertEquals(VhdFooter.SIZE, f.length());
        assertEquals("conectix", f.cookie());
        assertEquals(2, f.features());
        assertFalse(f.temporary());
        assertEquals("1.0", f.formatVersionText());
        assertEquals(VhdFooter.NO_DATA_OFFSET, f.dataOffset());
        assertEquals("qem2", f.creatorApplication().text());
        assertEquals("QEMU with force_size", f.creatorApplicationName().orElseThrow());
        assertEquals("Wi2k", f.creatorHostOs().text());
        assertEquals("Windows", f.creatorHostOsName().orElseThrow());
        assertEquals(DATA, f.originalSize());
        assertEquals(DATA, f.currentSize());
        assertEquals(Geometry.MAXIMUM, f.geometry());
        assertEquals(DiskType.FIXED, f.diskType().orElseThrow());
        assertTrue(f.checksumValid());
        assertEquals(0, f.savedState());
        assertEquals(-1, f.firstNonZeroReserved());
        // the unique id is the 16 bytes at offset 68 in RFC 4122 (big-endian) order
        byte[] raw = Arrays.copyOfRange(b, DATA + 68, DATA + 84);
        ByteBuffer id = ByteBuffer.allocate(16).putLong(f.uniqueId().getMostSignificantBits())
                .putLong(f.uniqueId().getLeastSignificantBits());
        assertArrayEquals(raw, id.array());
        // time stamp: seconds since 2000-01-01 UTC
        long secs = Integer.toUnsignedLong(Golden.getInt(b, DATA + 24));
        assertEquals(Instant.ofEpochSecond(946_684_800L + secs), f.timestampInstant());
        assertNoErrors(check(b));
    }

    @Test
    void checksumIsOnesComplementOfByteSum() {
        byte[] b = image();
        int stored = Golden.getInt(b, DATA + VhdFooter.OFFSET_CHECKSUM);
        Golden.fixChecksum(b, DATA, VhdFooter.SIZE, VhdFooter.OFFSET_CHECKSUM);
        assertEquals(stored, Golden.getInt(b, DATA + VhdFooter.OFFSET_CHECKSUM));
    }

    @Test
    void badCookieIsNotAVhd() {
        byte[] b = image();
        b[DATA] = 'X';
        NotThisFormatException e = assertThrows(NotThisFormatException.class, () -> open(b));
        assertTrue(e.getMessage().contains("no VHD footer: the last 512 bytes do not start with \"conectix\""),
                e.getMessage());
        assertEquals("footer", e.where().structure());
        assertEquals(DATA, e.where().offset());
    }

    @Test
    void badChecksumIsReportedWithBothValues() throws IOException {
        byte[] b = image();
        int good = Golden.getInt(b, DATA + VhdFooter.OFFSET_CHECKSUM);
        Golden.putInt(b, DATA + VhdFooter.OFFSET_CHECKSUM, 0);
        List<Finding> findings = check(b);
        Finding f = assertFinding(findings, "footer.checksum", Severity.ERROR,
                "checksum is 0x00000000 - should be " + VhdFooter.hex32(good));
        assertEquals(DATA + VhdFooter.OFFSET_CHECKSUM, f.where().offset());
    }

    @Test
    void reservedDiskTypeIsUnsupported() {
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
                () -> open(withInt(VhdFooter.OFFSET_DISK_TYPE, 5)));
        assertTrue(e.getMessage().contains("disk type is 5 (deprecated) - should be 2 (fixed), 3 (dynamic) or 4 "
                + "(differencing)"), e.getMessage());
        assertEquals(DATA + VhdFooter.OFFSET_DISK_TYPE, e.where().offset());
    }

    @Test
    void formatVersionTwoIsUnsupported() {
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
                () -> open(withInt(VhdFooter.OFFSET_FORMAT_VERSION, 0x0002_0000)));
        assertTrue(e.getMessage().contains("format version is 2.0 - should be 1.0"), e.getMessage());
    }

    @Test
    void minorFormatVersionIsAnError() throws IOException {
        assertFinding(check(withInt(VhdFooter.OFFSET_FORMAT_VERSION, 0x0001_0001)), "footer.format-version",
                Severity.ERROR, "format version is 1.1 - should be 1.0");
    }

    @Test
    void zeroCurrentSizeIsCorrupt() {
        CorruptFormatException e = assertThrows(CorruptFormatException.class,
                () -> open(withLong(VhdFooter.OFFSET_CURRENT_SIZE, 0)));
        assertTrue(e.getMessage().contains("current size 0 is not a positive multiple of 512"), e.getMessage());
    }

    @Test
    void currentSizeNotSectorMultipleIsCorrupt() {
        CorruptFormatException e = assertThrows(CorruptFormatException.class,
                () -> open(withLong(VhdFooter.OFFSET_CURRENT_SIZE, DATA - 1)));
        assertTrue(e.getMessage().contains("is not a positive multiple of 512"), e.getMessage());
    }

    @Test
    void hugeCurrentSizeIsCorruptNotNegative() {
        CorruptFormatException e = assertThrows(CorruptFormatException.class,
                () -> open(withLong(VhdFooter.OFFSET_CURRENT_SIZE, 0xFFFF_FFFF_FFFF_FE00L)));
        assertTrue(e.getMessage().contains("current size 18446744073709551104 is not a positive multiple of 512"),
                e.getMessage());
    }

    @Test
    void currentSizeBeyondDataIsCorrupt() {
        CorruptFormatException e = assertThrows(CorruptFormatException.class,
                () -> open(withLong(VhdFooter.OFFSET_CURRENT_SIZE, 2 * DATA)));
        assertTrue(e.getMessage().contains("current size 2097152 is larger than the 1048576 bytes of data before the "
                + "footer"), e.getMessage());
    }

    @Test
    void currentSizeBelowDataBreaksTheFileSizeRule() throws IOException {
        assertFinding(check(withLong(VhdFooter.OFFSET_CURRENT_SIZE, DATA - 512)), "file.size", Severity.ERROR,
                "a fixed VHD is exactly current size + 512 bytes (1048576)");
    }

    @Test
    void featuresWithoutReservedBit() throws IOException {
        assertFinding(check(withInt(VhdFooter.OFFSET_FEATURES, 0)), "footer.features", Severity.WARNING,
                "should have the reserved bit 0x00000002 set");
    }

    @Test
    void unknownFeatureBits() throws IOException {
        assertFinding(check(withInt(VhdFooter.OFFSET_FEATURES, 0x102)), "footer.features", Severity.WARNING,
                "unknown bits 0x00000100");
    }

    @Test
    void temporaryFeatureIsNoted() throws IOException {
        assertFinding(check(withInt(VhdFooter.OFFSET_FEATURES, 3)), "footer.features", Severity.INFO, "temporary");
    }

    @Test
    void fixedDiskDataOffsetMustBeAllOnes() throws IOException {
        assertFinding(check(withLong(VhdFooter.OFFSET_DATA_OFFSET, 512)), "footer.data-offset", Severity.WARNING,
                "data offset is 0x0000000000000200 - should be 0xFFFFFFFFFFFFFFFF for a fixed disk");
    }

    @Test
    void spec32BitDataOffsetIsAccepted() throws IOException {
        VhdTestSupport.assertNoFinding(check(withLong(VhdFooter.OFFSET_DATA_OFFSET, 0xFFFF_FFFFL)),
                "footer.data-offset");
    }

    @Test
    void futureTimestamp() throws IOException {
        long in2100 = VhdTime.fromInstant(Instant.parse("2100-01-01T00:00:00Z"));
        assertFinding(check(withInt(VhdFooter.OFFSET_TIMESTAMP, (int) in2100)), "footer.time-stamp",
                Severity.WARNING, "time stamp 2100-01-01T00:00:00Z is in the future");
    }

    @Test
    void unknownCreatorIsNoted() throws IOException {
        assertFinding(check(withInt(VhdFooter.OFFSET_CREATOR_APPLICATION, FourCC.of("abcd").value())),
                "footer.creator-application", Severity.INFO, "creator application \"abcd\" is not one vhdkit knows");
    }

    @Test
    void unknownHostOs() throws IOException {
        assertFinding(check(withInt(VhdFooter.OFFSET_CREATOR_HOST_OS, FourCC.of("Lnx ").value())),
                "footer.creator-host-os", Severity.WARNING, "\"Lnx \" is neither \"Wi2k\"");
    }

    @Test
    void originalSizeDisagreement() throws IOException {
        assertFinding(check(withLong(VhdFooter.OFFSET_ORIGINAL_SIZE, 512)), "footer.original-size",
                Severity.WARNING, "original size 512 differs from current size 1048576");
    }

    @Test
    void geometryOtherThanTheSpecs() throws IOException {
        // 30/4/17 addresses 1044480 bytes: less than the 1 MiB size; the spec's CHS for 1 MiB is 30/4/17
        byte[] b = image();
        Golden.putInt(b, DATA + VhdFooter.OFFSET_CREATOR_APPLICATION, FourCC.of("win ").value());
        b[DATA + 56] = 0;
        b[DATA + 57] = 20;
        b[DATA + 58] = 4;
        b[DATA + 59] = 17;
        Golden.fixChecksum(b, DATA, VhdFooter.SIZE, VhdFooter.OFFSET_CHECKSUM);
        assertFinding(check(b), "footer.geometry", Severity.WARNING, "geometry is 20/4/17 - should be 30/4/17");
    }

    @Test
    void maximumGeometryOfQemuForceSizeIsOnlyNoted() throws IOException {
        assertFinding(check(image()), "footer.geometry", Severity.INFO, "as qemu-img writes with force_size");
    }

    @Test
    void geometryLargerThanTheDisk() throws IOException {
        byte[] b = image();
        Golden.putInt(b, DATA + VhdFooter.OFFSET_CREATOR_APPLICATION, FourCC.of("win ").value());
        Golden.fixChecksum(b, DATA, VhdFooter.SIZE, VhdFooter.OFFSET_CHECKSUM);
        assertFinding(check(b), "footer.geometry", Severity.WARNING, "more than the current size 1048576");
    }

    @Test
    void nullUniqueId() throws IOException {
        byte[] b = image();
        Arrays.fill(b, DATA + 68, DATA + 84, (byte) 0);
        Golden.fixChecksum(b, DATA, VhdFooter.SIZE, VhdFooter.OFFSET_CHECKSUM);
        assertFinding(check(b), "footer.unique-id", Severity.WARNING, "all zeros");
    }

    @Test
    void savedState() throws IOException {
        byte[] b = image();
        b[DATA + VhdFooter.OFFSET_SAVED_STATE] = 1;
        Golden.fixChecksum(b, DATA, VhdFooter.SIZE, VhdFooter.OFFSET_CHECKSUM);
        assertFinding(check(b), "footer.saved-state", Severity.WARNING, "saved state");
        b[DATA + VhdFooter.OFFSET_SAVED_STATE] = 2;
        Golden.fixChecksum(b, DATA, VhdFooter.SIZE, VhdFooter.OFFSET_CHECKSUM);
        assertFinding(check(b), "footer.saved-state", Severity.ERROR, "saved state is 2 - should be 0 or 1");
    }

    @Test
    void reservedBytes() throws IOException {
        byte[] b = image();
        b[DATA + 300] = 7;
        Golden.fixChecksum(b, DATA, VhdFooter.SIZE, VhdFooter.OFFSET_CHECKSUM);
        Finding f = assertFinding(check(b), "footer.reserved", Severity.WARNING, "first at footer byte 300");
        assertEquals(DATA + 300, f.where().offset());
    }

    @Test
    void xenHiddenByteIsNoted() throws IOException {
        byte[] b = image();
        b[DATA + VhdFooter.OFFSET_RESERVED] = 1;
        Golden.fixChecksum(b, DATA, VhdFooter.SIZE, VhdFooter.OFFSET_CHECKSUM);
        assertFinding(check(b), "footer.reserved", Severity.INFO, "tapdisk");
    }

    @Test
    void legacy511ByteFooter() throws IOException {
        byte[] b = Arrays.copyOf(image(), DATA + VhdFooter.LEGACY_SIZE);
        try (VhdFile f = open(b)) {
            assertEquals(FooterLocation.LEGACY_END, f.footerLocation());
            assertEquals(VhdFooter.LEGACY_SIZE, f.footer().length());
            assertTrue(f.footer().checksumValid());
            assertEquals(DATA, f.virtualSize());
            assertFinding(f.anomalies(), "footer.length", Severity.WARNING, "511-byte legacy footer");
        }
    }

    @Test
    void trailingBytesAfterTheFooter() throws IOException {
        byte[] b = Arrays.copyOf(image(), DATA + VhdFooter.SIZE + 4096);
        try (VhdFile f = open(b)) {
            assertEquals(FooterLocation.BEFORE_TRAILING_BYTES, f.footerLocation());
            assertEquals(DATA, f.footerOffset());
            assertFinding(f.anomalies(), "file.trailing-bytes", Severity.ERROR,
                    "4096 bytes follow the footer at offset 1048576");
        }
    }

    @Test
    void truncatedFixedDiskIsNotAVhd() {
        byte[] b = Arrays.copyOf(image(), DATA);
        assertThrows(NotThisFormatException.class, () -> open(b));
    }

    @Test
    void tooShortForAFooter() {
        NotThisFormatException e = assertThrows(NotThisFormatException.class, () -> open(new byte[100]));
        assertTrue(e.getMessage().contains("too short to hold a VHD footer"), e.getMessage());
    }

    @Test
    void decodeNeedsAtLeast511Bytes() {
        assertThrows(IllegalArgumentException.class, () -> VhdFooter.decode(ByteBuffer.allocate(510)));
    }
}
