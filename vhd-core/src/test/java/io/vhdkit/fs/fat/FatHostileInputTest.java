package io.vhdkit.fs.fat;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.format.FormatException;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.PathResolver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random corruption of the golden FAT images' metadata (boot sector, FATs, root directory, directory
 * clusters): whatever the bytes, opening, listing, looking up, loading hostile ids and reading every file give a
 * result or a {@link FormatException}; never a runtime exception, an error or a hang. Mutations are patches over the
 * shared golden bytes, so the 33 MiB FAT32 image is never copied.
 */
class FatHostileInputTest {

    private static final int ROUNDS = 3000;
    private static final int MAX_NODES = 3000;
    private static final int MAX_DEPTH = 12;

    private record Seed(byte[] bytes, List<long[]> hot, FatLayout layout) {
    }

    private static Seed seed(String name) throws IOException {
        byte[] b = FatTestSupport.shared(name);
        FatFileSystem fs = FatTestSupport.open(b);
        FatLayout l = fs.layout();
        List<long[]> hot = new java.util.ArrayList<>();
        hot.add(new long[]{0, 512});
        for (int copy = 0; copy < l.numFats(); copy++) {
            hot.add(new long[]{l.fatOffset() + copy * l.fatBytes(), 128});
        }
        hot.add(new long[]{l.rootDirOffset(), 512});
        for (long cluster = 2; cluster < 24; cluster++) {
            hot.add(new long[]{l.clusterOffset(cluster), 160});   // directory clusters among them
        }
        return new Seed(b, hot, l);
    }

    @Test
    void mutatedImagesFailOnlyWithFormatExceptions() throws IOException {
        Seed[] seeds = {seed(FatTestSupport.FAT12), seed(FatTestSupport.FAT16), seed(FatTestSupport.FAT32)};
        Random random = new Random(20261122);
        int opened = 0;
        long deadline = System.nanoTime() + 300_000_000_000L;   // a guard against hangs, not a speed test
        for (int round = 0; round < ROUNDS; round++) {
            Seed s = seeds[round % seeds.length];
            RawDisk disk = mutate(s, random);
            try {
                if (exercise(disk, random)) {
                    opened++;
                }
            } catch (FormatException expected) {
                // the one allowed failure
            } catch (IOException | RuntimeException | Error e) {
                fail("round " + round + ": " + e, e);
            }
            assertTrue(System.nanoTime() < deadline, "hang? only " + round + " rounds in five minutes");
        }
        assertTrue(opened > ROUNDS / 4, "most mutants should still open, got " + opened);
    }

    private static RawDisk mutate(Seed s, Random random) {
        Map<Long, Byte> patches = new HashMap<>();
        long size = s.bytes().length;
        int kind = random.nextInt(12);
        if (kind == 0) {
            size = random.nextInt((int) Math.min(size, 1 << 20));
        } else if (kind == 1) {
            size += random.nextInt(10_000);
        } else if (kind <= 4) {
            // a FAT entry set to a value that matters: free, 1, bad, end of chain, a near or far cluster
            FatLayout l = s.layout();
            long cluster = random.nextInt(24);
            long[] values = {0, 1, l.type().badCluster(), l.type().endOfChain(), l.type().firstReserved(),
                    2 + random.nextInt(24), l.maxCluster(), l.maxCluster() + 1, random.nextLong() & l.type().mask()};
            long v = values[random.nextInt(values.length)];
            int bytes = l.type().bits() / 8;
            long at = l.fatOffset() + cluster * l.type().bits() / 8;
            if (l.type() == FatType.FAT12) {
                bytes = 2;
                at = l.fatOffset() + cluster + cluster / 2;
                v = (cluster & 1) == 0 ? v & 0xFFF : (v & 0xFFF) << 4;
            }
            for (int i = 0; i < bytes; i++) {
                patches.put(at + i, (byte) (v >>> (8 * i)));
            }
        }
        int changes = kind <= 1 ? random.nextInt(3) : 1 + random.nextInt(8);
        for (int i = 0; i < changes; i++) {
            long[] region = s.hot().get(random.nextInt(s.hot().size()));
            long at = region[0] + random.nextInt((int) region[1]);
            if (at >= s.bytes().length) {
                continue;
            }
            patches.put(at, switch (random.nextInt(4)) {
                case 0 -> (byte) 0;
                case 1 -> (byte) 0xFF;
                default -> (byte) random.nextInt(256);
            });
        }
        return RawDisk.patched(s.bytes(), patches, size);
    }

    /** Opens and walks everything (bounded); true when the volume opened. */
    private static boolean exercise(RawDisk disk, Random random) throws IOException {
        FatFileSystem fs = FatFileSystem.open(disk);
        fs.info();
        Deque<FsNode> todo = new ArrayDeque<>();
        Deque<Integer> depth = new ArrayDeque<>();
        todo.add(fs.root());
        depth.add(0);
        int seen = 0;
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (!todo.isEmpty() && seen++ < MAX_NODES) {
            FsNode dir = todo.poll();
            int d = depth.poll();
            List<DirEntry> entries;
            try {
                entries = fs.list(dir);
            } catch (FormatException e) {
                continue;
            }
            for (DirEntry e : entries) {
                fs.lookup(dir, e.name());
                FsNode n;
                try {
                    n = fs.node(e.id());
                } catch (FormatException ex) {
                    continue;
                }
                if (n.type() == FileType.DIRECTORY) {
                    if (d < MAX_DEPTH) {
                        todo.add(n);
                        depth.add(d + 1);
                    }
                } else {
                    try {
                        long size = n.stat().size();
                        for (long pos = 0; pos < Math.min(size, 1 << 20); pos += buf.capacity()) {
                            buf.clear();
                            fs.read(n, pos, buf);
                        }
                        buf.clear();
                        fs.read(n, (random.nextLong() & Long.MAX_VALUE) % (size + 1), buf);
                    } catch (FormatException ex) {
                        // a damaged file; the walk goes on
                    }
                }
            }
        }
        for (int i = 0; i < 8; i++) {
            long id = random.nextBoolean() ? (random.nextLong() & Long.MAX_VALUE) % Math.max(1, disk.size())
                    : (random.nextInt(1 << 16) * 32L);
            try {
                fs.node(id);
            } catch (FormatException e) {
                // expected for most
            }
        }
        new PathResolver(fs).find("/SubDir/Deeper/empty", true);
        return true;
    }
}
