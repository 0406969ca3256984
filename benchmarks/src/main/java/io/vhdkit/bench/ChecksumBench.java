package io.vhdkit.bench;

import com.azure.storage.common.implementation.contentvalidation.StorageCrc64Calculator;
import io.vhdkit.upload.Crc64;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
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
 * The transactional checksums of a Put Page body, one 4 MiB chunk (the uploader's chunk size) of random data per
 * operation: MD5 ({@code Content-MD5}, the JDK's {@link MessageDigest}) and Azure Storage's CRC-64
 * ({@code x-ms-content-crc64}: the SDK's {@link StorageCrc64Calculator}, and vhdkit's {@link Crc64}, which the
 * uploader's {@code PageChecksum} computes, over a heap array and a direct buffer). The primitives are called
 * directly: they are what costs. MB/s = {@code chunkKiB * 1024 / (us)}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChecksumBench {

    @Param("4096")
    public int chunkKiB;

    byte[] chunk;
    ByteBuffer direct;
    MessageDigest md5;

    @Setup(Level.Trial)
    public void setUp() throws NoSuchAlgorithmException {
        chunk = new byte[chunkKiB << 10];
        new SplittableRandom(20261122L).nextBytes(chunk);
        direct = ByteBuffer.allocateDirect(chunk.length).put(chunk).flip();
        md5 = MessageDigest.getInstance("MD5");
    }

    @Benchmark
    public byte[] md5() {
        md5.reset();
        md5.update(chunk, 0, chunk.length);
        return md5.digest();
    }

    @Benchmark
    public long crc64() {
        return StorageCrc64Calculator.compute(chunk, 0, chunk.length, 0);
    }

    /** vhdkit's {@link Crc64} (what the uploader sends) over a heap array. */
    @Benchmark
    public long crc64VhdkitHeap() {
        return Crc64.of(chunk, 0, chunk.length);
    }

    /** vhdkit's {@link Crc64} over a direct buffer: the uploader's chunk buffers are direct. */
    @Benchmark
    public long crc64VhdkitDirect() {
        return Crc64.of(direct);
    }
}
