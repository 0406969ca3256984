package io.vhdkit.bench;

import io.vhdkit.upload.Zeros;
import java.nio.ByteBuffer;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The all-zero check of a buffer of zeros (the worst case: every byte is looked at), in the two places vhdkit runs
 * it: the uploader's {@link Zeros#isAllZero(byte[], int, int)} on a heap array (through its public method, so the
 * benchmark survives rewrites of its body), and the JDK's {@link ByteBuffer#mismatch} against a zero page on a
 * page-aligned direct buffer, page by page, which is what {@code VhdWriter}'s convert copy does in place.
 *
 * <p>One operation scans the whole {@code sizeKiB} buffer; GB/s = {@code sizeKiB * 1024 / (us * 1000)}. 4096 KiB
 * stays in the caches ("cached data", the 8 GB/s target); 262144 KiB (256 MiB, above this CPU's 105 MiB L3)
 * comes from memory.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ZeroScanBench {

    private static final int PAGE = 4096;

    @Param({"4096", "262144"})
    public int sizeKiB;

    byte[] heap;
    ByteBuffer direct;

    @Setup(Level.Trial)
    public void setUp() {
        int size = Math.toIntExact((long) sizeKiB << 10);
        heap = new byte[size];
        direct = ByteBuffer.allocateDirect(size + PAGE).alignedSlice(PAGE);
    }

    /** The direct scan's page: the convert writer's 4 KiB, or 64 KiB. */
    @State(Scope.Thread)
    public static class DirectPage {

        @Param({"4", "64"})
        public int pageKiB;

        ByteBuffer zeroPage;

        @Setup(Level.Trial)
        public void setUp() {
            zeroPage = ByteBuffer.allocateDirect(pageKiB << 10);
        }
    }

    @Benchmark
    public boolean heapZeros() {
        return Zeros.isAllZero(heap, 0, heap.length);
    }

    @Benchmark
    public boolean directMismatch(DirectPage p) {
        ByteBuffer zeroPage = p.zeroPage;
        int page = zeroPage.capacity();
        int size = direct.capacity();
        for (int at = 0; at < size; at += page) {
            int n = Math.min(page, size - at);
            if (direct.slice(at, n).mismatch(zeroPage.slice(0, n)) >= 0) {
                return false;
            }
        }
        return true;
    }
}
