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
 * does ({@link FsWalk}). Seeds: the mkfs.fat + mtools goldens (README beside them), their file data left out ({@link
 * FsWalk#metadataOnly}).
 */
class FatFuzzTest {

    static Stream<Arguments> seeds() {
        return FuzzSeeds.sparse(Stream.of("fat12.img.gz", "fat16.img.gz", "fat32.img.gz")
                .map(name -> FsWalk.metadataOnly(FatTestSupport.golden(name), FatFileSystem::open))
                .toArray(byte[][]::new));
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
