package io.vhdkit.fs.ext;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The ext2/3/4 superblock: 1024 bytes, little-endian, at byte 1024 of the volume (kernel {@code struct
 * ext4_super_block}, fs/ext4/ext4.h; e2fsprogs lib/ext2fs/ext2_fs.h). Decoding never fails; {@link ExtFileSystem}
 * judges the values. Unsigned 32-bit fields are held in {@code long}s.
 *
 * @param inodesCount       s_inodes_count
 * @param blocksCount       s_blocks_count_lo, plus s_blocks_count_hi &lt;&lt; 32 with the 64bit feature
 * @param firstDataBlock    s_first_data_block: 1 with 1 KiB blocks, else 0
 * @param logBlockSize      s_log_block_size: the block size is 1024 &lt;&lt; this
 * @param logClusterSize    s_log_cluster_size (bigalloc)
 * @param blocksPerGroup    s_blocks_per_group
 * @param inodesPerGroup    s_inodes_per_group
 * @param magic             s_magic, 0xEF53
 * @param state             s_state: 1 cleanly unmounted, 2 errors detected
 * @param revLevel          s_rev_level: 0 (fixed 128-byte inodes, no features) or 1 (dynamic)
 * @param inodeSizeField    s_inode_size (rev 1 only)
 * @param featureCompat     s_feature_compat
 * @param featureIncompat   s_feature_incompat
 * @param featureRoCompat   s_feature_ro_compat
 * @param uuid              s_uuid, 16 bytes
 * @param volumeName        s_volume_name, 16 bytes, NUL-padded
 * @param journalInum       s_journal_inum
 * @param hashSeed          s_hash_seed[4], the htree hash seed
 * @param defHashVersion    s_def_hash_version
 * @param descSizeField     s_desc_size (64bit only)
 * @param firstMetaBg       s_first_meta_bg
 * @param flags             s_flags: 1 signed directory hash, 2 unsigned directory hash, 4 test filesystem
 * @param checksumType      s_checksum_type: 1 = crc32c
 * @param backupBgs         s_backup_bgs[2] (sparse_super2)
 * @param checksum          s_checksum (metadata_csum)
 * @param computedChecksum  crc32c of the first 1020 bytes, as the kernel stores it
 */
public record Superblock(long inodesCount, long blocksCount, long firstDataBlock, long logBlockSize,
                         long logClusterSize, long blocksPerGroup, long inodesPerGroup, int magic, int state,
                         long revLevel, int inodeSizeField, int featureCompat, int featureIncompat,
                         int featureRoCompat, byte[] uuid, byte[] volumeName, long journalInum, int[] hashSeed,
                         int defHashVersion, int descSizeField, long firstMetaBg, int flags, int checksumType,
                         long[] backupBgs, int checksum, int computedChecksum) {

    /** Where the superblock starts on the volume, whatever the block size. */
    public static final long VOLUME_OFFSET = 1024;
    public static final int SIZE = 1024;
    public static final int MAGIC = 0xEF53;

    public static final int OFFSET_INODES_COUNT = 0x00;
    public static final int OFFSET_BLOCKS_COUNT_LO = 0x04;
    public static final int OFFSET_FIRST_DATA_BLOCK = 0x14;
    public static final int OFFSET_LOG_BLOCK_SIZE = 0x18;
    public static final int OFFSET_LOG_CLUSTER_SIZE = 0x1C;
    public static final int OFFSET_BLOCKS_PER_GROUP = 0x20;
    public static final int OFFSET_INODES_PER_GROUP = 0x28;
    public static final int OFFSET_MAGIC = 0x38;
    public static final int OFFSET_STATE = 0x3A;
    public static final int OFFSET_REV_LEVEL = 0x4C;
    public static final int OFFSET_INODE_SIZE = 0x58;
    public static final int OFFSET_FEATURE_COMPAT = 0x5C;
    public static final int OFFSET_FEATURE_INCOMPAT = 0x60;
    public static final int OFFSET_FEATURE_RO_COMPAT = 0x64;
    public static final int OFFSET_UUID = 0x68;
    public static final int OFFSET_VOLUME_NAME = 0x78;
    public static final int OFFSET_JOURNAL_INUM = 0xE0;
    public static final int OFFSET_HASH_SEED = 0xEC;
    public static final int OFFSET_DEF_HASH_VERSION = 0xFC;
    public static final int OFFSET_DESC_SIZE = 0xFE;
    public static final int OFFSET_FIRST_META_BG = 0x104;
    public static final int OFFSET_BLOCKS_COUNT_HI = 0x150;
    public static final int OFFSET_FLAGS = 0x160;
    public static final int OFFSET_CHECKSUM_TYPE = 0x175;
    public static final int OFFSET_BACKUP_BGS = 0x24C;
    public static final int OFFSET_CHECKSUM = 0x3FC;

    /** s_state bits. */
    public static final int STATE_VALID = 0x1;
    public static final int STATE_ERROR = 0x2;
    /** s_flags bits. */
    public static final int FLAG_SIGNED_HASH = 0x1;
    public static final int FLAG_UNSIGNED_HASH = 0x2;
    public static final int FLAG_TEST_FILESYS = 0x4;
    /** s_checksum_type for crc32c, the only one defined. */
    public static final int CHECKSUM_CRC32C = 1;

    /** Decodes the 1024 bytes at the position of {@code buffer}, without moving it. */
    public static Superblock decode(ByteBuffer buffer) {
        if (buffer.remaining() < SIZE) {
            throw new IllegalArgumentException("a superblock needs " + SIZE + " bytes, got " + buffer.remaining());
        }
        ByteBuffer b = buffer.slice(buffer.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int incompat = b.getInt(OFFSET_FEATURE_INCOMPAT);
        long blocks = u32(b, OFFSET_BLOCKS_COUNT_LO);
        if ((incompat & Features.INCOMPAT_64BIT) != 0) {
            blocks |= u32(b, OFFSET_BLOCKS_COUNT_HI) << 32;
        }
        byte[] uuid = new byte[16];
        b.get(OFFSET_UUID, uuid);
        byte[] name = new byte[16];
        b.get(OFFSET_VOLUME_NAME, name);
        int[] seed = new int[4];
        for (int i = 0; i < 4; i++) {
            seed[i] = b.getInt(OFFSET_HASH_SEED + 4 * i);
        }
        long[] backups = {u32(b, OFFSET_BACKUP_BGS), u32(b, OFFSET_BACKUP_BGS + 4)};
        CRC32C crc = new CRC32C();
        crc.update(b.slice(0, OFFSET_CHECKSUM));
        return new Superblock(u32(b, OFFSET_INODES_COUNT), blocks, u32(b, OFFSET_FIRST_DATA_BLOCK),
                u32(b, OFFSET_LOG_BLOCK_SIZE), u32(b, OFFSET_LOG_CLUSTER_SIZE), u32(b, OFFSET_BLOCKS_PER_GROUP),
                u32(b, OFFSET_INODES_PER_GROUP), u16(b, OFFSET_MAGIC), u16(b, OFFSET_STATE), u32(b, OFFSET_REV_LEVEL),
                u16(b, OFFSET_INODE_SIZE), b.getInt(OFFSET_FEATURE_COMPAT), incompat,
                b.getInt(OFFSET_FEATURE_RO_COMPAT), uuid, name, u32(b, OFFSET_JOURNAL_INUM), seed,
                b.get(OFFSET_DEF_HASH_VERSION) & 0xFF, u16(b, OFFSET_DESC_SIZE), u32(b, OFFSET_FIRST_META_BG),
                b.getInt(OFFSET_FLAGS), b.get(OFFSET_CHECKSUM_TYPE) & 0xFF, backups, b.getInt(OFFSET_CHECKSUM),
                // the kernel and e2fsprogs store crc32c without the final inversion: ~ the standard CRC-32C
                ~(int) crc.getValue());
    }

    static long u32(ByteBuffer b, int offset) {
        return Integer.toUnsignedLong(b.getInt(offset));
    }

    static int u16(ByteBuffer b, int offset) {
        return Short.toUnsignedInt(b.getShort(offset));
    }

    public boolean hasCompat(int bit) {
        return (featureCompat & bit) != 0;
    }

    public boolean hasIncompat(int bit) {
        return (featureIncompat & bit) != 0;
    }

    public boolean hasRoCompat(int bit) {
        return (featureRoCompat & bit) != 0;
    }

    /** The inode size: 128 on revision 0, else s_inode_size. */
    public int inodeSize() {
        return revLevel == 0 ? 128 : inodeSizeField;
    }

    public boolean is64Bit() {
        return hasIncompat(Features.INCOMPAT_64BIT);
    }

    /** The group descriptor size: s_desc_size with the 64bit feature, else 32. */
    public int descSize() {
        return is64Bit() ? descSizeField : 32;
    }

    /** Whether group descriptors carry checksums and the lazy-init flags are meaningful (gdt_csum or metadata_csum). */
    public boolean hasGroupDescChecksums() {
        return hasRoCompat(Features.RO_COMPAT_GDT_CSUM) || hasRoCompat(Features.RO_COMPAT_METADATA_CSUM);
    }

    /** s_volume_name up to its first NUL, or null when empty (blkid then sets no LABEL). */
    public String label() {
        int n = 0;
        while (n < volumeName.length && volumeName[n] != 0) {
            n++;
        }
        return n == 0 ? null : new String(volumeName, 0, n, StandardCharsets.UTF_8);
    }

    /** s_uuid as blkid prints it ({@code 5ff64de4-3231-47bc-b2e3-6afc5b01fa8a}), or null when all zero. */
    public String uuidText() {
        boolean zero = true;
        StringBuilder sb = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            zero &= uuid[i] == 0;
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                sb.append('-');
            }
            sb.append(String.format("%02x", uuid[i] & 0xFF));
        }
        return zero ? null : sb.toString();
    }

    public boolean checksumValid() {
        return checksum == computedChecksum;
    }
}
