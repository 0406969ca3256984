package io.vhdkit.fs.xfs;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The layout a valid superblock describes, and the address arithmetic of {@code xfs_format.h}: filesystem block
 * numbers ({@code agno << agblklog | agbno}) and inode numbers ({@code agno << (agblklog + inopblog) | agbno <<
 * inopblog | index}) to byte offsets, every part range-checked. Built only by {@link #of}, which checks what the
 * kernel's {@code xfs_validate_sb_common} checks and refuses what this reader does not implement.
 */
final class XfsGeometry {

    static final String FORMAT = "XFS";
    static final int MIN_BLOCK_LOG = 9;
    static final int MAX_BLOCK_LOG = 16;
    static final int MIN_SECT_LOG = 9;
    static final int MAX_SECT_LOG = 15;
    static final int MIN_INODE_LOG = 8;
    static final int MAX_INODE_LOG = 11;
    /** {@code XFS_MIN_AG_BLOCKS}. */
    static final long MIN_AG_BLOCKS = 64;
    /** {@code XFS_MAX_AG_BYTES}: 1 TiB. */
    static final long MAX_AG_BYTES = 1L << 40;
    /** {@code XFS_DINODE_MAGIC} and the v1/v2 and v3 inode core sizes. */
    static final int V2_CORE = 100;
    static final int V3_CORE = 176;
    /** A directory's data section ends here ({@code XFS_DIR2_LEAF_OFFSET}, 32 GiB); the leaf section starts. */
    static final long DIR_LEAF_OFFSET = 32L << 30;
    /** The free-index section of node directories ({@code XFS_DIR2_FREE_OFFSET}). */
    static final long DIR_FREE_OFFSET = 64L << 30;

    final XfsSuperblock sb;
    final boolean v5;
    final int blockSize;
    final int blockLog;
    final long agBlocks;
    final int agBlkLog;
    final long agCount;
    final long dataBlocks;
    final int inodeSize;
    final int inodeLog;
    final int inopbLog;
    final int dirBlockSize;
    final int dirBlockFsbs;
    final boolean ftype;
    final boolean asciiCi;
    final boolean bigtime;
    final boolean nrext64;
    final UUID metaUuid;
    final List<Finding> anomalies;

    private XfsGeometry(XfsSuperblock sb, List<Finding> anomalies) {
        this.sb = sb;
        this.v5 = sb.isV5();
        this.blockSize = sb.blockSize();
        this.blockLog = sb.blockLog();
        this.agBlocks = sb.agBlocks();
        this.agBlkLog = sb.agBlkLog();
        this.agCount = sb.agCount();
        this.dataBlocks = sb.dataBlocks();
        this.inodeSize = sb.inodeSize();
        this.inodeLog = sb.inodeLog();
        this.inopbLog = sb.inopbLog();
        this.dirBlockSize = sb.blockSize() << sb.dirBlkLog();
        this.dirBlockFsbs = 1 << sb.dirBlkLog();
        this.ftype = sb.hasFtype();
        this.asciiCi = sb.asciiCi();
        this.bigtime = sb.hasIncompat(XfsSuperblock.INCOMPAT_BIGTIME);
        this.nrext64 = sb.hasIncompat(XfsSuperblock.INCOMPAT_NREXT64);
        this.metaUuid = sb.metadataUuid();
        this.anomalies = List.copyOf(anomalies);
    }

    static FieldRef sbRef(String field, long offset) {
        return FieldRef.of(FORMAT, "superblock", field, offset);
    }

    /**
     * Checks the superblock against itself and the volume size.
     *
     * @param verifyCrc whether a v5 CRC mismatch is fatal (tests switch it off to reach the checks behind it)
     */
    static XfsGeometry of(XfsSuperblock sb, long volumeSize, boolean verifyCrc) throws CorruptFormatException,
            UnsupportedFormatException, NotThisFormatException {
        if (sb.magic() != XfsSuperblock.MAGIC) {
            throw new NotThisFormatException(sbRef("magic", XfsSuperblock.OFFSET_MAGIC), hex(sb.magic()),
                    "0x58465342 (XFSB)", "no XFS superblock: magic is " + hex(sb.magic())
                    + " - should be 0x58465342 (XFSB)");
        }
        int version = sb.version();
        if (version != 4 && version != 5) {
            throw new UnsupportedFormatException(sbRef("version", XfsSuperblock.OFFSET_VERSIONNUM),
                    Integer.toString(version), "4 or 5", "version is " + version + " - should be 4 or 5"
                    + (version >= 1 && version <= 3 ? " (versions 1 to 3 are old IRIX formats)" : ""));
        }
        if (sb.isV5() && verifyCrc && !sb.crcValid()) {
            throw new CorruptFormatException(sbRef("crc", XfsSuperblock.OFFSET_CRC), XfsChecksum.hex(sb.crc()),
                    XfsChecksum.hex(sb.computedCrc()));
        }
        checkLog("block size", XfsSuperblock.OFFSET_BLOCK_SIZE, sb.blockSize(), sb.blockLog(), MIN_BLOCK_LOG,
                MAX_BLOCK_LOG);
        checkLog("sector size", XfsSuperblock.OFFSET_SECTSIZE, sb.sectSize(), sb.sectLog(), MIN_SECT_LOG,
                MAX_SECT_LOG);
        if (sb.sectSize() > sb.blockSize()) {
            throw corrupt("sector size", XfsSuperblock.OFFSET_SECTSIZE, Integer.toString(sb.sectSize()),
                    "at most the block size " + sb.blockSize());
        }
        checkLog("inode size", XfsSuperblock.OFFSET_INODESIZE, sb.inodeSize(), sb.inodeLog(), MIN_INODE_LOG,
                MAX_INODE_LOG);
        if (sb.isV5() && sb.inodeSize() < 512) {
            throw corrupt("inode size", XfsSuperblock.OFFSET_INODESIZE, Integer.toString(sb.inodeSize()),
                    "at least 512 on a v5 filesystem");
        }
        if (sb.inodeSize() > sb.blockSize()) {
            throw corrupt("inode size", XfsSuperblock.OFFSET_INODESIZE, Integer.toString(sb.inodeSize()),
                    "at most the block size " + sb.blockSize());
        }
        if (sb.inodesPerBlock() != sb.blockSize() / sb.inodeSize()) {
            throw corrupt("inodes per block", XfsSuperblock.OFFSET_INOPBLOCK, Integer.toString(sb.inodesPerBlock()),
                    Integer.toString(sb.blockSize() / sb.inodeSize()));
        }
        if (sb.inopbLog() != sb.blockLog() - sb.inodeLog()) {
            throw corrupt("inopblog", XfsSuperblock.OFFSET_INOPBLOG, Integer.toString(sb.inopbLog()),
                    Integer.toString(sb.blockLog() - sb.inodeLog()));
        }
        long agBlocks = sb.agBlocks();
        if (agBlocks < MIN_AG_BLOCKS || agBlocks > (MAX_AG_BYTES >> sb.blockLog())) {
            throw corrupt("AG blocks", XfsSuperblock.OFFSET_AGBLOCKS, Long.toString(agBlocks),
                    "between " + MIN_AG_BLOCKS + " and " + (MAX_AG_BYTES >> sb.blockLog()));
        }
        int wantLog = 64 - Long.numberOfLeadingZeros(agBlocks - 1);
        if (sb.agBlkLog() != wantLog) {
            throw corrupt("agblklog", XfsSuperblock.OFFSET_AGBLKLOG, Integer.toString(sb.agBlkLog()),
                    wantLog + " (the AG size " + agBlocks + " rounded up to a power of two)");
        }
        if (sb.agCount() < 1) {
            throw corrupt("AG count", XfsSuperblock.OFFSET_AGCOUNT, "0", "at least 1");
        }
        long d = sb.dataBlocks();
        if (d <= 0 || d > Long.MAX_VALUE >> sb.blockLog() || d > sb.agCount() * agBlocks
                || d <= (sb.agCount() - 1) * agBlocks) {
            throw corrupt("data blocks", XfsSuperblock.OFFSET_DBLOCKS, Long.toUnsignedString(d),
                    "more than " + (sb.agCount() - 1) + " and at most " + sb.agCount() + " AGs of " + agBlocks
                            + " blocks");
        }
        if (sb.blockLog() + sb.dirBlkLog() > MAX_BLOCK_LOG) {
            throw corrupt("dirblklog", XfsSuperblock.OFFSET_DIRBLKLOG, Integer.toString(sb.dirBlkLog()),
                    "at most " + (MAX_BLOCK_LOG - sb.blockLog()) + " (directory blocks of at most 64 KiB)");
        }
        List<Finding> anomalies = new ArrayList<>();
        if (sb.isV5()) {
            checkV5Features(sb, anomalies);
        } else {
            checkV4Features(sb);
        }
        if (sb.inProgress() != 0) {
            anomalies.add(Finding.of(Severity.WARNING, sbRef("inprogress", XfsSuperblock.OFFSET_INPROGRESS),
                    Integer.toString(sb.inProgress()), "0", "sb_inprogress is set: mkfs.xfs did not finish, "
                            + "the filesystem may be incomplete"));
        }
        long fsBytes = d << sb.blockLog();
        if (fsBytes > volumeSize) {
            anomalies.add(Finding.of(Severity.ERROR, sbRef("data blocks", XfsSuperblock.OFFSET_DBLOCKS),
                    Long.toString(fsBytes), "at most " + volumeSize, "the filesystem spans " + fsBytes
                            + " bytes but the volume has only " + volumeSize + ": it was truncated, and the kernel "
                            + "will not mount it"));
        }
        if (sb.logStart() == 0) {
            anomalies.add(Finding.of(Severity.INFO, sbRef("logstart", XfsSuperblock.OFFSET_LOGSTART),
                    "the log is on an external device, which is not part of this volume"));
        }
        if (sb.rtBlocks() != 0) {
            anomalies.add(Finding.of(Severity.INFO, sbRef("rblocks", XfsSuperblock.OFFSET_RBLOCKS),
                    "the filesystem has a realtime device of " + Long.toUnsignedString(sb.rtBlocks())
                            + " blocks; files on it are not read"));
        }
        return new XfsGeometry(sb, anomalies);
    }

    private static void checkV5Features(XfsSuperblock sb, List<Finding> anomalies)
            throws UnsupportedFormatException {
        int unknown = sb.featuresIncompat() & ~XfsSuperblock.INCOMPAT_SUPPORTED;
        if (unknown != 0) {
            throw new UnsupportedFormatException(sbRef("features_incompat", XfsSuperblock.OFFSET_FEATURES_INCOMPAT),
                    hex(sb.featuresIncompat()), "only " + String.join(", ",
                    XfsSuperblock.incompatNames(XfsSuperblock.INCOMPAT_SUPPORTED)), "incompatible features "
                    + String.join(", ", XfsSuperblock.incompatNames(unknown)) + " are not supported");
        }
        if ((sb.featuresIncompat() & XfsSuperblock.INCOMPAT_NEEDSREPAIR) != 0) {
            anomalies.add(Finding.of(Severity.ERROR, sbRef("features_incompat",
                            XfsSuperblock.OFFSET_FEATURES_INCOMPAT), "needsrepair", null,
                    "the needsrepair feature is set: xfs_repair must run before the kernel will mount it"));
        }
        if (sb.featuresLogIncompat() != 0) {
            anomalies.add(Finding.of(Severity.WARNING, sbRef("features_log_incompat",
                            XfsSuperblock.OFFSET_FEATURES_LOG_INCOMPAT), hex(sb.featuresLogIncompat()), "0",
                    "log-incompatible features " + hex(sb.featuresLogIncompat()) + " are set, which the kernel "
                            + "clears on a clean unmount: the log probably needs recovery, and what is read here "
                            + "may miss its last changes"));
        }
        int unknownRo = sb.featuresRoCompat() & ~XfsSuperblock.RO_COMPAT_KNOWN;
        if (unknownRo != 0) {
            anomalies.add(Finding.of(Severity.INFO, sbRef("features_ro_compat",
                            XfsSuperblock.OFFSET_FEATURES_RO_COMPAT), hex(sb.featuresRoCompat()), null,
                    "unknown read-only-compatible features " + hex(unknownRo) + ": they allow reading"));
        }
        if ((sb.features2() & XfsSuperblock.FEATURES2_CRC) == 0) {
            anomalies.add(Finding.of(Severity.INFO, sbRef("features2", XfsSuperblock.OFFSET_FEATURES2),
                    hex(sb.features2()), null, "a v5 superblock should have the crc bit in features2"));
        }
    }

    private static void checkV4Features(XfsSuperblock sb) throws UnsupportedFormatException,
            CorruptFormatException {
        int v = sb.versionNum();
        if ((v & XfsSuperblock.VERSION_DIRV2BIT) == 0) {
            throw new UnsupportedFormatException(sbRef("versionnum", XfsSuperblock.OFFSET_VERSIONNUM),
                    hex16(v), "the dirv2 bit 0x2000", "version 1 directories (before 2002) are not supported");
        }
        if ((v & XfsSuperblock.VERSION_NLINKBIT) == 0) {
            throw new UnsupportedFormatException(sbRef("versionnum", XfsSuperblock.OFFSET_VERSIONNUM),
                    hex16(v), "the nlink bit 0x0020", "version 1 inodes only (no nlink bit) are not supported");
        }
        if ((v & XfsSuperblock.VERSION_MOREBITSBIT) != 0) {
            int f2 = sb.features2();
            if ((f2 & XfsSuperblock.FEATURES2_CRC) != 0) {
                throw corrupt("features2", XfsSuperblock.OFFSET_FEATURES2, hex(f2),
                        "without the crc bit 0x100 on a version 4 superblock");
            }
            int unknown = f2 & ~XfsSuperblock.FEATURES2_KNOWN;
            if (unknown != 0) {
                throw new UnsupportedFormatException(sbRef("features2", XfsSuperblock.OFFSET_FEATURES2), hex(f2),
                        null, "unknown features2 bits " + hex(unknown) + " are not supported");
            }
        }
    }

    private static void checkLog(String field, int offset, int value, int log, int min, int max)
            throws CorruptFormatException {
        if (log < min || log > max || value != 1 << log) {
            throw corrupt(field, offset, Integer.toString(value), "a power of two from " + (1 << min) + " to "
                    + (1 << max) + " equal to 2^log (log " + log + ")");
        }
    }

    private static CorruptFormatException corrupt(String field, int offset, String actual, String expected) {
        return new CorruptFormatException(sbRef(field, offset), actual, expected);
    }

    static String hex(int v) {
        return String.format(Locale.ROOT, "0x%08X", v);
    }

    static String hex16(int v) {
        return String.format(Locale.ROOT, "0x%04X", v);
    }

    static String hex(long v) {
        return String.format(Locale.ROOT, "0x%X", v);
    }

    /** Bytes the data device spans. */
    long size() {
        return dataBlocks << blockLog;
    }

    /** Blocks in AG {@code agno}: the last AG may be shorter. */
    long blocksInAg(long agno) {
        return agno == agCount - 1 ? dataBlocks - agno * agBlocks : agBlocks;
    }

    /**
     * The byte offset of filesystem block {@code fsb} and the {@code count} blocks after it, which must lie in one
     * AG (an extent never crosses AGs).
     */
    long fsbToByte(long fsb, long count, FieldRef where) throws CorruptFormatException {
        long agno = fsb >>> agBlkLog;
        long agbno = fsb & ((1L << agBlkLog) - 1);
        if (fsb < 0 || agno >= agCount || agbno >= blocksInAg(agno) || count < 0
                || count > blocksInAg(agno) - agbno) {
            throw new CorruptFormatException(where, Long.toUnsignedString(fsb), "a block inside the filesystem",
                    where.field() + " is block " + Long.toUnsignedString(fsb) + " (AG " + agno + " block " + agbno
                            + ", " + count + " blocks), outside the " + agCount + " AGs of " + agBlocks
                            + " blocks (" + dataBlocks + " blocks in all)");
        }
        return (agno * agBlocks + agbno) << blockLog;
    }

    /** Where inode {@code ino} is: its byte offset. */
    long inodeOffset(long ino, FieldRef where) throws CorruptFormatException {
        int shift = agBlkLog + inopbLog;
        long agno = shift >= 64 ? 0 : ino >>> shift;
        long agino = ino & ((1L << shift) - 1);
        long agbno = agino >>> inopbLog;
        long index = agino & ((1L << inopbLog) - 1);
        if (ino <= 0 || agno >= agCount || agbno >= blocksInAg(agno)) {
            throw new CorruptFormatException(where, Long.toUnsignedString(ino), "a valid inode number",
                    "inode number " + Long.toUnsignedString(ino) + " is out of range (AG " + agno + " block "
                            + agbno + ": " + agCount + " AGs of " + agBlocks + " blocks)");
        }
        return ((agno * agBlocks + agbno) << blockLog) + (index << inodeLog);
    }

    /** Whether {@code ino} names an inode slot inside the filesystem (not whether one is allocated there). */
    boolean validIno(long ino) {
        int shift = agBlkLog + inopbLog;
        long agno = ino >>> shift;
        long agbno = (ino & ((1L << shift) - 1)) >>> inopbLog;
        return ino > 0 && agno < agCount && agbno < blocksInAg(agno);
    }

    /** The data fork area of an inode: the bytes after the core. */
    int literalSize() {
        return inodeSize - (v5 ? V3_CORE : V2_CORE);
    }
}
