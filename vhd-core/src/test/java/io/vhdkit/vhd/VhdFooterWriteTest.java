package io.vhdkit.vhd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The footers and dynamic headers vhdkit writes, byte for byte. */
class VhdFooterWriteTest {

    static final UUID ID = UUID.fromString("5648444b-0000-4000-8000-000000000001");
    /** 2024-01-01T00:00:00Z in VHD time. */
    static final long STAMP = 757_382_400L;

    /**
     * The exact first 85 bytes of a fresh fixed footer for a 64 MiB disk (the other 427 are zero): cookie, features
     * 2, version 1.0, data offset all ones, time stamp, "vhdk", creator version 1.0, "Wi2k", original and current
     * size, CHS 963/8/17 (the spec's algorithm for 131072 sectors), type 2, checksum 0xFFFFEDB7 (computed outside
     * Java), unique id big-endian, saved state 0.
     */
    @Test
    void freshFixedFooterGoldenBytes() {
        byte[] expected = new byte[512];
        byte[] head = HexFormat.of().parseHex("636f6e65637469780000000200010000ffffffffffffffff2d24bd00"
                + "7668646b000100005769326b0000000004000000000000000400000003c3081100000002ffffedb7"
                + "5648444b00004000800000000000000100");
        System.arraycopy(head, 0, expected, 0, head.length);
        VhdFooter f = VhdFooter.fixed(64L << 20, ID, STAMP);
        assertArrayEquals(expected, f.encode());
        assertTrue(f.checksumValid());
        assertEquals("vhdkit", f.creatorApplicationName().orElseThrow());
        assertEquals(new Geometry(963, 8, 17), f.geometry());
        assertEquals(f, VhdFooter.decode(ByteBuffer.wrap(f.encode())));
    }

    @Test
    void geometryFollowsTheSpecForLargeDisks() {
        assertEquals(Geometry.MAXIMUM, VhdFooter.fixed(200L << 30, ID, STAMP).geometry());
        assertEquals(Geometry.forSize(5L << 30), VhdFooter.fixed(5L << 30, ID, STAMP).geometry());
        assertEquals(new Geometry(10402, 16, 63), VhdFooter.fixed(5L << 30, ID, STAMP).geometry());
    }

    @Test
    void asFixedKeepsIdentityAndSizeAndResealsTheChecksum() {
        VhdFooter dyn = VhdFooter.create(DiskType.DYNAMIC, 64L << 20, 512, ID, STAMP);
        assertEquals(512, dyn.dataOffset());
        VhdFooter fixed = dyn.asFixed();
        assertEquals(DiskType.FIXED, fixed.diskType().orElseThrow());
        assertEquals(VhdFooter.NO_DATA_OFFSET, fixed.dataOffset());
        assertEquals(dyn.uniqueId(), fixed.uniqueId());
        assertEquals(dyn.currentSize(), fixed.currentSize());
        assertEquals(dyn.timestamp(), fixed.timestamp());
        assertTrue(fixed.checksumValid());
        byte[] a = dyn.encode();
        byte[] b = fixed.encode();
        // only data offset, disk type and checksum differ
        for (int i = 0; i < 512; i++) {
            boolean changed = (i >= VhdFooter.OFFSET_DATA_OFFSET && i < VhdFooter.OFFSET_DATA_OFFSET + 8)
                    || (i >= VhdFooter.OFFSET_DISK_TYPE && i < VhdFooter.OFFSET_CHECKSUM + 4);
            if (!changed) {
                assertEquals(a[i], b[i], "byte " + i);
            }
        }
    }

    @Test
    void resizedSetsBothSizesAndRecomputesGeometry() {
        VhdFooter f = VhdFooter.fixed(67_125_248L, ID, STAMP).resized(68_157_440L);
        assertEquals(68_157_440L, f.currentSize());
        assertEquals(68_157_440L, f.originalSize());
        assertEquals(ID, f.uniqueId());
        assertEquals(Geometry.forSize(68_157_440L), f.geometry());
        assertTrue(f.checksumValid());
    }

    @Test
    void refusesWhatCannotBeWritten() {
        assertThrows(IllegalArgumentException.class, () -> VhdFooter.fixed(1000, ID, STAMP));
        assertThrows(IllegalArgumentException.class, () -> VhdFooter.fixed(0, ID, STAMP));
        assertThrows(IllegalArgumentException.class, () -> VhdFooter.create(DiskType.DYNAMIC, 512, -1, ID, STAMP));
        byte[] bad = VhdFooter.fixed(512, ID, STAMP).encode();
        bad[0] = 'x';
        VhdFooter broken = VhdFooter.decode(ByteBuffer.wrap(bad));
        assertThrows(IllegalStateException.class, broken::encode);
    }

    @Test
    void resealRepairsAChecksumInPlace() {
        byte[] raw = VhdFooter.fixed(64L << 20, ID, STAMP).encode();
        byte[] good = raw.clone();
        Arrays.fill(raw, VhdFooter.OFFSET_CHECKSUM, VhdFooter.OFFSET_CHECKSUM + 4, (byte) 0);
        VhdFooter.reseal(raw);
        assertArrayEquals(good, raw);
    }

    @Test
    void freshDynamicHeaderDecodesAsWritten() {
        byte[] h = DynamicHeader.encodeDynamic(1536, 32, 2L << 20);
        DynamicHeader d = DynamicHeader.decode(ByteBuffer.wrap(h));
        assertTrue(d.cookieValid());
        assertTrue(d.checksumValid());
        assertEquals(-1L, d.dataOffset());
        assertEquals(1536, d.tableOffset());
        assertEquals(32, d.maxTableEntries());
        assertEquals(2L << 20, d.blockSize());
        assertEquals(DynamicHeader.HEADER_VERSION_1_0, d.headerVersion());
        assertTrue(!d.hasParentFields());
        assertEquals(-1, d.firstNonZeroReserved());
    }
}
