package io.vhdkit.fs.ext;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A block group descriptor (kernel {@code struct ext4_group_desc}): 32 bytes, or {@code s_desc_size} (at least 64)
 * with the 64bit feature, whose second half holds the high 32 bits of the block numbers. Only what locating inodes
 * needs is decoded.
 *
 * @param group        the group number
 * @param offset       absolute volume offset of the descriptor
 * @param inodeTable   bg_inode_table_lo, plus bg_inode_table_hi &lt;&lt; 32 for 64-byte descriptors
 * @param flags        bg_flags: {@link #INODE_UNINIT}, {@link #BLOCK_UNINIT}, {@link #INODE_ZEROED}
 * @param itableUnused bg_itable_unused_lo (plus _hi): inodes at the end of the group's table never used
 */
public record GroupDescriptor(long group, long offset, long inodeTable, int flags, long itableUnused) {

    public static final int OFFSET_INODE_TABLE_LO = 0x08;
    public static final int OFFSET_FLAGS = 0x12;
    public static final int OFFSET_ITABLE_UNUSED_LO = 0x1C;
    public static final int OFFSET_INODE_TABLE_HI = 0x28;
    public static final int OFFSET_ITABLE_UNUSED_HI = 0x32;

    /** The group's inode table and bitmap are not initialized: no inode of the group is in use. */
    public static final int INODE_UNINIT = 0x1;
    public static final int BLOCK_UNINIT = 0x2;
    public static final int INODE_ZEROED = 0x4;

    /** Decodes the descriptor at the position of {@code b}, {@code size} bytes long (32, or 64 and more). */
    public static GroupDescriptor decode(long group, long offset, ByteBuffer buffer, int size) {
        ByteBuffer b = buffer.slice(buffer.position(), size).order(ByteOrder.LITTLE_ENDIAN);
        long table = Superblock.u32(b, OFFSET_INODE_TABLE_LO);
        long unused = Superblock.u16(b, OFFSET_ITABLE_UNUSED_LO);
        if (size >= 64) {
            table |= Superblock.u32(b, OFFSET_INODE_TABLE_HI) << 32;
            unused |= (long) Superblock.u16(b, OFFSET_ITABLE_UNUSED_HI) << 16;
        }
        return new GroupDescriptor(group, offset, table, Superblock.u16(b, OFFSET_FLAGS), unused);
    }
}
