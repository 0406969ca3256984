package io.vhdkit.compress;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the compressed-input layer (FUZZING.md), against its public API: the bytes as a file, opened by
 * {@link CompressedInput#open} with a cap of {@link #MAX_BYTES} expanded bytes (so a decompression bomb is refused
 * quickly), its stream format detected (gzip, xz, bzip2, zstd, tar and tar.*) and decompressed into the temporary
 * copy, which is deleted again. A {@link TempSpaceException} (the cap) is in the contract. Seeds: the qemu-img
 * fixed golden VHD's last 4 KiB packed by gzip, xz, bzip2, zstd and tar at test time, as the compress tests
 * do. (With a 4 MiB cap, a damaged bzip2 stream cost 1,022 ms of CPU under fuzzing instrumentation: FUZZING.md.)
 */
class CompressedInputFuzzTest {

    static final long MAX_BYTES = 1L << 20;
    /**
     * The CPU budget of one input while fuzzing: scripts/fuzz.sh instruments commons-compress and xz-java for
     * coverage, which slows their decoders many times over (CI's run of 2026-11-22: a 950-byte damaged bzip2 stream
     * took 2,262 ms instrumented; the product refuses it in a few milliseconds, see
     * {@link #bzip2LengthTooBigIsRefusedWithinTheBudget}). Replays in the normal build, without that
     * instrumentation, keep {@link FuzzContract#BUDGET_NANOS}.
     */
    static final long FUZZING_BUDGET_NANOS = System.getenv("JAZZER_FUZZ") != null ? 5_000_000_000L
            : FuzzContract.BUDGET_NANOS;
    private static final Path DIR = tempDir();

    static Stream<Arguments> seeds() throws IOException {
        Path seeds = Files.createDirectories(DIR.resolve("seeds"));
        Path vhd = seeds.resolve("disk.vhd");
        Files.write(vhd, Golden.load(CompressedInputFuzzTest.class, "/io/vhdkit/vhd/fixed-1m.vhd.gz"));
        Path small = Files.createDirectories(seeds.resolve("small")).resolve("small.vhd");
        byte[] fixed = Files.readAllBytes(vhd);
        Files.write(small, Arrays.copyOfRange(fixed, fixed.length - 4096, fixed.length));
        List<Path> packed = new ArrayList<>();
        for (String kind : List.of("gz", "xz", "xz-blocks", "bz2", "zst", "tar", "tar.gz")) {
            packed.add(CompressedInputTest.pack(small, kind, small.getParent()));
        }
        return FuzzSeeds.raw(packed.stream().map(CompressedInputFuzzTest::bytes).toArray(byte[][]::new));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void compressedInput(byte[] input) throws IOException {
        Path file = DIR.resolve("input.vhd.x");
        Files.write(file, input);
        FuzzContract.check("compress", input, List.of(TempSpaceException.class), FUZZING_BUDGET_NANOS, () -> {
            try (CompressedInput in = CompressedInput.open(file, new CompressedInput.Options(DIR, MAX_BYTES))) {
                in.describe();
                if (in.compressed() && in.storedBytes() > MAX_BYTES) {
                    throw new AssertionError(in.storedBytes() + " bytes stored, more than the cap of " + MAX_BYTES);
                }
            }
        });
    }

    /**
     * Fuzzing run 2's finding (FUZZING.md), kept: a damaged bzip2 block that cost 1,022 ms of CPU under Jazzer's full
     * instrumentation when the cap was 4 MiB. Without it, and at that cap, it is refused well within the budget.
     */
    @Test
    void bzip2DamagedBlockIsRefusedWithinTheBudget() throws IOException {
        byte[] input = Golden.load(CompressedInputFuzzTest.class, "findings/bzip2-damaged-block-slow.bz2");
        Path file = DIR.resolve("finding.bz2");
        Files.write(file, input);
        FuzzContract.check("compress-finding", input, List.of(TempSpaceException.class), () -> {
            try (CompressedInput in = CompressedInput.open(file, new CompressedInput.Options(DIR, 4L << 20))) {
                in.describe();
            }
        });
    }

    /**
     * CI's fuzzing run of 2026-11-22 (scripts/fuzz.sh 8), kept: a 950-byte bzip2 stream whose block claims a length
     * too big, which cost 2,262 ms of CPU with the decoder instrumented. The product refuses it within the budget.
     */
    @Test
    void bzip2LengthTooBigIsRefusedWithinTheBudget() throws IOException {
        byte[] input = Golden.load(CompressedInputFuzzTest.class, "findings/bzip2-length-too-big-slow.bz2");
        Path file = DIR.resolve("finding2.bz2");
        Files.write(file, input);
        FuzzContract.check("compress-finding", input, List.of(TempSpaceException.class), () -> {
            try (CompressedInput in = CompressedInput.open(file, new CompressedInput.Options(DIR, MAX_BYTES))) {
                in.describe();
            }
        });
    }

    private static Path tempDir() {
        try {
            Path d = Files.createTempDirectory("vhdkit-fuzz-compress");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
