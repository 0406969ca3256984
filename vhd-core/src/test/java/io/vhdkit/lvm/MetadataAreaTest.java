package io.vhdkit.lvm;

import static io.vhdkit.lvm.LvmTestSupport.SECTOR;
import static io.vhdkit.lvm.LvmTestSupport.fixMda;
import static io.vhdkit.lvm.LvmTestSupport.le;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.lvm.LvmTestSupport.MemoryDisk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The mda_header and the text metadata of real PVs (golden mbr-p2.head and wrap.head, the latter with metadata that
 * LVM itself wrapped around the end of its circular buffer), then one field at a time broken.
 */
class MetadataAreaTest {

    private static final int MDA = 4096;

    private static MemoryDisk mbr() {
        MemoryDisk d = LvmTestSupport.goldenPv("mbr-p2.head.gz");
        return new MemoryDisk(d.head.clone(), d.size());
    }

    private static MetadataArea open(MemoryDisk d) throws IOException {
        LvmLabel label = LvmLabel.read(d, "partition 2");
        return MetadataArea.open(d, label.pv().metadataAreas().get(0), 0, "partition 2");
    }

    private static Optional<MetadataText> text(MemoryDisk d) throws IOException {
        return open(d).readText(d);
    }

    @Test
    void decodesTheRealHeaderAndText() throws IOException {
        MemoryDisk d = mbr();
        MetadataArea area = open(d);
        MdaHeader h = area.header();
        assertEquals(MdaHeader.MAGIC, h.magic());
        assertEquals(1, h.version());
        assertEquals(MDA, h.start());
        assertEquals(1044480, h.size());
        assertEquals(h.checksum(), h.computedChecksum());
        assertEquals(1, h.rawLocations().size());
        RawLocation r = h.rawLocations().get(0);
        MetadataText t = area.readText(d).orElseThrow();
        assertFalse(t.wrapped());
        assertEquals(MDA + r.offset(), t.firstOffset());
        assertEquals(r.size() - 1, t.bytes().length, "the text without its NUL");
        VolumeGroup vg = MetadataDecoder.decode(t.text(), "partition 2", t::offsetOf);
        LvmTestSupport.MVg m = LvmTestSupport.goldenManifest("mbr.tsv").vg();
        assertEquals(m.name(), vg.name());
        assertEquals(m.seqno(), vg.seqno());
    }

    @Test
    void readsMetadataThatLvmWrappedAroundTheBuffer() throws IOException {
        MemoryDisk d = LvmTestSupport.goldenPv("wrap.head.gz");
        MetadataArea area = open(d);
        MetadataText t = area.readText(d).orElseThrow();
        assertTrue(t.wrapped(), "build.sh ran vgchange until LVM wrapped the live copy");
        RawLocation r = t.location();
        assertTrue(r.offset() + r.size() > area.header().size());
        assertEquals(area.header().size() - r.offset(), t.firstLength());
        assertEquals(MDA + SECTOR, t.secondOffset());
        // the byte just after the first piece is the first byte after the mda_header
        assertEquals(MDA + SECTOR, t.offsetOf(t.firstLength()));
        assertEquals(MDA + r.offset(), t.offsetOf(0));
        VolumeGroup vg = MetadataDecoder.decode(t.text(), "wrap", t::offsetOf);
        LvmTestSupport.Manifest m = LvmTestSupport.goldenManifest("wrap.tsv");
        assertEquals(m.vg().name(), vg.name());
        assertEquals(m.vg().seqno(), vg.seqno());
        assertEquals(m.vg().uuid(), vg.id());
        assertEquals(1, vg.logicalVolumes().size());
        assertEquals(m.lvs().get(0).uuid(), vg.logicalVolumes().get(0).id());
    }

    @Test
    void wrapsAnyCopyTheSameWay() throws IOException {
        MemoryDisk d = mbr();
        String text = LvmTestSupport.text(d.head, MDA);
        long areaSize = le(d.head).getLong(MDA + 32);
        for (long tail : new long[] {1, 300, text.length() - 1, text.length()}) {
            MemoryDisk w = mbr();
            LvmTestSupport.writeText(w.head, MDA, areaSize - tail, text);
            MetadataText t = text(w).orElseThrow();
            assertEquals(tail < text.length() + 1, t.wrapped(), "tail " + tail);
            assertArrayEquals(text.getBytes(StandardCharsets.ISO_8859_1), t.bytes(), "tail " + tail);
        }
    }

    @Test
    void mdaChecksum() {
        MemoryDisk d = mbr();
        d.head[MDA + 100] ^= 1;
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> open(d));
        assertEquals("mda-header.checksum-xl", e.where().code());
        assertEquals(MDA, e.where().offset());
        assertTrue(e.getMessage().startsWith("LVM mda_header @0x1000: partition 2: the mda_header checksum of "
                + "metadata area 0 is 0x"), e.getMessage());
    }

    @Test
    void magic() {
        MemoryDisk d = mbr();
        d.head[MDA + 5] = 'X';
        fixMda(d.head, MDA);
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> open(d));
        assertEquals("LVM mda_header @0x1004: partition 2: metadata area 0 has the magic ' XVM2 x[5A%r0N*>' - should "
                + "be ' LVM2 x[5A%r0N*>'", e.getMessage());
    }

    @Test
    void version() {
        MemoryDisk d = mbr();
        le(d.head).putInt(MDA + 20, 2);
        fixMda(d.head, MDA);
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> open(d));
        assertEquals("LVM mda_header @0x1014: partition 2: metadata area 0 has version 2 - vhdkit reads version 1",
                e.getMessage());
    }

    @Test
    void start() {
        MemoryDisk d = mbr();
        le(d.head).putLong(MDA + 24, 8192);
        fixMda(d.head, MDA);
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> open(d));
        assertEquals("LVM mda_header @0x1018: partition 2: the mda_header of metadata area 0 says it starts at 8192 "
                + "- the pv_header puts it at 4096", e.getMessage());
    }

    @Test
    void sizeBeyondTheArea() {
        MemoryDisk d = mbr();
        le(d.head).putLong(MDA + 32, 1044480 + 512);
        fixMda(d.head, MDA);
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> open(d));
        assertEquals("LVM mda_header @0x1020: partition 2: the mda_header of metadata area 0 gives a size of "
                + "1044992 bytes - the area has 1044480", e.getMessage());
    }

    @Test
    void areaOutsideTheDevice() {
        MemoryDisk d = mbr();
        le(d.head).putLong(SECTOR + 32 + 40 + 32 + 8, d.size());      // metadata area size = the device size
        LvmTestSupport.fixLabel(d.head);
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> open(d));
        assertEquals("partition 2: metadata area 0 (" + d.size() + " bytes at 4096) lies outside the device ("
                + d.size() + " bytes)", e.problem());
    }

    @Test
    void rawLocationOffsetAndSize() {
        long areaSize = 1044480;
        assertRlocn(100, 700, "the metadata of area 0 is at offset 100 - outside the circular buffer (512 to "
                + (areaSize - 1) + ")");
        assertRlocn(areaSize, 700, "the metadata of area 0 is at offset " + areaSize
                + " - outside the circular buffer (512 to " + (areaSize - 1) + ")");
        assertRlocn(-1, 700, "the metadata of area 0 is at offset 18446744073709551615 - outside the circular "
                + "buffer (512 to " + (areaSize - 1) + ")");
        assertRlocn(512, areaSize, "the metadata of area 0 has " + areaSize + " bytes - the circular buffer holds "
                + (areaSize - 512));
        assertRlocn(512, -5, "the metadata of area 0 has 18446744073709551611 bytes - the circular buffer holds "
                + (areaSize - 512));
    }

    private static void assertRlocn(long offset, long size, String problem) {
        MemoryDisk d = mbr();
        le(d.head).putLong(MDA + 40, offset).putLong(MDA + 48, size);
        fixMda(d.head, MDA);
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> text(d));
        assertEquals("partition 2: " + problem, e.problem());
    }

    @Test
    void rawLocationSizeOverTheCap() throws IOException {
        // an 8 MiB metadata area (pv_header and mda_header agree) holding a 5 MiB copy
        MemoryDisk g = mbr();
        long area = 8L << 20;
        byte[] head = java.util.Arrays.copyOf(g.head, (int) (MDA + area));
        le(head).putLong(SECTOR + 32 + 40 + 32 + 8, area);
        LvmTestSupport.fixLabel(head);
        le(head).putLong(MDA + 32, area).putLong(MDA + 48, 5L << 20);
        fixMda(head, MDA);
        MemoryDisk d = new MemoryDisk(head, 16L << 20);
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> text(d));
        assertEquals("partition 2: the metadata of area 0 has 5242880 bytes - over vhdkit's limit of 4194304",
                e.problem());
    }

    @Test
    void textChecksum() {
        MemoryDisk d = mbr();
        long off = le(d.head).getLong(MDA + 40);
        d.head[(int) (MDA + off + 3)] ^= 0x20;
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> text(d));
        assertEquals("mda-header.raw-locn-checksum", e.where().code());
        assertEquals(MDA + 40 + 16, e.where().offset());
    }

    @Test
    void ignoredAndEmptyAreasHaveNoText() throws IOException {
        MemoryDisk d = mbr();
        le(d.head).putInt(MDA + 40 + 20, RawLocation.FLAG_IGNORED);
        fixMda(d.head, MDA);
        assertTrue(text(d).isEmpty());
        MemoryDisk e = mbr();
        java.util.Arrays.fill(e.head, MDA + 40, MDA + 64, (byte) 0);
        fixMda(e.head, MDA);
        assertTrue(text(e).isEmpty());
        assertTrue(open(e).header().rawLocations().isEmpty());
    }

    @Test
    void syntaxErrorsPointIntoTheDevice() throws IOException {
        MemoryDisk d = mbr();
        String text = LvmTestSupport.text(d.head, MDA);
        String broken = text.replaceFirst("seqno = ", "seqno  ");
        LvmTestSupport.replaceText(d.head, MDA, broken);
        MetadataText t = text(d).orElseThrow();
        FormatException e = assertThrows(FormatException.class, () -> MetadataDecoder.decode(t.text(),
                "partition 2, metadata area 0", t::offsetOf));
        int at = broken.indexOf("seqno  ") + "seqno  ".length();
        assertEquals(t.firstOffset() + at, e.where().offset());
        assertEquals("partition 2, metadata area 0 line 3: expected '=' or '{' after 'seqno', found the number "
                + LvmTestSupport.goldenManifest("mbr.tsv").vg().seqno(), e.problem());
    }
}
