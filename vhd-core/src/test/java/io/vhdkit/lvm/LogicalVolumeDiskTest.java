package io.vhdkit.lvm;

import static io.vhdkit.lvm.MetadataDecoderTest.linear;
import static io.vhdkit.lvm.MetadataDecoderTest.lv;
import static io.vhdkit.lvm.MetadataDecoderTest.vg;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.io.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The linear and striped mappings on PVs whose every 8-byte word says where it is ({@code pv << 48 | offset}), so a
 * read of the LV shows which PV byte each LV byte came from. The VG of {@link MetadataDecoderTest#vg}: 8-sector
 * (4096-byte) extents, pv0 data from sector 16, pv1 from sector 8.
 */
class LogicalVolumeDiskTest {

    static final int EXTENT = 4096;
    static final long PV0_DATA = 16 * 512;
    static final long PV1_DATA = 8 * 512;

    /** A PV whose word at offset o is {@code id << 48 | o}. */
    static final class PatternDisk implements VirtualDisk {
        final long id;
        final long size;
        final List<Extent> allocated;

        PatternDisk(long id, long size, List<Extent> allocated) {
            this.id = id;
            this.size = size;
            this.allocated = allocated;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void read(long position, ByteBuffer dst) {
            assertTrue(position >= 0 && position + dst.remaining() <= size, "read inside the PV");
            while (dst.hasRemaining()) {
                long word = position & ~7L;
                long v = id << 48 | word;
                int shift = (int) (position - word);
                dst.put((byte) (v >>> (8 * shift)));           // byte `shift` of the word, little-endian
                position++;
            }
        }

        @Override
        public List<Extent> allocatedExtents() {
            return allocated;
        }

        @Override
        public void close() {
        }
    }

    static PatternDisk pv0() {
        return new PatternDisk(1, 200 * 512, List.of(new Extent(0, 200 * 512)));
    }

    static PatternDisk pv1() {
        return new PatternDisk(2, 100 * 512, List.of(new Extent(0, 100 * 512)));
    }

    static LogicalVolumeDisk disk(String lvText, Map<String, VirtualDisk> pvs) throws FormatException {
        VolumeGroup vg = MetadataDecoder.decode(vg(lvText), "t", null);
        return LogicalVolumeDisk.of(vg, vg.logicalVolumes().get(0), pvs);
    }

    static long[] words(VirtualDisk d, long from, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        d.read(from, b);
        b.flip().order(ByteOrder.LITTLE_ENDIAN);
        long[] w = new long[length / 8];
        for (int i = 0; i < w.length; i++) {
            w[i] = b.getLong();
        }
        return w;
    }

    static long at(int pv, long offset) {
        return (long) pv << 48 | offset;
    }

    @Test
    void linearAcrossTwoPvs() throws IOException {
        LogicalVolumeDisk d = disk(lv("l", linear(0, 3, "pv0", 2), linear(3, 2, "pv1", 1)),
                Map.of("pv0", pv0(), "pv1", pv1()));
        assertEquals("vg/l", d.name());
        assertEquals(5 * EXTENT, d.size());
        long[] w = words(d, 0, (int) d.size());
        for (int i = 0; i < w.length; i++) {
            long x = i * 8L;
            long expected = x < 3 * EXTENT ? at(1, PV0_DATA + 2 * EXTENT + x)
                    : at(2, PV1_DATA + EXTENT + x - 3 * EXTENT);
            assertEquals(expected, w[i], "LV byte " + x);
        }
    }

    @Test
    void stripedChunksGoRoundRobin() throws IOException {
        // 2 stripes of 2-sector (1024-byte) chunks; 4 extents = 2 per stripe: pv0 from extent 1, pv1 from extent 3
        LogicalVolumeDisk d = disk(lv("s", "start_extent = 0\nextent_count = 4\nstripe_count = 2\nstripe_size = 2\n"
                + "stripes = [\"pv0\", 1, \"pv1\", 3]"), Map.of("pv0", pv0(), "pv1", pv1()));
        long a0 = PV0_DATA + EXTENT;
        long a1 = PV1_DATA + 3 * EXTENT;
        // by hand: chunk 0 -> pv0 row 0, chunk 1 -> pv1 row 0, chunk 2 -> pv0 row 1, chunk 3 -> pv1 row 1, ...
        long[][] table = {{0, at(1, a0)}, {1024, at(2, a1)}, {2048, at(1, a0 + 1024)}, {3072, at(2, a1 + 1024)},
            {4096, at(1, a0 + 2048)}, {1024 + 8, at(2, a1 + 8)}, {2047 - 7, at(2, a1 + 1016)},
            {4 * EXTENT - 8, at(2, a1 + 2 * EXTENT - 8)}};
        for (long[] row : table) {
            assertEquals(row[1], words(d, row[0], 8)[0], "LV byte " + row[0]);
        }
        long[] w = words(d, 0, (int) d.size());
        for (int i = 0; i < w.length; i++) {
            long x = i * 8L;
            long c = x / 1024;
            long expected = c % 2 == 0 ? at(1, a0 + (c / 2) * 1024 + x % 1024) : at(2, a1 + (c / 2) * 1024 + x % 1024);
            assertEquals(expected, w[i], "LV byte " + x);
        }
    }

    @Test
    void anyReadSplitsAtChunkAndSegmentBoundaries() throws IOException {
        // three stripes of 1 sector, then a linear segment, then two stripes of 4 sectors
        LogicalVolumeDisk d = disk(lv("m",
                "start_extent = 0\nextent_count = 3\nstripe_count = 3\nstripe_size = 1\n"
                        + "stripes = [\"pv1\", 0, \"pv0\", 0, \"pv1\", 1]",
                linear(3, 1, "pv0", 5),
                "start_extent = 4\nextent_count = 2\nstripe_count = 2\nstripe_size = 4\n"
                        + "stripes = [\"pv1\", 4, \"pv0\", 8]"), Map.of("pv0", pv0(), "pv1", pv1()));
        byte[] whole = new byte[(int) d.size()];
        d.read(0, ByteBuffer.wrap(whole));
        Random r = new Random(7);
        for (int i = 0; i < 2000; i++) {
            int from = r.nextInt(whole.length);
            int n = r.nextInt(Math.min(whole.length - from, 9000) + 1);
            ByteBuffer b = ByteBuffer.allocateDirect(n + 10);
            b.position(3).limit(3 + n);
            d.read(from, b);
            assertEquals(3 + n, b.position());
            byte[] got = new byte[n];
            b.position(3);
            b.get(got);
            assertArrayEquals(java.util.Arrays.copyOfRange(whole, from, from + n), got, "read " + n + " at " + from);
        }
        // spot checks of the mapping: the linear segment, and each segment's start
        assertEquals(at(2, PV1_DATA), words(d, 0, 8)[0]);
        assertEquals(at(1, PV0_DATA), words(d, 512, 8)[0]);
        assertEquals(at(2, PV1_DATA + EXTENT), words(d, 1024, 8)[0]);
        assertEquals(at(2, PV1_DATA + 512), words(d, 1536, 8)[0]);
        assertEquals(at(1, PV0_DATA + 5 * EXTENT + 8), words(d, 3 * EXTENT + 8, 8)[0]);
        assertEquals(at(2, PV1_DATA + 4 * EXTENT), words(d, 4 * EXTENT, 8)[0]);
        assertEquals(at(1, PV0_DATA + 8 * EXTENT), words(d, 4 * EXTENT + 2048, 8)[0]);
        assertEquals(at(2, PV1_DATA + 4 * EXTENT + 2048), words(d, 4 * EXTENT + 4096, 8)[0]);
    }

    @Test
    void readsOutsideTheLvFail() throws IOException {
        LogicalVolumeDisk d = disk(lv("l", linear(0, 1, "pv0", 0)), Map.of("pv0", pv0(), "pv1", pv1()));
        d.read(EXTENT, ByteBuffer.allocate(0));
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> d.read(EXTENT - 4,
                ByteBuffer.allocate(8)));
        assertEquals("LVM logical volume: a read of 8 bytes at 4092 lies outside vg/l (4096 bytes)", e.getMessage());
        assertThrows(CorruptFormatException.class, () -> d.read(-1, ByteBuffer.allocate(1)));
        assertThrows(CorruptFormatException.class, () -> d.read(Long.MAX_VALUE, ByteBuffer.allocate(1)));
    }

    @Test
    void aMissingPvMakesTheLvUnreadable() throws FormatException {
        LogicalVolumeDisk d = disk(lv("l", linear(0, 3, "pv0", 2), linear(3, 2, "pv1", 1)), Map.of("pv0", pv0()));
        assertEquals(5 * EXTENT, d.size());
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> d.read(0,
                ByteBuffer.allocate(8)));
        assertEquals("LVM logical volume: vg/l is incomplete: it needs PV pv1 (id " + MetadataDecoderTest.ID3
                + "), not in the image", e.getMessage());
        assertThrows(CorruptFormatException.class, d::allocatedExtents);
        assertEquals(e.getMessage(), d.problem().orElseThrow().getMessage());
    }

    @Test
    void otherSegmentTypesAreUnsupported() throws FormatException {
        LogicalVolumeDisk d = disk(lv("t", "start_extent = 0\nextent_count = 100\ntype = \"thin\"\n"
                + "thin_pool = \"pool\""), Map.of());
        assertEquals(100 * EXTENT, d.size());
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> d.read(0,
                ByteBuffer.allocate(8)));
        assertEquals("LVM logical volume: vg/t: segment1 is a 'thin' segment - vhdkit reads only linear and striped "
                + "LVs", e.getMessage());
        assertEquals("thin", e.actual().orElseThrow());
        assertThrows(UnsupportedFormatException.class, d::allocatedExtents);
        for (String type : List.of("mirror", "raid1", "raid5_ls", "thin-pool", "cache", "vdo", "error", "zero")) {
            LogicalVolumeDisk o = disk(lv("o", "start_extent = 0\nextent_count = 1\ntype = \"" + type + "\""),
                    Map.of());
            assertTrue(o.problem().orElseThrow().getMessage().contains("a '" + type + "' segment"), type);
        }
    }

    @Test
    void aTruncatedPvFailsWhereItEnds() throws IOException {
        PatternDisk shortPv0 = new PatternDisk(1, PV0_DATA + 2 * EXTENT + 100, List.of());
        LogicalVolumeDisk d = disk(lv("l", linear(0, 3, "pv0", 1)), Map.of("pv0", shortPv0));
        d.read(0, ByteBuffer.allocate(EXTENT + 100));
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> d.read(EXTENT,
                ByteBuffer.allocate(101)));
        assertEquals("LVM logical volume: vg/l: byte 4096 of the LV maps to byte 16384 of pv0, beyond the end of its "
                + "device (16484 bytes)", e.getMessage());
    }

    @Test
    void allocatedExtentsMapLinearSegmentsExactlyAndStripedOnesCoarsely() throws IOException {
        PatternDisk p0 = new PatternDisk(1, 200 * 512, List.of(new Extent(PV0_DATA + 2 * EXTENT + 100, 50),
                new Extent(PV0_DATA + 9 * EXTENT, 8)));
        PatternDisk p1 = new PatternDisk(2, 100 * 512, List.of(new Extent(PV1_DATA + 5 * EXTENT, 1)));
        LogicalVolumeDisk linear = disk(lv("l", linear(0, 3, "pv0", 2), linear(3, 2, "pv1", 0)),
                Map.of("pv0", p0, "pv1", p1));
        assertEquals(List.of(new Extent(100, 50)), linear.allocatedExtents());
        LogicalVolumeDisk striped = disk(lv("s", linear(0, 1, "pv1", 0),
                "start_extent = 1\nextent_count = 2\nstripe_count = 2\nstripe_size = 2\n"
                        + "stripes = [\"pv0\", 9, \"pv1\", 2]",
                "start_extent = 3\nextent_count = 2\nstripe_count = 2\nstripe_size = 2\n"
                        + "stripes = [\"pv0\", 0, \"pv1\", 3]"), Map.of("pv0", p0, "pv1", p1));
        assertEquals(List.of(new Extent(EXTENT, 2 * EXTENT)), striped.allocatedExtents());
    }
}
