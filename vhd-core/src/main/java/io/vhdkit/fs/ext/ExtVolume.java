package io.vhdkit.fs.ext;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.fs.VolumeReader;
import java.io.IOException;
import java.nio.ByteBuffer;

/** The volume in blocks: cached, bounds-checked block reads and the block-number check every pointer passes. */
final class ExtVolume {

    final VolumeReader reader;
    final int blockSize;
    final int blockShift;
    final long blocksCount;
    final long firstDataBlock;

    ExtVolume(VolumeReader reader, int blockSize, long blocksCount, long firstDataBlock) {
        this.reader = reader;
        this.blockSize = blockSize;
        this.blockShift = Integer.numberOfTrailingZeros(blockSize);
        this.blocksCount = blocksCount;
        this.firstDataBlock = firstDataBlock;
    }

    /**
     * Fails unless blocks {@code [block, block + count)} lie inside the filesystem and after its first data block
     * (the kernel's {@code ext4_inode_block_valid}: no file block may be the superblock's).
     *
     * @param fieldOffset the absolute offset of the pointer, for the message
     */
    void checkBlocks(long block, long count, String structure, String field, long fieldOffset)
            throws CorruptFormatException {
        if (block <= firstDataBlock || count < 1 || block >= blocksCount || count > blocksCount - block) {
            throw new CorruptFormatException(reader.ref(structure, field, fieldOffset), Long.toUnsignedString(block),
                    "a block in (" + firstDataBlock + ", " + blocksCount + ")",
                    field + " points to block " + Long.toUnsignedString(block)
                            + (count > 1 ? " (+" + count + " blocks)" : "") + ", outside the filesystem's blocks ("
                            + (firstDataBlock + 1) + " to " + (blocksCount - 1) + ")");
        }
    }

    /** A metadata block through the cache: read-only, little-endian, positioned at 0. */
    ByteBuffer block(long block, String structure, String field) throws IOException {
        return reader.block(block << blockShift, blockSize, structure, field);
    }

    long offsetOf(long block) {
        return block << blockShift;
    }
}
