package io.vhdkit.vhd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The block allocation table (spec: "Block Allocation Table and Data Blocks"): one big-endian uint32 per block, the
 * absolute sector of the block's sector bitmap, or {@code 0xFFFFFFFF} for a block that is not allocated.
 */
public final class BlockAllocationTable {

    public static final int ENTRY_SIZE = 4;
    public static final int UNALLOCATED = 0xFFFF_FFFF;

    private final int[] entries;
    private final int allocated;

    private BlockAllocationTable(int[] entries) {
        this.entries = entries;
        int n = 0;
        for (int e : entries) {
            if (e != UNALLOCATED) {
                n++;
            }
        }
        this.allocated = n;
    }

    /** Decodes {@code count} entries from the position of {@code buffer}. */
    static BlockAllocationTable decode(ByteBuffer buffer, int count) {
        if (buffer.remaining() < (long) count * ENTRY_SIZE) {
            throw new IllegalArgumentException(count + " entries need " + (long) count * ENTRY_SIZE + " bytes");
        }
        int[] entries = new int[count];
        buffer.slice().order(ByteOrder.BIG_ENDIAN).asIntBuffer().get(entries);
        return new BlockAllocationTable(entries);
    }

    public int size() {
        return entries.length;
    }

    public int allocatedCount() {
        return allocated;
    }

    public boolean isAllocated(int block) {
        return entries[block] != UNALLOCATED;
    }

    /** The absolute sector of the block's bitmap; only meaningful when {@link #isAllocated}. */
    public long sector(int block) {
        return Integer.toUnsignedLong(entries[block]);
    }

    /** The raw entry, as stored. */
    public int rawEntry(int block) {
        return entries[block];
    }
}
