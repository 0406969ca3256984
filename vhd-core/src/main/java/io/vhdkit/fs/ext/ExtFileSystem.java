package io.vhdkit.fs.ext;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileStat;
import io.vhdkit.fs.FileSystem;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsInfo;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.VolumeReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A read-only ext2/ext3/ext4 filesystem, read from the volume without the kernel (layouts from fs/ext4/ext4.h and
 * e2fsprogs' lib/ext2fs/ext2_fs.h; behaviour from fs/ext4 where the two differ).
 *
 * <p>Supported: 1 to 64 KiB blocks; 32- and 64-byte group descriptors, meta_bg, flex_bg, bigalloc, sparse_super(2);
 * 128-byte and larger inodes with 32-bit uid/gid and the mtime's nanoseconds and epoch bits; extent trees of any
 * depth with unwritten extents read as zeros; ext2/3 block maps with single, double and triple indirection; holes;
 * inline data for files, directories and symlinks; linear and htree directories (lookups through the hash index,
 * half-MD4/TEA/legacy, signed and unsigned); fast, slow and inline symlinks. Not supported, and refused by name:
 * the incompatible features {@code compression}, {@code dirdata} and unnamed ones; an external journal device
 * ({@code journal_dev}). Encrypted (fscrypt) files are refused one by one. Directories with the casefold flag are
 * searched by a linear scan, exact name first, then ignoring case (Unicode canonical decomposition and Java's
 * case folding, close to but not exactly the kernel's utf8 tables).
 *
 * <p>The journal is never replayed: a volume that needs recovery is read as it is on disk, and {@link #info()}
 * says so. Checksums are not verified except the superblock's (metadata_csum), whose mismatch is reported there.
 *
 * <p>Opening reads the superblock, the first group descriptor block and the root inode; looking up a path reads
 * only the group descriptor, inode table and directory blocks on its way (all cached by {@link VolumeReader}).
 * Instances are immutable and safe for concurrent use. {@link #close()} leaves the volume open: it belongs to the
 * caller.
 */
public final class ExtFileSystem implements FileSystem {

    public static final long ROOT_INODE = 2;
    /** EXT4_MAX_BLOCK_LOG_SIZE - 10: 64 KiB blocks. */
    public static final int MAX_LOG_BLOCK_SIZE = 6;
    /** Entries one listing returns at most. */
    public static final int MAX_LIST_ENTRIES = 5_000_000;
    /** A directory larger than this is refused (ext4 caps directories at 2 GiB, 4 TiB with large_dir). */
    public static final long MAX_DIRECTORY_BYTES = 1L << 34;
    /** Linux's PATH_MAX: no symlink target is longer. */
    public static final int MAX_SYMLINK = 4096;

    private final VolumeReader reader;
    private final ExtVolume vol;
    private final Superblock sb;
    private final FsInfo info;
    private final String format;
    private final long groupCount;
    private final int descSize;
    private final int descPerBlock;
    private final int inodeSize;
    private final boolean fileTypes;
    private final int hashUnsigned;

    private ExtFileSystem(VolumeReader reader, Superblock sb, FsInfo info, long groupCount) {
        this.reader = reader;
        this.sb = sb;
        this.info = info;
        this.format = info.type();
        this.groupCount = groupCount;
        int blockSize = 1024 << sb.logBlockSize();
        this.vol = new ExtVolume(reader, blockSize, sb.blocksCount(), sb.firstDataBlock());
        this.descSize = sb.descSize();
        this.descPerBlock = blockSize / descSize;
        this.inodeSize = sb.inodeSize();
        this.fileTypes = sb.hasIncompat(Features.INCOMPAT_FILETYPE);
        // fs/ext4/super.c: s_hash_unsigned = 3 with EXT2_FLAGS_UNSIGNED_HASH; signed otherwise (x86's char)
        this.hashUnsigned = (sb.flags() & Superblock.FLAG_UNSIGNED_HASH) != 0 ? 3 : 0;
    }

    /**
     * Opens the ext filesystem on {@code volume}.
     *
     * @throws NotThisFormatException     when there is no ext superblock (magic 0xEF53 at byte 1080)
     * @throws UnsupportedFormatException for an incompatible feature this reader does not implement (named), or an
     *                                    external journal device
     * @throws CorruptFormatException     for a damaged superblock, group descriptor or root directory
     */
    public static ExtFileSystem open(VirtualDisk volume) throws IOException {
        VolumeReader probe = new VolumeReader(volume, "ext", ByteOrder.LITTLE_ENDIAN);
        long sbOffset = Superblock.VOLUME_OFFSET;
        if (volume.size() < sbOffset + Superblock.SIZE) {
            throw new NotThisFormatException(probe.ref("superblock", "", sbOffset), Long.toString(volume.size()),
                    "at least 2048 bytes", "the volume (" + volume.size() + " bytes) is too small for an ext "
                    + "superblock, which ends at byte 2048");
        }
        Superblock sb = Superblock.decode(probe.read(sbOffset, Superblock.SIZE, "superblock", ""));
        if (sb.magic() != Superblock.MAGIC) {
            throw new NotThisFormatException(probe.ref("superblock", "s_magic", sbOffset + Superblock.OFFSET_MAGIC),
                    String.format("0x%04X", sb.magic()), "0xEF53");
        }
        String type = blkidType(sb);
        VolumeReader reader = new VolumeReader(volume, type, ByteOrder.LITTLE_ENDIAN);
        long groups = validate(sb, reader);
        List<Finding> anomalies = anomalies(sb, reader, volume.size());
        FsInfo info = new FsInfo(type, sb.label(), sb.uuidText(), sb.blocksCount() << (10 + sb.logBlockSize()),
                1024 << sb.logBlockSize(), true, anomalies);
        ExtFileSystem fs = new ExtFileSystem(reader, sb, info, groups);
        FsNode root = fs.node(ROOT_INODE);
        if (root.type() != FileType.DIRECTORY) {
            throw new CorruptFormatException(reader.ref("inode 2", "i_mode", ((ExtNode) root).inode().offset()),
                    String.format("0%o", root.stat().mode()), "a directory (040000)",
                    "the root inode is not a directory (i_mode 0" + Integer.toOctalString(root.stat().mode()) + ")");
        }
        return fs;
    }

    /**
     * The type as blkid names it (util-linux libblkid/src/superblocks/ext.c, probed in the order ext4dev, ext4,
     * ext3, ext2): "ext4dev" with the test_fs flag; "ext4" when any ro_compat feature beyond sparse_super,
     * large_file and btree_dir or any incompat feature beyond filetype, needs_recovery and meta_bg is set (extent,
     * 64bit, flex_bg, huge_file, dir_nlink, extra_isize, metadata_csum, ...); otherwise "ext3" with has_journal and
     * "ext2" without. (blkid names no type for the odd ext2 with needs_recovery but no journal; it is "ext2" here.)
     *
     * @throws UnsupportedFormatException for an external journal device (blkid's "jbd")
     */
    static String blkidType(Superblock sb) throws UnsupportedFormatException {
        if (sb.hasIncompat(Features.INCOMPAT_JOURNAL_DEV)) {
            throw new UnsupportedFormatException(FieldRef.of("ext", "superblock", "s_feature_incompat",
                    Superblock.VOLUME_OFFSET + Superblock.OFFSET_FEATURE_INCOMPAT), "journal_dev", null,
                    "this is an external ext3/ext4 journal device (feature journal_dev, blkid type jbd), not a "
                            + "filesystem with files");
        }
        if ((sb.flags() & Superblock.FLAG_TEST_FILESYS) != 0) {
            return "ext4dev";
        }
        int ext3RoCompat = Features.RO_COMPAT_SPARSE_SUPER | Features.RO_COMPAT_LARGE_FILE
                | Features.RO_COMPAT_BTREE_DIR;
        int ext3Incompat = Features.INCOMPAT_FILETYPE | Features.INCOMPAT_RECOVER | Features.INCOMPAT_META_BG;
        if ((sb.featureRoCompat() & ~ext3RoCompat) != 0 || (sb.featureIncompat() & ~ext3Incompat) != 0) {
            return "ext4";
        }
        return sb.hasCompat(Features.COMPAT_HAS_JOURNAL) ? "ext3" : "ext2";
    }

    /** The checks fs/ext4/super.c makes before mounting, and the features; returns the number of groups. */
    private static long validate(Superblock sb, VolumeReader r) throws IOException {
        long base = Superblock.VOLUME_OFFSET;
        int unsupported = sb.featureIncompat() & ~Features.INCOMPAT_SUPPORTED;
        if (unsupported != 0) {
            throw new UnsupportedFormatException(r.ref("superblock", "s_feature_incompat",
                    base + Superblock.OFFSET_FEATURE_INCOMPAT), String.join(",", Features.incompatNames(unsupported)),
                    null, "the filesystem uses the incompatible feature(s) "
                    + String.join(", ", Features.incompatNames(unsupported)) + ", which this reader does not implement");
        }
        if (sb.revLevel() > 1) {
            throw new UnsupportedFormatException(r.ref("superblock", "s_rev_level", base + Superblock.OFFSET_REV_LEVEL),
                    Long.toString(sb.revLevel()), "0 or 1");
        }
        if (sb.logBlockSize() > MAX_LOG_BLOCK_SIZE) {
            throw new CorruptFormatException(r.ref("superblock", "s_log_block_size",
                    base + Superblock.OFFSET_LOG_BLOCK_SIZE), Long.toString(sb.logBlockSize()),
                    "0 to 6 (1 KiB to 64 KiB blocks)");
        }
        int blockSize = 1024 << sb.logBlockSize();
        boolean bigalloc = sb.hasRoCompat(Features.RO_COMPAT_BIGALLOC);
        long clusterRatio = 1;
        if (bigalloc) {
            if (sb.logClusterSize() < sb.logBlockSize() || sb.logClusterSize() > sb.logBlockSize() + 16) {
                throw new CorruptFormatException(r.ref("superblock", "s_log_cluster_size",
                        base + Superblock.OFFSET_LOG_CLUSTER_SIZE), Long.toString(sb.logClusterSize()),
                        "from s_log_block_size (" + sb.logBlockSize() + ") to 16 more");
            }
            clusterRatio = 1L << (sb.logClusterSize() - sb.logBlockSize());
        }
        int inodeSize = sb.inodeSize();
        if (inodeSize < Inode.GOOD_OLD_SIZE || inodeSize > blockSize || Integer.bitCount(inodeSize) != 1) {
            throw new CorruptFormatException(r.ref("superblock", "s_inode_size", base + Superblock.OFFSET_INODE_SIZE),
                    Integer.toString(inodeSize), "a power of two from 128 to the block size (" + blockSize + ")");
        }
        long maxBlocks = Long.MAX_VALUE >> (10 + sb.logBlockSize());     // the size in bytes fits in a long
        if (sb.blocksCount() <= sb.firstDataBlock() || sb.blocksCount() > maxBlocks) {
            throw new CorruptFormatException(r.ref("superblock", "s_blocks_count",
                    base + Superblock.OFFSET_BLOCKS_COUNT_LO), Long.toUnsignedString(sb.blocksCount()),
                    "more than s_first_data_block (" + sb.firstDataBlock() + ") and at most " + maxBlocks);
        }
        boolean firstBlockOk = blockSize == 1024 && !bigalloc ? sb.firstDataBlock() == 1 : sb.firstDataBlock() == 0;
        if (!firstBlockOk) {
            throw new CorruptFormatException(r.ref("superblock", "s_first_data_block",
                    base + Superblock.OFFSET_FIRST_DATA_BLOCK), Long.toString(sb.firstDataBlock()),
                    blockSize == 1024 && !bigalloc ? "1 (1 KiB blocks)" : "0");
        }
        if (sb.blocksPerGroup() < 8 || sb.blocksPerGroup() > 8L * blockSize * clusterRatio
                || sb.blocksPerGroup() % clusterRatio != 0) {
            throw new CorruptFormatException(r.ref("superblock", "s_blocks_per_group",
                    base + Superblock.OFFSET_BLOCKS_PER_GROUP), Long.toString(sb.blocksPerGroup()),
                    "8 to " + 8L * blockSize * clusterRatio + " (one bitmap block)");
        }
        long inodesPerBlock = blockSize / inodeSize;
        if (sb.inodesPerGroup() < inodesPerBlock || sb.inodesPerGroup() > 8L * blockSize) {
            throw new CorruptFormatException(r.ref("superblock", "s_inodes_per_group",
                    base + Superblock.OFFSET_INODES_PER_GROUP), Long.toString(sb.inodesPerGroup()),
                    inodesPerBlock + " to " + 8L * blockSize);
        }
        long groups = (sb.blocksCount() - sb.firstDataBlock() + sb.blocksPerGroup() - 1) / sb.blocksPerGroup();
        if (sb.inodesCount() != groups * sb.inodesPerGroup()) {
            throw new CorruptFormatException(r.ref("superblock", "s_inodes_count",
                    base + Superblock.OFFSET_INODES_COUNT), Long.toString(sb.inodesCount()),
                    groups * sb.inodesPerGroup() + " (" + groups + " groups of " + sb.inodesPerGroup() + ")");
        }
        if (sb.is64Bit()) {
            int ds = sb.descSizeField();
            if (ds < 64 || ds > 1024 || Integer.bitCount(ds) != 1) {
                throw new CorruptFormatException(r.ref("superblock", "s_desc_size",
                        base + Superblock.OFFSET_DESC_SIZE), Integer.toString(ds), "a power of two from 64 to 1024");
            }
        }
        long descBlocks = (groups + blockSize / sb.descSize() - 1) / (blockSize / sb.descSize());
        if (sb.hasIncompat(Features.INCOMPAT_META_BG) && sb.firstMetaBg() > descBlocks) {
            throw new CorruptFormatException(r.ref("superblock", "s_first_meta_bg",
                    base + Superblock.OFFSET_FIRST_META_BG), Long.toString(sb.firstMetaBg()),
                    "at most " + descBlocks + " (the number of descriptor blocks)");
        }
        return groups;
    }

    private static List<Finding> anomalies(Superblock sb, VolumeReader r, long volumeSize) {
        long base = Superblock.VOLUME_OFFSET;
        List<Finding> out = new ArrayList<>();
        if (sb.hasIncompat(Features.INCOMPAT_RECOVER)) {
            out.add(new Finding("journal.needs-recovery", Severity.WARNING, r.ref("superblock", "s_feature_incompat",
                    base + Superblock.OFFSET_FEATURE_INCOMPAT), "needs_recovery", null,
                    "the journal needs recovery (the filesystem was not cleanly unmounted) and was not replayed: "
                            + "the most recent changes may be missing from what is read. Run e2fsck (or mount it "
                            + "once) on a copy to replay the journal"));
        }
        if (sb.hasRoCompat(Features.RO_COMPAT_METADATA_CSUM)) {
            if (sb.checksumType() != Superblock.CHECKSUM_CRC32C) {
                out.add(Finding.mismatch(Severity.ERROR, r.ref("superblock", "s_checksum_type",
                        base + Superblock.OFFSET_CHECKSUM_TYPE), Integer.toString(sb.checksumType()), "1 (crc32c)"));
            } else if (!sb.checksumValid()) {
                out.add(new Finding("superblock.checksum", Severity.ERROR, r.ref("superblock", "s_checksum",
                        base + Superblock.OFFSET_CHECKSUM), String.format("0x%08X", sb.checksum()),
                        String.format("0x%08X", sb.computedChecksum()),
                        String.format("the superblock checksum is 0x%08X - should be 0x%08X (crc32c): the kernel "
                                + "refuses to mount it; e2fsck can repair it", sb.checksum(), sb.computedChecksum())));
            }
        }
        if ((sb.state() & Superblock.STATE_ERROR) != 0) {
            out.add(new Finding("superblock.state", Severity.WARNING, r.ref("superblock", "s_state",
                    base + Superblock.OFFSET_STATE), Integer.toString(sb.state()), null,
                    "the kernel recorded errors on this filesystem (s_state has EXT2_ERROR_FS): run e2fsck -f"));
        } else if ((sb.state() & Superblock.STATE_VALID) == 0 && !sb.hasCompat(Features.COMPAT_HAS_JOURNAL)) {
            out.add(new Finding("superblock.state", Severity.WARNING, r.ref("superblock", "s_state",
                    base + Superblock.OFFSET_STATE), Integer.toString(sb.state()), "1 (clean)",
                    "the filesystem was not cleanly unmounted (it has no journal): run e2fsck -f"));
        }
        long bytes = sb.blocksCount() << (10 + sb.logBlockSize());
        if (bytes > volumeSize) {
            out.add(new Finding("volume.size", Severity.WARNING, r.ref("superblock", "s_blocks_count",
                    base + Superblock.OFFSET_BLOCKS_COUNT_LO), Long.toString(bytes), "at most " + volumeSize,
                    "the filesystem (" + bytes + " bytes) is larger than its volume (" + volumeSize
                            + " bytes): the volume was truncated or the partition is too small; data beyond its "
                            + "end cannot be read"));
        }
        return out;
    }

    @Override
    public FsInfo info() {
        return info;
    }

    @Override
    public long rootId() {
        return ROOT_INODE;
    }

    /** The decoded superblock. */
    public Superblock superblock() {
        return sb;
    }

    public int blockSize() {
        return vol.blockSize;
    }

    // ------------------------------------------------------------------ group descriptors and inodes

    /** The descriptor of group {@code group}: one cached block read. */
    public GroupDescriptor groupDescriptor(long group) throws IOException {
        if (group < 0 || group >= groupCount) {
            throw new IllegalArgumentException("group " + group + " of " + groupCount);
        }
        long blockIndex = group / descPerBlock;
        long block = descriptorBlock(blockIndex);
        String structure = "group descriptor " + group;
        vol.checkBlocks(block, 1, structure, "location", FieldRef.NO_OFFSET);
        ByteBuffer b = vol.block(block, structure, "descriptor block");
        int within = (int) (group % descPerBlock) * descSize;
        return GroupDescriptor.decode(group, vol.offsetOf(block) + within, b.position(within), descSize);
    }

    /** The block holding descriptor block {@code index}: kernel descriptor_loc() (fs/ext4/super.c). */
    private long descriptorBlock(long index) {
        long superblockBlock = vol.blockSize == 1024 ? 1 : 0;
        if (!sb.hasIncompat(Features.INCOMPAT_META_BG) || index < sb.firstMetaBg()) {
            return superblockBlock + index + 1;
        }
        long group = index * descPerBlock;      // the first group of the meta group holds its descriptors
        long block = sb.firstDataBlock() + group * sb.blocksPerGroup() + (hasSuper(group) ? 1 : 0);
        if (vol.blockSize == 1024 && index == 0 && sb.firstDataBlock() == 0) {
            block++;
        }
        return block;
    }

    /** Whether group {@code group} holds a superblock backup: ext4_bg_has_super. */
    private boolean hasSuper(long group) {
        if (group == 0) {
            return true;
        }
        if (sb.hasCompat(Features.COMPAT_SPARSE_SUPER2)) {
            return group == sb.backupBgs()[0] || group == sb.backupBgs()[1];
        }
        if (group <= 1 || !sb.hasRoCompat(Features.RO_COMPAT_SPARSE_SUPER)) {
            return true;
        }
        if ((group & 1) == 0) {
            return false;
        }
        return isPower(group, 3) || isPower(group, 5) || isPower(group, 7);
    }

    private static boolean isPower(long n, int base) {
        long p = base;
        while (p < n) {
            p *= base;
        }
        return p == n;
    }

    /**
     * Loads inode {@code id}.
     *
     * @throws CorruptFormatException when the number is outside 1..s_inodes_count, the inode is not in use, or its
     *                                fields are inconsistent
     */
    @Override
    public ExtNode node(long id) throws IOException {
        Inode inode = inode(id);
        String structure = "inode " + id;
        if (inode.linksCount() == 0) {
            throw new CorruptFormatException(reader.ref(structure, "i_links_count",
                    inode.offset() + Inode.OFFSET_LINKS_COUNT), "0", "at least 1",
                    "inode " + id + " is not in use (its link count is 0): a directory entry pointing to it is stale");
        }
        FileType type = FileType.fromMode(inode.mode());
        long size = inode.sizeLo();
        if (type == FileType.REGULAR || sb.hasIncompat(Features.INCOMPAT_LARGEDIR)) {
            size |= inode.sizeHigh() << 32;
        }
        if (size < 0) {
            throw new CorruptFormatException(reader.ref(structure, "i_size_high", inode.offset()
                    + Inode.OFFSET_SIZE_HIGH), Long.toUnsignedString(size), "less than 2^63");
        }
        if (type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE || type == FileType.FIFO
                || type == FileType.SOCKET) {
            size = 0;
        }
        FileStat stat = new FileStat(type, size, inode.mode(), inode.uid(), inode.gid(), inode.mtime(),
                inode.linksCount());
        return new ExtNode(id, stat, inode, this);
    }

    /** Reads and decodes inode {@code id}, checking the number, its group and i_extra_isize. */
    public Inode inode(long id) throws IOException {
        if (id < 1 || id > sb.inodesCount()) {
            throw new CorruptFormatException(reader.ref("inode " + id, "number", FieldRef.NO_OFFSET),
                    Long.toString(id), "1 to " + sb.inodesCount() + " (s_inodes_count)");
        }
        long group = (id - 1) / sb.inodesPerGroup();
        long index = (id - 1) % sb.inodesPerGroup();
        GroupDescriptor gd = groupDescriptor(group);
        String structure = "inode " + id;
        if (sb.hasGroupDescChecksums() && ((gd.flags() & GroupDescriptor.INODE_UNINIT) != 0
                || index >= sb.inodesPerGroup() - Math.min(gd.itableUnused(), sb.inodesPerGroup()))) {
            throw new CorruptFormatException(reader.ref("group descriptor " + group, "bg_flags",
                    gd.offset() + GroupDescriptor.OFFSET_FLAGS), "inode " + id + " is not in use: "
                    + ((gd.flags() & GroupDescriptor.INODE_UNINIT) != 0 ? "its group's inode table is uninitialized"
                    : "it lies in the never-used tail of its group's inode table (bg_itable_unused "
                    + gd.itableUnused() + ")"));
        }
        long tableBlocks = (sb.inodesPerGroup() * inodeSize + vol.blockSize - 1) / vol.blockSize;
        vol.checkBlocks(gd.inodeTable(), tableBlocks, "group descriptor " + group, "bg_inode_table",
                gd.offset() + GroupDescriptor.OFFSET_INODE_TABLE_LO);
        long byteInTable = index * inodeSize;
        long block = gd.inodeTable() + byteInTable / vol.blockSize;
        int within = (int) (byteInTable % vol.blockSize);
        ByteBuffer b = vol.block(block, structure, "inode table block");
        Inode inode = Inode.decode(id, vol.offsetOf(block) + within, b.position(within), inodeSize);
        if (inodeSize > Inode.GOOD_OLD_SIZE && (Inode.GOOD_OLD_SIZE + inode.extraIsize() > inodeSize
                || inode.extraIsize() % 4 != 0)) {
            throw new CorruptFormatException(reader.ref(structure, "i_extra_isize",
                    inode.offset() + Inode.OFFSET_EXTRA_ISIZE), Integer.toString(inode.extraIsize()),
                    "a multiple of 4, at most " + (inodeSize - Inode.GOOD_OLD_SIZE));
        }
        return inode;
    }

    private ExtNode own(FsNode node, FileType type, String what) {
        if (!(node instanceof ExtNode n) || n.owner() != this) {
            throw new IllegalArgumentException(node + " is not a file of this filesystem");
        }
        if (n.type() != type) {
            throw new IllegalArgumentException("inode " + n.id() + " is not " + what + " but " + n.type());
        }
        return n;
    }

    private void refuseEncrypted(ExtNode n) throws UnsupportedFormatException {
        if (n.inode().hasFlag(Inode.FLAG_ENCRYPT)) {
            throw new UnsupportedFormatException(reader.ref("inode " + n.id(), "i_flags",
                    n.inode().offset() + Inode.OFFSET_FLAGS), "inode " + n.id()
                    + " is encrypted (fscrypt, EXT4_ENCRYPT_FL): its names and data cannot be read without the key");
        }
    }

    /** The block map of an inode stored in blocks: its extent tree or its indirect block map. */
    private BlockMap blockMap(Inode inode) throws CorruptFormatException {
        if (inode.hasFlag(Inode.FLAG_EXTENTS)) {
            if (!sb.hasIncompat(Features.INCOMPAT_EXTENTS)) {
                throw new CorruptFormatException(reader.ref("inode " + inode.number(), "i_flags",
                        inode.offset() + Inode.OFFSET_FLAGS), "inode " + inode.number()
                        + " has the extents flag on a filesystem without the extent feature");
            }
            return new ExtentMap(vol, inode);
        }
        return new IndirectMap(vol, inode);
    }

    // ------------------------------------------------------------------ file data

    @Override
    public int read(FsNode file, long position, ByteBuffer dst) throws IOException {
        ExtNode n = own(file, FileType.REGULAR, "a regular file");
        if (position < 0) {
            throw new IllegalArgumentException("position " + position);
        }
        long size = n.stat().size();
        if (position >= size) {
            return -1;
        }
        refuseEncrypted(n);
        int want = (int) Math.min(dst.remaining(), size - position);
        if (n.inode().hasFlag(Inode.FLAG_INLINE_DATA)) {
            return readInline(n.inode(), position, dst, want);
        }
        BlockMap map = blockMap(n.inode());
        int done = 0;
        long p = position;
        while (done < want) {
            long logical = p >>> vol.blockShift;
            BlockMap.Run run = map.find(logical);
            long runEnd = run.end() << vol.blockShift;
            int n2 = (int) Math.min(want - done, runEnd - p);
            ByteBuffer part = dst.slice(dst.position(), n2);
            if (run.kind() == BlockMap.Kind.MAPPED) {
                long at = vol.offsetOf(run.physical()) + (p - (logical << vol.blockShift));
                reader.readInto(at, part, "inode " + n.id() + " data", "block " + logical);
            } else {
                while (part.hasRemaining()) {
                    part.put((byte) 0);
                }
            }
            dst.position(dst.position() + n2);
            done += n2;
            p += n2;
        }
        return done;
    }

    /**
     * The whole inline data of an inode: i_block, then the system.data value. An i_size beyond it reads as zeros,
     * as the kernel's ext4_read_inline_folio does (mke2fs -d 1.47.0 writes such inodes for sparse files without
     * data; e2fsck accepts them, debugfs cat stops at the inline data).
     */
    private ByteBuffer inlineBytes(Inode inode) throws IOException {
        ByteBuffer extra = InlineData.systemData(inode, reader);
        ByteBuffer all = ByteBuffer.allocate(Inode.BLOCK_SIZE + extra.remaining());
        all.put(inode.iBlock()).put(extra).flip();
        return all.order(ByteOrder.LITTLE_ENDIAN);
    }

    private int readInline(Inode inode, long position, ByteBuffer dst, int want) throws IOException {
        ByteBuffer all = inlineBytes(inode);
        int stored = (int) Math.max(0, Math.min(want, all.remaining() - position));
        if (stored > 0) {
            dst.put(all.slice((int) position, stored));
        }
        for (int i = stored; i < want; i++) {
            dst.put((byte) 0);
        }
        return want;
    }

    // ------------------------------------------------------------------ symlinks

    @Override
    public String readLink(FsNode link) throws IOException {
        ExtNode n = own(link, FileType.SYMLINK, "a symlink");
        refuseEncrypted(n);
        Inode inode = n.inode();
        long size = n.stat().size();
        String structure = "inode " + n.id();
        if (size == 0 || size > Math.min(MAX_SYMLINK, vol.blockSize)) {
            throw new CorruptFormatException(reader.ref(structure, "i_size", inode.offset() + Inode.OFFSET_SIZE_LO),
                    Long.toString(size), "1 to " + Math.min(MAX_SYMLINK, vol.blockSize),
                    "symlink inode " + n.id() + " has a target of " + size + " bytes");
        }
        byte[] target = new byte[(int) size];
        if (inode.hasFlag(Inode.FLAG_INLINE_DATA)) {
            ByteBuffer all = inlineBytes(inode);
            all.get(target, 0, Math.min(target.length, all.remaining()));
        } else if (isFastSymlink(inode)) {
            if (size >= Inode.BLOCK_SIZE) {
                throw new CorruptFormatException(reader.ref(structure, "i_size", inode.offset()
                        + Inode.OFFSET_SIZE_LO), Long.toString(size), "less than 60 for a fast symlink",
                        "symlink inode " + n.id() + " has no data blocks, so its target lives in i_block, but its "
                                + "size (" + size + ") does not fit there");
            }
            inode.iBlock().get(target);
        } else {
            BlockMap.Run run = blockMap(inode).find(0);
            if (run.kind() != BlockMap.Kind.MAPPED) {
                throw new CorruptFormatException(reader.ref(structure, "i_block", inode.offset()
                        + Inode.OFFSET_BLOCK), "symlink inode " + n.id() + " has no block for its target");
            }
            reader.readInto(vol.offsetOf(run.physical()), ByteBuffer.wrap(target), structure + " target", "block 0");
        }
        int length = 0;
        while (length < target.length && target[length] != 0) {
            length++;
        }
        return new String(target, 0, length, StandardCharsets.UTF_8);
    }

    /**
     * The kernel's ext4_inode_is_fast_symlink: no blocks besides an extended attribute block. (i_blocks counts
     * 512-byte sectors, or filesystem blocks with huge_file and EXT4_HUGE_FILE_FL.)
     */
    private boolean isFastSymlink(Inode inode) {
        long sectors = inode.blocks();
        if (sb.hasRoCompat(Features.RO_COMPAT_HUGE_FILE) && inode.hasFlag(Inode.FLAG_HUGE_FILE)) {
            sectors <<= vol.blockShift - 9;
        }
        long clusterSectors = sb.hasRoCompat(Features.RO_COMPAT_BIGALLOC)
                ? 1L << (10 + sb.logClusterSize() - 9) : vol.blockSize >> 9;
        long eaSectors = inode.fileAcl() != 0 ? clusterSectors : 0;
        return sectors - eaSectors == 0;
    }

    // ------------------------------------------------------------------ directories

    @Override
    public List<DirEntry> list(FsNode dir) throws IOException {
        ExtNode n = own(dir, FileType.DIRECTORY, "a directory");
        refuseEncrypted(n);
        List<DirEntry> out = new ArrayList<>();
        walkDirectory(n, (inode, region, nameOffset, nameLength, fileType, offset) -> {
            if (!DirBlock.isDot(region, nameOffset, nameLength)) {
                if (out.size() >= MAX_LIST_ENTRIES) {
                    throw new CorruptFormatException(reader.ref("inode " + n.id() + " directory", "entries", offset),
                            "directory inode " + n.id() + " has more than " + MAX_LIST_ENTRIES + " entries");
                }
                out.add(new DirEntry(name(region, nameOffset, nameLength), inode, DirBlock.fileType(fileType)));
            }
            return true;
        });
        return out;
    }

    private static String name(ByteBuffer region, int offset, int length) {
        byte[] b = new byte[length];
        region.get(offset, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Looks {@code name} up: through the htree index when the directory has one (falling back to a linear scan
     * when the index is damaged, as the kernel does), else by a linear scan. Names are compared byte for byte as
     * UTF-8; in casefolded directories, ignoring case after an exact match fails.
     */
    @Override
    public Optional<DirEntry> lookup(FsNode dir, String name) throws IOException {
        ExtNode n = own(dir, FileType.DIRECTORY, "a directory");
        refuseEncrypted(n);
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        if (wanted.length == 0 || wanted.length > 255 || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0
                || name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        boolean casefold = sb.hasIncompat(Features.INCOMPAT_CASEFOLD) && n.inode().hasFlag(Inode.FLAG_CASEFOLD);
        if (!casefold && isIndexed(n.inode())) {
            HashTree tree = new HashTree(this, n);
            Optional<DirEntry> found;
            try {
                found = tree.lookup(wanted);
            } catch (CorruptFormatException e) {
                found = null;    // fs/ext4/namei.c: ERR_BAD_DX_DIR falls back to a linear search
            }
            if (found != null) {
                return found;
            }
        }
        Optional<DirEntry> exact = linearLookup(n, wanted, null);
        if (exact.isPresent() || !casefold) {
            return exact;
        }
        return linearLookup(n, wanted, fold(name));
    }

    private static String fold(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFD).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    private Optional<DirEntry> linearLookup(ExtNode dir, byte[] wanted, String folded) throws IOException {
        DirEntry[] hit = new DirEntry[1];
        walkDirectory(dir, (inode, region, nameOffset, nameLength, fileType, offset) -> {
            if (matches(region, nameOffset, nameLength, wanted)
                    || (folded != null && fold(name(region, nameOffset, nameLength)).equals(folded))) {
                hit[0] = new DirEntry(name(region, nameOffset, nameLength), inode, DirBlock.fileType(fileType));
                return false;
            }
            return true;
        });
        return Optional.ofNullable(hit[0]);
    }

    static boolean matches(ByteBuffer region, int offset, int length, byte[] wanted) {
        if (length != wanted.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (region.get(offset + i) != wanted[i]) {
                return false;
            }
        }
        return true;
    }

    /** is_dx(): the dir_index feature and the inode's EXT4_INDEX_FL, on a directory stored in blocks. */
    boolean isIndexed(Inode inode) {
        return sb.hasCompat(Features.COMPAT_DIR_INDEX) && inode.hasFlag(Inode.FLAG_INDEX)
                && !inode.hasFlag(Inode.FLAG_INLINE_DATA);
    }

    /** Walks every used entry of a directory, inline or in blocks, in on-disk order. */
    private void walkDirectory(ExtNode dir, DirBlock.Visitor visitor) throws IOException {
        Inode inode = dir.inode();
        long size = dir.stat().size();
        String structure = "inode " + dir.id() + " directory";
        if (inode.hasFlag(Inode.FLAG_INLINE_DATA)) {
            // fs/ext4/inline.c: i_block holds the parent's inode number (4 bytes), then entries; system.data more
            ByteBuffer extra = InlineData.systemData(inode, reader);
            ByteBuffer first = inode.iBlock().slice(4, Inode.BLOCK_SIZE - 4).order(ByteOrder.LITTLE_ENDIAN);
            if (!DirBlock.walk(first, inode.offset() + Inode.OFFSET_BLOCK + 4, structure, reader,
                    sb.inodesCount(), fileTypes, false, visitor)) {
                return;
            }
            if (extra.remaining() > 0) {
                DirBlock.walk(extra, FieldRef.NO_OFFSET, structure + " system.data", reader, sb.inodesCount(),
                        fileTypes, false, visitor);
            }
            return;
        }
        long blocks = directoryBlocks(dir);
        BlockMap map = blockMap(inode);
        boolean large = vol.blockSize >= 1 << 16;
        TreeMap<Long, Long> seen = new TreeMap<>();
        for (long logical = 0; logical < blocks; ) {
            BlockMap.Run run = map.find(logical);
            if (run.kind() != BlockMap.Kind.MAPPED) {
                throw new CorruptFormatException(reader.ref(structure, "block " + logical, FieldRef.NO_OFFSET),
                        "directory inode " + dir.id() + " has a hole at block " + logical + " of " + blocks
                                + " (i_size " + size + ")");
            }
            long end = Math.min(run.end(), blocks);
            // a block mapped twice would make the walk repeat itself: with each block read at most once, a walk
            // costs at most the filesystem's size however the map is forged
            long first = run.physical();
            long last = first + (end - logical) - 1;
            Map.Entry<Long, Long> before = seen.floorEntry(last);
            if (before != null && before.getValue() >= first) {
                throw new CorruptFormatException(reader.ref(structure, "block " + logical, FieldRef.NO_OFFSET),
                        "directory inode " + dir.id() + " maps volume blocks " + first + " to " + last
                                + " more than once");
            }
            seen.put(first, last);
            for (long l = logical; l < end; l++) {
                long physical = run.physical() + (l - logical);
                ByteBuffer block = vol.block(physical, structure, "block " + l);
                if (!DirBlock.walk(block, vol.offsetOf(physical), structure, reader, sb.inodesCount(), fileTypes,
                        large, visitor)) {
                    return;
                }
            }
            logical = end;
        }
    }

    /** The number of blocks of a directory stored in blocks, from its size, capped. */
    long directoryBlocks(ExtNode dir) throws UnsupportedFormatException {
        long size = dir.stat().size();
        if (size > MAX_DIRECTORY_BYTES) {
            throw new UnsupportedFormatException(reader.ref("inode " + dir.id(), "i_size",
                    dir.inode().offset() + Inode.OFFSET_SIZE_LO), Long.toString(size),
                    "at most " + MAX_DIRECTORY_BYTES, "directory inode " + dir.id() + " is " + size
                    + " bytes, more than the " + MAX_DIRECTORY_BYTES + " this reader lists");
        }
        return (size + vol.blockSize - 1) >>> vol.blockShift;
    }

    // ------------------------------------------------------------------ for HashTree

    ExtVolume volume() {
        return vol;
    }

    VolumeReader reader() {
        return reader;
    }

    /** The volume block holding logical block {@code logical} of a directory, which must be mapped. */
    long directoryBlock(ExtNode dir, long logical) throws IOException {
        BlockMap.Run run = blockMap(dir.inode()).find(logical);
        if (run.kind() != BlockMap.Kind.MAPPED) {
            throw new CorruptFormatException(reader.ref("inode " + dir.id() + " directory", "block " + logical,
                    FieldRef.NO_OFFSET), "directory inode " + dir.id() + " has a hole at block " + logical);
        }
        return run.physical();
    }

    /** Walks the entries of one directory block. */
    boolean walkBlock(ExtNode dir, long physical, DirBlock.Visitor visitor) throws IOException {
        ByteBuffer block = vol.block(physical, "inode " + dir.id() + " directory", "block");
        return DirBlock.walk(block, vol.offsetOf(physical), "inode " + dir.id() + " directory", reader,
                sb.inodesCount(), fileTypes, vol.blockSize >= 1 << 16, visitor);
    }

    /** The hash version to use for a tree whose root says {@code rootVersion} (dx_probe). */
    int hashVersion(int rootVersion) {
        return rootVersion <= DirHash.TEA ? rootVersion + hashUnsigned : rootVersion;
    }

    int[] hashSeed() {
        return sb.hashSeed();
    }

    boolean metadataCsum() {
        return sb.hasRoCompat(Features.RO_COMPAT_METADATA_CSUM);
    }

    boolean largeDir() {
        return sb.hasIncompat(Features.INCOMPAT_LARGEDIR);
    }

    @Override
    public void close() {
        // the volume belongs to the caller
    }

    @Override
    public String toString() {
        return format + " filesystem (" + info.size() + " bytes, " + vol.blockSize + "-byte blocks)";
    }
}
