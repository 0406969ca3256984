package io.vhdkit.fs.xfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The primary superblock, {@code struct xfs_dsb} of {@code xfs_format.h}, decoded field by field: the first sector
 * of the volume (AG 0, sector 0). Big-endian, except the CRC, which is little-endian like every XFS CRC.
 *
 * <p>Decoding never fails; {@link XfsGeometry#of} judges the values.
 *
 * @param magic               {@code "XFSB"}
 * @param blockSize           bytes per filesystem block
 * @param dataBlocks          blocks of the data device ({@code sb_dblocks})
 * @param rtBlocks            blocks of the realtime device
 * @param uuid                the user-visible UUID (what blkid prints)
 * @param logStart            first block of an internal log, 0 for an external one
 * @param rootIno             the root directory's inode number
 * @param agBlocks            blocks per allocation group (the last one may be shorter)
 * @param agCount             allocation groups
 * @param logBlocks           blocks of the log
 * @param versionNum          version in the low 4 bits (4 or 5), v4 feature bits above
 * @param sectSize            bytes per sector
 * @param inodeSize           bytes per inode
 * @param inodesPerBlock      inodes per block
 * @param fname               the label, NUL-padded
 * @param blockLog            log2 of the block size
 * @param sectLog             log2 of the sector size
 * @param inodeLog            log2 of the inode size
 * @param inopbLog            log2 of the inodes per block
 * @param agBlkLog            log2 of the AG size rounded up: the AG number starts at this bit of a block number
 * @param inProgress          non-zero while mkfs runs
 * @param dirBlkLog           log2 of the directory block size in filesystem blocks
 * @param features2           v4 feature bits (also set on v5)
 * @param badFeatures2        a copy of features2 that old kernels wrote at the wrong offset
 * @param featuresCompat      v5 compatible features
 * @param featuresRoCompat    v5 read-only compatible features
 * @param featuresIncompat    v5 incompatible features
 * @param featuresLogIncompat v5 features the log needs (set only while the log holds such items)
 * @param crc                 the stored CRC32C of the sector
 * @param computedCrc         the CRC32C computed over {@code sectSize} bytes (or 512 when that is not valid)
 * @param metaUuid            the UUID metadata is stamped with, when the {@code meta_uuid} feature is on
 */
public record XfsSuperblock(int magic, int blockSize, long dataBlocks, long rtBlocks, UUID uuid, long logStart,
                            long rootIno, long agBlocks, long agCount, long logBlocks, int versionNum, int sectSize,
                            int inodeSize, int inodesPerBlock, byte[] fname, int blockLog, int sectLog,
                            int inodeLog, int inopbLog, int agBlkLog, int inProgress, int dirBlkLog, int features2,
                            int badFeatures2, int featuresCompat, int featuresRoCompat, int featuresIncompat,
                            int featuresLogIncompat, int crc, int computedCrc, UUID metaUuid) {

    /** {@code XFS_SB_MAGIC}, "XFSB". */
    public static final int MAGIC = 0x58465342;
    /** The bytes decoded (the v5 superblock ends at 264; later features extend it). */
    public static final int SIZE = 264;

    public static final int OFFSET_MAGIC = 0;
    public static final int OFFSET_BLOCK_SIZE = 4;
    public static final int OFFSET_DBLOCKS = 8;
    public static final int OFFSET_RBLOCKS = 16;
    public static final int OFFSET_UUID = 32;
    public static final int OFFSET_LOGSTART = 48;
    public static final int OFFSET_ROOTINO = 56;
    public static final int OFFSET_AGBLOCKS = 84;
    public static final int OFFSET_AGCOUNT = 88;
    public static final int OFFSET_LOGBLOCKS = 96;
    public static final int OFFSET_VERSIONNUM = 100;
    public static final int OFFSET_SECTSIZE = 102;
    public static final int OFFSET_INODESIZE = 104;
    public static final int OFFSET_INOPBLOCK = 106;
    public static final int OFFSET_FNAME = 108;
    public static final int FNAME_SIZE = 12;
    public static final int OFFSET_BLOCKLOG = 120;
    public static final int OFFSET_SECTLOG = 121;
    public static final int OFFSET_INODELOG = 122;
    public static final int OFFSET_INOPBLOG = 123;
    public static final int OFFSET_AGBLKLOG = 124;
    public static final int OFFSET_INPROGRESS = 126;
    public static final int OFFSET_DIRBLKLOG = 192;
    public static final int OFFSET_FEATURES2 = 200;
    public static final int OFFSET_BAD_FEATURES2 = 204;
    public static final int OFFSET_FEATURES_COMPAT = 208;
    public static final int OFFSET_FEATURES_RO_COMPAT = 212;
    public static final int OFFSET_FEATURES_INCOMPAT = 216;
    public static final int OFFSET_FEATURES_LOG_INCOMPAT = 220;
    public static final int OFFSET_CRC = 224;
    public static final int OFFSET_META_UUID = 248;

    /** {@code sb_versionnum} bits (v4 features; the low nibble is the version). */
    public static final int VERSION_NUMBITS = 0x000F;
    public static final int VERSION_ATTRBIT = 0x0010;
    public static final int VERSION_NLINKBIT = 0x0020;
    public static final int VERSION_QUOTABIT = 0x0040;
    public static final int VERSION_ALIGNBIT = 0x0080;
    public static final int VERSION_DALIGNBIT = 0x0100;
    public static final int VERSION_SHAREDBIT = 0x0200;
    public static final int VERSION_LOGV2BIT = 0x0400;
    public static final int VERSION_SECTORBIT = 0x0800;
    public static final int VERSION_EXTFLGBIT = 0x1000;
    public static final int VERSION_DIRV2BIT = 0x2000;
    /** Named "BORG" in the source: ASCII case-insensitive names (mkfs.xfs {@code -n version=ci}). */
    public static final int VERSION_BORGBIT = 0x4000;
    public static final int VERSION_MOREBITSBIT = 0x8000;

    /** {@code sb_features2} bits. */
    public static final int FEATURES2_LAZYSBCOUNT = 0x0002;
    public static final int FEATURES2_ATTR2 = 0x0008;
    public static final int FEATURES2_PARENT = 0x0010;
    public static final int FEATURES2_PROJID32 = 0x0080;
    public static final int FEATURES2_CRC = 0x0100;
    public static final int FEATURES2_FTYPE = 0x0200;
    static final int FEATURES2_KNOWN = FEATURES2_LAZYSBCOUNT | FEATURES2_ATTR2 | FEATURES2_PARENT
            | FEATURES2_PROJID32 | FEATURES2_CRC | FEATURES2_FTYPE;

    /** {@code sb_features_incompat} bits (v5). */
    public static final int INCOMPAT_FTYPE = 1;
    public static final int INCOMPAT_SPINODES = 1 << 1;
    public static final int INCOMPAT_META_UUID = 1 << 2;
    public static final int INCOMPAT_BIGTIME = 1 << 3;
    public static final int INCOMPAT_NEEDSREPAIR = 1 << 4;
    public static final int INCOMPAT_NREXT64 = 1 << 5;
    public static final int INCOMPAT_EXCHRANGE = 1 << 6;
    public static final int INCOMPAT_PARENT = 1 << 7;
    public static final int INCOMPAT_METADIR = 1 << 8;
    public static final int INCOMPAT_ZONED = 1 << 9;
    /** What this reader handles: none of these changes the layout of what it reads, or it reads the change. */
    static final int INCOMPAT_SUPPORTED = INCOMPAT_FTYPE | INCOMPAT_SPINODES | INCOMPAT_META_UUID | INCOMPAT_BIGTIME
            | INCOMPAT_NEEDSREPAIR | INCOMPAT_NREXT64 | INCOMPAT_EXCHRANGE | INCOMPAT_PARENT;

    /** {@code sb_features_ro_compat} bits (v5). */
    public static final int RO_COMPAT_FINOBT = 1;
    public static final int RO_COMPAT_RMAPBT = 1 << 1;
    public static final int RO_COMPAT_REFLINK = 1 << 2;
    public static final int RO_COMPAT_INOBTCNT = 1 << 3;
    static final int RO_COMPAT_KNOWN = RO_COMPAT_FINOBT | RO_COMPAT_RMAPBT | RO_COMPAT_REFLINK | RO_COMPAT_INOBTCNT;

    public XfsSuperblock {
        fname = fname.clone();
    }

    /** Decodes the superblock at the position of {@code b}, which holds at least {@link #SIZE} bytes; the CRC is
     * computed over {@code crcLength} bytes (the sector size). */
    public static XfsSuperblock decode(ByteBuffer buffer, int crcLength) {
        if (buffer.remaining() < SIZE || crcLength > buffer.remaining() || crcLength < SIZE) {
            throw new IllegalArgumentException("a superblock needs " + SIZE + " bytes and the CRC range, got "
                    + buffer.remaining() + " / " + crcLength);
        }
        ByteBuffer b = buffer.slice(buffer.position(), buffer.remaining()).order(ByteOrder.BIG_ENDIAN);
        byte[] fname = new byte[FNAME_SIZE];
        b.get(OFFSET_FNAME, fname);
        return new XfsSuperblock(b.getInt(OFFSET_MAGIC), b.getInt(OFFSET_BLOCK_SIZE), b.getLong(OFFSET_DBLOCKS),
                b.getLong(OFFSET_RBLOCKS), uuid(b, OFFSET_UUID), b.getLong(OFFSET_LOGSTART), b.getLong(OFFSET_ROOTINO),
                Integer.toUnsignedLong(b.getInt(OFFSET_AGBLOCKS)), Integer.toUnsignedLong(b.getInt(OFFSET_AGCOUNT)),
                Integer.toUnsignedLong(b.getInt(OFFSET_LOGBLOCKS)), Short.toUnsignedInt(b.getShort(OFFSET_VERSIONNUM)),
                Short.toUnsignedInt(b.getShort(OFFSET_SECTSIZE)), Short.toUnsignedInt(b.getShort(OFFSET_INODESIZE)),
                Short.toUnsignedInt(b.getShort(OFFSET_INOPBLOCK)), fname, u8(b, OFFSET_BLOCKLOG), u8(b, OFFSET_SECTLOG),
                u8(b, OFFSET_INODELOG), u8(b, OFFSET_INOPBLOG), u8(b, OFFSET_AGBLKLOG), u8(b, OFFSET_INPROGRESS),
                u8(b, OFFSET_DIRBLKLOG), b.getInt(OFFSET_FEATURES2), b.getInt(OFFSET_BAD_FEATURES2),
                b.getInt(OFFSET_FEATURES_COMPAT), b.getInt(OFFSET_FEATURES_RO_COMPAT),
                b.getInt(OFFSET_FEATURES_INCOMPAT), b.getInt(OFFSET_FEATURES_LOG_INCOMPAT),
                XfsChecksum.stored(b, OFFSET_CRC), XfsChecksum.compute(b, 0, crcLength, OFFSET_CRC),
                uuid(b, OFFSET_META_UUID));
    }

    static UUID uuid(ByteBuffer b, int offset) {
        return new UUID(b.getLong(offset), b.getLong(offset + 8));
    }

    private static int u8(ByteBuffer b, int offset) {
        return Byte.toUnsignedInt(b.get(offset));
    }

    @Override
    public byte[] fname() {
        return fname.clone();
    }

    /** 4 or 5 (1 to 3 are pre-2000 IRIX formats). */
    public int version() {
        return versionNum & VERSION_NUMBITS;
    }

    public boolean isV5() {
        return version() == 5;
    }

    public boolean crcValid() {
        return crc == computedCrc;
    }

    /** Directory entries carry the file type: the incompat bit on v5, the features2 bit on v4. */
    public boolean hasFtype() {
        return isV5() ? (featuresIncompat & INCOMPAT_FTYPE) != 0
                : (versionNum & VERSION_MOREBITSBIT) != 0 && (features2 & FEATURES2_FTYPE) != 0;
    }

    /** Names compare ignoring ASCII (and Latin-1 letter byte) case. */
    public boolean asciiCi() {
        return (versionNum & VERSION_BORGBIT) != 0;
    }

    public boolean hasIncompat(int bit) {
        return isV5() && (featuresIncompat & bit) != 0;
    }

    /** The UUID stamped in v5 metadata: {@code sb_meta_uuid} with the meta_uuid feature, else {@code sb_uuid}. */
    public UUID metadataUuid() {
        return hasIncompat(INCOMPAT_META_UUID) ? metaUuid : uuid;
    }

    /** The label up to the first NUL, or null when empty. Bytes are taken as UTF-8, as blkid does. */
    public String label() {
        int n = 0;
        while (n < fname.length && fname[n] != 0) {
            n++;
        }
        return n == 0 ? null : new String(fname, 0, n, StandardCharsets.UTF_8);
    }

    /** The names of the v5 incompat bits set, for messages ({@code "ftype, bigtime, bit 12"}). */
    static List<String> incompatNames(int bits) {
        String[] names = {"ftype", "spinodes", "meta_uuid", "bigtime", "needsrepair", "nrext64", "exchrange",
                "parent", "metadir", "zoned"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            if ((bits & (1 << i)) != 0) {
                out.add(i < names.length ? names[i] : "bit " + i);
            }
        }
        return out;
    }
}
