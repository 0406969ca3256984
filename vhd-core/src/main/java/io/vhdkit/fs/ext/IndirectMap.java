package io.vhdkit.fs.ext;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The ext2/ext3 block map (fs/ext4/indirect.c): i_block[0..11] point to the first 12 data blocks, i_block[12] to a
 * block of pointers, i_block[13] to a block of pointer blocks, i_block[14] to a third level. A zero pointer is a
 * hole, at whatever level it appears. Lookups descend at most three blocks, so they cannot loop; every pointer is
 * checked against the filesystem's blocks.
 */
final class IndirectMap implements BlockMap {

    static final int DIRECT = 12;
    static final int SINGLE = 12;

    private final ExtVolume vol;
    private final Inode inode;
    private final String structure;
    private final int perBlock;
    private final long[] spans;    // blocks one pointer covers at each level: 1, p, p^2, p^3

    IndirectMap(ExtVolume vol, Inode inode) {
        this.vol = vol;
        this.inode = inode;
        this.structure = "inode " + inode.number() + " block map";
        this.perBlock = vol.blockSize / 4;
        long p = perBlock;
        this.spans = new long[] {1, p, p * p, p * p * p};
    }

    /** Logical blocks the map can address: 12 + p + p^2 + p^3. */
    long capacity() {
        return DIRECT + spans[1] + spans[2] + spans[3];
    }

    @Override
    public Run find(long logical) throws IOException {
        if (logical < DIRECT) {
            long first = inode.blockWord((int) logical);
            int n = 1;
            while (logical + n < DIRECT && continues(first, inode.blockWord((int) logical + n), n)) {
                n++;
            }
            return run(logical, n, first, inode.offset() + Inode.OFFSET_BLOCK + 4 * logical);
        }
        long offset = logical - DIRECT;
        int level = 1;
        while (level <= 3 && offset >= spans[level]) {
            offset -= spans[level];
            level++;
        }
        if (level > 3) {
            return Run.hole(logical, spans[3]);
        }
        long pointer = inode.blockWord(SINGLE + level - 1);
        long pointerOffset = inode.offset() + Inode.OFFSET_BLOCK + 4L * (SINGLE + level - 1);
        long within = offset;      // position inside the subtree the pointer covers (spans[l] blocks)
        for (int l = level; l >= 1; l--) {
            if (pointer == 0) {
                return Run.hole(logical, spans[l] - within);
            }
            vol.checkBlocks(pointer, 1, structure, l == 3 ? "triple indirect" : l == 2 ? "double indirect"
                    : "indirect", pointerOffset);
            ByteBuffer block = vol.block(pointer, structure, "pointer block");
            long blockOffset = vol.offsetOf(pointer);
            int index = (int) (within / spans[l - 1]);
            within %= spans[l - 1];
            pointerOffset = blockOffset + 4L * index;
            pointer = Superblock.u32(block, 4 * index);
            if (l == 1) {
                int n = 1;
                while (index + n < perBlock && continues(pointer, Superblock.u32(block, 4 * (index + n)), n)) {
                    n++;
                }
                return run(logical, n, pointer, pointerOffset);
            }
        }
        throw new AssertionError("unreachable");
    }

    /** Whether the pointer {@code n} places after {@code first} extends its run (holes with holes, blocks in a row). */
    private static boolean continues(long first, long next, int n) {
        return first == 0 ? next == 0 : next == first + n;
    }

    private Run run(long logical, int n, long first, long pointerOffset) throws IOException {
        if (first == 0) {
            return Run.hole(logical, n);
        }
        vol.checkBlocks(first, n, structure, "block pointer", pointerOffset);
        return new Run(logical, n, first, Kind.MAPPED);
    }
}
