package io.vhdkit.bench;

import io.vhdkit.io.FileByteSource;
import io.vhdkit.vhd.VhdImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sequential read of a differencing VHD chain against a plain read of the same bytes. The chain is the tests' vhd
 * corpus (fixtures/vhd, built here by its recipe or taken from {@code -Dvhdkit.fixtures=target/fixtures}):
 * {@code diff/grandchild.vhd} -> {@code child.vhd} -> {@code base.vhd}, 64 MiB virtual, each block found in one
 * of the three files or a hole; {@code diff/grandchild.expected.raw} holds its content (checked there against
 * libvhdi). 64 MiB fits this CPU's L3, so both sides read partly from cache; the ratio is the point.
 *
 * <p>One operation is one full pass in {@code bufferKiB} reads into a page-aligned direct buffer: {@link #chain}
 * through {@code VhdImage.read} (per block: the child's BAT and sector bitmap, then the parents'), {@link #plain}
 * through {@code FileByteSource.readFully} on the raw file (the baseline).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DifferencingReadBench {

    private static final int PAGE = 4096;

    @Param({"64", "1024"})
    public int bufferKiB;

    VhdImage image;
    FileByteSource raw;
    ByteBuffer buf;
    long size;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path dir = ValidateBench.corpus("vhd", Map.of()).resolve("diff");
        Path vhd = dir.resolve("grandchild.vhd");
        Path expected = dir.resolve("grandchild.expected.raw");
        for (String f : new String[] {"grandchild.vhd", "child.vhd", "base.vhd", "grandchild.expected.raw"}) {
            BenchData.warm(dir.resolve(f));
        }
        image = VhdImage.open(vhd);
        raw = FileByteSource.open(expected);
        size = image.size();
        if (raw.size() != size) {
            throw new IllegalStateException(expected + " is not " + size + " bytes");
        }
        buf = ByteBuffer.allocateDirect((bufferKiB << 10) + PAGE).alignedSlice(PAGE);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        BenchData.closeAll(image, raw);
    }

    @Benchmark
    public long chain() throws IOException {
        long sink = 0;
        for (long pos = 0; pos < size; pos += buf.capacity()) {
            buf.clear().limit((int) Math.min(buf.capacity(), size - pos));
            image.read(pos, buf);
            sink += buf.get(0);
        }
        return sink;
    }

    @Benchmark
    public long plain() throws IOException {
        long sink = 0;
        for (long pos = 0; pos < size; pos += buf.capacity()) {
            buf.clear().limit((int) Math.min(buf.capacity(), size - pos));
            raw.readFully(pos, buf);
            sink += buf.get(0);
        }
        return sink;
    }
}
