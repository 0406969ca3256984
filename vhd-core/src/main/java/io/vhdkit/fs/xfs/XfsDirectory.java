package io.vhdkit.fs.xfs;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Version 2 directories ({@code xfs_da_format.h}), in their four forms:
 * <ul>
 *   <li>shortform: the entries in the inode ({@code xfs_dir2_sf_hdr}, then namelen, offset, name, file type, inode
 *       number of 4 bytes, or 8 when {@code i8count} is non-zero);</li>
 *   <li>block: one directory block ({@code XD2B}/{@code XDB3}) with the data entries, then the hash-sorted leaf
 *       entries and a tail;</li>
 *   <li>leaf: data blocks ({@code XD2D}/{@code XDD3}) below 32 GiB and one leaf block ({@code LEAF1}) at 32 GiB;</li>
 *   <li>node: data blocks, a da-btree of node blocks at 32 GiB down to {@code LEAFN} blocks, and a free index at
 *       64 GiB (not read).</li>
 * </ul>
 * Listing reads the entries of every data block below 32 GiB in order, as {@code getdents} does. Lookup hashes the
 * name ({@link XfsDaHash}) and searches the leaf entries, walking the da-btree for node directories, then checks the
 * name at the data address found: only the blocks on that path are read. Every block read is checked (magic, v5
 * CRC, owner, block number, UUID), every entry is bounds-checked, the da-btree walk is bounded by its levels, and a
 * listing is capped at {@link #MAX_ENTRIES} entries and {@link #MAX_DATA_BLOCKS} blocks.
 */
final class XfsDirectory {

    static final int MAX_ENTRIES = 1 << 20;
    static final int MAX_DATA_BLOCKS = 1 << 18;
    /** {@code XFS_DA_NODE_MAXDEPTH}. */
    static final int MAX_DA_DEPTH = 5;
    /** Leaf siblings followed by one lookup, for runs of equal hashes. */
    static final int MAX_SIBLINGS = 64;

    static final int DATA_BLOCK_MAGIC_V4 = 0x58443242;    // XD2B
    static final int DATA_BLOCK_MAGIC_V5 = 0x58444233;    // XDB3
    static final int DATA_MAGIC_V4 = 0x58443244;          // XD2D
    static final int DATA_MAGIC_V5 = 0x58444433;          // XDD3
    static final int LEAF1_MAGIC_V4 = 0xD2F1;
    static final int LEAF1_MAGIC_V5 = 0x3DF1;
    static final int LEAFN_MAGIC_V4 = 0xD2FF;
    static final int LEAFN_MAGIC_V5 = 0x3DFF;
    static final int NODE_MAGIC_V4 = 0xFEBE;
    static final int NODE_MAGIC_V5 = 0x3EBE;
    static final int FREETAG = 0xFFFF;
    /** Data block headers: magic and three bestfree pairs (v4), or the v5 block header, bestfree and padding. */
    static final int DATA_HEADER_V4 = 16;
    static final int DATA_HEADER_V5 = 64;
    /** v5 data header fields. */
    static final int DATA_OFFSET_CRC = 4;
    static final int DATA_OFFSET_BLKNO = 8;
    static final int DATA_OFFSET_UUID = 24;
    static final int DATA_OFFSET_OWNER = 40;
    /** da-btree block header ({@code xfs_da_blkinfo}, v5 {@code xfs_da3_blkinfo}) fields. */
    static final int DA_OFFSET_FORW = 0;
    static final int DA_OFFSET_MAGIC = 8;
    static final int DA_OFFSET_CRC = 12;
    static final int DA_OFFSET_BLKNO = 16;
    static final int DA_OFFSET_UUID = 32;
    static final int DA_OFFSET_OWNER = 48;
    /** Leaf and node headers: count and stale (leaf) or level (node) after the block info. */
    static final int DA_HEADER_V4 = 16;
    static final int DA_HEADER_V5 = 64;
    static final int TAIL_SIZE = 8;

    /** One entry as stored: its name bytes, inode, file type byte and byte offset in the directory. */
    record Entry(byte[] name, long ino, int ftype, long cookie) {
        String text() {
            return new String(name, StandardCharsets.UTF_8);
        }
    }

    private final XfsFileSystem fs;
    private final XfsGeometry g;
    private final XfsInode dir;
    private final String structure;

    XfsDirectory(XfsFileSystem fs, XfsInode dir) {
        this.fs = fs;
        this.g = fs.geometry();
        this.dir = dir;
        this.structure = "directory " + Long.toUnsignedString(dir.ino());
    }

    static FileType fileType(int ftype) {
        return switch (ftype) {
            case 1 -> FileType.REGULAR;
            case 2 -> FileType.DIRECTORY;
            case 3 -> FileType.CHAR_DEVICE;
            case 4 -> FileType.BLOCK_DEVICE;
            case 5 -> FileType.FIFO;
            case 6 -> FileType.SOCKET;
            case 7 -> FileType.SYMLINK;
            default -> FileType.UNKNOWN;    // 0: not recorded; 8: whiteout
        };
    }

    DirEntry toDirEntry(Entry e) {
        return new DirEntry(e.text(), e.ino(), g.ftype ? fileType(e.ftype()) : FileType.UNKNOWN);
    }

    // ------------------------------------------------------------------ listing

    /** Every entry but "." and "..", in on-disk order. */
    List<Entry> entries() throws IOException {
        List<Entry> out = new ArrayList<>();
        if (dir.format() == XfsInode.FORMAT_LOCAL) {
            shortform(out);
        } else {
            DataFork fork = DataFork.of(fs, dir);
            long endBlock = (Math.min(dir.stat().size(), XfsGeometry.DIR_LEAF_OFFSET) + g.blockSize - 1)
                    >> g.blockLog;
            boolean blockForm = isBlockForm(fork);
            long block = 0;
            int blocks = 0;
            while (block < endBlock) {
                DataFork.Mapping m = fork.map(block);
                if (m.hole()) {
                    long end = m.end();
                    if (end < endBlock && end % g.dirBlockFsbs != 0) {
                        throw partlyMapped(end);
                    }
                    block = end;
                    continue;
                }
                if (block % g.dirBlockFsbs != 0) {
                    throw partlyMapped(block);
                }
                if (++blocks > MAX_DATA_BLOCKS) {
                    throw new UnsupportedFormatException(ref("data blocks", dir.offset()), "more than "
                            + MAX_DATA_BLOCKS, null, structure + " has more than " + MAX_DATA_BLOCKS
                            + " data blocks");
                }
                DirBlock b = readBlock(fork, block);
                dataEntries(b, blockForm && block == 0, out, false);
                block += g.dirBlockFsbs;
            }
        }
        return out;
    }

    /**
     * Block form, as {@code xfs_dir2_isblock} decides: nothing is mapped past the first directory block (a leaf
     * directory may have a single data block and so the same size). Then di_size must be one directory block.
     */
    private boolean isBlockForm(DataFork fork) throws IOException {
        DataFork.Mapping after = fork.map(g.dirBlockFsbs);
        boolean block = after.hole() && after.end() == Long.MAX_VALUE;
        if (block && dir.stat().size() != g.dirBlockSize) {
            throw new CorruptFormatException(ref("di_size", dir.offset() + XfsInode.OFFSET_SIZE),
                    Long.toString(dir.stat().size()), g.dirBlockSize + " (one directory block: nothing is mapped "
                    + "after it)");
        }
        return block;
    }

    /** Whether the directory is in block form (false for shortform). */
    boolean blockForm() throws IOException {
        return dir.format() != XfsInode.FORMAT_LOCAL && isBlockForm(DataFork.of(fs, dir));
    }

    private CorruptFormatException partlyMapped(long block) {
        return new CorruptFormatException(ref("data fork", dir.offset()), "file block " + block,
                "a multiple of " + g.dirBlockFsbs, structure + ": a mapping starts or ends at file block " + block
                + ", inside a directory block of " + g.dirBlockFsbs + " filesystem blocks");
    }

    private FieldRef ref(String field, long offset) {
        return FieldRef.of(XfsGeometry.FORMAT, structure, field, offset);
    }

    private void add(List<Entry> out, Entry e) throws UnsupportedFormatException {
        if (isDot(e.name())) {
            return;
        }
        if (out.size() == MAX_ENTRIES) {
            throw new UnsupportedFormatException(ref("entries", dir.offset()), "more than " + MAX_ENTRIES, null,
                    structure + " has more than " + MAX_ENTRIES + " entries");
        }
        out.add(e);
    }

    private static boolean isDot(byte[] name) {
        return name.length == 1 && name[0] == '.' || name.length == 2 && name[0] == '.' && name[1] == '.';
    }

    /** Checks a name as {@code xfs_dir2_namecheck} does: no '/' and no NUL. */
    private void checkName(byte[] name, String where, long offset) throws CorruptFormatException {
        for (byte c : name) {
            if (c == '/' || c == 0) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "name", offset),
                        "a name with " + (c == 0 ? "NUL" : "'/'"), "no '/' or NUL", where + ": the name \""
                        + new String(name, StandardCharsets.UTF_8).replace("\0", "\\0") + "\" contains "
                        + (c == 0 ? "a NUL byte" : "'/'"));
            }
        }
    }

    private void checkIno(long ino, String where, String field, long offset) throws CorruptFormatException {
        if (!g.validIno(ino)) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, field, offset),
                    Long.toUnsignedString(ino), "a valid inode number", where + ": " + field + " "
                    + Long.toUnsignedString(ino) + " is not an inode number of this filesystem");
        }
    }

    private void checkFtype(int ftype, String where, long offset) throws CorruptFormatException {
        if (ftype > 8) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "file type", offset),
                    Integer.toString(ftype), "0 to 8");
        }
    }

    /** The entries of a shortform directory ({@code xfs_dir2_sf_verify}'s checks). */
    private void shortform(List<Entry> out) throws CorruptFormatException, UnsupportedFormatException {
        byte[] f = dir.fork();
        long base = dir.offset() + (g.v5 ? XfsGeometry.V3_CORE : XfsGeometry.V2_CORE);
        String where = "shortform " + structure;
        int size = (int) dir.stat().size();      // at most the fork size, checked when decoded
        if (size < 6) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "di_size", dir.offset()
                    + XfsInode.OFFSET_SIZE), Integer.toString(size), "at least 6 (the shortform header)");
        }
        int count = f[0] & 0xFF;
        int i8count = f[1] & 0xFF;
        int inoSize = i8count == 0 ? 4 : 8;
        int p = 2 + inoSize;
        if (p > size) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "i8count", base + 1),
                    Integer.toString(i8count), "0 for a " + size + "-byte directory");
        }
        long parent = readIno(f, 2, inoSize);
        checkIno(parent, where, "parent", base + 2);
        int big = parent > 0xFFFF_FFFFL ? 1 : 0;
        int lastOffset = -1;
        for (int i = 0; i < count; i++) {
            if (p + 3 > size) {
                throw sfShort(where, base + p, i, count, size);
            }
            int namelen = f[p] & 0xFF;
            int offset = ((f[p + 1] & 0xFF) << 8) | (f[p + 2] & 0xFF);
            int entrySize = 3 + namelen + (g.ftype ? 1 : 0) + inoSize;
            if (namelen == 0) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "entry " + i + " namelen",
                        base + p), "0", "at least 1");
            }
            if (p + entrySize > size) {
                throw sfShort(where, base + p, i, count, size);
            }
            if (offset <= lastOffset) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "entry " + i + " offset",
                        base + p + 1), Integer.toString(offset), "more than " + lastOffset + " (increasing)");
            }
            lastOffset = offset;
            byte[] name = Arrays.copyOfRange(f, p + 3, p + 3 + namelen);
            checkName(name, where, base + p + 3);
            int ftype = 0;
            if (g.ftype) {
                ftype = f[p + 3 + namelen] & 0xFF;
                checkFtype(ftype, where, base + p + 3 + namelen);
            }
            long ino = readIno(f, p + 3 + namelen + (g.ftype ? 1 : 0), inoSize);
            checkIno(ino, where, "entry " + i + " inode", base + p + entrySize - inoSize);
            if (ino > 0xFFFF_FFFFL) {
                big++;
            }
            add(out, new Entry(name, ino, ftype, offset));
            p += entrySize;
        }
        if (big != i8count) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "i8count", base + 1),
                    Integer.toString(i8count), big + " (the parent and entries with inode numbers above 2^32)");
        }
        if (p != size) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "di_size", dir.offset()
                    + XfsInode.OFFSET_SIZE), Integer.toString(size), Integer.toString(p),
                    where + ": the " + count + " entries take " + p + " bytes but di_size is " + size);
        }
    }

    private static CorruptFormatException sfShort(String where, long at, int i, int count, int size) {
        return new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "count", at), Integer.toString(count),
                "entries that fit in " + size + " bytes", where + ": entry " + i + " of " + count
                + " runs past the " + size + " bytes of the directory");
    }

    private static long readIno(byte[] f, int p, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = (v << 8) | (f[p + i] & 0xFF);
        }
        return v;
    }

    /** A directory block read: its bytes, its file block (in filesystem blocks) and the disk offset it starts at. */
    record DirBlock(ByteBuffer b, long fileBlock, long offset) {
    }

    /** Reads the directory block at file block {@code fileBlock} (which may span several extents). */
    DirBlock readBlock(DataFork fork, long fileBlock) throws IOException {
        DataFork.Mapping first = fork.map(fileBlock);
        checkMapped(first, fileBlock);
        long firstAt = g.fsbToByte(first.startBlock() + (fileBlock - first.fileOffset()), 1,
                ref("data fork", dir.offset()));
        if (first.end() - fileBlock >= g.dirBlockFsbs) {
            g.fsbToByte(first.startBlock() + (fileBlock - first.fileOffset()), g.dirBlockFsbs,
                    ref("data fork", dir.offset()));
            ByteBuffer b = fs.reader().block(firstAt, g.dirBlockSize, "directory block", "data")
                    .order(ByteOrder.BIG_ENDIAN);
            return new DirBlock(b, fileBlock, firstAt);
        }
        byte[] bytes = new byte[g.dirBlockSize];
        for (int i = 0; i < g.dirBlockFsbs; i++) {
            DataFork.Mapping m = fork.map(fileBlock + i);
            checkMapped(m, fileBlock + i);
            long at = g.fsbToByte(m.startBlock() + (fileBlock + i - m.fileOffset()), 1, ref("data fork",
                    dir.offset()));
            fs.reader().block(at, g.blockSize, "directory block", "data").get(0, bytes, i * g.blockSize,
                    g.blockSize);
        }
        return new DirBlock(ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN), fileBlock, firstAt);
    }

    private void checkMapped(DataFork.Mapping m, long block) throws CorruptFormatException {
        if (m.hole() || m.unwritten()) {
            throw new CorruptFormatException(ref("data fork", dir.offset()), m.hole() ? "a hole" : "unwritten",
                    "allocated", structure + ": file block " + block + " of a directory block is "
                    + (m.hole() ? "not mapped" : "unwritten"));
        }
    }

    /**
     * Checks a data block (block-form when {@code blockForm}) and adds its entries ("." and ".." only when
     * {@code keepDots}); returns where its data area ends.
     */
    private int dataEntries(DirBlock d, boolean blockForm, List<Entry> out, boolean keepDots) throws IOException {
        ByteBuffer b = d.b();
        String where = (blockForm ? "directory block" : "directory data block") + " " + d.fileBlock() + " of "
                + structure;
        int magic = b.getInt(0);
        int want = blockForm ? (g.v5 ? DATA_BLOCK_MAGIC_V5 : DATA_BLOCK_MAGIC_V4)
                : (g.v5 ? DATA_MAGIC_V5 : DATA_MAGIC_V4);
        if (magic != want) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "magic", d.offset()),
                    XfsGeometry.hex(magic), XfsGeometry.hex(want) + " (" + magicName(want) + ")");
        }
        if (g.v5) {
            fs.checkV5Block(b, d.offset(), DATA_OFFSET_CRC, DATA_OFFSET_BLKNO, DATA_OFFSET_UUID, DATA_OFFSET_OWNER,
                    dir.ino(), where);
        }
        int header = g.v5 ? DATA_HEADER_V5 : DATA_HEADER_V4;
        int end = g.dirBlockSize;
        if (blockForm) {
            long count = Integer.toUnsignedLong(b.getInt(g.dirBlockSize - TAIL_SIZE));
            if (count > (g.dirBlockSize - TAIL_SIZE - header) / 8) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "tail count",
                        d.offset() + g.dirBlockSize - TAIL_SIZE), Long.toString(count), "at most "
                        + (g.dirBlockSize - TAIL_SIZE - header) / 8 + " leaf entries in the block");
            }
            end = (int) (g.dirBlockSize - TAIL_SIZE - count * 8);
        }
        int p = header;
        while (p < end) {
            if (end - p < 8) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "entry", d.offset() + p),
                        (end - p) + " bytes", "at least 8", where + ": " + (end - p) + " bytes left at offset " + p
                        + ", too few for an entry");
            }
            if (Short.toUnsignedInt(b.getShort(p)) == FREETAG) {
                int length = Short.toUnsignedInt(b.getShort(p + 2));
                if (length < 8 || length % 8 != 0 || length > end - p) {
                    throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "unused length",
                            d.offset() + p + 2), Integer.toString(length), "a multiple of 8 from 8 to " + (end - p));
                }
                checkTag(b, p, length, where, d.offset());
                p += length;
                continue;
            }
            Entry e = dataEntry(b, p, end, where, d);
            if (keepDots) {
                out.add(e);
            } else {
                add(out, e);
            }
            p += entrySize(e.name().length);
        }
        return end;
    }

    static String magicName(int magic) {
        return switch (magic) {
            case DATA_BLOCK_MAGIC_V4 -> "XD2B";
            case DATA_BLOCK_MAGIC_V5 -> "XDB3";
            case DATA_MAGIC_V4 -> "XD2D";
            case DATA_MAGIC_V5 -> "XDD3";
            case LEAF1_MAGIC_V4, LEAF1_MAGIC_V5 -> "leaf1";
            case LEAFN_MAGIC_V4, LEAFN_MAGIC_V5 -> "leafn";
            case NODE_MAGIC_V4, NODE_MAGIC_V5 -> "da node";
            default -> "?";
        };
    }

    int entrySize(int namelen) {
        return (8 + 1 + namelen + (g.ftype ? 1 : 0) + 2 + 7) & ~7;
    }

    /** Decodes and checks the used entry at {@code p}. */
    private Entry dataEntry(ByteBuffer b, int p, int end, String where, DirBlock d) throws CorruptFormatException {
        long ino = b.getLong(p);
        int namelen = Byte.toUnsignedInt(b.get(p + 8));
        if (namelen == 0) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "namelen", d.offset() + p + 8),
                    "0", "at least 1");
        }
        int size = entrySize(namelen);
        if (size > end - p) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "namelen", d.offset() + p + 8),
                    Integer.toString(namelen), "an entry that fits", where + ": the entry at offset " + p + " ("
                    + size + " bytes) runs past the data area, which ends at " + end);
        }
        byte[] name = new byte[namelen];
        b.get(p + 9, name);
        checkName(name, where, d.offset() + p + 9);
        checkIno(ino, where, "inode", d.offset() + p);
        int ftype = 0;
        if (g.ftype) {
            ftype = Byte.toUnsignedInt(b.get(p + 9 + namelen));
            checkFtype(ftype, where, d.offset() + p + 9 + namelen);
        }
        checkTag(b, p, size, where, d.offset());
        return new Entry(name, ino, ftype, (d.fileBlock() << g.blockLog) + p);
    }

    /** The tag in the last two bytes of an entry holds the entry's offset in the block. */
    private static void checkTag(ByteBuffer b, int p, int size, String where, long blockAt)
            throws CorruptFormatException {
        int tag = Short.toUnsignedInt(b.getShort(p + size - 2));
        if (tag != p) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "tag", blockAt + p + size - 2),
                    Integer.toString(tag), p + " (the entry's offset)");
        }
    }

    // ------------------------------------------------------------------ lookup

    /** The entry named {@code name}: exactly, or on an ascii-ci filesystem the exact match else the first case match. */
    Optional<Entry> lookup(byte[] name) throws IOException {
        if (name.length == 0 || name.length > 255 || isDot(name)) {
            return Optional.empty();
        }
        Match match = new Match(name, g.asciiCi);
        if (dir.format() == XfsInode.FORMAT_LOCAL) {
            List<Entry> all = new ArrayList<>();
            shortform(all);
            for (Entry e : all) {
                if (match.offer(e)) {
                    break;
                }
            }
            return match.result();
        }
        DataFork fork = DataFork.of(fs, dir);
        if (isBlockForm(fork)) {
            blockLookup(fork, match);
        } else {
            leafLookup(fork, match);
        }
        return match.result();
    }

    /** Collects the best match: an exact one ends the search; a case-insensitive one is kept if first. */
    private static final class Match {
        private final byte[] name;
        private final boolean ci;
        private Entry exact;
        private Entry folded;

        Match(byte[] name, boolean ci) {
            this.name = name;
            this.ci = ci;
        }

        /** True when the search can stop. */
        boolean offer(Entry e) {
            if (Arrays.equals(e.name(), name)) {
                exact = e;
                return true;
            }
            if (ci && folded == null && XfsDaHash.ciEquals(e.name(), name)) {
                folded = e;
            }
            return false;
        }

        boolean done() {
            return exact != null;
        }

        Optional<Entry> result() {
            return Optional.ofNullable(exact != null ? exact : folded);
        }
    }

    /** The hashes a name may be stored under (two for ascii-ci names with Latin-1 capital letter bytes). */
    private int[] hashes(byte[] name) {
        if (!g.asciiCi) {
            return new int[] {XfsDaHash.hash(name)};
        }
        int latin1 = XfsDaHash.ciHash(name, true);
        int ascii = XfsDaHash.ciHash(name, false);
        return latin1 == ascii ? new int[] {latin1} : new int[] {latin1, ascii};
    }

    private void blockLookup(DataFork fork, Match match) throws IOException {
        DirBlock d = readBlock(fork, 0);
        List<Entry> ignored = new ArrayList<>();
        int end = dataEntries(d, true, ignored, true);    // checks the whole block, as the verifier does
        int count = (g.dirBlockSize - TAIL_SIZE - end) / 8;
        String where = "directory block 0 of " + structure;
        for (int hash : hashes(match.name)) {
            searchLeaf(d.b(), end, count, hash, where, d.offset(), fork, match, true);
            if (match.done()) {
                return;
            }
        }
    }

    private void leafLookup(DataFork fork, Match match) throws IOException {
        long leafBlock = XfsGeometry.DIR_LEAF_OFFSET >> g.blockLog;
        for (int hash : hashes(match.name)) {
            DirBlock d = readBlock(fork, leafBlock);
            int magic = Short.toUnsignedInt(d.b().getShort(DA_OFFSET_MAGIC));
            int leaf1 = g.v5 ? LEAF1_MAGIC_V5 : LEAF1_MAGIC_V4;
            int node = g.v5 ? NODE_MAGIC_V5 : NODE_MAGIC_V4;
            if (magic == leaf1) {
                String where = "leaf block of " + structure;
                checkDaBlock(d, where);
                ByteBuffer b = d.b();
                int header = g.v5 ? DA_HEADER_V5 : DA_HEADER_V4;
                int count = Short.toUnsignedInt(b.getShort(header - (g.v5 ? 8 : 4)));
                long bestcount = Integer.toUnsignedLong(b.getInt(g.dirBlockSize - 4));
                long room = (g.dirBlockSize - 4 - bestcount * 2 - header) / 8;
                if (bestcount * 2 > g.dirBlockSize - 4 - header || count > room) {
                    throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "count",
                            d.offset() + header - (g.v5 ? 8 : 4)), Integer.toString(count), "at most " + Math.max(0,
                            room) + " entries beside " + bestcount + " bests");
                }
                searchLeaf(b, header, count, hash, where, d.offset(), fork, match, false);
            } else if (magic == node) {
                nodeLookup(fork, d, hash, match);
            } else {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, "leaf block of " + structure,
                        "magic", d.offset() + DA_OFFSET_MAGIC), XfsGeometry.hex16(magic), XfsGeometry.hex16(leaf1)
                        + " (leaf1) or " + XfsGeometry.hex16(node) + " (da node)");
            }
            if (match.done()) {
                return;
            }
        }
    }

    /** Walks the da-btree from its root (at 32 GiB) to the leafn block where {@code hash} would be. */
    private void nodeLookup(DataFork fork, DirBlock root, int hash, Match match) throws IOException {
        int header = g.v5 ? DA_HEADER_V5 : DA_HEADER_V4;
        int nodeMagic = g.v5 ? NODE_MAGIC_V5 : NODE_MAGIC_V4;
        int leafnMagic = g.v5 ? LEAFN_MAGIC_V5 : LEAFN_MAGIC_V4;
        long leafStart = XfsGeometry.DIR_LEAF_OFFSET >> g.blockLog;
        long freeStart = XfsGeometry.DIR_FREE_OFFSET >> g.blockLog;
        DirBlock d = root;
        int expectLevel = -1;
        for (int depth = 0; ; depth++) {
            String where = "da node " + d.fileBlock() + " of " + structure;
            ByteBuffer b = d.b();
            checkDaBlock(d, where);
            int count = Short.toUnsignedInt(b.getShort(header - (g.v5 ? 8 : 4)));
            int level = Short.toUnsignedInt(b.getShort(header - (g.v5 ? 6 : 2)));
            if (level < 1 || level > MAX_DA_DEPTH || (expectLevel >= 0 && level != expectLevel)) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "level",
                        d.offset() + header - (g.v5 ? 6 : 2)), Integer.toString(level), expectLevel >= 0
                        ? expectLevel + " (one below its parent)" : "1 to " + MAX_DA_DEPTH);
            }
            if (count < 1 || count > (g.dirBlockSize - header) / 8) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "count",
                        d.offset() + header - (g.v5 ? 8 : 4)), Integer.toString(count), "1 to "
                        + (g.dirBlockSize - header) / 8);
            }
            int chosen = -1;
            long prev = -1;
            for (int i = 0; i < count; i++) {
                long h = Integer.toUnsignedLong(b.getInt(header + i * 8));
                if (h < prev) {
                    throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "hash " + i,
                            d.offset() + header + i * 8L), XfsGeometry.hex((int) h), "at least "
                            + XfsGeometry.hex((int) prev) + " (sorted)");
                }
                prev = h;
                if (chosen < 0 && h >= Integer.toUnsignedLong(hash)) {
                    chosen = i;
                }
            }
            if (chosen < 0) {
                return;     // above every hash in the tree
            }
            long before = Integer.toUnsignedLong(b.getInt(header + chosen * 8 + 4));
            if (before < leafStart || before >= freeStart || before % g.dirBlockFsbs != 0) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "before " + chosen,
                        d.offset() + header + chosen * 8L + 4), Long.toString(before), "a block of the leaf "
                        + "section, from " + leafStart + " below " + freeStart);
            }
            DirBlock child = readBlock(fork, before);
            if (level == 1) {
                leafnRun(fork, child, hash, match, leafnMagic);
                return;
            }
            int magic = Short.toUnsignedInt(child.b().getShort(DA_OFFSET_MAGIC));
            if (magic != nodeMagic) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, "da node " + before + " of "
                        + structure, "magic", child.offset() + DA_OFFSET_MAGIC), XfsGeometry.hex16(magic),
                        XfsGeometry.hex16(nodeMagic) + " (da node)");
            }
            expectLevel = level - 1;
            d = child;
        }
    }

    /** Searches a leafn block and, while the equal hashes run to its end, its right siblings. */
    private void leafnRun(DataFork fork, DirBlock first, int hash, Match match, int leafnMagic) throws IOException {
        int header = g.v5 ? DA_HEADER_V5 : DA_HEADER_V4;
        long leafStart = XfsGeometry.DIR_LEAF_OFFSET >> g.blockLog;
        long freeStart = XfsGeometry.DIR_FREE_OFFSET >> g.blockLog;
        Set<Long> seen = new HashSet<>();
        DirBlock d = first;
        for (int hop = 0; hop <= MAX_SIBLINGS; hop++) {
            String where = "leafn block " + d.fileBlock() + " of " + structure;
            ByteBuffer b = d.b();
            int magic = Short.toUnsignedInt(b.getShort(DA_OFFSET_MAGIC));
            if (magic != leafnMagic) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "magic",
                        d.offset() + DA_OFFSET_MAGIC), XfsGeometry.hex16(magic), XfsGeometry.hex16(leafnMagic)
                        + " (leafn)");
            }
            if (!seen.add(d.fileBlock())) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "forw",
                        d.offset() + DA_OFFSET_FORW), where + ": the sibling chain loops back to block "
                        + d.fileBlock());
            }
            checkDaBlock(d, where);
            int count = Short.toUnsignedInt(b.getShort(header - (g.v5 ? 8 : 4)));
            if (count > (g.dirBlockSize - header) / 8) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "count",
                        d.offset() + header - (g.v5 ? 8 : 4)), Integer.toString(count), "at most "
                        + (g.dirBlockSize - header) / 8);
            }
            boolean toEnd = searchLeaf(b, header, count, hash, where, d.offset(), fork, match, false);
            long forw = Integer.toUnsignedLong(b.getInt(DA_OFFSET_FORW));
            if (match.done() || !toEnd || forw == 0) {
                return;
            }
            if (forw < leafStart || forw >= freeStart || forw % g.dirBlockFsbs != 0) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "forw",
                        d.offset() + DA_OFFSET_FORW), Long.toString(forw), "a block of the leaf section");
            }
            d = readBlock(fork, forw);
        }
    }

    /** v5 da-block checks (CRC, block number, UUID, owner). */
    private void checkDaBlock(DirBlock d, String where) throws CorruptFormatException {
        if (g.v5) {
            fs.checkV5Block(d.b(), d.offset(), DA_OFFSET_CRC, DA_OFFSET_BLKNO, DA_OFFSET_UUID, DA_OFFSET_OWNER,
                    dir.ino(), where);
        }
    }

    /**
     * Searches {@code count} hash-sorted leaf entries at {@code start} for {@code hash}, offering each named entry to
     * {@code match}. Returns whether the run of equal hashes reached the last entry (it may go on in a sibling).
     */
    private boolean searchLeaf(ByteBuffer b, int start, int count, int hash, String where, long at, DataFork fork,
                               Match match, boolean blockForm) throws IOException {
        long target = Integer.toUnsignedLong(hash);
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Integer.toUnsignedLong(b.getInt(start + mid * 8)) < target) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int i = lo;
        for (; i < count && Integer.toUnsignedLong(b.getInt(start + i * 8)) == target; i++) {
            long address = Integer.toUnsignedLong(b.getInt(start + i * 8 + 4));
            if (address == 0) {
                continue;   // stale
            }
            Entry e = entryAt(fork, address * 8, blockForm, FieldRef.of(XfsGeometry.FORMAT, where,
                    "address " + i, at + start + i * 8L + 4));
            if (match.offer(e)) {
                return false;
            }
        }
        return i == count;
    }

    /** The used entry at byte {@code offset} of the directory, after checking its data block. */
    private Entry entryAt(DataFork fork, long offset, boolean blockForm, FieldRef where) throws IOException {
        if (offset >= XfsGeometry.DIR_LEAF_OFFSET || (blockForm && offset >= g.dirBlockSize)) {
            throw new CorruptFormatException(where, Long.toString(offset / 8), "an address in the data section",
                    where.structure() + ": " + where.field() + " points to directory offset " + offset
                    + ", outside the data blocks");
        }
        long dirBlock = offset / g.dirBlockSize;
        int within = (int) (offset % g.dirBlockSize);
        DirBlock d = readBlock(fork, dirBlock * g.dirBlockFsbs);
        List<Entry> all = new ArrayList<>();
        dataEntries(d, blockForm, all, true);
        for (Entry e : all) {
            if (e.cookie() == (d.fileBlock() << g.blockLog) + within) {
                return e;
            }
        }
        throw new CorruptFormatException(where, Long.toString(offset / 8), "the address of a used entry",
                where.structure() + ": " + where.field() + " points to directory offset " + offset
                + ", where no entry starts");
    }

}
