package io.vhdkit.vhdx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.io.ByteArraySource;
import io.vhdkit.io.Extent;
import io.vhdkit.partition.Guids;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The VHDX reader against qemu-img's images (fixtures/vhdx), golden-byte corruptions of one field at a time, and
 * seeded hostile mutations.
 */
class VhdxDiskTest {

    static Path fx(String name) {
        return Fixtures.file("vhdx", name);
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(fx(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static VhdxDisk open(byte[] b) throws IOException {
        return VhdxDisk.open(new ByteArraySource("t.vhdx", b));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dynamic-1m", "dynamic-32m", "fixed-1m", "fixed-32m", "small"})
    void readsAsQemuImgDoes(String name) throws IOException {
        Path raw = fx(name + ".raw");
        try (VhdxDisk d = VhdxDisk.open(fx(name + ".vhdx"))) {
            assertEquals(Files.size(raw), d.size());
            assertEquals(name.endsWith("32m") ? 32L << 20 : 1L << 20, d.blockSize());
            assertEquals(512, d.logicalSectorSize());
            byte[] expected = Files.readAllBytes(raw);
            ByteBuffer all = ByteBuffer.allocate((int) d.size());
            d.read(0, all);
            assertArrayEquals(expected, all.array());
            // outside the allocated extents, the source is zeros
            long covered = 0;
            for (Extent e : d.allocatedExtents()) {
                covered += e.length();
            }
            assertTrue(covered <= d.size());
            byte[] outside = expected.clone();
            for (Extent e : d.allocatedExtents()) {
                java.util.Arrays.fill(outside, (int) e.offset(), (int) e.end(), (byte) 0);
            }
            assertArrayEquals(new byte[outside.length], outside, "data outside the allocated extents");
        }
    }

    @Test
    void notAVhdx() {
        byte[] b = bytes("small.vhdx");
        b[0] = 'x';
        FormatException e = assertThrows(NotThisFormatException.class, () -> open(b));
        assertEquals("VHDX file identifier @0x0: signature is \"xhdxfile\" - should be \"vhdxfile\"", e.getMessage());
    }

    // ---- golden bytes: one field at a time

    static final int H1 = (int) VhdxHeader.OFFSET_1;
    static final int H2 = (int) VhdxHeader.OFFSET_2;
    static final int R1 = (int) VhdxRegionTable.OFFSET_1;
    static final int R2 = (int) VhdxRegionTable.OFFSET_2;

    static void resealHeader(byte[] b, int at) {
        ByteBuffer h = ByteBuffer.wrap(b, at, VhdxHeader.SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(VhdxHeader.OFFSET_CHECKSUM, 0);
        h.putInt(VhdxHeader.OFFSET_CHECKSUM, Crc32c.of(h, VhdxHeader.OFFSET_CHECKSUM));
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    static long region(byte[] b, UUID guid) {
        VhdxRegionTable t = VhdxRegionTable.decode(ByteBuffer.wrap(b, R1, VhdxRegionTable.SIZE).slice());
        return t.entries().stream().filter(e -> e.guid().equals(guid)).findFirst().orElseThrow().fileOffset();
    }

    /** The absolute offset of a metadata item's data. */
    static int item(byte[] b, UUID id) {
        int base = (int) region(b, VhdxRegionTable.METADATA);
        ByteBuffer m = le(b);
        int count = Short.toUnsignedInt(m.getShort(base + 10));
        for (int i = 0; i < count; i++) {
            int at = base + 32 + i * 32;
            if (Guids.decode(m, at).equals(id)) {
                return base + m.getInt(at + 16);
            }
        }
        throw new AssertionError("no item " + id);
    }

    @Test
    void aDamagedFirstHeaderFallsBackToTheSecond() throws IOException {
        byte[] b = bytes("small.vhdx");
        b[H1 + 100] ^= 1;
        try (VhdxDisk d = open(b)) {
            assertEquals(4L << 20, d.size());
        }
        b[H2 + 100] ^= 1;
        FormatException e = assertThrows(CorruptFormatException.class, () -> open(b));
        assertTrue(e.getMessage().startsWith("VHDX header @0x10004: neither header is valid (header 1: checksum 0x"),
                e.getMessage());
    }

    @Test
    void theHigherSequenceNumberWins() throws IOException {
        byte[] b = bytes("small.vhdx");
        le(b).putLong(H2 + VhdxHeader.OFFSET_SEQUENCE_NUMBER, le(b).getLong(H1 + VhdxHeader.OFFSET_SEQUENCE_NUMBER) + 5);
        le(b).putShort(H2 + VhdxHeader.OFFSET_LOG_VERSION, (short) 0);
        resealHeader(b, H2);
        try (VhdxDisk d = open(b)) {
            assertEquals(le(b).getLong(H2 + VhdxHeader.OFFSET_SEQUENCE_NUMBER), d.header().sequenceNumber());
        }
    }

    @Test
    void aLogGuidWithoutAValidLogIsRefused() {
        byte[] b = bytes("small.vhdx");
        for (int h : new int[] {H1, H2}) {
            le(b).putLong(h + VhdxHeader.OFFSET_LOG_GUID, 0x1122334455667788L);
            resealHeader(b, h);
        }
        FormatException e = assertThrows(CorruptFormatException.class, () -> open(b));
        assertTrue(e.getMessage().contains("holds no valid, complete sequence of entries"), e.getMessage());
        assertTrue(e.getMessage().contains("qemu-img check -r all"), e.getMessage());
        assertEquals("log guid", e.where().field());
        assertEquals(H2 + VhdxHeader.OFFSET_LOG_GUID, e.where().offset()); // the current header: qemu-img wrote it last
    }

    @Test
    void aWrongHeaderVersionIsNotUsed() {
        byte[] b = bytes("small.vhdx");
        for (int h : new int[] {H1, H2}) {
            le(b).putShort(h + VhdxHeader.OFFSET_VERSION, (short) 2);
            resealHeader(b, h);
        }
        FormatException e = assertThrows(CorruptFormatException.class, () -> open(b));
        assertTrue(e.getMessage().contains("header 1: version 2, should be 1"), e.getMessage());
    }

    @Test
    void regionTables() throws IOException {
        byte[] b = bytes("small.vhdx");
        b[R1 + 40] ^= 1;
        try (VhdxDisk d = open(b)) {
            assertEquals(4L << 20, d.size()); // the second table
        }
        b[R2 + 40] ^= 1;
        FormatException e = assertThrows(CorruptFormatException.class, () -> open(b));
        assertTrue(e.getMessage().contains("neither region table is valid"), e.getMessage());
    }

    @Test
    void metadataFields() throws IOException {
        byte[] good = bytes("small.vhdx");
        byte[] b = good.clone();
        le(b).putInt(item(b, VhdxDisk.FILE_PARAMETERS), 3 << 20);
        FormatException e = assertThrows(CorruptFormatException.class, () -> open(b));
        assertEquals("block size", e.where().field());
        assertEquals("3145728", e.actual().orElseThrow());

        byte[] c = good.clone();
        le(c).putInt(item(c, VhdxDisk.FILE_PARAMETERS) + 4, 2);
        e = assertThrows(CorruptFormatException.class, () -> open(c));
        assertTrue(e.getMessage().contains("differencing VHDX (HasParent) without a parent locator"), e.getMessage());

        byte[] d = good.clone();
        le(d).putLong(item(d, VhdxDisk.VIRTUAL_DISK_SIZE), 65L << 40);
        e = assertThrows(CorruptFormatException.class, () -> open(d));
        assertEquals("virtual disk size", e.where().field());

        byte[] s = good.clone();
        le(s).putInt(item(s, VhdxDisk.LOGICAL_SECTOR_SIZE), 1024);
        e = assertThrows(CorruptFormatException.class, () -> open(s));
        assertEquals("logical sector size", e.where().field());

        byte[] sig = good.clone();
        sig[(int) region(sig, VhdxRegionTable.METADATA)] = 'X';
        e = assertThrows(CorruptFormatException.class, () -> open(sig));
        assertEquals("metadata table", e.where().structure());
    }

    @Test
    void batEntries() {
        byte[] good = bytes("small.vhdx");
        int bat = (int) region(good, VhdxRegionTable.BAT);
        byte[] b = good.clone();
        le(b).putLong(bat, (le(b).getLong(bat) & ~7L) | VhdxDisk.PAYLOAD_PARTIALLY_PRESENT);
        FormatException e = assertThrows(CorruptFormatException.class, () -> open(b));
        assertEquals("entry 0", e.where().field());
        assertEquals(bat, e.where().offset());
        assertTrue(e.getMessage().contains("state 7"), e.getMessage());

        byte[] c = good.clone();
        le(c).putLong(bat, (4096L << 20) | VhdxDisk.PAYLOAD_FULLY_PRESENT);
        e = assertThrows(CorruptFormatException.class, () -> open(c));
        assertTrue(e.getMessage().contains("is not inside the file"), e.getMessage());
    }

    @Test
    void unknownRequiredRegionIsRefused() {
        byte[] b = bytes("small.vhdx");
        ByteBuffer t = le(b);
        int count = t.getInt(R1 + VhdxRegionTable.OFFSET_ENTRY_COUNT);
        for (int r : new int[] {R1, R2}) {
            int at = r + VhdxRegionTable.OFFSET_ENTRIES + count * VhdxRegionTable.ENTRY_SIZE;
            System.arraycopy(Guids.encode(UUID.fromString("12345678-1234-1234-1234-123456789abc")), 0, b, at, 16);
            t.putLong(at + 16, region(b, VhdxRegionTable.BAT));
            t.putInt(at + 24, 1 << 20);
            t.putInt(at + 28, 1);
            t.putInt(r + VhdxRegionTable.OFFSET_ENTRY_COUNT, count + 1);
            ByteBuffer s = ByteBuffer.wrap(b, r, VhdxRegionTable.SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);
            s.putInt(VhdxRegionTable.OFFSET_CHECKSUM, 0);
            s.putInt(VhdxRegionTable.OFFSET_CHECKSUM, Crc32c.of(s, VhdxRegionTable.OFFSET_CHECKSUM));
        }
        FormatException e = assertThrows(UnsupportedFormatException.class, () -> open(b));
        assertTrue(e.getMessage().contains("is marked required and vhdkit does not know it"), e.getMessage());
    }

    // ---- hostile input

    /**
     * Seeded mutations of the structures (headers and region tables resealed half the time, so that the mutation
     * gets past the CRC): opening, reading everything and listing extents give a result or a FormatException.
     */
    @Test
    void mutatedImagesFailOnlyWithFormatExceptions() {
        byte[] seed = bytes("small.vhdx");
        int bat = (int) region(seed, VhdxRegionTable.BAT);
        int meta = (int) region(seed, VhdxRegionTable.METADATA);
        int[][] areas = {{0, 64}, {H1, 80}, {H2, 80}, {R1, 16 + 32 * 3}, {R2, 16 + 32 * 3}, {meta, 32 + 32 * 6},
                {meta + 65536, 64}, {bat, 64}};
        Random random = new Random(20261122);
        int opened = 0;
        for (int round = 0; round < 2000; round++) {
            byte[] b = seed.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                int[] a = areas[random.nextInt(areas.length)];
                int at = a[0] + random.nextInt(a[1]);
                b[at] = random.nextInt(3) == 0 ? (byte) 0xFF : (byte) random.nextInt(256);
            }
            if (random.nextBoolean()) {
                resealHeader(b, H1);
                resealHeader(b, H2);
                for (int r : new int[] {R1, R2}) {
                    ByteBuffer s = ByteBuffer.wrap(b, r, VhdxRegionTable.SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);
                    s.putInt(VhdxRegionTable.OFFSET_CHECKSUM, 0);
                    s.putInt(VhdxRegionTable.OFFSET_CHECKSUM, Crc32c.of(s, VhdxRegionTable.OFFSET_CHECKSUM));
                }
            }
            try (VhdxDisk d = open(b)) {
                opened++;
                long size = d.size();
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, 1 << 20));
                for (long at = 0; at < size; at += buf.capacity()) {
                    buf.clear().limit((int) Math.min(buf.capacity(), size - at));
                    d.read(at, buf);
                }
                d.allocatedExtents();
            } catch (FormatException expected) {
                // the one allowed failure
            } catch (IOException | RuntimeException | Error e) {
                fail("round " + round + ": " + e, e);
            }
        }
        assertTrue(opened > 100, "some mutants should still open, got " + opened);
    }
}
