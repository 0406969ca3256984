package io.vhdkit.fs.ntfs;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.format.FormatException;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.PathResolver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded random damage to the metadata of the golden image (the boot sector; every MFT record in use, among them
 * $MFT with its own runlist, $Volume, $UpCase, the root, directories with their index roots, files with attribute
 * lists, runlists, $FILE_NAMEs and reparse data; every INDX block; the start of $UpCase's table; the LZNT1 data of
 * the compressed file): whatever the bytes, opening the volume, walking the whole tree (list, lookup by name in
 * either case, stat, reading every file to its end, readLink, resolving every path through {@link PathResolver})
 * (a quarter of the paths) gives a result or one of the checked exceptions the API allows: {@link FormatException}, and from the resolver
 * {@link NoSuchFileException}, {@link NotDirectoryException} or {@link FileSystemLoopException}. Never a runtime
 * exception, an error, or a hang: each mutant runs under a generous timeout that only detects hangs.
 *
 * <p>The targeted cases for loops and limits are in {@link NtfsHostileStructureTest}.
 */
class NtfsHostileInputTest {

    private static final int ROUNDS = 2000;
    /** Files walked per mutant at most (the golden holds about 200). */
    private static final int MAX_NODES = 1000;
    /** Bytes read per file at most: files claiming terabytes are read this far, not further. */
    private static final int MAX_READ = 1 << 20;
    /** A hang detector, not a performance bound: a mutant takes milliseconds. */
    private static final Duration HANG = Duration.ofSeconds(10);

    /** A region of the golden worth damaging, with a name for failure messages. */
    private record Region(String what, long at, int length) {
    }

    /** The metadata regions of the golden, found by the reader on the pristine image. */
    private static List<Region> regions(byte[] image) throws IOException {
        NtfsFileSystem fs = NtfsTestSupport.open(image);
        List<Region> out = new ArrayList<>();
        out.add(new Region("boot sector", 0, 512));
        Mft mft = fs.mft();
        int recordSize = mft.recordSize();
        for (long n = 0; n < mft.records(); n++) {
            try {
                if (mft.header(n).inUse()) {
                    // the bytes in use: the header, the attributes and the end marker
                    long at = mft.offsetOf(n);
                    int used = (int) NtfsTestSupport.u32(image, at + MftRecord.OFFSET_BYTES_IN_USE);
                    out.add(new Region("MFT record " + n, at, Math.min(used, recordSize)));
                }
            } catch (FormatException unused) {
                // a record never written: nothing to damage
            }
        }
        // the MFT's own record and the root twice more: everything hangs on them
        out.add(new Region("MFT record 0", mft.offsetOf(0), recordSize));
        out.add(new Region("MFT record 5", mft.offsetOf(5), recordSize));
        // the first 512 code units of $UpCase: the ASCII and Latin-1 letters names are compared by
        FileRecord up = mft.file(Ntfs.FILE_UPCASE);
        Runlist upRuns = AttributeData.of(fs.reader(), fs.geometry(), up.segments(Ntfs.AT_DATA, ""),
                up.structure()).runs();
        out.add(new Region("$UpCase", fs.geometry().clusterOffset(upRuns.lcn(0)), 1024));
        Deque<NtfsNode> dirs = new ArrayDeque<>(List.of(fs.root()));
        while (!dirs.isEmpty()) {
            NtfsNode d = dirs.poll();
            List<Attribute> alloc = d.file().segments(Ntfs.AT_INDEX_ALLOCATION, Ntfs.I30);
            if (!alloc.isEmpty()) {
                addRuns(out, fs, "INDX of " + d.file().structure(), AttributeData.of(fs.reader(), fs.geometry(),
                        alloc, d.file().structure()).runs());
            }
            for (DirEntry e : fs.list(d)) {
                NtfsNode n = fs.node(e.id());
                if (n.type() == FileType.DIRECTORY && n.reparseTag() == 0) {
                    dirs.add(n);
                }
                if (n.compressed() || n.hasAttributeList() && n.dataRunlist() != null) {
                    addRuns(out, fs, "data of " + n.file().structure(), n.dataRunlist());
                }
            }
        }
        return out;
    }

    private static void addRuns(List<Region> out, NtfsFileSystem fs, String what, Runlist runs) {
        for (int i = 0; i < runs.count(); i++) {
            if (runs.lcn(i) != Runlist.SPARSE) {
                long bytes = runs.length(i) << fs.geometry().clusterShift();
                out.add(new Region(what, fs.geometry().clusterOffset(runs.lcn(i)), (int) Math.min(bytes, 1 << 16)));
            }
        }
    }

    @Test
    void mutatedImagesFailOnlyWithCheckedErrors() throws IOException {
        byte[] golden = NtfsTestSupport.shared();
        List<Region> hot = regions(golden);
        assertTrue(hot.size() > 150, "regions: " + hot.size());
        // the pristine golden has files whose reading is refused (a WOF reparse point, a link to elsewhere)
        int baseline = run(NtfsTestSupport.MemoryDisk.of(golden), 1, "the pristine golden")[1];
        Random random = new Random(20261122L);
        int opened = 0;
        int clean = 0;
        long start = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) {
            Map<Long, Byte> patches = new HashMap<>();
            String what = mutate(golden, hot, random, patches);
            long size = golden.length;
            if (random.nextInt(25) == 0) {
                size = 512 + (random.nextLong() & Long.MAX_VALUE) % (golden.length - 512);
                what += ", cut to " + size + " bytes";
            }
            NtfsTestSupport.MemoryDisk disk = NtfsTestSupport.MemoryDisk.patched(golden, patches, size);
            long seed = random.nextLong();
            String label = "round " + round + " (" + what + ")";
            int[] outcome = assertTimeoutPreemptively(HANG, () -> run(disk, seed, label), label);
            opened += outcome[0];
            clean += outcome[0] == 1 && outcome[1] == baseline ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "NTFS hostile input: %d mutants in %.1f s, %d opened, %d walked with no more "
                + "failures than the pristine image's %d%n", ROUNDS, (System.nanoTime() - start) / 1e9, opened, clean,
                baseline);
        BLAMED.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(40)
                .forEach(e -> System.out.println("  " + e.getValue() + "\t" + e.getKey()));
        // the damage is varied enough to reach beyond open, and mild enough that most images still open
        assertTrue(opened > ROUNDS / 2, "mutants opened: " + opened);
        assertTrue(clean > ROUNDS / 10, "mutants walked without a failure: " + clean);
        assertTrue(clean < opened, "some damage must be found while walking: " + clean + " of " + opened);
    }

    /**
     * Opens and walks one mutant: {opened 0/1, files that failed}. Only the allowed checked
     * exceptions may come out of the reader; anything else fails the test with the mutant's description.
     */
    private static int[] run(NtfsTestSupport.MemoryDisk disk, long seed, String label) {
        NtfsFileSystem fs;
        try {
            fs = NtfsFileSystem.open(disk);
        } catch (FormatException expected) {
            checkMessage(expected, label);
            return new int[] {0, 0};
        } catch (IOException | RuntimeException | Error e) {
            throw new AssertionError(label + ": open threw " + e, e);
        }
        try {
            return new int[] {1, walk(fs, new Random(seed), label)};
        } catch (IOException | RuntimeException | Error e) {
            throw new AssertionError(label + ": " + e, e);
        }
    }

    /** How often each structure and field was blamed, for the summary. */
    private static final Map<String, Integer> BLAMED = new java.util.concurrent.ConcurrentHashMap<>();

    private static void checkMessage(FormatException e, String label) {
        BLAMED.merge(e.kind() + " " + e.where().code().replaceAll("[0-9]+", "N"), 1, Integer::sum);
        if (e.getMessage() == null || e.where() == null || !e.getMessage().startsWith("NTFS ")
                && !e.getMessage().startsWith("ntfs ")) {
            fail(label + ": a format exception without an NTFS location: " + e.getMessage());
        }
    }

    /**
     * Walks everything reachable from the root (each directory once, at most {@link #MAX_NODES} files): lists,
     * looks every name up as listed, upper-cased and as a name that is not there, stats, reads every regular file
     * to its end (at most {@link #MAX_READ} bytes), reads every link, and resolves every path with links followed.
     * A failure is a checked error of that file only; returns the number of failures.
     */
    private static int walk(NtfsFileSystem fs, Random random, String label) throws IOException {
        int failed = 0;
        PathResolver resolver = new PathResolver(fs);
        Deque<Object[]> todo = new ArrayDeque<>();
        Set<Long> seen = new HashSet<>();
        todo.add(new Object[] {fs.rootId(), "/"});
        int nodes = 0;
        while (!todo.isEmpty() && nodes++ < MAX_NODES) {
            Object[] next = todo.poll();
            long id = (Long) next[0];
            String path = (String) next[1];
            try {
                NtfsNode n = fs.node(id);
                n.stat();
                if (!path.equals("/") && random.nextInt(4) == 0) {
                    resolver.resolve(path, true);
                }
                switch (n.type()) {
                    case DIRECTORY -> {
                        if (!seen.add(id)) {
                            continue;
                        }
                        List<DirEntry> list = fs.list(n);
                        for (DirEntry e : list) {
                            todo.add(new Object[] {e.id(), (path.equals("/") ? "/" : path + "/") + e.name()});
                            fs.lookup(n, e.name());
                            if (random.nextInt(4) == 0) {
                                fs.lookup(n, e.name().toUpperCase(Locale.ROOT));
                            }
                        }
                        fs.lookup(n, "no such name.txt");
                    }
                    case REGULAR -> read(fs, n);
                    case SYMLINK -> fs.readLink(n);
                    default -> {
                    }
                }
            } catch (FormatException e) {
                checkMessage(e, label);
                failed++;
            } catch (NoSuchFileException | NotDirectoryException | FileSystemLoopException e) {
                failed++;
            }
        }
        return failed;
    }

    private static void read(NtfsFileSystem fs, NtfsNode n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long position = 0;
        while (position < MAX_READ) {
            buf.clear();
            int k = fs.read(n, position, buf);
            if (k < 0) {
                break;
            }
            if (k == 0) {
                fail("read returned 0 bytes at " + position + " of " + n);
            }
            position += k;
        }
        // and once near the end the size claims, wherever that is
        long size = n.stat().size();
        if (size > MAX_READ) {
            buf.clear();
            fs.read(n, size - 100, buf);
        }
    }

    /** Damages 1 to 8 places of the metadata: single bytes, or whole little-endian fields set to telling values. */
    private static String mutate(byte[] image, List<Region> hot, Random random, Map<Long, Byte> patches) {
        int changes = 1 + random.nextInt(random.nextInt(4) == 0 ? 8 : 3);
        StringBuilder what = new StringBuilder();
        for (int i = 0; i < changes; i++) {
            Region r = hot.get(random.nextInt(hot.size()));
            long at = r.at() + (random.nextLong() & Long.MAX_VALUE) % r.length();
            if (at >= image.length) {
                continue;
            }
            what.append(i == 0 ? "" : ", ").append(r.what()).append(String.format(Locale.ROOT, " @0x%X", at));
            int kind = random.nextInt(10);
            if (kind < 6) {
                byte old = patches.getOrDefault(at, image[(int) at]);
                byte value = switch (kind) {
                    case 0 -> 0;
                    case 1 -> (byte) 0xFF;
                    case 2 -> (byte) (old + 1);
                    case 3 -> (byte) (old - 1);
                    case 4 -> (byte) (old ^ (1 << random.nextInt(8)));
                    default -> (byte) random.nextInt(256);
                };
                patches.put(at, value);
            } else {
                // a 2-, 4- or 8-byte field, aligned as NTFS aligns its fields
                int width = 2 << random.nextInt(3);
                long field = at & -width;
                long value = switch (random.nextInt(6)) {
                    case 0 -> 0;
                    case 1 -> -1;
                    case 2 -> Long.MAX_VALUE;
                    case 3 -> 1L << (8 * width - 1);
                    case 4 -> random.nextInt(4096);
                    default -> random.nextLong();
                };
                for (int b = 0; b < width && field + b < image.length; b++) {
                    patches.put(field + b, (byte) (value >>> (8 * b)));
                }
                what.append(" (").append(width).append(" bytes = ").append(value).append(')');
            }
        }
        return what.toString();
    }
}
