package io.vhdkit.vhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.io.Extent;
import io.vhdkit.io.Extents;
import io.vhdkit.io.FileByteSource;
import io.vhdkit.io.SparseFiles;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our virtual-disk reads against independent readers, byte for byte: {@code qemu-img convert -f vpc -O raw} for
 * images qemu-img wrote (fixed, dynamic), and the differencing chains against the generator's spec-following
 * expectation, which the fixture build checks against libvhdi (see fixtures/vhd/README.md).
 */
class VhdCorpusContentTest {

    @ParameterizedTest
    @ValueSource(strings = {"fixed", "fixed-chs", "dynamic", "dynamic-chs", "fixed-odd", "dynamic-odd",
            "fixed-sparse-3g", "dynamic-sparse-3g"})
    void qemuImagesReadAsQemuReadsThem(String name) throws IOException {
        Path vhd = Fixtures.vhd(name + ".vhd");
        Path oracle = Fixtures.vhd(name + ".qemu.raw");
        try (VhdImage image = VhdImage.open(vhd); FileByteSource raw = FileByteSource.open(oracle)) {
            assertEquals(raw.size(), image.size(), "virtual size");
            compare(image, raw, image.allocatedExtents());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"diff/child", "diff/grandchild", "diff/child-of-fixed", "diff/relative/child",
            "diff/name-only/child", "diff/absolute-only/child", "diff/macx/child"})
    void differencingChainsReadAsTheSpecSays(String name) throws IOException {
        try (VhdImage image = VhdImage.open(Fixtures.vhd(name + ".vhd"));
             FileByteSource expected = FileByteSource.open(Fixtures.vhd(name + ".expected.raw"))) {
            assertEquals(expected.size(), image.size());
            compareWhole(image, expected);
        }
    }

    /** Where libvhdi reads the chain right (no single-sector write before parent data), we match it directly. */
    @ParameterizedTest
    @ValueSource(strings = {"diff/relative/child", "diff/name-only/child", "diff/absolute-only/child",
            "diff/macx/child"})
    void differencingChainsReadAsLibvhdiReadsThem(String name) throws IOException {
        try (VhdImage image = VhdImage.open(Fixtures.vhd(name + ".vhd"));
             FileByteSource libvhdi = FileByteSource.open(Fixtures.vhd(name + ".libvhdi.raw"))) {
            compareWhole(image, libvhdi);
        }
    }

    /**
     * Compares in odd-sized chunks everywhere either side may hold data: our allocated extents and the oracle's
     * data extents. Elsewhere both must be zero: the oracle by its holes, ours by the allocated-extent contract,
     * sampled at random positions.
     */
    private static void compare(VhdImage image, FileByteSource raw, List<Extent> ours) throws IOException {
        List<Extent> theirs = SparseFiles.dataExtents(raw.path(), 0, raw.size());
        List<Extent> both = Extents.union(ours, theirs);
        for (Extent e : both) {
            compareRange(image, raw, e.offset(), e.length());
        }
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            long pos = (random.nextLong() & Long.MAX_VALUE) % (image.size() - 4096) / 512 * 512;
            if (both.stream().noneMatch(e -> e.contains(pos) || e.contains(pos + 4095))) {
                ByteBuffer b = ByteBuffer.allocate(4096);
                image.read(pos, b);
                assertTrue(isZero(b.array()), "non-zero bytes outside the allocated extents at " + pos);
            }
        }
        // every non-zero byte of the oracle lies in our allocated extents
        for (Extent e : theirs) {
            long at = e.offset();
            while (at < e.end()) {
                int n = (int) Math.min(1 << 20, e.end() - at);
                ByteBuffer b = raw.read(at, n);
                for (int i = 0; i < n; i++) {
                    if (b.get(i) != 0) {
                        long p = at + i;
                        if (ours.stream().noneMatch(x -> x.contains(p))) {
                            fail("data at " + p + " lies outside the allocated extents " + ours);
                        }
                        break;
                    }
                }
                at += n;
            }
        }
    }

    private static void compareWhole(VhdImage image, FileByteSource raw) throws IOException {
        compareRange(image, raw, 0, image.size());
    }

    /** Reads in chunks of 1 MiB + 4097 bytes so that chunk edges fall inside sectors and across blocks. */
    private static void compareRange(VhdImage image, FileByteSource raw, long from, long length) throws IOException {
        int chunk = (1 << 20) + 4097;
        long at = from;
        long end = from + length;
        while (at < end) {
            int n = (int) Math.min(chunk, end - at);
            ByteBuffer ours = ByteBuffer.allocate(n);
            image.read(at, ours);
            ByteBuffer theirs = raw.read(at, n);
            ours.flip();
            if (!ours.equals(theirs)) {
                int i = ours.mismatch(theirs);
                fail(image.file().name() + ": byte " + (at + i) + " is " + ours.get(i) + ", the oracle has "
                        + theirs.get(i));
            }
            at += n;
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dynamic", "dynamic-sparse-3g"})
    void dynamicExtentsAreTheAllocatedBlocks(String name) throws IOException {
        try (VhdImage image = VhdImage.open(Fixtures.vhd(name + ".vhd"))) {
            BlockAllocationTable bat = image.file().bat().orElseThrow();
            List<Extent> expected = new ArrayList<>();
            for (int i = 0; i < bat.size(); i++) {
                if (bat.isAllocated(i)) {
                    expected.add(new Extent(i * (2L << 20), 2L << 20));
                }
            }
            assertEquals(Extents.normalize(expected), image.allocatedExtents());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fixed-sparse-3g"})
    void fixedExtentsComeFromTheHoleMap(String name) throws IOException {
        try (VhdImage image = VhdImage.open(Fixtures.vhd(name + ".vhd"))) {
            long data = Extents.totalLength(image.allocatedExtents());
            assertTrue(SparseFiles.supported(), "SEEK_DATA/SEEK_HOLE through JNA on this platform");
            assertTrue(data >= 4L << 20 && data < 64L << 20, "4 MiB of data in a 3 GiB sparse file, got " + data);
        }
    }
}
