package io.vhdkit.fs.xfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One image's expected contents: the manifest of its source (or of the kernel's view through a mount) and what
 * xfs_db read back (inode cores, extent maps, directory listings). {@link #verify} checks every file of the image
 * against all of them and reports every difference at once.
 */
final class ImageOracle {

    private final String name;
    private final List<String[]> manifest;
    private final Map<String, String[]> inodes = new LinkedHashMap<>();
    private final Map<String, List<String[]>> bmaps = new HashMap<>();
    private final Map<String, List<String[]>> listings = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private int checkedFiles;
    private int checkedLookups;

    ImageOracle(String name, List<String[]> manifest, List<String[]> inodes, List<String[]> bmap,
                List<String[]> ls) {
        this.name = name;
        this.manifest = manifest;
        for (String[] r : inodes) {
            this.inodes.put(XfsTestSupport.unescape(r[0]), r);
        }
        for (String[] r : bmap) {
            bmaps.computeIfAbsent(XfsTestSupport.unescape(r[0]), k -> new ArrayList<>()).add(r);
        }
        for (String[] r : ls) {
            listings.computeIfAbsent(XfsTestSupport.unescape(r[0]), k -> new ArrayList<>()).add(r);
        }
    }

    static ImageOracle golden(String base) {
        return new ImageOracle(base, XfsTestSupport.goldenTsv(base + ".manifest.tsv.gz"),
                XfsTestSupport.goldenTsv(base + ".inodes.tsv.gz"), XfsTestSupport.goldenTsv(base + ".bmap.tsv.gz"),
                XfsTestSupport.goldenTsv(base + ".ls.tsv.gz"));
    }

    private void problem(String path, String what, Object actual, Object expected) {
        if (problems.size() < 200) {
            problems.add(name + " " + path + ": " + what + " is " + actual + ", expected " + expected);
        }
    }

    private void check(String path, String what, Object actual, Object expected) {
        if (actual instanceof List<?> a && expected instanceof List<?> e) {
            for (int i = 0; i < Math.max(a.size(), e.size()); i++) {
                Object x = i < a.size() ? a.get(i) : "(nothing)";
                Object y = i < e.size() ? e.get(i) : "(nothing)";
                if (!String.valueOf(x).equals(String.valueOf(y))) {
                    problem(path, what + " [" + i + " of " + a.size() + "/" + e.size() + "]", x, y);
                    return;
                }
            }
            return;
        }
        if (!String.valueOf(actual).equals(String.valueOf(expected))) {
            problem(path, what, actual, expected);
        }
    }

    /**
     * Walks the whole filesystem and checks every file. {@code badSymlinks}: inodes whose targets must be reported
     * as corrupt (mkfs.xfs 6.1's header-less remote symlinks on v5, as xfs_repair names them).
     */
    void verify(XfsFileSystem fs, Set<Long> badSymlinks) throws IOException {
        Map<String, XfsInode> tree = XfsTestSupport.walk(fs);
        Set<String> expected = new TreeSet<>();
        for (String[] r : manifest) {
            expected.add(XfsTestSupport.unescape(r[0]));
        }
        assertEquals(expected, new TreeSet<>(tree.keySet()), name + ": the paths in the image");
        boolean kernel = manifest.get(0).length > 10;
        for (String[] r : manifest) {
            String path = XfsTestSupport.unescape(r[0]);
            XfsInode node = tree.get(path);
            checkManifest(fs, path, node, r, kernel, badSymlinks);
            checkXfsDb(fs, path, node);
            checkedFiles++;
        }
        assertTrue(problems.isEmpty(), name + ": " + problems.size() + " differences:\n" + String.join("\n",
                problems));
    }

    int checkedFiles() {
        return checkedFiles;
    }

    int checkedLookups() {
        return checkedLookups;
    }

    private void checkManifest(XfsFileSystem fs, String path, XfsInode node, String[] r, boolean kernel,
                               Set<Long> badSymlinks) throws IOException {
        check(path, "type", node.type().letter(), r[1]);
        check(path, "mode", Integer.toOctalString(node.stat().mode()), r[3]);
        check(path, "uid", node.stat().uid(), r[4]);
        check(path, "gid", node.stat().gid(), r[5]);
        check(path, "nlink", node.stat().links(), r[6]);
        if (node.type() == FileType.REGULAR) {
            check(path, "size", node.stat().size(), r[2]);
            check(path, "sha256", XfsTestSupport.sha256(fs, node), r[7]);
        } else if (node.type() == FileType.SYMLINK) {
            check(path, "size", node.stat().size(), r[2]);
            if (badSymlinks.contains(node.ino())) {
                try {
                    fs.readLink(node);
                    problem(path, "readLink", "a target", "CorruptFormatException (no XSLM header)");
                } catch (CorruptFormatException e) {
                    check(path, "the error", e.problem().startsWith("magic is ") && e.problem().endsWith(
                            "- should be 0x58534C4D (XSLM)"), true);
                }
            } else {
                check(path, "target", fs.readLink(node), XfsTestSupport.unescape(r[8]));
            }
        } else if (node.type() == FileType.CHAR_DEVICE || node.type() == FileType.BLOCK_DEVICE) {
            check(path, "rdev", node.deviceMajor() + ":" + node.deviceMinor(), r[9]);
        }
        if (kernel) {
            check(path, "ino", node.ino(), r[10]);
            Instant m = node.stat().mtime();
            check(path, "mtime_ns", m.getEpochSecond() * 1_000_000_000L + m.getNano(), r[11]);
        }
    }

    private void checkXfsDb(XfsFileSystem fs, String path, XfsInode node) throws IOException {
        String[] r = inodes.get(path);
        if (r == null) {
            problem(path, "xfs_db record", "missing", "present");
            return;
        }
        check(path, "inode number (xfs_db)", node.ino(), r[1]);
        check(path, "mode (xfs_db)", Integer.toOctalString(node.stat().mode()), r[2]);
        check(path, "uid (xfs_db)", node.stat().uid(), r[3]);
        check(path, "gid (xfs_db)", node.stat().gid(), r[4]);
        long size = node.type() == FileType.REGULAR || node.type() == FileType.DIRECTORY
                || node.type() == FileType.SYMLINK ? node.stat().size() : 0;
        check(path, "size (xfs_db)", size, r[5]);
        check(path, "nlink (xfs_db)", node.stat().links(), r[6]);
        check(path, "mtime (xfs_db)", node.stat().mtime(), Instant.ofEpochSecond(Long.parseLong(r[7]),
                Long.parseLong(r[8])));
        check(path, "format (xfs_db)", node.format(), r[9]);
        check(path, "nextents (xfs_db)", node.nextents(), r[10]);
        if (node.format() == XfsInode.FORMAT_EXTENTS || node.format() == XfsInode.FORMAT_BTREE) {
            List<String> mine = new ArrayList<>();
            for (XfsExtent e : fs.extents(node)) {
                mine.add(e.fileOffset() + " " + e.startBlock() + " " + e.blockCount() + " " + (e.unwritten() ? 1 : 0));
            }
            List<String> theirs = new ArrayList<>();
            for (String[] b : bmaps.getOrDefault(path, List.of())) {
                theirs.add(b[1] + " " + b[2] + " " + b[3] + " " + b[4]);
            }
            check(path, "extents (xfs_db bmap)", mine, theirs);
        }
        if (node.type() == FileType.DIRECTORY) {
            checkListing(fs, path, node);
        }
    }

    private void checkListing(XfsFileSystem fs, String path, XfsInode dir) throws IOException {
        List<String> mine = new ArrayList<>();
        List<XfsDirectory.Entry> entries = fs.entries(dir);
        List<DirEntry> listed = fs.list(dir);
        check(path, "list() size", listed.size(), entries.size());
        for (XfsDirectory.Entry e : entries) {
            String hash = String.format(Locale.ROOT, "%08x", fs.info().caseSensitive() ? XfsDaHash.hash(e.name())
                    : XfsDaHash.ciHash(e.name(), false));
            // xfs_db prints directory offsets in 8-byte units; for leaf and node directories (list_leafdir in
            // db/namei.c) it prints the offset of the entry's end, that is of the next entry
            boolean leafForm = dir.format() != XfsInode.FORMAT_LOCAL && !new XfsDirectory(fs, dir).blockForm();
            long cookie = (e.cookie() + (leafForm ? new XfsDirectory(fs, dir).entrySize(e.name().length) : 0)) / 8;
            mine.add(cookie + " " + e.ino() + " " + ftypeName(fs, e.ftype()) + " " + hash + " " + e.text());
        }
        List<String> theirs = new ArrayList<>();
        for (String[] l : listings.getOrDefault(path, List.of())) {
            String n = XfsTestSupport.unescape(l[5]);
            if (!n.equals(".") && !n.equals("..")) {
                theirs.add(l[1] + " " + l[2] + " " + l[3] + " " + l[4] + " " + n);
            }
        }
        check(path, "entries (xfs_db ls)", mine, theirs);
        for (DirEntry e : listed) {
            Optional<DirEntry> found = fs.lookup(dir, e.name());
            check(path + "/" + e.name(), "lookup", found.orElse(null), e);
            checkedLookups++;
            if (!fs.info().caseSensitive()) {
                String upper = e.name().toUpperCase(Locale.ROOT);
                boolean asciiOnly = upper.chars().allMatch(c -> c < 0x80);
                if (asciiOnly && !upper.equals(e.name())) {
                    check(path + "/" + upper, "case-insensitive lookup", fs.lookup(dir, upper).map(DirEntry::id)
                            .orElse(-1L), e.id());
                    checkedLookups++;
                }
            }
        }
        check(path + "/no-such-name", "lookup", fs.lookup(dir, "no-such-name").isPresent(), false);
        byte[] longName = "x".repeat(255).getBytes(StandardCharsets.UTF_8);
        check(path + "/x*255", "lookup", fs.lookup(dir, new String(longName, StandardCharsets.UTF_8)).isPresent(),
                false);
    }

    private static String ftypeName(XfsFileSystem fs, int ftype) {
        if (!fs.geometry().ftype) {
            return "unknown";
        }
        return switch (ftype) {
            case 1 -> "regular";
            case 2 -> "directory";
            case 3 -> "chardev";
            case 4 -> "blkdev";
            case 5 -> "fifo";
            case 6 -> "socket";
            case 7 -> "symlink";
            default -> "unknown";
        };
    }

    /** The node at a path of the manifest, via the filesystem's own lookups from the root. */
    static FsNode at(XfsFileSystem fs, String path) throws IOException {
        FsNode n = fs.root();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                n = fs.node(fs.lookup(n, part).orElseThrow(() -> new AssertionError("no " + path)).id());
            }
        }
        return n;
    }
}
