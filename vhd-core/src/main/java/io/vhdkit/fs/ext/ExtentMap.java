package io.vhdkit.fs.ext;

import io.vhdkit.format.CorruptFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An extent tree (fs/ext4/ext4_extents.h): a 12-byte header, then 12-byte index entries (interior nodes) or extents
 * (leaves); the root lives in i_block, the other nodes fill a block each. Every node visited is checked as the
 * kernel's {@code __ext4_ext_check} and {@code ext4_valid_extent_entries} do: magic, entries within the maximum,
 * the depth one less than the parent's, keys strictly increasing, extents not overlapping, block numbers inside the
 * filesystem, and no node that is one of its own ancestors. A lookup visits at most {@link #MAX_DEPTH} + 1 nodes.
 */
final class ExtentMap implements BlockMap {

    static final int MAGIC = 0xF30A;
    /** EXT4_MAX_EXTENT_DEPTH. */
    static final int MAX_DEPTH = 5;
    static final int HEADER_SIZE = 12;
    static final int ENTRY_SIZE = 12;
    static final int OFFSET_MAGIC = 0;
    static final int OFFSET_ENTRIES = 2;
    static final int OFFSET_MAX = 4;
    static final int OFFSET_DEPTH = 6;
    /** Logical block numbers are 32 bits. */
    static final long MAX_LOGICAL = 1L << 32;
    /** EXT_INIT_MAX_LEN: a longer ee_len marks an unwritten extent of ee_len - 32768 blocks. */
    static final int INIT_MAX_LEN = 1 << 15;

    private final ExtVolume vol;
    private final Inode inode;
    private final String structure;

    ExtentMap(ExtVolume vol, Inode inode) {
        this.vol = vol;
        this.inode = inode;
        this.structure = "inode " + inode.number() + " extent tree";
    }

    @Override
    public Run find(long logical) throws IOException {
        if (logical >= MAX_LOGICAL) {
            return Run.hole(logical, MAX_LOGICAL);
        }
        ByteBuffer node = inode.iBlock();
        long nodeOffset = inode.offset() + Inode.OFFSET_BLOCK;
        int depth = checkHeader(node, nodeOffset, -1);
        long[] path = new long[MAX_DEPTH + 1];
        int pathLength = 0;
        long upper = MAX_LOGICAL;    // the next index key above this subtree: the kernel never looks past it
        while (true) {
            int entries = Superblock.u16(node, OFFSET_ENTRIES);
            if (depth == 0) {
                return leaf(node, nodeOffset, entries, logical, upper);
            }
            checkIndexes(node, nodeOffset, entries);
            // the last index whose key is <= logical, or the first (ext4_ext_binsearch_idx)
            int at = lastAtOrBelow(node, entries, logical);
            if (at < 0) {
                at = 0;
            }
            if (at + 1 < entries) {
                upper = Math.min(upper, key(node, at + 1));
            }
            int e = HEADER_SIZE + at * ENTRY_SIZE;
            long child = Superblock.u32(node, e + 4) | (long) Superblock.u16(node, e + 8) << 32;
            vol.checkBlocks(child, 1, structure, "ei_leaf", nodeOffset + e + 4);
            for (int i = 0; i < pathLength; i++) {
                if (path[i] == child) {
                    throw new CorruptFormatException(vol.reader.ref(structure, "ei_leaf", nodeOffset + e + 4),
                            "an index entry points to block " + child + ", which is one of its own ancestors: "
                                    + "the tree loops");
                }
            }
            path[pathLength++] = child;
            node = vol.block(child, structure, "node");
            nodeOffset = vol.offsetOf(child);
            depth = checkHeader(node, nodeOffset, depth - 1);
        }
    }

    /** Checks a node's header and returns its depth; {@code expectedDepth} is -1 for the root. */
    private int checkHeader(ByteBuffer node, long nodeOffset, int expectedDepth) throws CorruptFormatException {
        int magic = Superblock.u16(node, OFFSET_MAGIC);
        if (magic != MAGIC) {
            throw new CorruptFormatException(vol.reader.ref(structure, "eh_magic", nodeOffset + OFFSET_MAGIC),
                    String.format("0x%04X", magic), String.format("0x%04X", MAGIC));
        }
        int depth = Superblock.u16(node, OFFSET_DEPTH);
        if (expectedDepth < 0 ? depth > MAX_DEPTH : depth != expectedDepth) {
            throw new CorruptFormatException(vol.reader.ref(structure, "eh_depth", nodeOffset + OFFSET_DEPTH),
                    Integer.toString(depth), expectedDepth < 0 ? "at most " + MAX_DEPTH
                    : expectedDepth + " (one less than its parent's)");
        }
        int capacity = (node.capacity() - HEADER_SIZE) / ENTRY_SIZE;
        int max = Superblock.u16(node, OFFSET_MAX);
        if (max > capacity) {
            throw new CorruptFormatException(vol.reader.ref(structure, "eh_max", nodeOffset + OFFSET_MAX),
                    Integer.toString(max), "at most " + capacity + " (what the node has room for)");
        }
        int entries = Superblock.u16(node, OFFSET_ENTRIES);
        if (entries > max || (entries == 0 && depth > 0)) {
            throw new CorruptFormatException(vol.reader.ref(structure, "eh_entries", nodeOffset + OFFSET_ENTRIES),
                    Integer.toString(entries), depth > 0 ? "1 to eh_max (" + max + ")" : "at most eh_max (" + max + ")");
        }
        return depth;
    }

    private void checkIndexes(ByteBuffer node, long nodeOffset, int entries) throws CorruptFormatException {
        for (int i = 1; i < entries; i++) {
            if (key(node, i) <= key(node, i - 1)) {
                int e = HEADER_SIZE + i * ENTRY_SIZE;
                throw new CorruptFormatException(vol.reader.ref(structure, "ei_block", nodeOffset + e),
                        Long.toString(key(node, i)), "more than the previous index's " + key(node, i - 1));
            }
        }
    }

    private Run leaf(ByteBuffer node, long nodeOffset, int entries, long logical, long upper)
            throws CorruptFormatException {
        long previousEnd = 0;
        for (int i = 0; i < entries; i++) {
            int e = HEADER_SIZE + i * ENTRY_SIZE;
            long start = key(node, i);
            int len = length(node, i);
            if (len == 0 || start + len > MAX_LOGICAL) {
                throw new CorruptFormatException(vol.reader.ref(structure, "ee_len", nodeOffset + e + 4),
                        Integer.toString(Superblock.u16(node, e + 4)), "1 to 32768 (or 32769 to 65535 unwritten), "
                        + "within the 2^32 logical blocks");
            }
            if (start < previousEnd) {
                throw new CorruptFormatException(vol.reader.ref(structure, "ee_block", nodeOffset + e),
                        Long.toString(start), "at least " + previousEnd + " (the previous extent's end)",
                        "ee_block " + start + " overlaps the previous extent, which ends at " + previousEnd);
            }
            previousEnd = start + len;
            vol.checkBlocks(physical(node, i), len, structure, "ee_start", nodeOffset + e + 6);
        }
        int at = lastAtOrBelow(node, entries, logical);
        if (at >= 0) {
            long start = key(node, at);
            int len = length(node, at);
            if (logical < start + len) {
                long end = Math.min(start + len, upper);
                if (logical < end) {
                    boolean unwritten = Superblock.u16(node, HEADER_SIZE + at * ENTRY_SIZE + 4) > INIT_MAX_LEN;
                    return new Run(logical, end - logical, unwritten ? 0 : physical(node, at) + (logical - start),
                            unwritten ? Kind.UNWRITTEN : Kind.MAPPED);
                }
            }
        }
        long next = at + 1 < entries ? Math.min(key(node, at + 1), upper) : upper;
        return Run.hole(logical, Math.max(1, next - logical));
    }

    /** The last entry whose key is at most {@code logical}, or -1. Keys are checked increasing before. */
    private static int lastAtOrBelow(ByteBuffer node, int entries, long logical) {
        int lo = 0;
        int hi = entries - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (key(node, mid) <= logical) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private static long key(ByteBuffer node, int i) {
        return Superblock.u32(node, HEADER_SIZE + i * ENTRY_SIZE);
    }

    private static int length(ByteBuffer node, int i) {
        int raw = Superblock.u16(node, HEADER_SIZE + i * ENTRY_SIZE + 4);
        return raw > INIT_MAX_LEN ? raw - INIT_MAX_LEN : raw;
    }

    private static long physical(ByteBuffer node, int i) {
        int e = HEADER_SIZE + i * ENTRY_SIZE;
        return Superblock.u32(node, e + 8) | (long) Superblock.u16(node, e + 6) << 32;
    }

    /** Whether {@code iBlock} starts with an extent header (for messages about a missing EXTENTS_FL). */
    static boolean looksLikeExtents(ByteBuffer iBlock) {
        return iBlock.order(ByteOrder.LITTLE_ENDIAN).getShort(0) == (short) MAGIC;
    }
}
