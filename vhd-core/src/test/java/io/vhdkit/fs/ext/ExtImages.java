package io.vhdkit.fs.ext;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.io.Extent;
import io.vhdkit.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The ext fixture corpus (fixtures/ext/build.sh), raw images read as volumes, and the oracles beside them. */
final class ExtImages {

    /** The images made by mke2fs -d from the source tree, with MANIFEST.tsv as their oracle. */
    static final List<String> TREE_IMAGES = List.of("ext4", "ext4-1k-inline", "ext4-metabg", "ext4-bigalloc", "ext4-nocsum",
            "ext4-unsigned", "ext3", "ext2");

    private ExtImages() {
    }

    static Path corpus() {
        return Fixtures.dir("ext");
    }

    static Path file(String relative) {
        return Fixtures.file("ext", relative);
    }

    /** A raw image file read as a volume; counts reads. */
    static final class FileDisk implements VirtualDisk {
        private final FileChannel channel;
        private final long size;
        final AtomicLong reads = new AtomicLong();

        FileDisk(Path path) throws IOException {
            this.channel = FileChannel.open(path, StandardOpenOption.READ);
            this.size = channel.size();
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            if (position < 0 || position > size || dst.remaining() > size - position) {
                throw new CorruptFormatException(FieldRef.of("disk", "raw", "read", FieldRef.NO_OFFSET),
                        "read outside the disk");
            }
            reads.incrementAndGet();
            long p = position;
            while (dst.hasRemaining()) {
                int n = channel.read(dst, p);
                if (n < 0) {
                    throw new IOException("unexpected end of file");
                }
                p += n;
            }
        }

        @Override
        public List<Extent> allocatedExtents() {
            return List.of(new Extent(0, size));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Bytes in memory read as a volume. */
    static final class ByteDisk implements VirtualDisk {
        private final byte[] bytes;

        ByteDisk(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            if (position < 0 || position > bytes.length || dst.remaining() > bytes.length - position) {
                throw new CorruptFormatException(FieldRef.of("disk", "memory", "read", FieldRef.NO_OFFSET),
                        "read outside the disk");
            }
            dst.put(bytes, (int) position, dst.remaining());
        }

        @Override
        public List<Extent> allocatedExtents() {
            return List.of(new Extent(0, bytes.length));
        }

        @Override
        public void close() {
        }
    }

    /** One line of a manifest written by fixtures/ext/manifest.py. */
    record Entry(String path, String type, long size, int mode, long uid, long gid, long mtimeSeconds,
                 int mtimeNanos, long links, String linkGroup, String content) {
    }

    static Map<String, Entry> manifest(Path tsv) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (String line : lines(tsv)) {
            String[] f = line.split("\t", -1);
            out.put(f[0], new Entry(f[0], f[1], f[2].equals("-") ? -1 : Long.parseLong(f[2]),
                    Integer.parseInt(f[3], 8), Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]),
                    Integer.parseInt(f[7]), Long.parseLong(f[8]), f[9], f[10]));
        }
        return out;
    }

    /** IMAGE.mtimes.tsv: path -> {seconds, nanoseconds} that debugfs set after mke2fs. */
    static Map<String, long[]> mtimeOverrides(String image) {
        Map<String, long[]> out = new HashMap<>();
        for (String line : lines(file(image + ".mtimes.tsv"))) {
            String[] f = line.split("\t");
            out.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
        return out;
    }

    /** IMAGE.sizes.tsv: path -> {stored size, sha256} where mke2fs stored another size than the source's. */
    static Map<String, String[]> sizeOverrides(String image) {
        Map<String, String[]> out = new HashMap<>();
        for (String line : lines(file(image + ".sizes.tsv"))) {
            String[] f = line.split("\t");
            out.put(f[0], new String[] {f[1], f[2]});
        }
        return out;
    }

    /** IMAGE.blkid.txt (blkid -p -o udev): ID_FS_TYPE, ID_FS_UUID, ID_FS_LABEL, ... */
    static Map<String, String> blkid(String image) {
        Map<String, String> out = new HashMap<>();
        for (String line : lines(file(image + ".blkid.txt"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    /** "Key: value" lines of IMAGE.dumpe2fs.txt. */
    static Map<String, String> dumpe2fs(String image) {
        Map<String, String> out = new HashMap<>();
        for (String line : lines(file(image + ".dumpe2fs.txt"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return out;
    }

    static List<String> lines(Path p) {
        try {
            List<String> out = new ArrayList<>();
            for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                if (!l.isEmpty()) {
                    out.add(l);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs debugfs (read-only) with {@code commands} on an image; returns its standard output. */
    static String debugfs(Path image, List<String> commands) {
        try {
            Path cmds = Files.createTempFile("debugfs", ".cmds");
            try {
                Files.write(cmds, commands, StandardCharsets.UTF_8);
                Process p = new ProcessBuilder("debugfs", "-f", cmds.toString(), image.toString())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                p.getInputStream().transferTo(out);
                if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException("debugfs failed on " + image + " (e2fsprogs installed?)");
                }
                return out.toString(StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(cmds);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
