package io.vhdkit.validator.linux;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import java.io.ByteArrayInputStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the initramfs reader (FUZZING.md): concatenated cpio archives (newc, crc, odc; early microcode
 * first), each part plain or compressed (gzip, xz, lzma, zstd, lz4 legacy), listed by {@link Initramfs#read} with a
 * {@link #MAX_BYTES} cap on what is decompressed. Seeds: the goldens made by GNU cpio and the compressors
 * (mkgolden.sh beside them).
 */
class InitramfsFuzzTest {

    static final long MAX_BYTES = 16L << 20;
    static final int MAX_ENTRIES = 10_000;

    static Stream<Arguments> seeds() {
        return FuzzSeeds.raw(Stream.of("newc.cpio", "crc.cpio", "odc.cpio", "early.cpio", "newc.cpio.gzip",
                "newc.cpio.xz", "newc.cpio.zst", "newc.cpio.lz4", "newc.cpio.lzma", "early-gzip.img", "chain.img")
                .map(InitramfsGoldenTest::golden).toArray(byte[][]::new));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void initramfs(byte[] input) {
        FuzzContract.check("initramfs", input,
                () -> Initramfs.read(new ByteArrayInputStream(input), MAX_BYTES, MAX_ENTRIES));
    }
}
