package io.vhdkit.fs.ext;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.fs.DirEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Lookups through a directory's htree index (fs/ext4/namei.c {@code dx_probe}, {@code ext4_dx_find_entry},
 * {@code ext4_htree_next_block}). Block 0 of the directory is the root: fake "." and ".." entries, then
 * {@code dx_root_info} (reserved_zero, hash_version, info_length, indirect_levels, unused_flags) and the entries:
 * a count/limit pair whose slot holds the first child's block, then (hash, block) pairs sorted by hash. Interior
 * nodes are a fake empty entry spanning the block, then the same entries. Leaves are ordinary directory blocks.
 *
 * <p>Any inconsistency raises {@link CorruptFormatException}, on which the caller falls back to a linear scan as the
 * kernel does for a bad index. The walk reads at most 3 index levels and at most as many leaves as the directory
 * has blocks.
 */
final class HashTree {

    static final int OFFSET_ROOT_INFO = 0x18;
    static final int OFFSET_HASH_VERSION = 0x1C;
    static final int OFFSET_INFO_LENGTH = 0x1D;
    static final int OFFSET_INDIRECT_LEVELS = 0x1E;
    static final int OFFSET_UNUSED_FLAGS = 0x1F;
    static final int OFFSET_NODE_ENTRIES = 8;
    static final int ENTRY_SIZE = 8;
    /** dx_tail (metadata_csum): 8 bytes at the end of each index block. */
    static final int TAIL_SIZE = 8;
    /** dx_get_block: the high 4 bits of a block number are reserved. */
    static final long BLOCK_MASK = 0x0FFFFFFFL;

    private final ExtFileSystem fs;
    private final ExtNode dir;
    private final String structure;

    HashTree(ExtFileSystem fs, ExtNode dir) {
        this.fs = fs;
        this.dir = dir;
        this.structure = "inode " + dir.id() + " htree";
    }

    /** One level of the path from the root: an index block, where its entries start and which entry was taken. */
    private static final class Frame {
        ByteBuffer block;
        long offset;
        int entries;
        int count;
        int at;
    }

    /** The entry named {@code name}, or empty when the index says it is not there. */
    Optional<DirEntry> lookup(byte[] name) throws IOException {
        long dirBlocks = fs.directoryBlocks(dir);
        long rootBlock = fs.directoryBlock(dir, 0);
        ByteBuffer root = fs.volume().block(rootBlock, structure, "dx_root");
        long rootOffset = fs.volume().offsetOf(rootBlock);
        int version = root.get(OFFSET_HASH_VERSION) & 0xFF;
        int infoLength = root.get(OFFSET_INFO_LENGTH) & 0xFF;
        int levels = root.get(OFFSET_INDIRECT_LEVELS) & 0xFF;
        int maxLevels = fs.largeDir() ? 3 : 2;
        if (root.getInt(OFFSET_ROOT_INFO) != 0 || version > DirHash.TEA || (root.get(OFFSET_UNUSED_FLAGS) & 1) != 0
                || levels >= maxLevels || infoLength < 8) {
            throw bad(rootOffset + OFFSET_ROOT_INFO, "dx_root_info (hash version " + version + ", info length "
                    + infoLength + ", " + levels + " indirect levels) is not one this reader (or the kernel) uses");
        }
        int blockSize = fs.volume().blockSize;
        int tail = fs.metadataCsum() ? TAIL_SIZE : 0;
        int hash = DirHash.hash(name, fs.hashVersion(version), fs.hashSeed());

        Frame[] frames = new Frame[levels + 1];
        ByteBuffer block = root;
        long blockOffset = rootOffset;
        int entries = OFFSET_ROOT_INFO + infoLength;
        int limit = (blockSize - entries - tail) / ENTRY_SIZE;
        for (int level = 0; level <= levels; level++) {
            if (entries + 4 > blockSize) {
                throw bad(blockOffset, "the index entries start past the end of the block");
            }
            int storedLimit = Superblock.u16(block, entries);
            int count = Superblock.u16(block, entries + 2);
            if (storedLimit != limit || count == 0 || count > limit) {
                throw bad(blockOffset + entries, "dx limit " + storedLimit + " (should be " + limit + "), count "
                        + count);
            }
            // the last entry whose hash is <= hash; entry 0 has an implicit hash of 0
            int lo = 1;
            int hi = count - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (Integer.compareUnsigned(block.getInt(entries + mid * ENTRY_SIZE), hash) > 0) {
                    hi = mid - 1;
                } else {
                    lo = mid + 1;
                }
            }
            Frame f = new Frame();
            f.block = block;
            f.offset = blockOffset;
            f.entries = entries;
            f.count = count;
            f.at = lo - 1;
            frames[level] = f;
            if (level == levels) {
                break;
            }
            long child = childBlock(f, dirBlocks);
            long physical = fs.directoryBlock(dir, child);
            block = fs.volume().block(physical, structure, "dx_node");
            blockOffset = fs.volume().offsetOf(physical);
            entries = OFFSET_NODE_ENTRIES;
            limit = (blockSize - entries - tail) / ENTRY_SIZE;
        }

        DirEntry[] hit = new DirEntry[1];
        for (long visited = 0; visited < dirBlocks; visited++) {
            long leaf = childBlock(frames[levels], dirBlocks);
            fs.walkBlock(dir, fs.directoryBlock(dir, leaf), (inode, region, nameOffset, nameLength, fileType, off) -> {
                if (ExtFileSystem.matches(region, nameOffset, nameLength, name)) {
                    byte[] raw = new byte[nameLength];
                    region.get(nameOffset, raw);
                    hit[0] = new DirEntry(new String(raw, StandardCharsets.UTF_8), inode, DirBlock.fileType(fileType));
                    return false;
                }
                return true;
            });
            if (hit[0] != null) {
                return Optional.of(hit[0]);
            }
            if (!nextBlock(frames, levels, hash, dirBlocks)) {
                return Optional.empty();
            }
        }
        throw bad(rootOffset, "the hash chain visits more leaves than the directory has blocks");
    }

    /**
     * ext4_htree_next_block: moves to the next leaf when its first hash continues {@code hash} (collision bit set
     * and the same hash); false when the search is over.
     */
    private boolean nextBlock(Frame[] frames, int levels, int hash, long dirBlocks) throws IOException {
        int p = levels;
        while (true) {
            frames[p].at++;
            if (frames[p].at < frames[p].count) {
                break;
            }
            if (p == 0) {
                return false;
            }
            p--;
        }
        int nextHash = frames[p].block.getInt(frames[p].entries + frames[p].at * ENTRY_SIZE);
        if ((nextHash & ~1) != hash) {
            return false;
        }
        int blockSize = fs.volume().blockSize;
        int tail = fs.metadataCsum() ? TAIL_SIZE : 0;
        for (int level = p + 1; level <= levels; level++) {
            long child = childBlock(frames[level - 1], dirBlocks);
            long physical = fs.directoryBlock(dir, child);
            Frame f = frames[level];
            f.block = fs.volume().block(physical, structure, "dx_node");
            f.offset = fs.volume().offsetOf(physical);
            f.entries = OFFSET_NODE_ENTRIES;
            int limit = (blockSize - f.entries - tail) / ENTRY_SIZE;
            int storedLimit = Superblock.u16(f.block, f.entries);
            f.count = Superblock.u16(f.block, f.entries + 2);
            if (storedLimit != limit || f.count == 0 || f.count > limit) {
                throw bad(f.offset + f.entries, "dx limit " + storedLimit + " (should be " + limit + "), count "
                        + f.count);
            }
            f.at = 0;
        }
        return true;
    }

    /** The directory block the frame's current entry points to, within the directory. */
    private long childBlock(Frame f, long dirBlocks) throws CorruptFormatException {
        int e = f.entries + f.at * ENTRY_SIZE;
        long child = Superblock.u32(f.block, e + 4) & BLOCK_MASK;
        if (child == 0 || child >= dirBlocks) {
            throw bad(f.offset + e + 4, "an index entry points to directory block " + child + " of " + dirBlocks);
        }
        return child;
    }

    private CorruptFormatException bad(long offset, String detail) {
        return new CorruptFormatException(fs.reader().ref(structure, "", offset), detail);
    }
}
