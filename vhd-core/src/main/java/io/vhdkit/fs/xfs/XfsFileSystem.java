package io.vhdkit.fs.xfs;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileSystem;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsInfo;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.VolumeReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A read-only XFS filesystem (v4 and v5), read by vhdkit itself. Ids are inode numbers; the root is
 * {@code sb_rootino}.
 *
 * <p>What is read: the primary superblock; inodes v1 to v3 (v3 CRC, number and UUID checked); data forks in
 * extents and btree format (any depth up to {@link DataFork#MAX_LEVELS}); unwritten extents and holes read as
 * zeros; directories in shortform, block, leaf and node form (listing from the data blocks, lookup through the hash
 * index); inline and remote symlinks; device numbers. Names are bytes on disk: they are decoded as UTF-8 (invalid
 * sequences become U+FFFD, and such a name cannot be looked up by its decoded form).
 *
 * <p>Feature bits: ftype, spinodes, meta_uuid, bigtime, nrext64, needsrepair (reported), exchrange and parent (no
 * effect on what is read) are supported; ascii-ci names compare as the kernel compares them ({@link
 * FsInfo#caseSensitive()} is false). Refused as unsupported: versions 1 to 3, v4 without dirv2 or nlink, unknown
 * incompat bits (metadir, zoned, newer), and the data of realtime files.
 *
 * <p>Not known offline: whether the log is clean. The reader reports {@code sb_inprogress}, needsrepair and log
 * incompat bits (set only while the log holds items) as anomalies, but does not search the log for its head, so a
 * filesystem shut down uncleanly reads as of its last checkpoint, without what the log would replay.
 *
 * <p>The volume belongs to the caller: closing the filesystem does not close it.
 */
public final class XfsFileSystem implements FileSystem {

    /** Extents listed by {@link #extents} at most. */
    public static final int MAX_LISTED_EXTENTS = 1 << 20;
    private static final byte[] ZEROS = new byte[64 * 1024];

    private final VolumeReader reader;
    private final XfsSuperblock sb;
    private final XfsGeometry g;
    private final boolean verifyCrc;
    private final FsInfo info;

    private XfsFileSystem(VolumeReader reader, XfsGeometry g, boolean verifyCrc) {
        this.reader = reader;
        this.sb = g.sb;
        this.g = g;
        this.verifyCrc = verifyCrc;
        this.info = new FsInfo("xfs", sb.label(), sb.uuid().toString(), g.size(), g.blockSize, !g.asciiCi,
                g.anomalies);
    }

    /**
     * Opens the XFS filesystem on {@code volume}.
     *
     * @throws io.vhdkit.format.NotThisFormatException  without the "XFSB" superblock magic
     * @throws UnsupportedFormatException               for a version or feature this reader does not handle
     * @throws CorruptFormatException                   for a damaged superblock or root directory
     */
    public static XfsFileSystem open(VirtualDisk volume) throws IOException {
        return open(volume, true);
    }

    /** As {@link #open(VirtualDisk)}; {@code verifyCrc} false lets tests reach the checks behind the v5 CRCs. */
    static XfsFileSystem open(VirtualDisk volume, boolean verifyCrc) throws IOException {
        VolumeReader reader = new VolumeReader(volume, XfsGeometry.FORMAT, ByteOrder.BIG_ENDIAN);
        if (volume.size() < 512) {
            throw new NotThisFormatException(XfsGeometry.sbRef("magic", 0),
                    "the volume (" + volume.size() + " bytes) is too small for an XFS superblock");
        }
        ByteBuffer first = reader.read(0, 512, "superblock", "magic");
        if (first.getInt(0) != XfsSuperblock.MAGIC) {
            throw new NotThisFormatException(XfsGeometry.sbRef("magic", 0),
                    XfsGeometry.hex(first.getInt(0)), "0x58465342 (XFSB)", "no XFS superblock: magic is "
                    + XfsGeometry.hex(first.getInt(0)) + " - should be 0x58465342 (XFSB)");
        }
        int sectSize = Short.toUnsignedInt(first.getShort(XfsSuperblock.OFFSET_SECTSIZE));
        boolean sectOk = sectSize >= 512 && sectSize <= 32768 && Integer.bitCount(sectSize) == 1
                && sectSize <= volume.size();
        ByteBuffer sector = sectOk ? reader.read(0, sectSize, "superblock", "sector") : first;
        XfsSuperblock sb = XfsSuperblock.decode(sector, sectOk ? sectSize : 512);
        XfsGeometry g = XfsGeometry.of(sb, volume.size(), verifyCrc);
        XfsFileSystem fs = new XfsFileSystem(reader, g, verifyCrc);
        FsNode root = fs.node(sb.rootIno());
        if (root.type() != FileType.DIRECTORY) {
            throw new CorruptFormatException(XfsGeometry.sbRef("rootino", XfsSuperblock.OFFSET_ROOTINO),
                    root.type().name(), "DIRECTORY", "the root inode " + sb.rootIno() + " is a "
                    + root.type().name().toLowerCase(java.util.Locale.ROOT) + ", not a directory");
        }
        return fs;
    }

    public XfsSuperblock superblock() {
        return sb;
    }

    XfsGeometry geometry() {
        return g;
    }

    VolumeReader reader() {
        return reader;
    }

    @Override
    public FsInfo info() {
        return info;
    }

    @Override
    public long rootId() {
        return sb.rootIno();
    }

    @Override
    public XfsInode node(long id) throws IOException {
        FieldRef where = FieldRef.of(XfsGeometry.FORMAT, "inode " + Long.toUnsignedString(id), "number",
                FieldRef.NO_OFFSET);
        long offset = g.inodeOffset(id, where);
        long blockAt = offset & -((long) g.blockSize);
        ByteBuffer block = reader.block(blockAt, g.blockSize, "inode " + Long.toUnsignedString(id), "core");
        return XfsInode.decode(this, g, id, offset, block.position((int) (offset - blockAt)), verifyCrc);
    }

    private XfsInode own(FsNode node, FileType want, String what) {
        if (!(node instanceof XfsInode inode) || inode.owner() != this) {
            throw new IllegalArgumentException(node + " is not a file of this XFS filesystem");
        }
        if (want != null && inode.type() != want) {
            throw new IllegalArgumentException("inode " + inode.ino() + " is a " + inode.type() + ", not " + what);
        }
        return inode;
    }

    @Override
    public List<DirEntry> list(FsNode dir) throws IOException {
        XfsInode inode = own(dir, FileType.DIRECTORY, "a directory");
        XfsDirectory d = new XfsDirectory(this, inode);
        List<DirEntry> out = new ArrayList<>();
        for (XfsDirectory.Entry e : d.entries()) {
            out.add(d.toDirEntry(e));
        }
        return out;
    }

    /**
     * Looks the name up through the directory's hash index (reading only the blocks on the way). On an ascii-ci
     * filesystem an exact match wins, else the first entry equal ignoring case, as the kernel does.
     */
    @Override
    public Optional<DirEntry> lookup(FsNode dir, String name) throws IOException {
        XfsInode inode = own(dir, FileType.DIRECTORY, "a directory");
        XfsDirectory d = new XfsDirectory(this, inode);
        return d.lookup(name.getBytes(StandardCharsets.UTF_8)).map(d::toDirEntry);
    }

    /** Directory entries with the details XFS keeps: name bytes, inode, file type byte, directory offset. */
    List<XfsDirectory.Entry> entries(FsNode dir) throws IOException {
        return new XfsDirectory(this, own(dir, FileType.DIRECTORY, "a directory")).entries();
    }

    @Override
    public int read(FsNode file, long position, ByteBuffer dst) throws IOException {
        XfsInode inode = own(file, FileType.REGULAR, "a regular file");
        if (position < 0) {
            throw new IllegalArgumentException("position " + position);
        }
        long size = inode.stat().size();
        if (position >= size) {
            return -1;
        }
        refuseRealtime(inode);
        int n = (int) Math.min(dst.remaining(), size - position);
        DataFork fork = DataFork.of(this, inode);
        int done = 0;
        while (done < n) {
            long pos = position + done;
            long block = pos >>> g.blockLog;
            int within = (int) (pos & (g.blockSize - 1));
            DataFork.Mapping m = fork.map(block);
            long avail = (m.end() - block) > (Long.MAX_VALUE >> g.blockLog) ? Long.MAX_VALUE
                    : ((m.end() - block) << g.blockLog) - within;
            int chunk = (int) Math.min(n - done, avail);
            ByteBuffer part = dst.slice(dst.position() + done, chunk);
            if (m.hole() || m.unwritten()) {
                while (part.hasRemaining()) {
                    part.put(ZEROS, 0, Math.min(ZEROS.length, part.remaining()));
                }
            } else {
                long fsb = m.startBlock() + (block - m.fileOffset());
                long at = g.fsbToByte(fsb, 1, FieldRef.of(XfsGeometry.FORMAT, "inode " + inode.ino(), "extent",
                        inode.offset())) + within;
                reader.readInto(at, part, "inode " + inode.ino(), "data");
            }
            done += chunk;
        }
        dst.position(dst.position() + n);
        return n;
    }

    private static void refuseRealtime(XfsInode inode) throws UnsupportedFormatException {
        if (inode.realtime() && inode.type() == FileType.REGULAR) {
            throw new UnsupportedFormatException(FieldRef.of(XfsGeometry.FORMAT, "inode " + inode.ino(), "di_flags",
                    inode.offset() + XfsInode.OFFSET_FLAGS), "realtime", null, "inode " + inode.ino()
                    + " is a realtime file: its data is on the realtime device, which is not read");
        }
    }

    @Override
    public String readLink(FsNode link) throws IOException {
        return XfsSymlink.read(this, own(link, FileType.SYMLINK, "a symlink"));
    }

    /**
     * The data fork's extents in file order (holes left out), at most {@link #MAX_LISTED_EXTENTS}: where a regular
     * file, directory or remote symlink keeps its blocks.
     */
    public List<XfsExtent> extents(FsNode file) throws IOException {
        XfsInode inode = own(file, null, null);
        if (inode.format() != XfsInode.FORMAT_EXTENTS && inode.format() != XfsInode.FORMAT_BTREE) {
            return List.of();
        }
        refuseRealtime(inode);
        return DataFork.of(this, inode).extents(MAX_LISTED_EXTENTS);
    }

    /**
     * The self-describing checks of a v5 metadata block: CRC (when verified), block number (in 512-byte units),
     * filesystem UUID and owning inode, at the given offsets within the block.
     */
    void checkV5Block(ByteBuffer b, long at, int crcOffset, int blknoOffset, int uuidOffset, int ownerOffset,
                      long owner, String where) throws CorruptFormatException {
        if (verifyCrc) {
            int stored = XfsChecksum.stored(b, crcOffset);
            int computed = XfsChecksum.compute(b, 0, b.limit(), crcOffset);
            if (stored != computed) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "crc", at + crcOffset),
                        XfsChecksum.hex(stored), XfsChecksum.hex(computed));
            }
        }
        long blkno = b.getLong(blknoOffset);
        if (blkno != at >>> 9) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "blkno", at + blknoOffset),
                    Long.toUnsignedString(blkno), Long.toString(at >>> 9) + " (where the block is)");
        }
        if (!XfsSuperblock.uuid(b, uuidOffset).equals(g.metaUuid)) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "uuid", at + uuidOffset),
                    XfsSuperblock.uuid(b, uuidOffset).toString(), g.metaUuid + " (the filesystem's metadata UUID)");
        }
        long actualOwner = b.getLong(ownerOffset);
        if (actualOwner != owner) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "owner", at + ownerOffset),
                    Long.toUnsignedString(actualOwner), Long.toUnsignedString(owner) + " (the inode it belongs to)");
        }
    }

    @Override
    public void close() {
        // the volume belongs to the caller
    }
}
