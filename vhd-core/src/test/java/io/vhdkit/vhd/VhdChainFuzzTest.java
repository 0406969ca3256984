package io.vhdkit.vhd;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import io.vhdkit.testing.SparseImage;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of a differencing chain (FUZZING.md): two files in one input ({@link FuzzSeeds#join}), a child and
 * its parent, each a {@link SparseImage}; the parent is opened as {@link VhdImage} stacks it, and the child is read
 * over it (its sector bitmaps choosing between its blocks and the parent's). Seed: the golden child over its
 * qemu-img parent (README.md beside them).
 */
class VhdChainFuzzTest {

    static Stream<Arguments> seeds() {
        return FuzzSeeds.raw(FuzzSeeds.join(SparseImage.encode(VhdFileFuzzTest.golden("child-4m.vhd.gz")),
                SparseImage.encode(VhdFileFuzzTest.golden("dynamic-4m.vhd.gz"))));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void differencingChain(byte[] input) {
        byte[][] files = FuzzSeeds.split(input, 2);
        FuzzContract.check("vhd-chain", input, List.of(), VhdFileFuzzTest.FUZZING_BUDGET_NANOS, () -> {
            try (VhdFile child = VhdFile.open(SparseImage.decode(files[0]).source("child.vhd"));
                    VhdFile parent = VhdFile.open(SparseImage.decode(files[1]).source("parent.vhd"))) {
                VirtualDisk parentDisk = switch (parent.diskType()) {
                    case FIXED -> new FixedDisk(parent);
                    case DYNAMIC -> new SparseDisk(parent, null);
                    case DIFFERENCING -> new SparseDisk(parent, VhdFileFuzzTest.goldenParent());
                };
                VhdFileFuzzTest.exercise(child, parentDisk);
            }
        });
    }
}
