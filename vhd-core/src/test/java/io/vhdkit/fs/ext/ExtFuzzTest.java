package io.vhdkit.fs.ext;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.testing.FsWalk;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import io.vhdkit.testing.SparseImage;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the ext2/3/4 reader (FUZZING.md): an image as a {@link SparseImage}, opened and walked as the
 * validator does ({@link FsWalk}). Seeds: the mkfs.ext4 / mkfs.ext2 goldens (README beside them), their file data left
 * out ({@link FsWalk#metadataOnly}).
 */
class ExtFuzzTest {

    static Stream<Arguments> seeds() {
        return FuzzSeeds.sparse(FsWalk.metadataOnly(ExtGoldenTest.ext4(), ExtFileSystem::open),
                FsWalk.metadataOnly(ExtGoldenTest.ext2(), ExtFileSystem::open));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void extFileSystem(byte[] input) {
        FuzzContract.check("ext", input, FsWalk.PATH_ERRORS, () -> {
            try (ExtFileSystem fs = ExtFileSystem.open(SparseImage.decode(input).disk("ext.img"))) {
                FsWalk.walk(fs);
            }
        });
    }
}
