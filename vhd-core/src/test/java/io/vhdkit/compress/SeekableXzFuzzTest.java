package io.vhdkit.compress;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the multi-block xz read in place (FUZZING.md): the bytes as a file, its index read by
 * {@link SeekableXzSource#index} (stream footer, index records, CRCs) and, when it {@link SeekableXzSource#suits}
 * being read in place, every block read back through {@link SeekableXzSource} in 4 KiB pieces from the end to the
 * start (so blocks are decoded out of order), up to {@link #MAX_BYTES}. Seeds: the last 16 KiB of the qemu-img fixed
 * golden VHD packed by {@code xz --block-size=2KiB} (eight blocks) and {@code --block-size=5KiB} at test time.
 */
class SeekableXzFuzzTest {

    static final long MAX_BYTES = 1L << 20;
    private static final Path DIR = tempDir();

    static Stream<Arguments> seeds() throws IOException {
        Path seeds = Files.createDirectories(DIR.resolve("seeds"));
        byte[] fixed = Golden.load(SeekableXzFuzzTest.class, "/io/vhdkit/vhd/fixed-1m.vhd.gz");
        Path small = seeds.resolve("small.vhd");
        Files.write(small, Arrays.copyOfRange(fixed, fixed.length - 16384, fixed.length));
        byte[][] packed = new byte[2][];
        int i = 0;
        for (String size : new String[] {"2KiB", "5KiB"}) {
            Path out = seeds.resolve("small." + size + ".xz");
            Process p = new ProcessBuilder("xz", "-0", "-T1", "--block-size=" + size, "-c", small.toString())
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("xz failed (Debian package xz-utils)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            packed[i++] = Files.readAllBytes(out);
        }
        return FuzzSeeds.raw(packed);
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void seekableXz(byte[] input) throws IOException {
        Path file = DIR.resolve("input.xz");
        Files.write(file, input);
        FuzzContract.check("seekable-xz", input, () -> {
            XzIndex index = SeekableXzSource.index(file);
            if (!SeekableXzSource.suits(index)) {
                return;
            }
            try (SeekableXzSource src = SeekableXzSource.open(file, index)) {
                long end = Math.min(src.size(), MAX_BYTES);
                ByteBuffer piece = ByteBuffer.allocate(4096);
                for (long at = Math.max(0, end - piece.capacity()); end > 0; at = Math.max(0, at - piece.capacity())) {
                    piece.clear().limit((int) Math.min(piece.capacity(), end - at));
                    src.readFully(at, piece);
                    end = at;
                }
            }
        });
    }

    private static Path tempDir() {
        try {
            Path d = Files.createTempDirectory("vhdkit-fuzz-xz");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
