package io.vhdkit.fs.xfs;

import io.vhdkit.disk.RawDisk;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.io.ByteArraySource;
import io.vhdkit.io.Extent;
import io.vhdkit.io.FileByteSource;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Damaged volumes, the golden images, the TSV oracles and a tree walk, for the XFS tests. */
final class XfsTestSupport {

    private XfsTestSupport() {
    }

    /** A volume with some bytes replaced, over another (the large built images are not copied to be damaged). */
    static final class PatchedDisk implements VirtualDisk {
        private final VirtualDisk base;
        private final java.util.TreeMap<Long, byte[]> patches = new java.util.TreeMap<>();

        PatchedDisk(VirtualDisk base) {
            this.base = base;
        }

        PatchedDisk put(long offset, byte[] bytes) {
            patches.put(offset, bytes.clone());
            return this;
        }

        /** Reads {@code length} bytes as patched so far. */
        byte[] get(long offset, int length) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(length);
            read(offset, b);
            return b.array();
        }

        @Override
        public long size() {
            return base.size();
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            int start = dst.position();
            int n = dst.remaining();
            base.read(position, dst);
            for (Map.Entry<Long, byte[]> p : patches.entrySet()) {
                long from = Math.max(p.getKey(), position);
                long to = Math.min(p.getKey() + p.getValue().length, position + n);
                for (long i = from; i < to; i++) {
                    dst.put(start + (int) (i - position), p.getValue()[(int) (i - p.getKey())]);
                }
            }
        }

        @Override
        public List<Extent> allocatedExtents() throws IOException {
            return base.allocatedExtents();
        }

        @Override
        public void close() throws IOException {
            base.close();
        }
    }

    /** Recomputes a v5 CRC in place: CRC32C of {@code length} bytes at {@code start}, the field taken as zero. */
    static void fixCrc(byte[] b, long start, int length, int crcOffset) {
        ByteBuffer buf = ByteBuffer.wrap(b);
        int crc = XfsChecksum.compute(buf, (int) start, length, crcOffset);
        ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) start + crcOffset, crc);
    }

    static RawDisk disk(byte[] image) throws IOException {
        return new RawDisk(new ByteArraySource("xfs.img", image));
    }

    static RawDisk disk(Path image) throws IOException {
        return new RawDisk(FileByteSource.open(image));
    }

    /** A golden image from the test resources, gunzipped. */
    static byte[] golden(String name) {
        return Golden.load(XfsTestSupport.class, name);
    }

    static XfsFileSystem open(byte[] image) throws IOException {
        return XfsFileSystem.open(disk(image));
    }

    /** The rows of a tab-separated oracle (comment lines starting with '#' skipped), gunzipped if named .gz. */
    static List<String[]> tsv(InputStream in, String name) {
        try (InputStream raw = name.endsWith(".gz") ? new GZIPInputStream(in) : in) {
            String text = new String(raw.readAllBytes(), StandardCharsets.UTF_8);
            List<String[]> rows = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    rows.add(line.split("\t", -1));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String[]> tsv(Path file) {
        try {
            return tsv(Files.newInputStream(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String[]> goldenTsv(String name) {
        InputStream in = XfsTestSupport.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        return tsv(in, name);
    }

    /** Undoes the manifest's escapes (backslash, tab, newline). */
    static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Every file reachable from the root, by path ("/" first), breadth-first, each directory listed once. */
    static Map<String, XfsInode> walk(XfsFileSystem fs) throws IOException {
        Map<String, XfsInode> out = new LinkedHashMap<>();
        Deque<String> todo = new ArrayDeque<>();
        out.put("/", fs.node(fs.rootId()));
        todo.add("/");
        java.util.Set<Long> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            String dir = todo.poll();
            XfsInode node = out.get(dir);
            if (!seen.add(node.ino())) {
                throw new IllegalStateException("directory " + node.ino() + " reached twice (" + dir + ")");
            }
            for (DirEntry e : fs.list(node)) {
                String path = (dir.equals("/") ? "" : dir) + "/" + e.name();
                XfsInode child = fs.node(e.id());
                out.put(path, child);
                if (child.type() == FileType.DIRECTORY) {
                    todo.add(path);
                }
            }
        }
        return out;
    }

    static String sha256(XfsFileSystem fs, XfsInode file) throws IOException {
        try (InputStream in = FsFiles.newInputStream(fs, file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
