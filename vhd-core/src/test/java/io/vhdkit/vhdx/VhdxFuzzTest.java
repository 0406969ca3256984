package io.vhdkit.vhdx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.io.Extent;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import io.vhdkit.testing.SparseImage;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the VHDX reader (FUZZING.md), against its public API ({@link VhdxDisk#open}): headers, region
 * tables, metadata, BAT. The file is a {@link SparseImage}; it is opened, read at its start, middle and end, and its
 * extents listed. Seeds: qemu-img's dynamic and fixed VHDX of the fixture corpus (fixtures/vhdx/build.sh).
 */
class VhdxFuzzTest {

    static Stream<Arguments> seeds() {
        return FuzzSeeds.sparse(VhdxDiskTest.bytes("small.vhdx"), VhdxDiskTest.bytes("dynamic-1m.vhdx"));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void vhdx(byte[] input) {
        FuzzContract.check("vhdx", input, () -> {
            try (VhdxDisk disk = VhdxDisk.open(SparseImage.decode(input).source("fuzz.vhdx"))) {
                long size = disk.size();
                for (long at : new long[] {0, size / 2, size - 4096}) {
                    if (at >= 0 && size > 0) {
                        disk.read(at, ByteBuffer.allocate((int) Math.min(64 * 1024, size - at)));
                    }
                }
                for (Extent e : disk.allocatedExtents()) {
                    if (e.offset() + e.length() > size) {
                        throw new AssertionError("extent " + e + " beyond a disk of " + size + " bytes");
                    }
                }
            }
        });
    }
}
