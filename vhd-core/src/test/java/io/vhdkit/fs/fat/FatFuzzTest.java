package io.vhdkit.fs.fat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.testing.FsWalk;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import io.vhdkit.testing.SparseImage;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the FAT reader (FUZZING.md): an image as a {@link SparseImage}, opened and walked as the validator
 * does. Seeds: the mkfs.fat + mtools goldens (README beside them).
 */
class FatFuzzTest {

    static Stream<Arguments> seeds() {
        return FuzzSeeds.sparse(FatTestSupport.golden("fat12.img.gz"), FatTestSupport.golden("fat16.img.gz"),
                FatTestSupport.golden("fat32.img.gz"));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void fatFileSystem(byte[] input) {
        FuzzContract.check("fat", input, FsWalk.PATH_ERRORS, () -> {
            try (FatFileSystem fs = FatFileSystem.open(SparseImage.decode(input).disk("fat.img"))) {
                FsWalk.walk(fs);
            }
        });
    }
}
