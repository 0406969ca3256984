package io.vhdkit.bench;

import io.vhdkit.io.FileByteSource;
import io.vhdkit.vhd.BlockAllocationTable;
import io.vhdkit.vhd.DiskType;
import io.vhdkit.vhd.DynamicHeader;
import io.vhdkit.vhd.VhdFooter;
import io.vhdkit.vhd.VhdImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Sequential read throughput of a dynamic VHD's virtual disk ({@link VhdImage#read}) against plain reads of a raw
 * file holding the same bytes.
 *
 * <p>One operation is one full sequential pass over the {@code sizeMiB} bytes of the disk in {@code bufferKiB}
 * reads, so the score (ms/op) converts to throughput as {@code sizeMiB / (score / 1000)} MiB/s
 * ({@code benchmarks/summarize.py} does this from JMH's JSON output). The loop inside an operation is the workload -
 * one read call per buffer, each one a {@code pread} of at least 64 KiB - not a measurement loop: JMH times whole
 * passes.
 *
 * <p>Inputs (made in {@link #setUp()}, reused across forks and runs, see {@link BenchData}): {@code disk.raw}, the
 * seeded random bytes with no all-zero sector, and {@code disk.vhd}, made from it by {@code qemu-img convert -O vpc
 * -o subformat=dynamic,force_size=on}, so every one of its 2 MiB blocks is allocated and the read path never
 * short-cuts to zeros. Both files are read once in setup, so every variant reads from the page cache.
 *
 * <ul>
 *   <li>{@link #vhdImage} - {@code VhdImage.read(position, buffer)}: bounds check, BAT lookup, one
 *       {@code FileByteSource.readFully} per block touched.</li>
 *   <li>{@link #plainSource} - {@code FileByteSource.readFully(position, buffer)} on the raw file: the same I/O
 *       class the VHD reader uses, without the format.</li>
 *   <li>{@link #plainChannel} - {@code FileChannel.read(buffer, position)} on the raw file, the floor.</li>
 *   <li>{@link #vhdFileChannel} - the control: {@code FileChannel.read} of {@code disk.vhd} at the offsets the BAT
 *       gives, without vhd-core on the read path; it separates the cost of the VHD layout from vhd-core's code.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
public class DynamicReadBench {

    /** The seed of the random disk content. */
    static final long SEED = 20261122L;

    private static final int PAGE = 4096;

    /**
     * The virtual disk size, and the size of the raw file. {@code -p sizeMiB=256} for a quicker run; keep it well
     * above the L3 cache (105 MiB on the machine measured).
     */
    @Param("1024")
    public int sizeMiB;

    /** Bytes asked for per read call. */
    @Param({"64", "1024", "4096"})
    public int bufferKiB;

    /**
     * {@code heap} ({@code ByteBuffer.allocate}; the JDK then reads into a cached temporary direct buffer and copies)
     * or {@code direct} ({@code ByteBuffer.allocateDirect}, page-aligned).
     */
    @Param({"heap", "direct"})
    public String buffer;

    private long size;
    private ByteBuffer buf;
    private VhdImage image;
    private FileByteSource rawSource;
    private FileChannel rawChannel;
    private FileChannel vhdChannel;
    private long blockSize;
    private long[] blockData;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        size = (long) sizeMiB << 20;
        int capacity = Math.toIntExact((long) bufferKiB << 10);
        buf = switch (buffer) {
            case "heap" -> ByteBuffer.allocate(capacity);
            // Page-aligned, so the copy's alignment is the same in every fork.
            case "direct" -> ByteBuffer.allocateDirect(capacity + PAGE).alignedSlice(PAGE);
            default -> throw new IllegalArgumentException("buffer must be heap or direct, not " + buffer);
        };
        Path dir = ReadInputs.prepare(sizeMiB);
        Path raw = dir.resolve(ReadInputs.RAW);
        Path vhd = dir.resolve(ReadInputs.VHD);
        image = VhdImage.open(vhd);
        rawSource = FileByteSource.open(raw);
        rawChannel = FileChannel.open(raw, StandardOpenOption.READ);
        vhdChannel = FileChannel.open(vhd, StandardOpenOption.READ);
        BlockAllocationTable bat = image.file().bat().orElseThrow();
        DynamicHeader header = image.file().header().orElseThrow();
        blockSize = header.blockSize();
        blockData = new long[bat.size()];
        for (int i = 0; i < blockData.length; i++) {
            blockData[i] = bat.sector(i) * VhdFooter.SECTOR_SIZE + header.bitmapBytes();
        }
        if (image.size() != size || rawSource.size() != size) {
            throw new IllegalStateException("inputs in " + dir + " are not " + size + " bytes");
        }
        // Warm-up pass: both files are read whole once, so every variant reads from the page cache. (JIT warm-up
        // is left to JMH's warm-up iterations.)
        BenchData.warm(raw);
        BenchData.warm(vhd);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            BenchData.closeAll(image, rawSource, rawChannel, vhdChannel);
        } finally {
            image = null;
            rawSource = null;
            rawChannel = null;
            vhdChannel = null;
        }
    }

    /** Limits {@code buf} to the next read at {@code pos}. */
    private ByteBuffer next(long pos) {
        buf.clear();
        long left = size - pos;
        if (left < buf.capacity()) {
            buf.limit((int) left);
        }
        return buf;
    }

    @Benchmark
    public long vhdImage() throws IOException {
        long sink = 0;
        for (long pos = 0; pos < size; pos += buf.capacity()) {
            ByteBuffer b = next(pos);
            image.read(pos, b);
            sink += b.get(0);
        }
        return sink;
    }

    @Benchmark
    public long plainSource() throws IOException {
        long sink = 0;
        for (long pos = 0; pos < size; pos += buf.capacity()) {
            ByteBuffer b = next(pos);
            rawSource.readFully(pos, b);
            sink += b.get(0);
        }
        return sink;
    }

    @Benchmark
    public long plainChannel() throws IOException {
        long sink = 0;
        for (long pos = 0; pos < size; pos += buf.capacity()) {
            ByteBuffer b = next(pos);
            long at = pos;
            while (b.hasRemaining()) {
                int n = rawChannel.read(b, at);
                if (n < 0) {
                    throw new IOException("unexpected end of file at " + at);
                }
                at += n;
            }
            sink += b.get(0);
        }
        return sink;
    }

    /**
     * The control between the two: the same {@code pread}s of {@code disk.vhd} that {@link #vhdImage} makes (same
     * file, same offsets, split at the same block boundaries), with the BAT looked up in a {@code long[]} made in
     * setup and no vhd-core code on the read path. vhdImage - vhdFileChannel is the cost of vhd-core's Java code;
     * vhdFileChannel - plainChannel is the cost of the VHD's on-disk layout (block data at 512-byte, not 4 KiB,
     * boundaries; one more {@code pread} where a read crosses a block).
     */
    @Benchmark
    public long vhdFileChannel() throws IOException {
        long sink = 0;
        for (long pos = 0; pos < size; pos += buf.capacity()) {
            ByteBuffer b = next(pos);
            int end = b.limit();
            long at = pos;
            while (b.position() < end) {
                int block = (int) (at / blockSize);
                long inBlock = at % blockSize;
                int n = (int) Math.min(end - b.position(), blockSize - inBlock);
                b.limit(b.position() + n);
                long off = blockData[block] + inBlock;
                while (b.hasRemaining()) {
                    int r = vhdChannel.read(b, off);
                    if (r < 0) {
                        throw new IOException("unexpected end of file at " + off);
                    }
                    off += r;
                }
                at += n;
            }
            b.limit(end);
            sink += b.get(0);
        }
        return sink;
    }

    /** The raw file and its dynamic VHD, built once per size. */
    static final class ReadInputs {

        static final String RAW = "disk.raw";
        static final String VHD = "disk.vhd";

        private ReadInputs() {
        }

        static Path prepare(int sizeMiB) throws IOException {
            if (sizeMiB <= 0) {
                throw new IllegalArgumentException("sizeMiB must be positive, not " + sizeMiB);
            }
            long size = (long) sizeMiB << 20;
            return BenchData.prepare("read-" + sizeMiB + "MiB-seed" + SEED, dir -> build(dir, size),
                    dir -> check(dir, size));
        }

        private static void build(Path dir, long size) throws IOException {
            String qemu = BenchData.requireQemuImg();
            Path raw = dir.resolve(RAW);
            Path vhd = dir.resolve(VHD);
            BenchData.log("writing " + size + " random bytes (seed " + SEED + ") to " + raw);
            BenchData.writeRandom(raw, size, SEED);
            BenchData.log("converting to a dynamic VHD with " + qemu);
            BenchData.convertToDynamicVhd(raw, vhd);
            BenchData.log("comparing the VHD's virtual disk with the raw file");
            compare(raw, vhd, size);
        }

        /** The sizes, and every block of the VHD allocated (no zero short-cut in the read path). */
        private static boolean check(Path dir, long size) throws IOException {
            Path raw = dir.resolve(RAW);
            Path vhd = dir.resolve(VHD);
            if (!Files.isRegularFile(raw) || Files.size(raw) != size || !Files.isRegularFile(vhd)) {
                return false;
            }
            try (VhdImage image = VhdImage.open(vhd)) {
                var file = image.file();
                long blockSize = file.header().orElseThrow().blockSize();
                long blocks = (size + blockSize - 1) / blockSize;
                boolean ok = file.diskType() == DiskType.DYNAMIC && image.size() == size
                        && file.bat().orElseThrow().allocatedCount() == blocks;
                if (!ok) {
                    BenchData.log(vhd + ": " + file.diskType() + ", " + image.size() + " bytes, "
                            + file.bat().orElseThrow().allocatedCount() + " of " + blocks + " blocks allocated");
                }
                return ok;
            } catch (IOException | RuntimeException e) {
                BenchData.log(vhd + " is unusable: " + e);
                return false;
            }
        }

        /** Fails unless the VHD reads back exactly the raw file's bytes. */
        private static void compare(Path raw, Path vhd, long size) throws IOException {
            ByteBuffer a = ByteBuffer.allocate(4 << 20);
            ByteBuffer b = ByteBuffer.allocate(4 << 20);
            try (VhdImage image = VhdImage.open(vhd); FileByteSource source = FileByteSource.open(raw)) {
                for (long pos = 0; pos < size; pos += a.capacity()) {
                    int n = (int) Math.min(a.capacity(), size - pos);
                    a.clear().limit(n);
                    b.clear().limit(n);
                    source.readFully(pos, a);
                    image.read(pos, b);
                    if (!a.flip().equals(b.flip())) {
                        throw new IllegalStateException(vhd + " differs from " + raw + " in the " + n
                                + " bytes at " + pos);
                    }
                }
            }
        }
    }
}
