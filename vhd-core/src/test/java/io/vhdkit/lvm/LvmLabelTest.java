package io.vhdkit.lvm;

import static io.vhdkit.lvm.LvmTestSupport.SECTOR;
import static io.vhdkit.lvm.LvmTestSupport.fixLabel;
import static io.vhdkit.lvm.LvmTestSupport.le;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.lvm.LvmTestSupport.MemoryDisk;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The label and pv_header of a real PV (golden mbr-p2.head, written by pvcreate/vgcreate), then one field at a time
 * broken.
 */
class LvmLabelTest {

    private static final LvmTestSupport.MPv PV = LvmTestSupport.goldenManifest("mbr.tsv").pvs().get(0);
    private static final long SIZE = LvmTestSupport.goldenPv("mbr-p2.head.gz").size();

    private static byte[] head() {
        return LvmTestSupport.goldenPv("mbr-p2.head.gz").head.clone();
    }

    private static LvmLabel read(byte[] b) throws IOException {
        return LvmLabel.read(new MemoryDisk(b, SIZE), "partition 2");
    }

    @Test
    void decodesTheRealLabel() throws IOException {
        LvmLabel l = read(head());
        assertEquals(1, l.sector());
        assertEquals(1, l.header().sector());
        assertEquals(l.header().crc(), l.header().computedCrc());
        assertEquals(32, l.header().contentOffset());
        assertEquals("LVM2 001", l.header().type());
        assertEquals(PV.uuid(), l.pv().id());
        assertEquals(PV.uuid().replace("-", ""), l.pv().uuid());
        assertEquals(PV.devSize() * SECTOR, l.pv().deviceSize());
        assertEquals(List.of(new DiskLocation(PV.peStart() * SECTOR, 0)), l.pv().dataAreas());
        assertEquals(List.of(new DiskLocation(4096, PV.peStart() * SECTOR - 4096)), l.pv().metadataAreas());
        assertEquals(2, l.pv().extensionVersion());
        assertEquals(1, l.pv().extensionFlags(), "PV_EXT_USED");
    }

    @Test
    void theLabelChecksumIsLvmsCalcCrc() {
        byte[] b = head();
        // lvm2 lib/misc/crc.c, nibble by nibble, from INITIAL_CRC over bytes 20..511 of the label sector
        int[] tab = {0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158,
            0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278,
            0xbdbdf21c};
        int crc = 0xf597a6cf;
        for (int i = SECTOR + 20; i < 2 * SECTOR; i++) {
            crc ^= b[i] & 0xFF;
            crc = (crc >>> 4) ^ tab[crc & 0xF];
            crc = (crc >>> 4) ^ tab[crc & 0xF];
        }
        assertEquals(le(b).getInt(SECTOR + 16), crc);
        assertEquals(crc, LvmCrc.calc(b, SECTOR + 20, SECTOR - 20));
        // and it is not the standard CRC-32
        java.util.zip.CRC32 standard = new java.util.zip.CRC32();
        standard.update(b, SECTOR + 20, SECTOR - 20);
        org.junit.jupiter.api.Assertions.assertNotEquals((int) standard.getValue(), crc);
    }

    @Test
    void noLabelIsNotThisFormat() {
        byte[] b = head();
        b[SECTOR] = 'X';
        NotThisFormatException e = assertThrows(NotThisFormatException.class, () -> read(b));
        assertEquals("LVM label @0x0: partition 2 has no LVM label (\"LABELONE\") in its first 4 sectors",
                e.getMessage());
    }

    @Test
    void wrongSectorNumber() {
        byte[] b = head();
        le(b).putLong(SECTOR + 8, 3);
        fixLabel(b);
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> read(b));
        assertEquals("LVM label @0x208: partition 2: the label in sector 1 says it is in sector 3", e.getMessage());
        assertEquals("label.sector-xl", e.where().code());
    }

    @Test
    void badChecksum() {
        byte[] b = head();
        int good = le(b).getInt(SECTOR + 16);
        b[SECTOR + 100] ^= 1;
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> read(b));
        int now = LvmCrc.calc(b, SECTOR + 20, SECTOR - 20);
        assertEquals(String.format("LVM label @0x210: partition 2: the label checksum is 0x%08X - should be 0x%08X",
                good, now), e.getMessage());
        assertEquals(String.format("0x%08X", good), e.actual().orElseThrow());
    }

    @Test
    void otherLabelType() {
        byte[] b = head();
        System.arraycopy("LVM1 001".getBytes(), 0, b, SECTOR + 24, 8);
        fixLabel(b);
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> read(b));
        assertEquals("LVM label @0x218: partition 2: the label type is 'LVM1 001' - vhdkit reads only LVM2 labels "
                + "(\"LVM2 001\")", e.getMessage());
    }

    @Test
    void contentOffsetOutsideTheSector() {
        byte[] b = head();
        le(b).putInt(SECTOR + 20, 500);
        fixLabel(b);
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> read(b));
        assertEquals("LVM label @0x214: partition 2: the label's offset_xl is 500 - the pv_header cannot start there "
                + "(lvm2 writes 32)", e.getMessage());
    }

    @Test
    void badUuidCharacter() {
        byte[] b = head();
        b[SECTOR + 32 + 5] = '-';
        fixLabel(b);
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> read(b));
        assertEquals("pv-header.pv-uuid", e.where().code());
        assertEquals(SECTOR + 32, e.where().offset());
    }

    @Test
    void listWithoutTerminator() {
        byte[] b = head();
        for (int at = SECTOR + 32 + 40; at + 16 <= 2 * SECTOR; at += 16) {
            le(b).putLong(at, 4096).putLong(at + 8, 512);
        }
        fixLabel(b);
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> read(b));
        assertEquals("LVM pv_header @0x2C8: partition 2: the pv_header's data area list has more than 8 entries "
                + "(lvm2 writes at most 2)", e.getMessage());
    }

    @Test
    void listRunsOffTheSector() {
        byte[] b = head();
        int content = 440;                                   // the last place a pv_header may start
        System.arraycopy(b, SECTOR + 32, b, SECTOR + content, 40);
        le(b).putInt(SECTOR + 20, content);
        le(b).putLong(SECTOR + 480, 1 << 20).putLong(SECTOR + 488, 0).putLong(SECTOR + 496, 2 << 20);
        fixLabel(b);
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> read(b));
        assertEquals("LVM pv_header @0x400: partition 2: the pv_header's data area list has no terminating zero "
                + "entry inside the label sector", e.getMessage());
    }

    @Test
    void labelInAnotherSectorIsFound() throws IOException {
        byte[] b = head();
        for (int s : new int[] {0, 2, 3}) {
            byte[] m = b.clone();
            java.util.Arrays.fill(m, SECTOR, 2 * SECTOR, (byte) 0);
            System.arraycopy(b, SECTOR, m, s * SECTOR, SECTOR);
            le(m).putLong(s * SECTOR + 8, s);
            fixLabel(m, s);
            assertEquals(s, read(m).sector());
        }
    }

    @Test
    void aBadLabelIsPassedOverForAGoodOneLater() throws IOException {
        byte[] b = head();
        System.arraycopy(b, SECTOR, b, 2 * SECTOR, SECTOR);
        le(b).putLong(2 * SECTOR + 8, 2);
        fixLabel(b, 2);
        b[SECTOR + 200] ^= 0x40;      // sector 1 now has a bad checksum
        assertEquals(2, read(b).sector());
    }

    @Test
    void tinyDevices() {
        assertThrows(NotThisFormatException.class, () -> LvmLabel.read(new MemoryDisk(new byte[0], 0), "d"));
        assertThrows(NotThisFormatException.class, () -> LvmLabel.read(new MemoryDisk(new byte[100], 100), "d"));
        byte[] one = java.util.Arrays.copyOf(head(), SECTOR);
        assertThrows(NotThisFormatException.class, () -> LvmLabel.read(new MemoryDisk(one, SECTOR), "d"));
    }
}
