package io.vhdkit.fs.ext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileStat;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.FsInfo;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.PathResolver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of every image made by mke2fs -d, against the manifest of the source tree it was made from; listings
 * against debugfs; the type, UUID and label against blkid; path lookups (htree) and symlink resolution.
 */
class ExtCorpusTest {

    static List<String> images() {
        return ExtImages.TREE_IMAGES;
    }

    /** What a walk of the image found at a path. */
    record Found(DirEntry entry, FsNode node) {
    }

    static Map<String, Found> walk(ExtFileSystem fs) throws IOException {
        Map<String, Found> out = new TreeMap<>();
        walk(fs, fs.root(), "", out, 0);
        return out;
    }

    private static void walk(ExtFileSystem fs, FsNode dir, String path, Map<String, Found> out, int depth)
            throws IOException {
        assertTrue(depth < 64, "directory tree too deep at " + path);
        for (DirEntry e : fs.list(dir)) {
            String p = path + "/" + e.name();
            FsNode node = fs.node(e.id());
            assertTrue(out.put(p, new Found(e, node)) == null, "listed twice: " + p);
            if (node.type() == FileType.DIRECTORY) {
                walk(fs, node, p, out, depth + 1);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("images")
    void everyFileMatchesTheManifest(String image) throws Exception {
        Map<String, ExtImages.Entry> manifest = ExtImages.manifest(ExtImages.file("MANIFEST.tsv"));
        Map<String, long[]> overrides = ExtImages.mtimeOverrides(image);
        Map<String, String[]> sizes = ExtImages.sizeOverrides(image);
        try (ExtImages.FileDisk disk = new ExtImages.FileDisk(ExtImages.file(image + ".img"))) {
            ExtFileSystem fs = ExtFileSystem.open(disk);
            assertEquals(List.of(), fs.info().anomalies(), image);
            boolean fileTypes = fs.superblock().hasIncompat(Features.INCOMPAT_FILETYPE);
            boolean smallInodes = fs.superblock().inodeSize() == 128;
            Map<String, Found> found = walk(fs);
            found.keySet().removeIf(p -> p.equals("/lost+found") || p.startsWith("/lost+found/"));
            assertSameLists(new ArrayList<>(manifest.keySet()).stream().sorted().toList(),
                    new ArrayList<>(found.keySet()).stream().sorted().toList(), image + ": the paths");
            Map<String, Long> groups = new HashMap<>();
            for (ExtImages.Entry m : manifest.values()) {
                Found f = found.get(m.path());
                FileStat st = f.node().stat();
                String what = image + ":" + m.path();
                assertEquals(m.type(), st.type().name(), what + " type");
                assertEquals(fileTypes ? st.type() : FileType.UNKNOWN, f.entry().type(), what + " entry type");
                assertEquals(m.mode(), st.mode(), what + " mode");
                assertEquals(m.uid(), st.uid(), what + " uid");
                assertEquals(m.gid(), st.gid(), what + " gid");
                assertEquals(m.links(), st.links(), what + " links");
                long[] o = overrides.get(m.path());
                // mke2fs -d keeps 32 bits of seconds (signed) and no nanoseconds; debugfs set the overrides
                long seconds = o != null ? o[0] : (int) m.mtimeSeconds();
                long nanos = o != null ? o[1] : 0;
                if (smallInodes) {
                    assertTrue(o == null, "no overrides on 128-byte inodes");
                }
                assertEquals(seconds, st.mtime().getEpochSecond(), what + " mtime");
                assertEquals(nanos, st.mtime().getNano(), what + " mtime nanoseconds");
                switch (m.type()) {
                    case "REGULAR" -> {
                        String[] stored = sizes.get(m.path());     // an e2fsprogs bug, see fixtures/ext/build.sh
                        assertEquals(stored != null ? Long.parseLong(stored[0]) : m.size(), st.size(), what + " size");
                        assertEquals(stored != null ? stored[1] : m.content(), sha256(fs, f.node()), what + " content");
                        if (!m.linkGroup().equals("-")) {
                            long id = groups.computeIfAbsent(m.linkGroup(), g -> f.node().id());
                            assertEquals(id, f.node().id(), what + " is a hard link of " + m.linkGroup());
                        }
                    }
                    case "SYMLINK" -> {
                        assertEquals(m.size(), st.size(), what + " size");
                        assertEquals(new String(HexFormat.of().parseHex(m.content()), StandardCharsets.UTF_8),
                                fs.readLink(f.node()), what + " target");
                    }
                    case "DIRECTORY" -> assertTrue(st.size() > 0, what + " size");
                    default -> assertEquals(0, st.size(), what + " size");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("images")
    void infoMatchesBlkidAndDumpe2fs(String image) throws Exception {
        Map<String, String> blkid = ExtImages.blkid(image);
        Map<String, String> dump = ExtImages.dumpe2fs(image);
        try (ExtImages.FileDisk disk = new ExtImages.FileDisk(ExtImages.file(image + ".img"))) {
            FsInfo info = ExtFileSystem.open(disk).info();
            assertEquals(blkid.get("ID_FS_TYPE"), info.type(), image);
            assertEquals(blkid.get("ID_FS_UUID"), info.uuid(), image);
            assertEquals(blkid.get("ID_FS_LABEL"), info.label(), image);
            assertEquals(Integer.parseInt(dump.get("Block size")), info.blockSize(), image);
            assertEquals(Long.parseLong(dump.get("Block count")) * info.blockSize(), info.size(), image);
            assertTrue(info.caseSensitive());
        }
    }

    /** debugfs "ls -p" of every directory: the same names, inode numbers, modes and owners, in the same order. */
    @ParameterizedTest
    @MethodSource("images")
    void listingsMatchDebugfs(String image) throws Exception {
        try (ExtImages.FileDisk disk = new ExtImages.FileDisk(ExtImages.file(image + ".img"))) {
            ExtFileSystem fs = ExtFileSystem.open(disk);
            Map<String, Found> found = walk(fs);
            List<String> dirs = new ArrayList<>();
            dirs.add("/");
            found.forEach((p, f) -> {
                if (f.node().type() == FileType.DIRECTORY) {
                    dirs.add(p);
                }
            });
            List<String> cmds = dirs.stream().map(d -> "ls -p \"" + d + "\"").toList();
            String out = ExtImages.debugfs(ExtImages.file(image + ".img"), cmds);
            List<String> expected = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.startsWith("/")) {
                    continue;
                }
                String[] f = line.split("/", -1);    // "", ino, mode, uid, gid, name, size, ""
                // debugfs lists unused records (inode 0: htree nodes, free space) too
                if (f.length >= 7 && !f[1].equals("0") && !f[5].equals(".") && !f[5].equals("..")) {
                    // (debugfs prints uid and gid signed)
                    expected.add(f[1] + " " + Integer.parseInt(f[2], 8) + " " + unsigned(f[3]) + " " + unsigned(f[4])
                            + " " + f[5]);
                }
            }
            List<String> actual = new ArrayList<>();
            for (String d : dirs) {
                FsNode dir = d.equals("/") ? fs.root() : found.get(d).node();
                for (DirEntry e : fs.list(dir)) {
                    FileStat st = fs.node(e.id()).stat();
                    actual.add(e.id() + " " + st.mode() + " " + st.uid() + " " + st.gid() + " " + e.name());
                }
            }
            assertSameLists(expected, actual, image);
        }
    }

    private static long unsigned(String decimal) {
        return Integer.toUnsignedLong((int) Long.parseLong(decimal));
    }

    /** Like assertEquals on lists, but reports the first difference instead of both lists. */
    static void assertSameLists(List<String> expected, List<String> actual, String what) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertEquals(expected.get(i), actual.get(i), what + ": item " + i);
        }
        assertEquals(expected.size(), actual.size(), what + ": the number of items");
    }

    @ParameterizedTest
    @MethodSource("images")
    void everyPathResolvesThroughLookup(String image) throws Exception {
        try (ExtImages.FileDisk disk = new ExtImages.FileDisk(ExtImages.file(image + ".img"))) {
            ExtFileSystem fs = ExtFileSystem.open(disk);
            PathResolver resolver = new PathResolver(fs);
            for (Map.Entry<String, Found> e : walk(fs).entrySet()) {
                assertEquals(e.getValue().node().id(), resolver.resolve(e.getKey(), false).node().id(), e.getKey());
            }
            ExtNode bigdir = (ExtNode) resolver.resolve("/bigdir", false).node();
            assertTrue(fs.isIndexed(bigdir.inode()), image + ": /bigdir has an htree");
            // through the index itself (lookup() would fall back to a linear scan if the walk failed)
            HashTree tree = new HashTree(fs, bigdir);
            for (DirEntry e : fs.list(bigdir)) {
                assertEquals(Optional.of(e), tree.lookup(e.name().getBytes(StandardCharsets.UTF_8)), e.name());
            }
            for (int i = 0; i < 2000; i += 37) {
                String missing = String.format("entry-%05d-%s", i, "n".repeat(89));
                assertEquals(Optional.empty(), fs.lookup(bigdir, missing), missing);
                assertEquals(Optional.empty(), fs.lookup(bigdir, missing + "nn"), missing);
            }
            assertEquals(Optional.empty(), fs.lookup(fs.root(), "Names"), "names are case-sensitive");
            assertTrue(fs.lookup(resolver.resolve("/names", false).node(), "UPPER").isPresent());
        }
    }

    @ParameterizedTest
    @MethodSource("images")
    void symlinksResolve(String image) throws Exception {
        try (ExtImages.FileDisk disk = new ExtImages.FileDisk(ExtImages.file(image + ".img"))) {
            ExtFileSystem fs = ExtFileSystem.open(disk);
            PathResolver r = new PathResolver(fs);
            assertEquals(r.resolve("/sizes/size-1", false).node().id(), r.resolve("/links/relative", true).node().id());
            assertEquals(r.resolve("/sizes/size-59", false).node().id(), r.resolve("/links/absolute", true).node().id());
            assertEquals("/sizes/size-60", r.resolve("/links/to-dir/size-60", true).path());
            assertThrows(FileSystemLoopException.class, () -> r.resolve("/links/loop-a", true));
            assertThrows(FileSystemLoopException.class, () -> r.resolve("/links/self", true));
            assertThrows(NoSuchFileException.class, () -> r.resolve("/links/dangling", true));
            assertEquals(FileType.SYMLINK, r.resolve("/links/loop-a", false).node().type());
        }
    }

    /** Reads in odd-sized pieces at odd offsets: every piece equals the same range of a whole read. */
    @ParameterizedTest
    @MethodSource("images")
    void piecewiseReadsMatchWholeReads(String image) throws Exception {
        try (ExtImages.FileDisk disk = new ExtImages.FileDisk(ExtImages.file(image + ".img"))) {
            ExtFileSystem fs = ExtFileSystem.open(disk);
            PathResolver r = new PathResolver(fs);
            for (String p : List.of("/sizes/size-4097", "/sparse/hole-middle", "/big/text.txt", "/sizes/size-61")) {
                FsNode f = r.resolve(p, false).node();
                byte[] whole = FsFiles.readAll(fs, f, 8 << 20);
                assertEquals(f.stat().size(), whole.length);
                for (long at = 0; at < whole.length; at += 7919) {
                    ByteBuffer piece = ByteBuffer.allocate(3001);
                    int n = fs.read(f, at, piece);
                    int expect = (int) Math.min(3001, whole.length - at);
                    assertEquals(expect, n, p + " @" + at);
                    byte[] want = java.util.Arrays.copyOfRange(whole, (int) at, (int) at + expect);
                    assertArrayEquals(want, java.util.Arrays.copyOf(piece.array(), n), p + " @" + at);
                }
                assertEquals(-1, fs.read(f, whole.length, ByteBuffer.allocate(10)));
            }
            FsNode dir = r.resolve("/sizes", false).node();
            assertThrows(IllegalArgumentException.class, () -> fs.read(dir, 0, ByteBuffer.allocate(1)));
            assertThrows(IllegalArgumentException.class, () -> fs.readLink(dir));
            assertFalse(fs.list(dir).isEmpty());
        }
    }

    static String sha256(ExtFileSystem fs, FsNode file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = FsFiles.newInputStream(fs, file)) {
                byte[] buf = new byte[65536];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
