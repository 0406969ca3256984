package io.vhdkit.fs.ext;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.format.FormatException;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.PathResolver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random corruption of the two golden images' metadata (superblock, group descriptors, inode table, extent
 * and pointer blocks, directory and htree blocks): whatever the bytes, opening, walking, reading and resolving give
 * a result or a {@link FormatException}; never a runtime exception, an error, or a hang.
 */
class ExtHostileInputTest {

    private static final int ROUNDS = Integer.getInteger("ext.rounds", 4000);

    @Test
    void mutatedImagesFailOnlyWithFormatExceptions() throws IOException {
        byte[][] seeds = {ExtGoldenTest.ext4(), ExtGoldenTest.ext2()};
        List<List<int[]>> hot = new ArrayList<>();
        for (byte[] seed : seeds) {
            hot.add(hotRanges(seed));
        }
        Random random = new Random(Long.getLong("ext.seed", 20261122));
        int opened = 0;
        long deadline = System.nanoTime() + 180_000_000_000L;
        for (int round = 0; round < ROUNDS; round++) {
            int which = round % seeds.length;
            byte[] b = mutate(seeds[which], hot.get(which), random);
            try {
                exercise(b, random);
                opened++;
            } catch (FormatException | FileSystemException expected) {
                // the allowed failures: damaged structures, and path errors (a loop, a missing name)
            } catch (IOException | RuntimeException | Error e) {
                fail("round " + round + ": " + e, e);
            }
            assertTrue(System.nanoTime() < deadline, "too slow: " + round + " rounds in three minutes");
        }
        assertTrue(opened > ROUNDS / 4, "most mutants should still open and walk, got " + opened);
    }

    /** The metadata of a clean image: superblock, descriptors, inode table, and every block a walk reads. */
    private static List<int[]> hotRanges(byte[] image) throws IOException {
        ExtFileSystem fs = ExtGoldenTest.open(image);
        List<int[]> out = new ArrayList<>();
        out.add(new int[] {1024, 1024});
        out.add(new int[] {2048, 1024});
        GroupDescriptor gd = fs.groupDescriptor(0);
        out.add(new int[] {(int) gd.inodeTable() * fs.blockSize(), 16 * fs.blockSize()});
        ExtImages.ByteDisk disk = new ExtImages.ByteDisk(image);
        for (DirEntry e : fs.list(fs.root())) {
            ExtNode n = fs.node(e.id());
            if (n.type() == FileType.DIRECTORY && !n.inode().hasFlag(Inode.FLAG_INLINE_DATA)) {
                for (long l = 0; l < fs.directoryBlocks(n); l++) {
                    out.add(new int[] {(int) fs.directoryBlock(n, l) * fs.blockSize(), fs.blockSize()});
                }
            }
            if (n.type() == FileType.REGULAR && n.inode().hasFlag(Inode.FLAG_EXTENTS)) {
                out.add(new int[] {(int) Superblock.u32(n.inode().iBlock(), 16) * fs.blockSize(), 64});
            }
        }
        out.add(new int[] {25 * 1024, 1024});     // tiny-ext2: the single and double indirect blocks
        out.add(new int[] {27 * 1024, 2048});
        disk.close();
        return out;
    }

    private static byte[] mutate(byte[] seed, List<int[]> hot, Random random) {
        byte[] b = seed.clone();
        int changes = 1 + random.nextInt(6);
        for (int i = 0; i < changes; i++) {
            int[] range = hot.get(random.nextInt(hot.size()));
            int at = Math.min(b.length - 1, range[0] + random.nextInt(range[1]));
            b[at] = switch (random.nextInt(5)) {
                case 0 -> 0;
                case 1 -> (byte) 0xFF;
                case 2 -> (byte) (b[at] ^ (1 << random.nextInt(8)));
                default -> (byte) random.nextInt(256);
            };
        }
        if (random.nextInt(10) == 0) {
            b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
        }
        if (b.length >= 2048 && random.nextBoolean()) {
            ExtGoldenTest.fixChecksum(b);
        }
        return b;
    }

    /** Opens, walks at most 300 files, reads some of each, reads links, lists, looks names up, resolves paths. */
    private static void exercise(byte[] b, Random random) throws IOException {
        ExtFileSystem fs = ExtGoldenTest.open(b);
        fs.info();
        List<FsNode> todo = new ArrayList<>();
        todo.add(fs.root());
        int visited = 0;
        while (!todo.isEmpty() && visited++ < 300) {
            FsNode n = todo.remove(todo.size() - 1);
            switch (n.type()) {
                case DIRECTORY -> {
                    for (DirEntry e : fs.list(n)) {
                        if (e.id() != n.id() && todo.size() < 300) {
                            todo.add(fs.node(e.id()));
                        }
                        fs.lookup(n, e.name());
                    }
                    fs.lookup(n, "file-number-0" + random.nextInt(100));
                }
                case REGULAR -> {
                    fs.read(n, 0, ByteBuffer.allocate(64 * 1024));
                    long size = n.stat().size();
                    if (size > 0) {
                        fs.read(n, (random.nextLong() & Long.MAX_VALUE) % size, ByteBuffer.allocate(8192));
                    }
                }
                case SYMLINK -> fs.readLink(n);
                default -> {
                }
            }
        }
        PathResolver r = new PathResolver(fs);
        r.find("/dir/file-number-042", true);
        r.find("/slow-link", true);
        r.find("/link", true);
    }
}
