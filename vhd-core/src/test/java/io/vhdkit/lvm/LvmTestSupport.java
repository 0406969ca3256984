package io.vhdkit.lvm;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.io.Extent;
import io.vhdkit.io.SparseFiles;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Disks, manifests and byte surgery for the LVM tests. */
final class LvmTestSupport {

    static final int SECTOR = 512;

    private LvmTestSupport() {
    }

    // ------------------------------------------------------------------ disks

    /** A disk whose first bytes are {@code head} and the rest zeros. */
    static final class MemoryDisk implements VirtualDisk {
        final byte[] head;
        private final long size;

        MemoryDisk(byte[] head, long size) {
            this.head = head;
            this.size = size;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            int n = dst.remaining();
            if (position < 0 || position > size || n > size - position) {
                throw new CorruptFormatException(FieldRef.of("test", "memory disk", "read", FieldRef.NO_OFFSET),
                        "read of " + n + " at " + position + " outside " + size);
            }
            int fromHead = (int) Math.max(0, Math.min(n, head.length - position));
            if (fromHead > 0) {
                dst.put(head, (int) position, fromHead);
            }
            io.vhdkit.io.Buffers.putZeros(dst, dst.remaining());
        }

        @Override
        public List<Extent> allocatedExtents() {
            return head.length == 0 ? List.of() : List.of(new Extent(0, Math.min(head.length, size)));
        }

        @Override
        public void close() {
        }
    }

    /** A byte range of a raw image file, read with positional reads (thread-safe). */
    static final class RawFileDisk implements VirtualDisk {
        private final Path file;
        private final FileChannel channel;
        private final long offset;
        private final long size;

        RawFileDisk(Path file, long offset, long size) {
            try {
                this.channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.file = file;
            this.offset = offset;
            this.size = size;
        }

        static RawFileDisk whole(Path file) {
            try {
                return new RawFileDisk(file, 0, Files.size(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            if (position < 0 || position > size || dst.remaining() > size - position) {
                throw new CorruptFormatException(FieldRef.of("test", "raw file", "read", FieldRef.NO_OFFSET),
                        "read of " + dst.remaining() + " at " + position + " outside " + size);
            }
            long at = offset + position;
            while (dst.hasRemaining()) {
                int n = channel.read(dst, at);
                if (n < 0) {
                    throw new IOException("short file");
                }
                at += n;
            }
        }

        /** The file's data extents in the range (SEEK_DATA/SEEK_HOLE), relative to the range. */
        @Override
        public List<Extent> allocatedExtents() throws IOException {
            List<Extent> out = new ArrayList<>();
            for (Extent e : SparseFiles.dataExtents(file, offset, offset + size)) {
                out.add(new Extent(e.offset() - offset, e.length()));
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    // ------------------------------------------------------------------ manifests (fixtures/lvm/manifest.py)

    record MVg(String name, String uuid, long seqno, long extentSize, int pvCount, int lvCount) {
    }

    record MPv(String uuid, String vg, String image, long offset, long size, long peStart, long peCount, long devSize,
               int mdaCount, boolean shipped) {
    }

    record MLv(String vg, String name, String uuid, boolean visible, long size) {
    }

    record MSeg(String vg, String lv, long startPe, long sizePe, String segtype, int stripes, long stripeSize,
                List<String> ranges) {
    }

    record Manifest(List<MVg> vgs, List<MPv> pvs, List<MLv> lvs, List<MSeg> segs) {
        MVg vg() {
            return vgs.get(0);
        }

        List<MSeg> segments(String lv) {
            return segs.stream().filter(s -> s.lv().equals(lv)).toList();
        }

        MLv lv(String name) {
            return lvs.stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
        }
    }

    static Manifest manifest(List<String> lines) {
        List<MVg> vgs = new ArrayList<>();
        List<MPv> pvs = new ArrayList<>();
        List<MLv> lvs = new ArrayList<>();
        List<MSeg> segs = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "vg" -> vgs.add(new MVg(f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]),
                        Integer.parseInt(f[5]), Integer.parseInt(f[6])));
                case "pv" -> pvs.add(new MPv(f[1], f[2], f[3], Long.parseLong(f[4]), Long.parseLong(f[5]),
                        Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]), Integer.parseInt(f[9]),
                        f[10].equals("yes")));
                case "lv" -> lvs.add(new MLv(f[1], f[2], f[3], f[4].equals("yes"), Long.parseLong(f[5])));
                case "seg" -> segs.add(new MSeg(f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]), f[5],
                        Integer.parseInt(f[6]), Long.parseLong(f[7]), f[8].equals("-") ? List.of()
                        : List.of(f[8].split(","))));
                default -> throw new IllegalArgumentException("manifest line " + line);
            }
        }
        return new Manifest(vgs, pvs, lvs, segs);
    }

    static Manifest manifest(Path file) {
        try {
            return manifest(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Manifest goldenManifest(String name) {
        return manifest(List.of(new String(Golden.load(LvmTestSupport.class, name), StandardCharsets.UTF_8)
                .split("\n")));
    }

    // ------------------------------------------------------------------ golden PV heads

    /** A golden PV head (label + metadata area, everything before pe_start) as a disk of the PV's device size. */
    static MemoryDisk goldenPv(String resource) {
        byte[] head = Golden.load(LvmTestSupport.class, resource);
        return new MemoryDisk(head, deviceSize(head));
    }

    static long deviceSize(byte[] head) {
        return le(head).getLong(SECTOR + 32 + 32);
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Recomputes the label checksum of the label in sector 1. */
    static void fixLabel(byte[] b) {
        fixLabel(b, 1);
    }

    static void fixLabel(byte[] b, int sector) {
        int at = sector * SECTOR;
        le(b).putInt(at + 16, LvmCrc.calc(b, at + 20, SECTOR - 20));
    }

    /** Recomputes the mda_header checksum at {@code mda}. */
    static void fixMda(byte[] b, int mda) {
        le(b).putInt(mda, LvmCrc.calc(b, mda + 4, SECTOR - 4));
    }

    /** The metadata text of raw_locn 0 of the mda at {@code mda} (not wrapped). */
    static String text(byte[] b, int mda) {
        ByteBuffer bb = le(b);
        long off = bb.getLong(mda + 40);
        long size = bb.getLong(mda + 48);
        long areaSize = bb.getLong(mda + 32);
        byte[] t = new byte[(int) size];
        long first = Math.min(size, areaSize - off);
        System.arraycopy(b, (int) (mda + off), t, 0, (int) first);
        System.arraycopy(b, mda + SECTOR, t, (int) first, (int) (size - first));
        int end = 0;
        while (end < t.length && t[end] != 0) {
            end++;
        }
        return new String(t, 0, end, StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes {@code text} (plus the NUL) as the committed metadata of the mda at {@code mda}, at {@code offset} of the
     * area (wrapping around its end as LVM does), and fixes raw_locn 0 and the mda_header checksum.
     */
    static void writeText(byte[] b, int mda, long offset, String text) {
        byte[] t = (text + "\0").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer bb = le(b);
        long areaSize = bb.getLong(mda + 32);
        for (int i = 0; i < t.length; i++) {
            long rel = offset + i;
            if (rel >= areaSize) {
                rel = rel - areaSize + SECTOR;
            }
            b[(int) (mda + rel)] = t[i];
        }
        bb.putLong(mda + 40, offset);
        bb.putLong(mda + 48, t.length);
        bb.putInt(mda + 56, LvmCrc.calc(t, 0, t.length));
        fixMda(b, mda);
    }

    /** Rewrites the committed metadata in place with a new text. */
    static void replaceText(byte[] b, int mda, String text) {
        writeText(b, mda, le(b).getLong(mda + 40), text);
    }
}
