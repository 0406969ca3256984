package io.vhdkit.fs.xfs;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.testing.FsWalk;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import io.vhdkit.testing.SparseImage;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the XFS reader (FUZZING.md): an image as a {@link SparseImage}, opened and walked as the validator
 * does ({@link FsWalk}). Seeds: the mkfs.xfs goldens (README beside them), their file data left out ({@link
 * FsWalk#metadataOnly}).
 */
class XfsFuzzTest {

    static Stream<Arguments> seeds() {
        return FuzzSeeds.sparse(FsWalk.metadataOnly(XfsSuperblockTest.v5(), XfsFileSystem::open),
                FsWalk.metadataOnly(XfsSuperblockTest.v4(), XfsFileSystem::open));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void xfsFileSystem(byte[] input) {
        FuzzContract.check("xfs", input, FsWalk.PATH_ERRORS, () -> {
            try (XfsFileSystem fs = XfsFileSystem.open(SparseImage.decode(input).disk("xfs.img"))) {
                FsWalk.walk(fs);
            }
        });
    }
}
