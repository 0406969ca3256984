package io.vhdkit.vhdx;

import static io.vhdkit.vhdx.VhdxDiskTest.fx;
import static io.vhdkit.vhdx.VhdxDiskTest.le;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.io.ByteArraySource;
import io.vhdkit.io.Extent;
import io.vhdkit.partition.Guids;
import io.vhdkit.vhd.ParentNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Differencing VHDX (fixtures/vhdx: children made by mkvhdx.py from qemu-img's VHDX, read by libvhdi as the oracle):
 * chains, sector bitmaps, parent locators, and the chains that must be refused.
 */
class VhdxDifferencingTest {

    static byte[] all(VhdxDisk d) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) d.size());
        d.read(0, b);
        return b.array();
    }

    @ParameterizedTest
    @CsvSource({"diff1.vhdx, diff1.expected.raw, 2", "chain/diff2.vhdx, chain/diff2.expected.raw, 3",
            "diff-zero-block.vhdx, diff-zero-block.expected.raw, 2", "diff-abs.vhdx, diff-abs.expected.raw, 2"})
    void readsAsLibvhdiDoes(String child, String expected, int depth) throws IOException {
        byte[] want = Files.readAllBytes(fx(expected));
        try (VhdxDisk d = VhdxDisk.open(fx(child))) {
            assertTrue(d.differencing());
            int n = 1;
            for (VhdxDisk p = d; p.parent().isPresent(); p = p.parent().get()) {
                n++;
            }
            assertEquals(depth, n, "files in the chain");
            assertArrayEquals(want, all(d));
            // unaligned reads across sectors, blocks and bitmap runs
            Random r = new Random(7);
            for (int i = 0; i < 300; i++) {
                int at = r.nextInt(want.length - 1);
                int len = 1 + r.nextInt(Math.min(want.length - at, 3 << 20));
                ByteBuffer b = ByteBuffer.allocate(len);
                d.read(at, b);
                assertArrayEquals(java.util.Arrays.copyOfRange(want, at, at + len), b.array(), "read at " + at);
            }
            byte[] outside = want.clone();
            for (Extent e : d.allocatedExtents()) {
                java.util.Arrays.fill(outside, (int) e.offset(), (int) e.end(), (byte) 0);
            }
            assertArrayEquals(new byte[outside.length], outside, "data outside the allocated extents");
        }
    }

    @Test
    void theLocatorAndTheChainAreReported() throws IOException {
        try (VhdxDisk d = VhdxDisk.open(fx("chain/diff2.vhdx"))) {
            VhdxParentLocator l = d.parentLocator().orElseThrow();
            assertEquals("..\\diff1.vhdx", l.entries().get("relative_path"));
            VhdxDisk p = d.parent().orElseThrow();
            assertEquals(l.linkages().get(0), p.header().dataWriteGuid());
            assertEquals(p.parent().orElseThrow().header().dataWriteGuid(),
                    p.parentLocator().orElseThrow().linkages().get(0));
            assertTrue(d.bytesRead() > 0);
        }
    }

    @Test
    void aParentOfAnotherIdentityIsRefused() {
        FormatException e = assertThrows(CorruptFormatException.class, () -> VhdxDisk.open(fx("bad-linkage.vhdx")));
        assertTrue(e.getMessage().contains("not the parent_linkage the child was made against"), e.getMessage());
        assertEquals("parent_linkage", e.where().field());
    }

    @Test
    void aMissingParentIsNamed() {
        ParentNotFoundException e = assertThrows(ParentNotFoundException.class,
                () -> VhdxDisk.open(fx("missing-parent.vhdx")));
        assertEquals(".\\nonexistent.vhdx", e.parentName());
        assertTrue(e.getMessage().contains("nonexistent.vhdx (relative_path)"), e.getMessage());
    }

    @Test
    void aParentThatIsItselfIsALoop() {
        FormatException e = assertThrows(CorruptFormatException.class, () -> VhdxDisk.open(fx("self-parent.vhdx")));
        assertTrue(e.getMessage().contains("differencing chain loop"), e.getMessage());
        assertEquals("cycle", e.where().field());
    }

    @Test
    void twoFilesThatAreEachOthersParentAreALoop() {
        FormatException e = assertThrows(CorruptFormatException.class, () -> VhdxDisk.open(fx("loop-a.vhdx")));
        assertTrue(e.getMessage().matches("(?s).*loop-a.vhdx -> .*loop-b.vhdx -> .*loop-a.vhdx.*"), e.getMessage());
    }

    @Test
    void aVhdParentIsRefused() {
        FormatException e = assertThrows(UnsupportedFormatException.class, () -> VhdxDisk.open(fx("vhd-parent.vhdx")));
        assertTrue(e.getMessage().contains("is a VHD: MS-VHDX allows only VHDX parents"), e.getMessage());
    }

    @Test
    void aChildFromBytesNeedsItsParent() throws IOException {
        byte[] child = Files.readAllBytes(fx("diff1.vhdx"));
        FormatException e = assertThrows(UnsupportedFormatException.class,
                () -> VhdxDisk.open(new ByteArraySource("c.vhdx", child)));
        assertTrue(e.getMessage().contains("open it by its path"), e.getMessage());
        try (VhdxDisk d = open(child)) {
            assertArrayEquals(Files.readAllBytes(fx("diff1.expected.raw")), all(d));
        }
    }

    @Test
    void aMovedChildFindsItsParentByTheLocatorsFileName(@TempDir Path dir) throws IOException {
        Files.copy(fx("diff-abs.vhdx"), dir.resolve("child.vhdx"));
        Files.createLink(dir.resolve("dynamic-1m.vhdx"), fx("dynamic-1m.vhdx"));
        try (VhdxDisk d = VhdxDisk.open(dir.resolve("child.vhdx"))) {
            assertArrayEquals(Files.readAllBytes(fx("diff-abs.expected.raw")), all(d));
        }
    }

    // ---- golden bytes: the parent locator and the sector bitmap, one field at a time

    static VhdxDisk open(byte[] child) throws IOException {
        return VhdxDisk.open(new ByteArraySource("c.vhdx", child), VhdxDisk.openFile(fx("dynamic-1m.vhdx")));
    }

    /** The absolute offset of diff1's parent locator item. */
    static int locator(byte[] b) {
        return VhdxDiskTest.item(b, VhdxDisk.PARENT_LOCATOR);
    }

    static FormatException refused(byte[] b) {
        return assertThrows(FormatException.class, () -> open(b).close());
    }

    @Test
    void parentLocatorFields() throws IOException {
        byte[] good = Files.readAllBytes(fx("diff1.vhdx"));
        int at = locator(good);

        byte[] type = good.clone();
        type[at] ^= 1;
        FormatException e = refused(type);
        assertTrue(e instanceof UnsupportedFormatException, e.toString());
        assertEquals("locator type", e.where().field());
        assertEquals(locatorFileOffset(good), e.where().offset());

        byte[] count = good.clone();
        le(count).putShort(at + VhdxParentLocator.OFFSET_KEY_VALUE_COUNT, (short) 0xFFFF);
        e = refused(count);
        assertEquals("key value count", e.where().field());
        assertEquals(locatorFileOffset(good) + VhdxParentLocator.OFFSET_KEY_VALUE_COUNT, e.where().offset());

        byte[] keyOffset = good.clone();
        le(keyOffset).putInt(at + VhdxParentLocator.HEADER_SIZE, 1 << 20);
        e = refused(keyOffset);
        assertEquals("entry 0", e.where().field());
        assertTrue(e.getMessage().contains("outside the item"), e.getMessage());

        byte[] odd = good.clone();
        le(odd).putShort(at + VhdxParentLocator.HEADER_SIZE + 8, (short) 3);
        e = refused(odd);
        assertTrue(e.getMessage().contains("odd length"), e.getMessage());

        // "parent_linkage" (the first key) renamed "qarent_linkage"
        byte[] missing = good.clone();
        int keyAt = at + le(missing).getInt(at + VhdxParentLocator.HEADER_SIZE);
        missing[keyAt] = 'q';
        e = refused(missing);
        assertTrue(e.getMessage().contains("has no parent_linkage entry"), e.getMessage());

        byte[] malformed = good.clone();
        int valueAt = at + le(malformed).getInt(at + VhdxParentLocator.HEADER_SIZE + 4);
        malformed[valueAt] = 'x'; // the opening brace
        e = refused(malformed);
        assertEquals("parent_linkage", e.where().field());
        assertTrue(e.getMessage().contains("a GUID in braces"), e.getMessage());

        byte[] linkage = good.clone();
        linkage[valueAt + 2] = (byte) (linkage[valueAt + 2] == 'a' ? 'b' : 'a'); // another GUID
        e = refused(linkage);
        assertTrue(e.getMessage().contains("data write GUID"), e.getMessage());

        byte[] duplicate = good.clone();
        int e1 = at + VhdxParentLocator.HEADER_SIZE + VhdxParentLocator.ENTRY_SIZE;
        le(duplicate).putInt(e1, le(duplicate).getInt(at + VhdxParentLocator.HEADER_SIZE));
        le(duplicate).putShort(e1 + 8, le(duplicate).getShort(at + VhdxParentLocator.HEADER_SIZE + 8));
        e = refused(duplicate);
        assertTrue(e.getMessage().contains("is listed twice"), e.getMessage());

        byte[] noLocator = good.clone();
        // the locator's metadata entry renamed: HasParent without a locator
        int meta = (int) VhdxDiskTest.region(noLocator, VhdxRegionTable.METADATA);
        int entries = Short.toUnsignedInt(le(noLocator).getShort(meta + 10));
        for (int i = 0; i < entries; i++) {
            int ent = meta + 32 + 32 * i;
            if (Guids.decode(le(noLocator), ent).equals(VhdxDisk.PARENT_LOCATOR)) {
                System.arraycopy(Guids.encode(UUID.fromString("12345678-1234-1234-1234-123456789abc")), 0, noLocator,
                        ent, 16);
                le(noLocator).putInt(ent + 24, 0);
            }
        }
        e = refused(noLocator);
        assertTrue(e.getMessage().contains("without a parent locator"), e.getMessage());
    }

    static long locatorFileOffset(byte[] b) {
        return locator(b);
    }

    @Test
    void sectorBitmapEntries() throws IOException {
        byte[] good = Files.readAllBytes(fx("diff1.vhdx"));
        int bat = (int) VhdxDiskTest.region(good, VhdxRegionTable.BAT);
        int sbIndex = 4096; // chunk ratio 4096: the first chunk's bitmap entry follows its 4096 payload entries
        int sb = bat + 8 * sbIndex;
        assertEquals(VhdxDisk.SB_BLOCK_PRESENT, (int) (le(good).getLong(sb) & 7));

        byte[] absent = good.clone();
        le(absent).putLong(sb, 0);
        FormatException e = refused(absent);
        assertTrue(e.getMessage().contains("partially present but its chunk has no sector bitmap"), e.getMessage());

        byte[] state = good.clone();
        le(state).putLong(sb, (le(state).getLong(sb) & ~7L) | 3);
        e = refused(state);
        assertEquals("sector bitmap entry " + sbIndex, e.where().field());
        assertEquals(sb, e.where().offset());

        byte[] outside = good.clone();
        le(outside).putLong(sb, (1024L << 20) | VhdxDisk.SB_BLOCK_PRESENT);
        e = refused(outside);
        assertTrue(e.getMessage().contains("is not inside the file"), e.getMessage());

        byte[] reserved = good.clone();
        le(reserved).putLong(bat, (le(reserved).getLong(bat) & ~7L) | 5);
        e = refused(reserved);
        assertTrue(e.getMessage().contains("reserved state 5"), e.getMessage());
    }

    /** Seeded mutations of the locator, the BAT and a bitmap: a result or a FormatException, nothing else. */
    @Test
    void mutatedChildrenFailOnlyWithFormatExceptions() throws IOException {
        byte[] seed = Files.readAllBytes(fx("diff1.vhdx"));
        int bat = (int) VhdxDiskTest.region(seed, VhdxRegionTable.BAT);
        int loc = locator(seed);
        long bitmap = (le(seed).getLong(bat + 8 * 4096) >>> 20) << 20;
        int[][] areas = {{loc, 200}, {bat, 96}, {bat + 8 * 4096, 8}, {(int) bitmap, 64}};
        Random random = new Random(20261122);
        int opened = 0;
        for (int round = 0; round < 400; round++) {
            byte[] b = seed.clone();
            for (int i = 0, flips = 1 + random.nextInt(3); i < flips; i++) {
                int[] a = areas[random.nextInt(areas.length)];
                b[a[0] + random.nextInt(a[1])] = (byte) random.nextInt(256);
            }
            try (VhdxDisk d = open(b)) {
                opened++;
                ByteBuffer buf = ByteBuffer.allocate(1 << 20);
                for (long at = 0; at < d.size(); at += buf.capacity()) {
                    d.read(at, buf.clear());
                }
                d.allocatedExtents();
            } catch (FormatException expected) {
                // the one allowed failure
            } catch (IOException | RuntimeException | Error e) {
                fail("round " + round + ": " + e, e);
            }
        }
        assertTrue(opened > 20, "some mutants should still open, got " + opened);
    }

    static String utf16(byte[] b, int at, int len) {
        return new String(b, at, len, StandardCharsets.UTF_16LE);
    }
}
