package io.vhdkit.bench;

import io.vhdkit.fs.FileSystem;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.Resolved;
import io.vhdkit.image.DiskImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Sequential read of a large file on NTFS inside a VHD ({@link FileSystem#read} through fixed VHD, GPT partition
 * and vhd-core's NTFS reader: $MFT record, non-resident $DATA runlist) against a plain {@link FileChannel} read of
 * the same bytes from a host file, as {@link FileReadBench} does for ext4 and XFS.
 *
 * <p>Inputs, built once per size under the benchmark data directory: {@code data.bin} (seeded random bytes, no
 * all-zero sector), an NTFS volume made by {@code mkntfs -Q} (ntfs-3g, 4 KiB clusters) with {@code data.bin}
 * copied in by {@code ntfscp}, put into GPT partition 1 at 1 MiB ({@code sgdisk}, {@code dd}) and made a fixed VHD
 * by {@code qemu-img}. The build checks that the file resolves with the right size and that its first and last MiB
 * read back equal.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NtfsReadBench {

    static final long SEED = 20261122L;
    static final String FILE = "/data.bin";
    private static final int PAGE = 4096;
    private static final long MIB = 1 << 20;

    @Param("256")
    public int sizeMiB;

    @Param({"64", "1024"})
    public int bufferKiB;

    long size;
    ByteBuffer buf;
    DiskImage image;
    FileSystem fileSystem;
    FsNode node;
    FileChannel host;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        size = sizeMiB * MIB;
        buf = ByteBuffer.allocateDirect((bufferKiB << 10) + PAGE).alignedSlice(PAGE);
        Path dir = BenchData.prepare("ntfsread-" + sizeMiB + "MiB-seed" + SEED, d -> build(d, size),
                d -> Files.isRegularFile(d.resolve("ntfs.vhd")) && Files.size(d.resolve("data.bin")) == size);
        BenchData.warm(dir.resolve("ntfs.vhd"));
        BenchData.warm(dir.resolve("data.bin"));
        image = DiskImage.open(dir.resolve("ntfs.vhd"));
        Resolved r = image.resolver(Optional.of("p1")).resolve(FILE, true);
        fileSystem = r.fs();
        node = r.node();
        if (node.type() != FileType.REGULAR || node.stat().size() != size) {
            throw new IllegalStateException(FILE + " is a " + node.type() + " of " + node.stat().size() + " bytes");
        }
        host = FileChannel.open(dir.resolve("data.bin"), StandardOpenOption.READ);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        BenchData.closeAll(image, host);
    }

    static void build(Path dir, long size) throws IOException {
        String sgdisk = BenchData.tool("sgdisk", "gdisk");
        String mkntfs = BenchData.tool("mkntfs", "ntfs-3g");
        String ntfscp = BenchData.tool("ntfscp", "ntfs-3g");
        Path data = dir.resolve("data.bin");
        BenchData.writeRandom(data, size, SEED);
        long fsBytes = size + Math.max(64 * MIB, size / 8);
        Path fs = dir.resolve("ntfs.img");
        FsImages.truncate(fs, fsBytes);
        BenchData.run(List.of(mkntfs, "-F", "-Q", "-c", "4096", "-p", "2048", "-H", "255", "-S", "63", "-L", "data",
                fs.toString()), Map.of(), "ntfs-3g");
        BenchData.run(List.of(ntfscp, "-f", fs.toString(), data.toString(), "data.bin"), Map.of(), "ntfs-3g");
        Path raw = dir.resolve("disk.raw");
        FsImages.truncate(raw, fsBytes + 2 * MIB);
        BenchData.run(List.of(sgdisk, "-o", "-n", "1:2048:+" + fsBytes / 1024 + "K", "-t", "1:0700", raw.toString()),
                Map.of(), "gdisk");
        BenchData.run(List.of("dd", "if=" + fs, "of=" + raw, "bs=1M", "seek=1", "conv=notrunc,sparse",
                "status=none"), Map.of(), "coreutils");
        BenchData.convertToFixedVhd(raw, dir.resolve("ntfs.vhd"));
        Files.delete(raw);
        Files.delete(fs);
        try (DiskImage img = DiskImage.open(dir.resolve("ntfs.vhd"));
             RandomAccessFile plain = new RandomAccessFile(data.toFile(), "r")) {
            Resolved r = img.resolver(Optional.of("p1")).resolve(FILE, true);
            if (r.node().stat().size() != size) {
                throw new IllegalStateException("ntfs.vhd: " + FILE + " has " + r.node().stat().size() + " bytes");
            }
            for (long at : new long[] {0, size - MIB}) {
                ByteBuffer mine = ByteBuffer.allocate((int) MIB);
                while (mine.hasRemaining()) {
                    int n = r.fs().read(r.node(), at + mine.position(), mine);
                    if (n <= 0) {
                        throw new IllegalStateException("ntfs.vhd: short read at " + (at + mine.position()));
                    }
                }
                byte[] expected = new byte[(int) MIB];
                plain.seek(at);
                plain.readFully(expected);
                if (!Arrays.equals(mine.array(), expected)) {
                    throw new IllegalStateException("ntfs.vhd: " + FILE + " differs from data.bin at " + at);
                }
            }
        }
    }

    @Benchmark
    public long fsRead() throws IOException {
        long sink = 0;
        for (long pos = 0; pos < size; ) {
            buf.clear();
            int n = fileSystem.read(node, pos, buf);
            if (n <= 0) {
                throw new IOException("read returned " + n + " at " + pos + " of " + size);
            }
            sink += buf.get(0);
            pos += n;
        }
        return sink;
    }

    @Benchmark
    public long plainChannel() throws IOException {
        long sink = 0;
        for (long pos = 0; pos < size; ) {
            buf.clear();
            int n = host.read(buf, pos);
            if (n <= 0) {
                throw new IOException("read returned " + n + " at " + pos + " of " + size);
            }
            sink += buf.get(0);
            pos += n;
        }
        return sink;
    }
}
