package io.vhdkit.bench;

import io.vhdkit.bench.FsImages.Fs;
import io.vhdkit.fs.FileSystem;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.fs.Resolved;
import io.vhdkit.image.DiskImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Path lookup through the whole image stack: fixed VHD, GPT partition, ext4 or XFS, {@link PathResolver} over the
 * image's mount layout.
 *
 * <ul>
 *   <li>{@link #lookup} - {@code resolver.resolve(path, true)} on a {@link DiskImage} opened (and its layout found)
 *       in setup, so its block cache is warm: the CPU cost of a lookup. {@code path} picks one of {@link #PATHS}:
 *       a shallow path, a deep one (10 directory levels), one through two symlinks ({@code /bin -> usr/bin},
 *       {@code sh -> dash}) and a name in a directory of 10,000 entries (ext4: htree; XFS: node-format
 *       directory).</li>
 *   <li>{@link #openLayoutRead} - the cold sequence a tool runs once per image: {@code DiskImage.open}, the layout
 *       (partition table, filesystem probe, the root found by its {@code os-release}, {@code /etc/fstab} mapped),
 *       {@code /etc/os-release} resolved and read whole, {@code close}. Cold means new objects and empty vhdkit
 *       caches; the image file itself is in the page cache. The bytes read from the image file per sequence
 *       ({@link DiskImage#bytesRead()}) are reported as the secondary metric {@code bytesRead} (with
 *       {@code opens}, the sequences they were counted over).</li>
 * </ul>
 *
 * <p>Warm-up: 5 one-second iterations for {@link #lookup} (the JIT settles after about 3 on the 2-core machine), 10
 * for {@link #openLayoutRead}.
 *
 * <p>Inputs (made in setup, reused across forks and runs, see {@link BenchData} and {@link LookupInputs}): one fixed
 * VHD per filesystem, a 512 MiB root filesystem on GPT partition 1, made by mkfs from the same generated tree.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class PathLookupBench {

    /** The {@code path} parameter's paths, and what each resolves to. */
    static final Map<String, String[]> PATHS = new LinkedHashMap<>();

    static {
        PATHS.put("shallow", new String[] {"/etc/hostname", "/etc/hostname"});
        PATHS.put("deep", new String[] {LookupInputs.DEEP, LookupInputs.DEEP});
        PATHS.put("symlink", new String[] {"/bin/sh", "/usr/bin/dash"});
        PATHS.put("bigdir", new String[] {LookupInputs.BIG_DIR + "/" + LookupInputs.BIG_NAME,
            LookupInputs.BIG_DIR + "/" + LookupInputs.BIG_NAME});
    }

    /** An image opened once, its layout found, a resolver over it, and the path to look up. */
    @State(Scope.Thread)
    public static class Opened {

        @Param({"ext4", "xfs"})
        public String fs;

        /** {@code shallow}, {@code deep}, {@code symlink} or {@code bigdir}: see {@link #PATHS}. */
        @Param({"shallow", "deep", "symlink", "bigdir"})
        public String path;

        DiskImage image;
        PathResolver resolver;
        String target;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            String[] p = PATHS.get(path);
            if (p == null) {
                throw new IllegalArgumentException("path must be one of " + PATHS.keySet() + ", not " + path);
            }
            target = p[0];
            Path vhd = LookupInputs.prepare(Fs.of(fs));
            BenchData.warm(vhd);
            image = DiskImage.open(vhd);
            resolver = image.resolver(Optional.empty());
            Resolved r = resolver.resolve(target, true);
            if (!r.path().equals(p[1]) || r.node().type() != FileType.REGULAR) {
                throw new IllegalStateException(target + " resolves to " + r.path() + " (" + r.node().type()
                        + "), not the regular file " + p[1]);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            image.close();
        }
    }

    @Benchmark
    public Resolved lookup(Opened s) throws IOException {
        return s.resolver.resolve(s.target, true);
    }

    /** The image of the cold sequence. */
    @State(Scope.Thread)
    public static class Cold {

        @Param({"ext4", "xfs"})
        public String fs;

        Path vhd;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            vhd = LookupInputs.prepare(Fs.of(fs));
            BenchData.warm(vhd);
            ColdBytes once = new ColdBytes();
            byte[] osRelease = openLayoutRead(vhd, once);
            if (!new String(osRelease, StandardCharsets.UTF_8).equals(LookupInputs.OS_RELEASE)) {
                throw new IllegalStateException(vhd + ": /etc/os-release does not read back as written");
            }
            BenchData.log("one sequence reads " + once.bytesRead + " bytes of " + vhd.getFileName());
        }
    }

    /** The secondary metrics of {@link #openLayoutRead}: image bytes read, and sequences run, per iteration. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class ColdBytes {

        /** Bytes read from the VHD file, summed over the sequences run. */
        public long bytesRead;
        /** Sequences run; {@code bytesRead / opens} is the bytes read per sequence. */
        public long opens;

        @Setup(Level.Iteration)
        public void reset() {
            bytesRead = 0;
            opens = 0;
        }
    }

    /**
     * The sequence touches much more code than a lookup, and the JIT takes 7-8 one-second iterations on the 2-core
     * machine to settle: hence 10 warm-up iterations (when {@code -wi} does not override them).
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 10, time = 1)
    public byte[] openLayoutRead(Cold s, ColdBytes counters) throws IOException {
        return openLayoutRead(s.vhd, counters);
    }

    static byte[] openLayoutRead(Path vhd, ColdBytes counters) throws IOException {
        try (DiskImage image = DiskImage.open(vhd)) {
            Resolved f = image.resolver(Optional.empty()).resolve("/etc/os-release", true);
            byte[] bytes = FsFiles.readAll(f.fs(), f.node(), 1 << 16);
            counters.bytesRead += image.bytesRead();
            counters.opens++;
            return bytes;
        }
    }

    /**
     * The lookup images: one fixed VHD per filesystem, built once. The tree, the same for both (as a Debian root
     * has it where it matters here):
     *
     * <ul>
     *   <li>{@code /etc}: {@code hostname}, {@code fstab} (the root by UUID), {@code os-release ->
     *       ../usr/lib/os-release}, and 150 small {@code fNNN.conf} files (a Debian 12 /etc has about as many
     *       entries);</li>
     *   <li>{@code /bin -> usr/bin}, {@code /sbin -> usr/sbin}, {@code /lib -> usr/lib} (merged /usr);
     *       {@code /usr/bin} with 400 small files, {@code dash} and {@code sh -> dash};</li>
     *   <li>{@link #DEEP}: ten directory levels below the root, each holding the next level and three small
     *       files;</li>
     *   <li>{@link #BIG_DIR}: 10,000 empty files {@code entry-00000} ... {@code entry-09999};</li>
     *   <li>empty {@code boot dev home media mnt opt proc root run srv sys tmp}.</li>
     * </ul>
     */
    static final class LookupInputs {

        static final String VHD = "disk.vhd";
        static final String NOTES = "notes.txt";
        /** Bumped when the tree or the recipe changes, so that old sets are not reused. */
        static final int VERSION = 1;
        static final long FS_BYTES = 512L << 20;
        static final String DEEP = "/l01/l02/l03/l04/l05/l06/l07/l08/l09/l10/leaf.txt";
        static final String BIG_DIR = "/var/lib/bigdir";
        static final int BIG_ENTRIES = 10_000;
        static final String BIG_NAME = "entry-07919";
        static final String OS_RELEASE = """
                PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
                NAME="Debian GNU/Linux"
                VERSION_ID="12"
                VERSION="12 (bookworm)"
                VERSION_CODENAME=bookworm
                ID=debian
                HOME_URL="https://www.debian.org/"
                SUPPORT_URL="https://www.debian.org/support"
                BUG_REPORT_URL="https://bugs.debian.org/"
                """;

        private LookupInputs() {
        }

        static String uuid(Fs fs) {
            return fs == Fs.EXT4 ? "6a1f3c1e-0d3b-4c6e-9a47-00000000e4e4" : "6a1f3c1e-0d3b-4c6e-9a47-000000000f5f";
        }

        static Path prepare(Fs fs) throws IOException {
            Path dir = BenchData.prepare("lookup-" + fs.id + "-v" + VERSION, d -> build(d, fs), d -> check(d, fs));
            return dir.resolve(VHD);
        }

        private static void build(Path dir, Fs fs) throws IOException {
            FsImages.requireTools(fs);
            Path work = dir.resolve("work");
            Path tree = work.resolve("tree");
            writeTree(tree, fs);
            String notes = FsImages.makeDisk(fs, tree, FS_BYTES, "rootfs", uuid(fs), List.of(), dir.resolve(VHD), work,
                    img -> structure(fs, img));
            BenchData.deleteTree(work);
            Files.writeString(dir.resolve(NOTES), notes);
            // once, at build: every path the benchmark takes, and the big directory complete
            try (DiskImage image = DiskImage.open(dir.resolve(VHD))) {
                PathResolver r = image.resolver(Optional.empty());
                Resolved big = r.resolve(BIG_DIR, true);
                int entries = big.fs().list(big.node()).size();
                if (entries != BIG_ENTRIES) {
                    throw new IllegalStateException(BIG_DIR + " lists " + entries + " entries, not " + BIG_ENTRIES);
                }
            }
        }

        /** The structures the benchmark is about, checked with the filesystem's own tools. */
        private static String structure(Fs fs, Path img) throws IOException {
            if (fs == Fs.EXT4) {
                String htree = FsImages.inspect(fs, img, "htree " + BIG_DIR);
                if (!htree.contains("Root node dump:")) {
                    throw new IllegalStateException(BIG_DIR + " is not an htree directory:\n" + htree);
                }
                String levels = htree.lines().filter(l -> l.contains("Indirect levels")).findFirst().orElse("?");
                String count = htree.lines().filter(l -> l.startsWith("Number of entries (count)")).findFirst()
                        .orElse("?");
                return BIG_DIR + ": htree, " + levels.trim() + ", root " + count.trim() + " (leaf blocks)\n";
            }
            // XFS: a node-format directory has a da node (magic 0x3ebe on v5) at its leaf offset, 32 GiB
            long leafBlock = (32L << 30) / 4096;
            String node = FsImages.inspect(fs, img, "path " + BIG_DIR, "dblock " + leafBlock, "print");
            String format = FsImages.inspect(fs, img, "path " + BIG_DIR, "print core.format core.nextents");
            if (!node.contains("magic = 0x3ebe")) {
                throw new IllegalStateException(BIG_DIR + " is not a node-format directory:\n" + node);
            }
            return BIG_DIR + ": node-format directory (da node at 32 GiB); " + format.replace('\n', ' ') + "\n";
        }

        static void writeTree(Path tree, Fs fs) throws IOException {
            Files.createDirectories(tree);
            for (String d : new String[] {"boot", "dev", "home", "media", "mnt", "opt", "proc", "root", "run", "srv",
                "sys", "tmp"}) {
                Files.createDirectories(tree.resolve(d));
            }
            FsImages.text(tree.resolve("etc/hostname"), "vhdkit-bench\n");
            FsImages.text(tree.resolve("etc/fstab"), "# /etc/fstab: static file system information.\n"
                    + "UUID=" + uuid(fs) + " / " + fs.id + " errors=remount-ro 0 1\n"
                    + "proc /proc proc defaults 0 0\n"
                    + "tmpfs /tmp tmpfs defaults,size=1G 0 0\n");
            FsImages.text(tree.resolve("usr/lib/os-release"), OS_RELEASE);
            Files.createSymbolicLink(tree.resolve("etc/os-release"), Path.of("../usr/lib/os-release"));
            for (int i = 0; i < 150; i++) {
                FsImages.text(tree.resolve(String.format("etc/f%03d.conf", i)), "# setting " + i + "\n");
            }
            for (int i = 0; i < 400; i++) {
                FsImages.text(tree.resolve(String.format("usr/bin/prog-%03d", i)), "#!/bin/sh\necho " + i + "\n");
            }
            FsImages.text(tree.resolve("usr/bin/dash"), "#!/bin/dash stand-in\n");
            Files.createSymbolicLink(tree.resolve("usr/bin/sh"), Path.of("dash"));
            FsImages.text(tree.resolve("usr/sbin/init"), "init\n");
            FsImages.text(tree.resolve("usr/lib/libc.so.6"), "libc\n");
            Files.createSymbolicLink(tree.resolve("bin"), Path.of("usr/bin"));
            Files.createSymbolicLink(tree.resolve("sbin"), Path.of("usr/sbin"));
            Files.createSymbolicLink(tree.resolve("lib"), Path.of("usr/lib"));
            Path level = tree;
            for (String part : DEEP.substring(1).split("/")) {
                if (part.endsWith(".txt")) {
                    FsImages.text(level.resolve(part), "the bottom\n");
                    break;
                }
                for (int s = 1; s <= 3; s++) {
                    FsImages.text(level.resolve(part + "-sibling" + s), "sibling\n");
                }
                level = level.resolve(part);
            }
            Path big = tree.resolve(BIG_DIR.substring(1));
            Files.createDirectories(big);
            for (int i = 0; i < BIG_ENTRIES; i++) {
                Files.createFile(big.resolve(String.format("entry-%05d", i)));
            }
        }

        /** The image opens, its layout finds the root, and every benchmarked path resolves to a regular file. */
        private static boolean check(Path dir, Fs fs) throws IOException {
            Path vhd = dir.resolve(VHD);
            if (!Files.isRegularFile(vhd)) {
                return false;
            }
            try {
                FsImages.checkDisk(vhd, fs, FS_BYTES);
                try (DiskImage image = DiskImage.open(vhd)) {
                    PathResolver r = image.resolver(Optional.empty());
                    for (String[] p : PATHS.values()) {
                        Resolved got = r.resolve(p[0], true);
                        if (!got.path().equals(p[1]) || got.node().type() != FileType.REGULAR) {
                            BenchData.log(vhd + ": " + p[0] + " resolves to " + got.path());
                            return false;
                        }
                    }
                    FileSystem root = r.mounts().root();
                    if (!root.info().type().equals(fs.id)) {
                        BenchData.log(vhd + ": the root is " + root.info().type() + ", not " + fs.id);
                        return false;
                    }
                }
                return true;
            } catch (IOException | RuntimeException e) {
                BenchData.log(vhd + " is unusable: " + e);
                return false;
            }
        }
    }
}
