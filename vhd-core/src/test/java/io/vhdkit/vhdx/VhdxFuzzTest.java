package io.vhdkit.vhdx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.io.Extent;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import io.vhdkit.testing.SparseImage;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the VHDX reader (FUZZING.md), against its public API ({@link VhdxDisk#open}): headers, region
 * tables, metadata, BAT. The file is a {@link SparseImage}; it is opened, read at its start, middle and end, and its
 * extents listed. Seeds: qemu-img's dynamic VHDX of the fixture corpus (fixtures/vhdx/build.sh), their payload
 * left out.
 */
class VhdxFuzzTest {

    static Stream<Arguments> seeds() {
        return FuzzSeeds.sparse(metadataOnly("small"), metadataOnly("dynamic-1m"));
    }

    /**
     * The fixture NAME.vhdx with its payload sectors zeroed: every 512-byte sector equal to a non-zero sector of the
     * raw disk it holds (NAME.raw, random data) is payload, so what is left is the headers, region tables, log,
     * metadata and BAT, and the seed is a few KiB instead of the image's data.
     */
    static byte[] metadataOnly(String name) {
        byte[] vhdx = VhdxDiskTest.bytes(name + ".vhdx");
        byte[] raw = VhdxDiskTest.bytes(name + ".raw");
        Set<ByteBuffer> payload = new HashSet<>();
        for (int at = 0; at + SparseImage.SECTOR <= raw.length; at += SparseImage.SECTOR) {
            ByteBuffer sector = ByteBuffer.wrap(raw, at, SparseImage.SECTOR).slice();
            if (sector.mismatch(ByteBuffer.allocate(SparseImage.SECTOR)) >= 0) {
                payload.add(sector);
            }
        }
        for (int at = 0; at + SparseImage.SECTOR <= vhdx.length; at += SparseImage.SECTOR) {
            if (payload.contains(ByteBuffer.wrap(vhdx, at, SparseImage.SECTOR).slice())) {
                Arrays.fill(vhdx, at, at + SparseImage.SECTOR, (byte) 0);
            }
        }
        return vhdx;
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
