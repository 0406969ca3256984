package io.vhdkit.bench;

import io.vhdkit.bench.FsImages.Fs;
import io.vhdkit.fs.FileSystem;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.Resolved;
import io.vhdkit.image.DiskImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
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
 * Sequential read throughput of a large file inside a filesystem inside a VHD ({@link FileSystem#read}, through
 * fixed VHD, GPT partition and ext4 or XFS) against a plain {@link FileChannel} read of the same bytes from a host
 * file.
 *
 * <p>One operation is one full pass over the {@code sizeMiB} file in {@code bufferKiB} reads into one reused,
 * page-aligned direct buffer, so the score (ms/op) converts to throughput as {@code sizeMiB / (score / 1000)}
 * MiB/s ({@code benchmarks/summarize.py} does this). The loop inside an operation is the workload, not a
 * measurement loop: JMH times whole passes.
 *
 * <ul>
 *   <li>{@link #fsRead} - {@code fs.read(node, position, buffer)} of {@code /data.bin} on the image's partition
 *       ({@code fs} = ext4: an extent tree; xfs: an extent list), node and filesystem looked up in setup.</li>
 *   <li>{@link #plainChannel} - {@code FileChannel.read(buffer, position)} of {@code data.bin} on the host: the
 *       baseline of the ratio.</li>
 * </ul>
 *
 * <p>Inputs (made in setup, reused across forks and runs, see {@link ReadInputs}): {@code data.bin}, seeded random
 * bytes with no all-zero sector (so mkfs writes every block, no holes), and {@code ext4.vhd} and {@code xfs.vhd},
 * each a fixed VHD whose one GPT partition holds a filesystem made by mkfs with {@code /data.bin} a copy of it.
 * Setup reads the host file and the VHD whole once, so every variant reads from the page cache.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FileReadBench {

    static final long SEED = 20261122L;
    private static final int PAGE = 4096;

    /** The file's size. Keep it well above the L3 cache (105 MiB on the machine measured) for throughput figures. */
    @Param("512")
    public int sizeMiB;

    /** Bytes asked for per read call. */
    @Param({"64", "1024"})
    public int bufferKiB;

    long size;
    ByteBuffer buf;
    Path dir;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        size = (long) sizeMiB << 20;
        int capacity = Math.toIntExact((long) bufferKiB << 10);
        buf = ByteBuffer.allocateDirect(capacity + PAGE).alignedSlice(PAGE);
        dir = ReadInputs.prepare(sizeMiB);
    }

    /** The file in the image, opened through the whole stack. */
    @State(Scope.Thread)
    public static class InImage {

        @Param({"ext4", "xfs"})
        public String fs;

        DiskImage image;
        FileSystem fileSystem;
        FsNode node;

        @Setup(Level.Trial)
        public void setUp(FileReadBench bench) throws IOException {
            Path vhd = bench.dir.resolve(ReadInputs.vhd(Fs.of(fs)));
            BenchData.warm(vhd);
            image = DiskImage.open(vhd);
            Resolved r = image.resolver(Optional.of("p1")).resolve(ReadInputs.FILE, true);
            fileSystem = r.fs();
            node = r.node();
            if (node.type() != FileType.REGULAR || node.stat().size() != bench.size) {
                throw new IllegalStateException(vhd + ": " + ReadInputs.FILE + " is a " + node.type() + " of "
                        + node.stat().size() + " bytes, not a file of " + bench.size);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            image.close();
        }
    }

    /** The host copy. */
    @State(Scope.Thread)
    public static class Host {

        FileChannel channel;

        @Setup(Level.Trial)
        public void setUp(FileReadBench bench) throws IOException {
            Path file = bench.dir.resolve(ReadInputs.HOST);
            BenchData.warm(file);
            channel = FileChannel.open(file, StandardOpenOption.READ);
            if (channel.size() != bench.size) {
                throw new IllegalStateException(file + " is not " + bench.size + " bytes");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            channel.close();
        }
    }

    @Benchmark
    public long fsRead(InImage s) throws IOException {
        long sink = 0;
        for (long pos = 0; pos < size; ) {
            buf.clear();
            int n = s.fileSystem.read(s.node, pos, buf);
            if (n <= 0) {
                throw new IOException("read returned " + n + " at " + pos + " of " + size);
            }
            sink += buf.get(0);
            pos += n;
        }
        return sink;
    }

    @Benchmark
    public long plainChannel(Host h) throws IOException {
        long sink = 0;
        for (long pos = 0; pos < size; ) {
            buf.clear();
            int n = h.channel.read(buf, pos);
            if (n <= 0) {
                throw new IOException("read returned " + n + " at " + pos + " of " + size);
            }
            sink += buf.get(0);
            pos += n;
        }
        return sink;
    }

    /** The host file and the two images holding a copy of it, built once per size. */
    static final class ReadInputs {

        static final String HOST = "data.bin";
        static final String FILE = "/data.bin";
        static final String NOTES = "notes.txt";
        static final String UUID = "da7ada7a-0000-4000-8000-000000000512";

        private ReadInputs() {
        }

        static String vhd(Fs fs) {
            return fs.id + ".vhd";
        }

        /**
         * The filesystem's (and partition's) size. ext4: the file plus room for metadata and the journal. XFS: two
         * allocation groups, each with room for the whole file and the 64 MiB log (mkfs.xfs 6.1 cannot write a
         * protofile's file across AGs, see {@link FsImages}); the images are sparse, so the unused AG costs no disk.
         */
        static long fsBytes(Fs fs, int sizeMiB) {
            long mib = fs == Fs.EXT4 ? sizeMiB + Math.max(64, sizeMiB / 8) : 2L * (sizeMiB + Math.max(128,
                    sizeMiB / 8));
            return mib << 20;
        }

        static List<String> mkfsArgs(Fs fs) {
            return fs == Fs.EXT4 ? List.of() : List.of("-d", "agcount=2");
        }

        static Path prepare(int sizeMiB) throws IOException {
            if (sizeMiB <= 0) {
                throw new IllegalArgumentException("sizeMiB must be positive, not " + sizeMiB);
            }
            return BenchData.prepare("fsread-" + sizeMiB + "MiB-seed" + SEED, d -> build(d, sizeMiB),
                    d -> check(d, sizeMiB));
        }

        private static void build(Path dir, int sizeMiB) throws IOException {
            long size = (long) sizeMiB << 20;
            for (Fs fs : Fs.values()) {
                FsImages.requireTools(fs);
            }
            Path work = dir.resolve("work");
            Path tree = work.resolve("tree");
            Files.createDirectories(tree);
            Path data = tree.resolve(HOST);
            BenchData.log("writing " + size + " random bytes (seed " + SEED + ") to " + data);
            BenchData.writeRandom(data, size, SEED);
            StringBuilder notes = new StringBuilder();
            for (Fs fs : Fs.values()) {
                BenchData.log("making " + vhd(fs));
                notes.append("== ").append(vhd(fs)).append('\n');
                notes.append(FsImages.makeDisk(fs, tree, fsBytes(fs, sizeMiB), "data", UUID, mkfsArgs(fs), dir.resolve(vhd(fs)),
                        work,
                        img -> fs == Fs.EXT4 ? FsImages.inspect(fs, img, "ex " + FILE)
                                : FsImages.inspect(fs, img, "path " + FILE, "bmap")));
            }
            Files.move(data, dir.resolve(HOST));
            BenchData.deleteTree(work);
            Files.writeString(dir.resolve(NOTES), notes);
            for (Fs fs : Fs.values()) {
                BenchData.log("comparing " + FILE + " in " + vhd(fs) + " with " + HOST);
                compare(dir.resolve(vhd(fs)), dir.resolve(HOST), size);
            }
        }

        private static boolean check(Path dir, int sizeMiB) throws IOException {
            long size = (long) sizeMiB << 20;
            Path host = dir.resolve(HOST);
            if (!Files.isRegularFile(host) || Files.size(host) != size) {
                return false;
            }
            for (Fs fs : Fs.values()) {
                Path vhd = dir.resolve(vhd(fs));
                try {
                    FsImages.checkDisk(vhd, fs, fsBytes(fs, sizeMiB));
                    try (DiskImage image = DiskImage.open(vhd)) {
                        FsNode n = image.resolver(Optional.of("p1")).resolve(FILE, true).node();
                        if (n.type() != FileType.REGULAR || n.stat().size() != size) {
                            return false;
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    BenchData.log(vhd + " is unusable: " + e);
                    return false;
                }
            }
            return true;
        }

        /** Fails unless the file in the image reads back exactly the host file's bytes. */
        private static void compare(Path vhd, Path host, long size) throws IOException {
            ByteBuffer a = ByteBuffer.allocate(4 << 20);
            ByteBuffer b = ByteBuffer.allocate(4 << 20);
            try (DiskImage image = DiskImage.open(vhd);
                 FileChannel ch = FileChannel.open(host, StandardOpenOption.READ)) {
                Resolved r = image.resolver(Optional.of("p1")).resolve(FILE, true);
                for (long pos = 0; pos < size; pos += a.capacity()) {
                    int n = (int) Math.min(a.capacity(), size - pos);
                    a.clear().limit(n);
                    b.clear().limit(n);
                    while (a.hasRemaining()) {
                        if (ch.read(a, pos + a.position()) < 0) {
                            throw new IOException(host + " ends early");
                        }
                    }
                    while (b.hasRemaining()) {
                        if (r.fs().read(r.node(), pos + b.position(), b) < 0) {
                            throw new IOException(vhd + ": " + FILE + " ends early");
                        }
                    }
                    if (!a.flip().equals(b.flip())) {
                        throw new IllegalStateException(vhd + ": " + FILE + " differs from " + host + " in the "
                                + n + " bytes at " + pos);
                    }
                }
            }
        }
    }
}
