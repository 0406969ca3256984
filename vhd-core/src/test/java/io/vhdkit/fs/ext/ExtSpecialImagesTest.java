package io.vhdkit.fs.ext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.PathResolver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The debugfs-made fragmented image, the journal that needs recovery, hashes, and what a lookup reads. */
class ExtSpecialImagesTest {

    @Test
    void fragmentedPreallocatedAndPunchedFilesReadAsDebugfsWroteThem() throws Exception {
        Map<String, ExtImages.Entry> manifest = ExtImages.manifest(ExtImages.file("frag.MANIFEST.tsv"));
        try (ExtImages.FileDisk disk = new ExtImages.FileDisk(ExtImages.file("ext4-frag.img"))) {
            ExtFileSystem fs = ExtFileSystem.open(disk);
            assertEquals("ext4", fs.info().type());
            PathResolver r = new PathResolver(fs);
            List<String> names = new ArrayList<>();
            for (DirEntry e : fs.list(fs.root())) {
                if (!e.name().equals("lost+found")) {
                    names.add("/" + e.name());
                }
            }
            assertEquals(manifest.keySet().stream().sorted().toList(), names.stream().sorted().toList());
            for (ExtImages.Entry m : manifest.values()) {
                FsNode f = r.resolve(m.path(), false).node();
                assertEquals(m.size(), f.stat().size(), m.path());
                assertEquals(m.content(), ExtCorpusTest.sha256(fs, f), m.path());
            }
            // the tree debugfs reports: depth 2, hundreds of extents
            String ex = Files.readString(ExtImages.file("frag.extents.txt"));
            assertTrue(ex.lines().filter(l -> l.startsWith(" 2/ 2")).count() >= 300, "fragmented enough");
        }
    }

    @Test
    void aJournalThatNeedsRecoveryIsReportedAndNotReplayed() throws Exception {
        Map<String, ExtImages.Entry> manifest = ExtImages.manifest(ExtImages.file("MANIFEST.tsv"));
        byte[] journaled = Files.readAllBytes(ExtImages.file("journaled-block.bin"));
        try (ExtImages.FileDisk disk = new ExtImages.FileDisk(ExtImages.file("ext4-recover.img"))) {
            ExtFileSystem fs = ExtFileSystem.open(disk);
            List<Finding> anomalies = fs.info().anomalies();
            assertEquals(1, anomalies.size(), anomalies.toString());
            Finding f = anomalies.get(0);
            assertEquals("journal.needs-recovery", f.code());
            assertEquals(Severity.WARNING, f.severity());
            assertEquals(1024 + 0x60, f.where().offset());
            assertTrue(f.message().contains("was not replayed") && f.message().contains("may be missing"),
                    f.message());
            FsNode file = new PathResolver(fs).resolve("/sizes/size-4096", false).node();
            assertEquals(manifest.get("/sizes/size-4096").content(), ExtCorpusTest.sha256(fs, file),
                    "the block as it is in place, not as the journal has it");
        }
        try (ExtImages.FileDisk disk = new ExtImages.FileDisk(ExtImages.file("ext4-replayed.img"))) {
            ExtFileSystem fs = ExtFileSystem.open(disk);
            assertEquals(List.of(), fs.info().anomalies());
            FsNode file = new PathResolver(fs).resolve("/sizes/size-4096", false).node();
            assertArrayEquals(journaled, FsFiles.readAll(fs, file, 4096));
        }
    }

    @Test
    void directoryHashesMatchDebugfs() {
        List<String> rows = ExtImages.lines(ExtImages.file("hash-golden.tsv"));
        assertEquals(132, rows.size());
        for (String row : rows) {
            String[] f = row.split("\t");
            byte[] name = HexFormat.of().parseHex(f[0]);
            int version = switch (f[1]) {
                case "legacy" -> DirHash.LEGACY;
                case "half_md4" -> DirHash.HALF_MD4;
                case "tea" -> DirHash.TEA;
                case "legacy_unsigned" -> DirHash.LEGACY_UNSIGNED;
                case "half_md4_unsigned" -> DirHash.HALF_MD4_UNSIGNED;
                case "tea_unsigned" -> DirHash.TEA_UNSIGNED;
                default -> throw new IllegalArgumentException(f[1]);
            };
            int[] seed = f[2].equals("-") ? null : seed(f[2]);
            int expected = (int) Long.parseLong(f[3].substring(2), 16);
            assertEquals(expected, DirHash.hash(name, version, seed),
                    f[1] + " " + f[2] + " " + new String(name, StandardCharsets.UTF_8));
        }
    }

    /** A UUID-form seed as e2fsprogs parses it into s_hash_seed: the 16 bytes, read as 4 little-endian words. */
    static int[] seed(String uuid) {
        byte[] b = HexFormat.of().parseHex(uuid.replace("-", ""));
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            out[i] = (b[4 * i] & 0xFF) | (b[4 * i + 1] & 0xFF) << 8 | (b[4 * i + 2] & 0xFF) << 16
                    | (b[4 * i + 3] & 0xFF) << 24;
        }
        return out;
    }

    /** Opening reads the superblock, one descriptor block and the root inode; a path reads only what is on it. */
    @Test
    void openingAndResolvingReadOnlyWhatTheyNeed() throws Exception {
        for (String image : ExtImages.TREE_IMAGES) {
            try (ExtImages.FileDisk disk = new ExtImages.FileDisk(ExtImages.file(image + ".img"))) {
                ExtFileSystem fs = ExtFileSystem.open(disk);
                assertEquals(3, disk.reads.get(), image + ": superblock, descriptor block, root inode block");
                disk.reads.set(0);
                String name = "entry-01234-" + "n".repeat(90);
                FsNode f = new PathResolver(fs).resolve("/bigdir/" + name, false).node();
                assertEquals(0, f.stat().size() % 1, image);
                // root dir block(s), bigdir's inode, its htree root (and interior node), one leaf, the file's inode
                assertTrue(disk.reads.get() <= 10, image + ": " + disk.reads.get() + " reads to resolve a path");
            }
        }
    }

    /** debugfs stat of a few inodes: mtime with its extra field, size, links and flags as the reader decodes them. */
    @Test
    void inodeFieldsMatchDebugfsStat() throws Exception {
        Pattern mtime = Pattern.compile("mtime: 0x([0-9a-f]{8})(?::([0-9a-f]{8}))?");
        Pattern size = Pattern.compile("Size: (\\d+)");
        Pattern links = Pattern.compile("Links: (\\d+)");
        List<String> paths = List.of("/times/pre-1970", "/times/post-2038", "/times/y2400", "/times/nanos",
                "/big/random-3m", "/hard/a", "/links/len-1000", "/bigdir");
        for (String image : ExtImages.TREE_IMAGES) {
            String out = ExtImages.debugfs(ExtImages.file(image + ".img"),
                    paths.stream().map(p -> "stat " + p).toList());
            String[] stats = out.split("(?m)^Inode: ");
            assertEquals(paths.size() + 1, stats.length, image);
            try (ExtImages.FileDisk disk = new ExtImages.FileDisk(ExtImages.file(image + ".img"))) {
                ExtFileSystem fs = ExtFileSystem.open(disk);
                PathResolver r = new PathResolver(fs);
                for (int i = 0; i < paths.size(); i++) {
                    String st = stats[i + 1];
                    ExtNode n = (ExtNode) r.resolve(paths.get(i), false).node();
                    String what = image + ":" + paths.get(i);
                    assertEquals(Long.parseLong(st.substring(0, st.indexOf(' '))), n.id(), what);
                    Matcher m = mtime.matcher(st);
                    assertTrue(m.find(), what);
                    long seconds = (int) Long.parseLong(m.group(1), 16);
                    long nanos = 0;
                    if (m.group(2) != null) {
                        long extra = Long.parseLong(m.group(2), 16);
                        seconds += (extra & 3) << 32;
                        nanos = extra >>> 2;
                    }
                    assertEquals(seconds, n.stat().mtime().getEpochSecond(), what);
                    assertEquals(nanos, n.stat().mtime().getNano(), what);
                    Matcher s = size.matcher(st);
                    assertTrue(s.find());
                    assertEquals(Long.parseLong(s.group(1)), n.stat().size(), what);
                    Matcher l = links.matcher(st);
                    assertTrue(l.find());
                    assertEquals(Long.parseLong(l.group(1)), n.stat().links(), what);
                }
            }
        }
    }
}
