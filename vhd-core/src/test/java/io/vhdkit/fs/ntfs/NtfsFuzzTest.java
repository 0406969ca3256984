package io.vhdkit.fs.ntfs;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.testing.FsWalk;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import io.vhdkit.testing.SparseImage;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the NTFS reader (FUZZING.md): an image as a {@link SparseImage}, opened and walked as the validator
 * does ({@link FsWalk}). Seeds: the mkntfs + ntfs-3g golden (golden-tools.txt beside it), their file data left out
 * ({@link FsWalk#metadataOnly}).
 */
class NtfsFuzzTest {

    static Stream<Arguments> seeds() {
        return FuzzSeeds.sparse(FsWalk.metadataOnly(NtfsTestSupport.golden(), NtfsFileSystem::open));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void ntfsFileSystem(byte[] input) {
        FuzzContract.check("ntfs", input, FsWalk.PATH_ERRORS, () -> {
            try (NtfsFileSystem fs = NtfsFileSystem.open(SparseImage.decode(input).disk("ntfs.img"))) {
                FsWalk.walk(fs);
            }
        });
    }
}
