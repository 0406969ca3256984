package io.vhdkit.vhd;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.io.ByteArraySource;
import io.vhdkit.io.Extent;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import io.vhdkit.testing.Golden;
import io.vhdkit.testing.SparseImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the VHD reader (FUZZING.md): footer, footer copy, dynamic header, parent locators, BAT and sector
 * bitmaps. The file is a {@link SparseImage} (a dynamic VHD's 2 MiB blocks would not fit in a fuzz input otherwise),
 * opened by {@link VhdFile#open}, checked, read as a disk and its extents listed. Seeds: the qemu-img goldens
 * (README.md beside them).
 */
class VhdFileFuzzTest {

    /**
     * The CPU budget of one input while fuzzing. A dynamic header may ask for a BAT of up to 16 Mi entries (64 MiB,
     * which a fuzz image of up to 1 GiB can hold): the reader decodes and checks every entry, which costs about 0.23 s
     * in the product and about 5 s with vhd-core instrumented for coverage, every comparison traced (the finding
     * {@code findings/bat-entries-past-the-data-area-slow}). Replays, not instrumented, keep
     * {@link FuzzContract#BUDGET_NANOS}.
     */
    static final long FUZZING_BUDGET_NANOS = System.getenv("JAZZER_FUZZ") != null ? 8_000_000_000L
            : FuzzContract.BUDGET_NANOS;

    static Stream<Arguments> seeds() {
        return FuzzSeeds.sparse(golden("fixed-1m.vhd.gz"), golden("dynamic-4m.vhd.gz"), golden("child-4m.vhd.gz"));
    }

    static byte[] golden(String name) {
        return Golden.load(VhdFileFuzzTest.class, name);
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void vhdFile(byte[] input) {
        FuzzContract.check("vhd", input, List.of(), FUZZING_BUDGET_NANOS, () -> {
            try (VhdFile file = VhdFile.open(SparseImage.decode(input).source("fuzz.vhd"))) {
                exercise(file, goldenParent());
            }
        });
    }

    private static final byte[] GOLDEN_PARENT = golden("dynamic-4m.vhd.gz");

    /** The qemu-img dynamic golden as a disk: the parent of a differencing file that comes without one. */
    static VirtualDisk goldenParent() throws IOException {
        return new SparseDisk(VhdFile.open(new ByteArraySource("parent.vhd", GOLDEN_PARENT)), null);
    }

    /**
     * Checks the file, reads its first, middle and last sectors as a disk and lists its extents; {@code parent} is
     * used when the file is a differencing one (as {@link VhdImage} does).
     */
    static void exercise(VhdFile file, VirtualDisk parent) throws IOException {
        new VhdChecker(VhdTestSupport.CLOCK).checkFile(file);
        file.anomalies();
        VirtualDisk disk = switch (file.diskType()) {
            case FIXED -> new FixedDisk(file);
            case DYNAMIC -> new SparseDisk(file, null);
            case DIFFERENCING -> new SparseDisk(file, parent);
        };
        long size = disk.size();
        for (long at : new long[] {0, size / 2, size - 4096}) {
            if (at >= 0 && size > 0) {
                disk.read(at, ByteBuffer.allocate((int) Math.min(64 * 1024, size - at)));
            }
        }
        int n = 0;
        for (Extent e : disk.allocatedExtents()) {
            if (e.offset() + e.length() > size || n++ > 1 << 16) {
                throw new AssertionError("extent " + e + " beyond a disk of " + size + " bytes");
            }
        }
    }
}
