package io.vhdkit.fs.xfs;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.fs.FileStat;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Locale;

/**
 * An inode: the on-disk {@code struct xfs_dinode} core (100 bytes in versions 1 and 2, 176 in version 3 with a
 * CRC), decoded and checked, with a copy of its data fork. A file of {@link XfsFileSystem}; its id is the inode
 * number.
 */
public final class XfsInode implements FsNode {

    /** {@code XFS_DINODE_MAGIC}, "IN". */
    public static final int MAGIC = 0x494E;
    public static final int OFFSET_MAGIC = 0;
    public static final int OFFSET_MODE = 2;
    public static final int OFFSET_VERSION = 4;
    public static final int OFFSET_FORMAT = 5;
    public static final int OFFSET_ONLINK = 6;
    public static final int OFFSET_UID = 8;
    public static final int OFFSET_GID = 12;
    public static final int OFFSET_NLINK = 16;
    /** v3 with the nrext64 flag: the 64-bit data extent count. */
    public static final int OFFSET_BIG_NEXTENTS = 24;
    public static final int OFFSET_ATIME = 32;
    public static final int OFFSET_MTIME = 40;
    public static final int OFFSET_CTIME = 48;
    public static final int OFFSET_SIZE = 56;
    public static final int OFFSET_NBLOCKS = 64;
    public static final int OFFSET_NEXTENTS = 76;
    public static final int OFFSET_ANEXTENTS = 80;
    public static final int OFFSET_FORKOFF = 82;
    public static final int OFFSET_AFORMAT = 83;
    public static final int OFFSET_FLAGS = 90;
    public static final int OFFSET_CRC = 100;
    public static final int OFFSET_FLAGS2 = 120;
    public static final int OFFSET_CRTIME = 144;
    public static final int OFFSET_INO = 152;
    public static final int OFFSET_UUID = 160;

    /** {@code di_format} values. */
    public static final int FORMAT_DEV = 0;
    public static final int FORMAT_LOCAL = 1;
    public static final int FORMAT_EXTENTS = 2;
    public static final int FORMAT_BTREE = 3;

    /** {@code di_flags}: the file's data is on the realtime device. */
    public static final int FLAG_REALTIME = 0x0001;
    /** {@code di_flags2} bits. */
    public static final long FLAG2_BIGTIME = 1L << 3;
    public static final long FLAG2_NREXT64 = 1L << 4;

    private final XfsFileSystem owner;
    private final long ino;
    private final long offset;
    private final int version;
    private final int format;
    private final int flags;
    private final long flags2;
    private final long nextents;
    private final long nblocks;
    private final int forkOff;
    private final byte[] dataFork;
    private final int rdev;
    private final FileStat stat;

    private XfsInode(XfsFileSystem owner, long ino, long offset, int version, int format, int flags, long flags2,
                     long nextents, long nblocks, int forkOff, byte[] dataFork, int rdev, FileStat stat) {
        this.owner = owner;
        this.ino = ino;
        this.offset = offset;
        this.version = version;
        this.format = format;
        this.flags = flags;
        this.flags2 = flags2;
        this.nextents = nextents;
        this.nblocks = nblocks;
        this.forkOff = forkOff;
        this.dataFork = dataFork;
        this.rdev = rdev;
        this.stat = stat;
    }

    /**
     * Decodes and checks the inode whose {@code inodeSize} bytes start at the position of {@code raw}.
     *
     * @param offset    the inode's byte offset in the volume, for messages
     * @param verifyCrc whether a v3 CRC mismatch is fatal
     */
    static XfsInode decode(XfsFileSystem owner, XfsGeometry g, long ino, long offset, ByteBuffer raw,
                           boolean verifyCrc) throws CorruptFormatException {
        ByteBuffer b = raw.slice(raw.position(), g.inodeSize).order(ByteOrder.BIG_ENDIAN);
        String structure = "inode " + Long.toUnsignedString(ino);
        int magic = Short.toUnsignedInt(b.getShort(OFFSET_MAGIC));
        if (magic != MAGIC) {
            throw corrupt(structure, "di_magic", offset, String.format(Locale.ROOT, "0x%04X", magic),
                    "0x494E (IN)");
        }
        int version = Byte.toUnsignedInt(b.get(OFFSET_VERSION));
        if (g.v5 ? version != 3 : version != 1 && version != 2) {
            throw corrupt(structure, "di_version", offset + OFFSET_VERSION, Integer.toString(version),
                    g.v5 ? "3 on a v5 filesystem" : "1 or 2 on a v4 filesystem");
        }
        int core = version == 3 ? XfsGeometry.V3_CORE : XfsGeometry.V2_CORE;
        if (version == 3) {
            int stored = XfsChecksum.stored(b, OFFSET_CRC);
            int computed = XfsChecksum.compute(b, 0, g.inodeSize, OFFSET_CRC);
            if (verifyCrc && stored != computed) {
                throw corrupt(structure, "di_crc", offset + OFFSET_CRC, XfsChecksum.hex(stored),
                        XfsChecksum.hex(computed));
            }
            long diIno = b.getLong(OFFSET_INO);
            if (diIno != ino) {
                throw corrupt(structure, "di_ino", offset + OFFSET_INO, Long.toUnsignedString(diIno),
                        Long.toUnsignedString(ino) + " (the inode's own number)");
            }
            if (!XfsSuperblock.uuid(b, OFFSET_UUID).equals(g.metaUuid)) {
                throw corrupt(structure, "di_uuid", offset + OFFSET_UUID, XfsSuperblock.uuid(b, OFFSET_UUID)
                        .toString(), g.metaUuid + " (the filesystem's metadata UUID)");
            }
        }
        int mode = Short.toUnsignedInt(b.getShort(OFFSET_MODE));
        if (mode == 0) {
            throw new CorruptFormatException(ref(structure, "di_mode", offset + OFFSET_MODE), "0",
                    "a file mode", "di_mode is 0: inode " + Long.toUnsignedString(ino)
                    + " is free, but a directory entry names it");
        }
        FileType type = FileType.fromMode(mode);
        if (type == FileType.UNKNOWN) {
            throw corrupt(structure, "di_mode", offset + OFFSET_MODE, String.format(Locale.ROOT, "0%o", mode),
                    "a mode with a known file type");
        }
        int format = Byte.toUnsignedInt(b.get(OFFSET_FORMAT));
        checkFormat(structure, offset, type, format);
        int flags = Short.toUnsignedInt(b.getShort(OFFSET_FLAGS));
        long flags2 = version == 3 ? b.getLong(OFFSET_FLAGS2) : 0;
        if ((flags2 & FLAG2_BIGTIME) != 0 && !g.bigtime) {
            throw corrupt(structure, "di_flags2", offset + OFFSET_FLAGS2, XfsGeometry.hex(flags2),
                    "no bigtime flag: the filesystem lacks the bigtime feature");
        }
        if ((flags2 & FLAG2_NREXT64) != 0 && !g.nrext64) {
            throw corrupt(structure, "di_flags2", offset + OFFSET_FLAGS2, XfsGeometry.hex(flags2),
                    "no nrext64 flag: the filesystem lacks the nrext64 feature");
        }
        long nextents = (flags2 & FLAG2_NREXT64) != 0 ? b.getLong(OFFSET_BIG_NEXTENTS)
                : Integer.toUnsignedLong(b.getInt(OFFSET_NEXTENTS));
        long size = b.getLong(OFFSET_SIZE);
        if (size < 0) {
            throw corrupt(structure, "di_size", offset + OFFSET_SIZE, Long.toUnsignedString(size),
                    "at most 2^63 - 1");
        }
        int literal = g.inodeSize - core;
        int forkOff = Byte.toUnsignedInt(b.get(OFFSET_FORKOFF));
        if (forkOff * 8 > literal) {
            throw corrupt(structure, "di_forkoff", offset + OFFSET_FORKOFF, Integer.toString(forkOff),
                    "at most " + literal / 8 + " (the literal area is " + literal + " bytes)");
        }
        int forkSize = forkOff == 0 ? literal : forkOff * 8;
        if (format == FORMAT_EXTENTS && nextents > forkSize / XfsExtent.SIZE) {
            throw corrupt(structure, "di_nextents", offset + (nextents > 0xFFFFFFFFL ? OFFSET_BIG_NEXTENTS
                    : OFFSET_NEXTENTS), Long.toUnsignedString(nextents), "at most " + forkSize / XfsExtent.SIZE
                    + " extent records in the " + forkSize + "-byte data fork");
        }
        if (format == FORMAT_LOCAL && size > forkSize) {
            throw corrupt(structure, "di_size", offset + OFFSET_SIZE, Long.toString(size),
                    "at most " + forkSize + ": the data is inline (local format) in a " + forkSize + "-byte fork");
        }
        byte[] fork = new byte[forkSize];
        b.get(core, fork);
        long uid = Integer.toUnsignedLong(b.getInt(OFFSET_UID));
        long gid = Integer.toUnsignedLong(b.getInt(OFFSET_GID));
        long nlink = version == 1 ? Short.toUnsignedInt(b.getShort(OFFSET_ONLINK))
                : Integer.toUnsignedLong(b.getInt(OFFSET_NLINK));
        Instant mtime = XfsTime.decode(b.getLong(OFFSET_MTIME), (flags2 & FLAG2_BIGTIME) != 0);
        int rdev = format == FORMAT_DEV ? b.getInt(core) : 0;
        FileStat stat = new FileStat(type, type == FileType.REGULAR || type == FileType.DIRECTORY
                || type == FileType.SYMLINK ? size : 0, mode, uid, gid, mtime, nlink);
        return new XfsInode(owner, ino, offset, version, format, flags, flags2, nextents,
                b.getLong(OFFSET_NBLOCKS), forkOff, fork, rdev, stat);
    }

    /** The data fork formats each file type may have ({@code xfs_dinode_verify_fork}). */
    private static void checkFormat(String structure, long offset, FileType type, int format)
            throws CorruptFormatException {
        boolean ok = switch (type) {
            case REGULAR -> format == FORMAT_EXTENTS || format == FORMAT_BTREE;
            case DIRECTORY -> format == FORMAT_LOCAL || format == FORMAT_EXTENTS || format == FORMAT_BTREE;
            case SYMLINK -> format == FORMAT_LOCAL || format == FORMAT_EXTENTS;
            default -> format == FORMAT_DEV;
        };
        if (!ok) {
            String want = switch (type) {
                case REGULAR -> "2 (extents) or 3 (btree) for a regular file";
                case DIRECTORY -> "1 (local), 2 (extents) or 3 (btree) for a directory";
                case SYMLINK -> "1 (local) or 2 (extents) for a symlink";
                default -> "0 (dev) for a " + type.name().toLowerCase(Locale.ROOT).replace('_', ' ');
            };
            throw corrupt(structure, "di_format", offset + OFFSET_FORMAT, formatName(format), want);
        }
    }

    static String formatName(int format) {
        return switch (format) {
            case FORMAT_DEV -> "0 (dev)";
            case FORMAT_LOCAL -> "1 (local)";
            case FORMAT_EXTENTS -> "2 (extents)";
            case FORMAT_BTREE -> "3 (btree)";
            default -> Integer.toString(format);
        };
    }

    private static FieldRef ref(String structure, String field, long offset) {
        return FieldRef.of(XfsGeometry.FORMAT, structure, field, offset);
    }

    private static CorruptFormatException corrupt(String structure, String field, long offset, String actual,
                                                  String expected) {
        return new CorruptFormatException(ref(structure, field, offset), actual, expected);
    }

    @Override
    public long id() {
        return ino;
    }

    @Override
    public FileStat stat() {
        return stat;
    }

    XfsFileSystem owner() {
        return owner;
    }

    /** The inode number. */
    public long ino() {
        return ino;
    }

    /** The byte offset of the inode in the volume. */
    public long offset() {
        return offset;
    }

    /** 1, 2 or 3. */
    public int version() {
        return version;
    }

    /** {@code di_format} of the data fork: {@link #FORMAT_DEV}, {@link #FORMAT_LOCAL}, ... */
    public int format() {
        return format;
    }

    public int flags() {
        return flags;
    }

    public long flags2() {
        return flags2;
    }

    /** Data fork extents, as {@code di_nextents} (or {@code di_big_nextents}) counts them. */
    public long nextents() {
        return nextents;
    }

    /** Blocks used by the file, metadata included ({@code di_nblocks}). */
    public long nblocks() {
        return nblocks;
    }

    /** The attribute fork offset in 8-byte units from the start of the literal area; 0 without attributes. */
    public int forkOff() {
        return forkOff;
    }

    public boolean realtime() {
        return (flags & FLAG_REALTIME) != 0;
    }

    /** A copy of the data fork bytes (the literal area, up to the attribute fork). */
    public byte[] dataFork() {
        return dataFork.clone();
    }

    byte[] fork() {
        return dataFork;
    }

    /** The device major of a device node (Linux's {@code sysv} encoding: 14 bits above 18 bits of minor). */
    public int deviceMajor() {
        return (rdev >>> 18) & 0x3FFF;
    }

    public int deviceMinor() {
        return rdev & 0x3FFFF;
    }

    @Override
    public String toString() {
        return "XFS inode " + Long.toUnsignedString(ino) + " " + stat.modeString() + " " + stat.size();
    }
}
