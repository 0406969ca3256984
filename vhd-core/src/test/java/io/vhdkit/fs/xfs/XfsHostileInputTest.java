package io.vhdkit.fs.xfs;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.FormatException;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileType;
import io.vhdkit.io.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded random damage to the metadata of the golden images (superblock, every inode, every directory and
 * symlink block, every bmap btree block): whatever the bytes, opening, walking, listing, looking up, reading and
 * following links give a result or a {@link FormatException}; never a runtime exception, an error, or a hang. Half
 * the v5 rounds skip CRC checks, so that the damage reaches the checks behind them.
 */
class XfsHostileInputTest {

    private static final int ROUNDS = 2000;
    private static final int MAX_NODES = 3000;

    /** A golden image and its metadata regions: [offset, length) pairs. */
    private record Seed(String name, byte[] image, List<long[]> hot) {
    }

    private static Seed seed(String name) throws IOException {
        byte[] image = XfsTestSupport.golden(name);
        XfsFileSystem fs = XfsTestSupport.open(image);
        List<long[]> hot = new ArrayList<>();
        hot.add(new long[] {0, 512});
        int inodeSize = fs.geometry().inodeSize;
        for (Map.Entry<String, XfsInode> e : XfsTestSupport.walk(fs).entrySet()) {
            XfsInode n = e.getValue();
            hot.add(new long[] {n.offset(), inodeSize});
            boolean mapped = n.format() == XfsInode.FORMAT_EXTENTS || n.format() == XfsInode.FORMAT_BTREE;
            if (mapped && (n.type() == FileType.DIRECTORY || n.type() == FileType.SYMLINK)) {
                for (XfsExtent x : fs.extents(n)) {
                    long at = fs.geometry().fsbToByte(x.startBlock(), x.blockCount(),
                            io.vhdkit.format.FieldRef.of("XFS", "test", "", 0));
                    hot.add(new long[] {at, x.blockCount() * fs.geometry().blockSize});
                }
            }
            if (n.format() == XfsInode.FORMAT_BTREE) {
                for (long at : DataFork.of(fs, n).btreeBlocks(1000)) {
                    hot.add(new long[] {at, fs.geometry().blockSize});
                }
            }
        }
        return new Seed(name, image, hot);
    }

    @Test
    void mutatedImagesFailOnlyWithFormatExceptions() throws IOException {
        Seed[] seeds = {seed("golden-v5.img.gz"), seed("golden-v4.img.gz")};
        Random random = new Random(20261122);
        int opened = 0;
        int walked = 0;
        long deadline = System.nanoTime() + 240_000_000_000L;
        for (int round = 0; round < ROUNDS; round++) {
            Seed s = seeds[round % seeds.length];
            Mutant disk = mutate(s, random);
            boolean verifyCrc = random.nextBoolean();
            try {
                XfsFileSystem fs = XfsFileSystem.open(disk, verifyCrc);
                opened++;
                if (exercise(fs, random)) {
                    walked++;
                }
            } catch (FormatException expected) {
                // the one allowed failure
            } catch (IOException | RuntimeException | Error e) {
                fail("round " + round + " (" + s.name() + ", " + disk + ", crc " + verifyCrc + "): " + e, e);
            }
            assertTrue(System.nanoTime() < deadline, "too slow: " + round + " rounds in four minutes");
        }
        assertTrue(opened > ROUNDS / 4, "most mutants should still open, got " + opened);
        assertTrue(walked > ROUNDS / 10, "many mutants should be walked to the end, got " + walked);
    }

    /**
     * Walks everything reachable (each directory once, at most {@link #MAX_NODES} files), reading a window of
     * each regular file, every symlink and every listing, and looking names up. Each failure is a format error of
     * that file only; true when nothing failed.
     */
    private static boolean exercise(XfsFileSystem fs, Random random) throws IOException {
        boolean clean = true;
        Deque<Long> todo = new ArrayDeque<>();
        Set<Long> seen = new HashSet<>();
        todo.add(fs.rootId());
        int nodes = 0;
        while (!todo.isEmpty() && nodes++ < MAX_NODES) {
            long id = todo.poll();
            try {
                XfsInode n = fs.node(id);
                switch (n.type()) {
                    case DIRECTORY -> {
                        if (!seen.add(id)) {
                            continue;
                        }
                        List<DirEntry> list = fs.list(n);
                        for (DirEntry e : list) {
                            todo.add(e.id());
                        }
                        if (!list.isEmpty()) {
                            fs.lookup(n, list.get(random.nextInt(list.size())).name());
                        }
                        fs.lookup(n, "no-such-name");
                    }
                    case REGULAR -> {
                        fs.read(n, 0, ByteBuffer.allocate(4096));
                        long size = n.stat().size();
                        if (size > 0) {
                            fs.read(n, (random.nextLong() & Long.MAX_VALUE) % size, ByteBuffer.allocate(4096));
                        }
                    }
                    case SYMLINK -> fs.readLink(n);
                    default -> {
                    }
                }
            } catch (FormatException e) {
                clean = false;
            }
        }
        return clean;
    }

    /** A few bytes of the metadata changed, or the volume cut short. */
    private static Mutant mutate(Seed s, Random random) {
        long size = s.image().length;
        if (random.nextInt(20) == 0) {
            size = 512 + (random.nextLong() & Long.MAX_VALUE) % (s.image().length - 512);
        }
        Mutant m = new Mutant(s.image(), size);
        int changes = 1 + random.nextInt(8);
        for (int i = 0; i < changes; i++) {
            long[] region = s.hot().get(random.nextInt(s.hot().size()));
            long at = region[0] + (random.nextLong() & Long.MAX_VALUE) % region[1];
            byte old = s.image()[(int) at];
            byte value = switch (random.nextInt(6)) {
                case 0 -> 0;
                case 1 -> (byte) 0xFF;
                case 2 -> (byte) (old + 1);
                case 3 -> (byte) (old - 1);
                case 4 -> (byte) (old ^ (1 << random.nextInt(8)));
                default -> (byte) random.nextInt(256);
            };
            m.patches.put(at, value);
        }
        return m;
    }

    /** The seed image with single bytes replaced, maybe shorter; the seed itself is never changed. */
    private static final class Mutant implements VirtualDisk {
        private final byte[] base;
        private final long size;
        private final java.util.TreeMap<Long, Byte> patches = new java.util.TreeMap<>();

        Mutant(byte[] base, long size) {
            this.base = base;
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
                throw new java.io.EOFException("read past the end");
            }
            int start = dst.position();
            dst.put(base, (int) position, n);
            for (Map.Entry<Long, Byte> p : patches.subMap(position, position + n).entrySet()) {
                dst.put(start + (int) (p.getKey() - position), p.getValue());
            }
        }

        @Override
        public List<Extent> allocatedExtents() {
            return List.of(new Extent(0, size));
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "size " + size + ", bytes " + patches;
        }
    }
}
