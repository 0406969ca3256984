package io.vhdkit.fs.xfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The superblock on golden bytes (golden-v5: mkfs.xfs 6.1 defaults with 1 KiB blocks and two AGs, then written by
 * the kernel; golden-v4: {@code -m crc=0 -b size=512}). One field at a time is damaged, the CRC recomputed so that
 * only the field is wrong.
 */
class XfsSuperblockTest {

    static byte[] v5() {
        return XfsTestSupport.golden("golden-v5.img.gz");
    }

    static byte[] v4() {
        return XfsTestSupport.golden("golden-v4.img.gz");
    }

    /** Sets a field of the v5 superblock and fixes its CRC. */
    private static byte[] v5With(int offset, byte[] value) {
        byte[] b = v5();
        System.arraycopy(value, 0, b, offset, value.length);
        XfsTestSupport.fixCrc(b, 0, 512, XfsSuperblock.OFFSET_CRC);
        return b;
    }

    private static byte[] v5WithInt(int offset, int value) {
        return v5With(offset, ByteBuffer.allocate(4).putInt(value).array());
    }

    private static byte[] v5WithByte(int offset, int value) {
        return v5With(offset, new byte[] {(byte) value});
    }

    private static <T extends FormatException> T fails(Class<T> kind, byte[] image, String message) {
        T e = assertThrows(kind, () -> XfsTestSupport.open(image));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        return e;
    }

    private static Finding finding(List<Finding> findings, String code) {
        return findings.stream().filter(f -> f.code().equals(code)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + code + " in " + findings));
    }

    @Test
    void decodesEveryField() {
        byte[] b = v5();
        XfsSuperblock sb = XfsSuperblock.decode(ByteBuffer.wrap(b), 512);
        assertEquals(XfsSuperblock.MAGIC, sb.magic());
        assertEquals(1024, sb.blockSize());
        assertEquals(32768, sb.dataBlocks());
        assertEquals(0, sb.rtBlocks());
        assertEquals(UUID.fromString("5d0c1e55-0000-4000-8000-00000000901d"), sb.uuid());
        assertEquals(16384, sb.agBlocks());
        assertEquals(2, sb.agCount());
        assertEquals(5, sb.version());
        assertTrue(sb.isV5());
        assertEquals(512, sb.sectSize());
        assertEquals(512, sb.inodeSize());
        assertEquals(2, sb.inodesPerBlock());
        assertEquals("golden-v5", sb.label());
        assertEquals(10, sb.blockLog());
        assertEquals(9, sb.sectLog());
        assertEquals(9, sb.inodeLog());
        assertEquals(1, sb.inopbLog());
        assertEquals(14, sb.agBlkLog());
        assertEquals(0, sb.inProgress());
        assertEquals(2, sb.dirBlkLog());      // 4 KiB directory blocks
        assertTrue(sb.hasFtype());
        assertFalse(sb.asciiCi());
        assertTrue(sb.hasIncompat(XfsSuperblock.INCOMPAT_BIGTIME));
        assertTrue(sb.hasIncompat(XfsSuperblock.INCOMPAT_SPINODES));
        assertFalse(sb.hasIncompat(XfsSuperblock.INCOMPAT_META_UUID));
        assertEquals(sb.uuid(), sb.metadataUuid());
        assertTrue(sb.crcValid());
        // the CRC is little-endian, over the 512-byte sector with its own field zeroed
        assertEquals(Golden.getInt(b, XfsSuperblock.OFFSET_CRC), Integer.reverseBytes(sb.crc()));
        assertEquals(64, sb.rootIno());

        XfsSuperblock v4 = XfsSuperblock.decode(ByteBuffer.wrap(v4()), 512);
        assertEquals(4, v4.version());
        assertEquals(512, v4.blockSize());
        assertEquals(256, v4.inodeSize());
        assertEquals(3, v4.dirBlkLog());      // 4 KiB directory blocks of 512-byte blocks
        assertTrue(v4.hasFtype());
        assertTrue((v4.versionNum() & XfsSuperblock.VERSION_DIRV2BIT) != 0);
    }

    @Test
    void labelStopsAtTheFirstNulAndEmptyIsNull() {
        byte[] b = v5WithByte(XfsSuperblock.OFFSET_FNAME + 6, 0);
        assertEquals("golden", XfsSuperblock.decode(ByteBuffer.wrap(b), 512).label());
        byte[] none = v5WithByte(XfsSuperblock.OFFSET_FNAME, 0);
        assertNull(XfsSuperblock.decode(ByteBuffer.wrap(none), 512).label());
    }

    @Test
    void badMagicIsNotXfs() {
        NotThisFormatException e = fails(NotThisFormatException.class, v5WithInt(0, 0),
                "XFS superblock @0x0: no XFS superblock: magic is 0x00000000 - should be 0x58465342 (XFSB)");
        assertEquals(0, e.where().offset());
        fails(NotThisFormatException.class, new byte[100], "too small for an XFS superblock");
        fails(NotThisFormatException.class, new byte[1 << 20], "magic is 0x00000000");
    }

    @Test
    void badCrcIsCorrupt() {
        byte[] b = v5();
        b[XfsSuperblock.OFFSET_CRC] ^= 1;
        CorruptFormatException e = fails(CorruptFormatException.class, b, "XFS superblock @0xE0: crc is 0x");
        assertTrue(e.getMessage().matches(".*crc is 0x[0-9A-F]{8} - should be 0x[0-9A-F]{8}"), e.getMessage());
        assertEquals(XfsSuperblock.OFFSET_CRC, e.where().offset());
        // a changed field without a new CRC is caught by the CRC
        byte[] label = v5();
        label[XfsSuperblock.OFFSET_FNAME] = 'G';
        fails(CorruptFormatException.class, label, "crc is");
    }

    @Test
    void versionsOtherThanFourAndFiveAreUnsupported() {
        byte[] b = v5With(XfsSuperblock.OFFSET_VERSIONNUM, new byte[] {(byte) 0xB4, (byte) 0xA3});
        fails(UnsupportedFormatException.class, b, "version is 3 - should be 4 or 5 (versions 1 to 3 are old IRIX");
        fails(UnsupportedFormatException.class, v5With(XfsSuperblock.OFFSET_VERSIONNUM, new byte[] {0, 6}),
                "version is 6 - should be 4 or 5");
    }

    @Test
    void geometryFieldsAreChecked() {
        fails(CorruptFormatException.class, v5WithInt(XfsSuperblock.OFFSET_BLOCK_SIZE, 3000),
                "block size is 3000 - should be a power of two from 512 to 65536 equal to 2^log (log 10)");
        fails(CorruptFormatException.class, v5WithByte(XfsSuperblock.OFFSET_BLOCKLOG, 17),
                "block size is 1024 - should be a power of two from 512 to 65536 equal to 2^log (log 17)");
        byte[] sect = v5With(XfsSuperblock.OFFSET_SECTSIZE, new byte[] {8, 0});
        XfsTestSupport.fixCrc(sect, 0, 2048, XfsSuperblock.OFFSET_CRC);     // the CRC covers the sector
        fails(CorruptFormatException.class, sect,
                "sector size is 2048 - should be a power of two from 512 to 32768 equal to 2^log (log 9)");
        fails(CorruptFormatException.class, v5With(XfsSuperblock.OFFSET_INODESIZE, new byte[] {1, 0}),
                "inode size is 256 - should be a power of two");
        fails(CorruptFormatException.class, v5With(XfsSuperblock.OFFSET_INOPBLOCK, new byte[] {0, 4}),
                "inodes per block is 4 - should be 2");
        fails(CorruptFormatException.class, v5WithByte(XfsSuperblock.OFFSET_AGBLKLOG, 15),
                "agblklog is 15 - should be 14 (the AG size 16384 rounded up to a power of two)");
        fails(CorruptFormatException.class, v5WithInt(XfsSuperblock.OFFSET_AGBLOCKS, 10),
                "AG blocks is 10 - should be between 64 and 1073741824");
        fails(CorruptFormatException.class, v5WithInt(XfsSuperblock.OFFSET_AGCOUNT, 0), "AG count is 0");
        fails(CorruptFormatException.class, v5With(XfsSuperblock.OFFSET_DBLOCKS,
                        ByteBuffer.allocate(8).putLong(40000).array()),
                "data blocks is 40000 - should be more than 1 and at most 2 AGs of 16384 blocks");
        fails(CorruptFormatException.class, v5WithByte(XfsSuperblock.OFFSET_DIRBLKLOG, 7),
                "dirblklog is 7 - should be at most 6 (directory blocks of at most 64 KiB)");
    }

    @Test
    void unknownIncompatFeaturesAreUnsupported() {
        int incompat = Golden.getInt(v5(), XfsSuperblock.OFFSET_FEATURES_INCOMPAT);
        UnsupportedFormatException e = fails(UnsupportedFormatException.class,
                v5WithInt(XfsSuperblock.OFFSET_FEATURES_INCOMPAT, incompat | XfsSuperblock.INCOMPAT_METADIR
                        | (1 << 20)), "incompatible features metadir, bit 20 are not supported");
        assertEquals(XfsSuperblock.OFFSET_FEATURES_INCOMPAT, e.where().offset());
        assertEquals("superblock.features-incompat", e.where().code());
    }

    @Test
    void recoverySignsAreAnomalies() throws IOException {
        List<Finding> inprogress = XfsTestSupport.open(v5WithByte(XfsSuperblock.OFFSET_INPROGRESS, 1)).info()
                .anomalies();
        Finding f = finding(inprogress, "superblock.inprogress");
        assertEquals(Severity.WARNING, f.severity());
        assertTrue(f.message().contains("mkfs.xfs did not finish"), f.message());
        int incompat = Golden.getInt(v5(), XfsSuperblock.OFFSET_FEATURES_INCOMPAT);
        Finding repair = finding(XfsTestSupport.open(v5WithInt(XfsSuperblock.OFFSET_FEATURES_INCOMPAT,
                incompat | XfsSuperblock.INCOMPAT_NEEDSREPAIR)).info().anomalies(), "superblock.features-incompat");
        assertEquals(Severity.ERROR, repair.severity());
        assertTrue(repair.message().contains("xfs_repair must run"), repair.message());
        Finding log = finding(XfsTestSupport.open(v5WithInt(XfsSuperblock.OFFSET_FEATURES_LOG_INCOMPAT, 1)).info()
                .anomalies(), "superblock.features-log-incompat");
        assertEquals(Severity.WARNING, log.severity());
        assertTrue(log.message().contains("the log probably needs recovery"), log.message());
        Finding ro = finding(XfsTestSupport.open(v5WithInt(XfsSuperblock.OFFSET_FEATURES_RO_COMPAT,
                Golden.getInt(v5(), XfsSuperblock.OFFSET_FEATURES_RO_COMPAT) | (1 << 9))).info().anomalies(),
                "superblock.features-ro-compat");
        assertEquals(Severity.INFO, ro.severity());
    }

    @Test
    void truncatedVolumeIsAnAnomalyAndReadsPastItFail() throws IOException {
        byte[] cut = Arrays.copyOf(v5(), 17 << 20);
        XfsFileSystem fs = XfsTestSupport.open(cut);
        Finding f = finding(fs.info().anomalies(), "superblock.data-blocks");
        assertEquals(Severity.ERROR, f.severity());
        assertTrue(f.message().contains("the filesystem spans 33554432 bytes but the volume has only 17825792"),
                f.message());
        // the log (at 16 MiB and after) and AG 1 are gone; what lies there fails to read, as a format error
        assertThrows(FormatException.class, () -> XfsTestSupport.walk(fs));
    }

    @Test
    void rootMustBeADirectory() throws IOException {
        XfsFileSystem fs = XfsTestSupport.open(v5());
        long frag = XfsGoldenTest.at(fs, "/frag").ino();
        fails(CorruptFormatException.class, v5With(XfsSuperblock.OFFSET_ROOTINO,
                ByteBuffer.allocate(8).putLong(frag).array()), "the root inode " + frag + " is a regular, not a "
                + "directory");
        fails(CorruptFormatException.class, v5With(XfsSuperblock.OFFSET_ROOTINO,
                ByteBuffer.allocate(8).putLong(1L << 40).array()), "inode number 1099511627776 is out of range");
    }

    @Test
    void v4FeatureBits() {
        byte[] noDirV2 = v4();
        noDirV2[XfsSuperblock.OFFSET_VERSIONNUM] &= ~0x20;   // the high byte holds 0x2000
        fails(UnsupportedFormatException.class, noDirV2, "version 1 directories (before 2002) are not supported");
        byte[] crc = v4();
        crc[XfsSuperblock.OFFSET_FEATURES2 + 2] |= 0x01;      // 0x100
        fails(CorruptFormatException.class, crc, "features2 is 0x0000038A - should be without the crc bit");
        byte[] unknown = v4();
        unknown[XfsSuperblock.OFFSET_FEATURES2] |= 0x40;
        fails(UnsupportedFormatException.class, unknown, "unknown features2 bits 0x40000000 are not supported");
    }

    @Test
    void v4HasNoCrcToCheck() throws IOException {
        byte[] b = v4();
        b[XfsSuperblock.OFFSET_CRC] = 0x55;    // v4: the field is not a CRC (it is zero) and is not read
        assertEquals("golden-v4", XfsTestSupport.open(b).info().label());
    }
}
