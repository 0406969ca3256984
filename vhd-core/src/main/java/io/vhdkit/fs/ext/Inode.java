package io.vhdkit.fs.ext;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;

/**
 * An on-disk inode (kernel {@code struct ext4_inode}): the 128 bytes every revision has, then
 * {@code i_extra_isize} bytes of extra fields, then in-inode extended attributes up to the inode size. Decoding
 * never fails; {@link ExtFileSystem} judges the values. The raw bytes are kept for {@code i_block} and the in-inode
 * extended attributes.
 *
 * @param number     the inode number
 * @param offset     absolute volume offset of the inode
 * @param raw        the whole inode, {@code s_inode_size} bytes, read-only, little-endian
 * @param mode       i_mode, type and permission bits
 * @param uid        i_uid, plus l_i_uid_high &lt;&lt; 16
 * @param gid        i_gid, plus l_i_gid_high &lt;&lt; 16
 * @param sizeLo     i_size_lo
 * @param sizeHigh   i_size_high (i_dir_acl on old ext2 directories)
 * @param mtime      i_mtime with the epoch bits and nanoseconds of i_mtime_extra when the inode has it
 * @param linksCount i_links_count
 * @param blocks     i_blocks_lo plus l_i_blocks_high &lt;&lt; 32, in 512-byte units (fs blocks with HUGE_FILE_FL)
 * @param flags      i_flags
 * @param fileAcl    i_file_acl_lo plus l_i_file_acl_high &lt;&lt; 32: the extended attribute block
 * @param extraIsize i_extra_isize, 0 for 128-byte inodes
 */
public record Inode(long number, long offset, ByteBuffer raw, int mode, long uid, long gid, long sizeLo,
                    long sizeHigh, Instant mtime, int linksCount, long blocks, int flags, long fileAcl,
                    int extraIsize) {

    public static final int GOOD_OLD_SIZE = 128;
    public static final int OFFSET_MODE = 0x00;
    public static final int OFFSET_UID = 0x02;
    public static final int OFFSET_SIZE_LO = 0x04;
    public static final int OFFSET_MTIME = 0x10;
    public static final int OFFSET_GID = 0x18;
    public static final int OFFSET_LINKS_COUNT = 0x1A;
    public static final int OFFSET_BLOCKS_LO = 0x1C;
    public static final int OFFSET_FLAGS = 0x20;
    public static final int OFFSET_BLOCK = 0x28;
    /** i_block: 15 block pointers, an extent tree root, a fast symlink target or inline data. */
    public static final int BLOCK_SIZE = 60;
    public static final int OFFSET_FILE_ACL_LO = 0x68;
    public static final int OFFSET_SIZE_HIGH = 0x6C;
    public static final int OFFSET_BLOCKS_HIGH = 0x74;
    public static final int OFFSET_FILE_ACL_HIGH = 0x76;
    public static final int OFFSET_UID_HIGH = 0x78;
    public static final int OFFSET_GID_HIGH = 0x7A;
    public static final int OFFSET_EXTRA_ISIZE = 0x80;
    public static final int OFFSET_MTIME_EXTRA = 0x88;

    /** i_flags bits (fs/ext4/ext4.h). */
    public static final int FLAG_IMMUTABLE = 0x10;
    public static final int FLAG_ENCRYPT = 0x800;
    public static final int FLAG_INDEX = 0x1000;
    public static final int FLAG_HUGE_FILE = 0x40000;
    public static final int FLAG_EXTENTS = 0x80000;
    public static final int FLAG_EA_INODE = 0x200000;
    public static final int FLAG_INLINE_DATA = 0x10000000;
    public static final int FLAG_CASEFOLD = 0x40000000;

    /** Decodes the inode at the position of {@code buffer}, {@code size} bytes long (at least 128). */
    public static Inode decode(long number, long offset, ByteBuffer buffer, int size) {
        ByteBuffer b = buffer.slice(buffer.position(), size).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int extra = size > GOOD_OLD_SIZE ? Superblock.u16(b, OFFSET_EXTRA_ISIZE) : 0;
        long seconds = b.getInt(OFFSET_MTIME);   // signed: before 1970 without the extra field
        int nanos = 0;
        if (GOOD_OLD_SIZE + extra >= OFFSET_MTIME_EXTRA + 4 && OFFSET_MTIME_EXTRA + 4 <= size) {
            // fs/ext4/ext4.h ext4_decode_extra_time: 2 epoch bits extend the signed 32-bit seconds, 30 bits of ns
            int x = b.getInt(OFFSET_MTIME_EXTRA);
            seconds += (long) (x & 3) << 32;
            nanos = x >>> 2;
        }
        long blocks = Superblock.u32(b, OFFSET_BLOCKS_LO) | (long) Superblock.u16(b, OFFSET_BLOCKS_HIGH) << 32;
        long acl = Superblock.u32(b, OFFSET_FILE_ACL_LO) | (long) Superblock.u16(b, OFFSET_FILE_ACL_HIGH) << 32;
        return new Inode(number, offset, b, Superblock.u16(b, OFFSET_MODE),
                Superblock.u16(b, OFFSET_UID) | (long) Superblock.u16(b, OFFSET_UID_HIGH) << 16,
                Superblock.u16(b, OFFSET_GID) | (long) Superblock.u16(b, OFFSET_GID_HIGH) << 16,
                Superblock.u32(b, OFFSET_SIZE_LO), Superblock.u32(b, OFFSET_SIZE_HIGH),
                Instant.ofEpochSecond(seconds, nanos), Superblock.u16(b, OFFSET_LINKS_COUNT), blocks,
                b.getInt(OFFSET_FLAGS), acl, extra);
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    /** The 60 bytes of i_block, read-only, little-endian, positioned at 0. */
    public ByteBuffer iBlock() {
        return raw.slice(OFFSET_BLOCK, BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** i_block[index], one of the 15 32-bit words. */
    public long blockWord(int index) {
        return Superblock.u32(raw, OFFSET_BLOCK + 4 * index);
    }
}
