package io.vhdkit.fs.xfs;

/**
 * One data fork mapping: {@code blockCount} filesystem blocks of the file from block {@code fileOffset} are at
 * filesystem block {@code startBlock}. On disk it is a 128-bit {@code xfs_bmbt_rec}, two big-endian longs:
 * <pre>
 *   l0: bit 63 unwritten flag | bits 62-9 startoff (54 bits) | bits 8-0 startblock high 9 bits
 *   l1: bits 63-21 startblock low 43 bits | bits 20-0 blockcount (21 bits)
 * </pre>
 * An unwritten extent is allocated (preallocated) but reads as zeros.
 *
 * @param fileOffset the first file block mapped ({@code br_startoff})
 * @param startBlock the filesystem block number ({@code agno << agblklog | agbno})
 * @param blockCount blocks mapped, at least 1
 * @param unwritten  whether the blocks are preallocated and read as zeros
 */
public record XfsExtent(long fileOffset, long startBlock, long blockCount, boolean unwritten) {

    /** Bytes of an on-disk record. */
    public static final int SIZE = 16;
    /** {@code XFS_MAX_FILEOFF}: file block offsets have 54 bits. */
    public static final long MAX_FILE_OFFSET = (1L << 54) - 1;
    /** The largest {@code br_blockcount} (21 bits). */
    public static final long MAX_BLOCK_COUNT = (1L << 21) - 1;

    /** Unpacks a record from its two big-endian longs. */
    public static XfsExtent decode(long l0, long l1) {
        boolean unwritten = l0 < 0;
        long startOff = (l0 & 0x7FFF_FFFF_FFFF_FFFFL) >>> 9;
        long startBlock = ((l0 & 0x1FFL) << 43) | (l1 >>> 21);
        long count = l1 & MAX_BLOCK_COUNT;
        return new XfsExtent(startOff, startBlock, count, unwritten);
    }

    /** The first file block after the extent. */
    public long fileEnd() {
        return fileOffset + blockCount;
    }
}
