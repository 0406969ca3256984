package io.vhdkit.fs.xfs;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The block map of an inode's data fork: which filesystem blocks hold which file blocks. In extents format the
 * records are in the inode; in btree format the inode holds the root ({@code xfs_bmdr_block}) of a B+tree of
 * {@code BMAP}/{@code BMA3} blocks whose leaves hold the records.
 *
 * <p>A lookup walks from the root to one leaf, checking every block it reads: magic, level (exactly one less than
 * its parent, so the walk cannot loop and is at most {@link #MAX_LEVELS} deep), record count, keys in order, records
 * inside the key range their parent gives them, and on v5 the CRC, owner, block number and UUID. Nothing is cached
 * but the blocks (by {@link io.vhdkit.fs.VolumeReader}); no memory is sized by an on-disk count.
 */
final class DataFork {

    /** Deeper than any real bmbt: 2^48 extents (nrext64) in 512-byte blocks need about 13 levels. */
    static final int MAX_LEVELS = 16;
    static final int BMAP_MAGIC = 0x424D4150;   // "BMAP", v4
    static final int BMA3_MAGIC = 0x424D4133;   // "BMA3", v5
    static final int V4_HEADER = 24;
    static final int V5_HEADER = 72;
    static final int OFFSET_LEVEL = 4;
    static final int OFFSET_NUMRECS = 6;
    static final int OFFSET_BLKNO = 24;
    static final int OFFSET_UUID = 40;
    static final int OFFSET_OWNER = 56;
    static final int OFFSET_CRC = 64;
    /** The in-inode root: level and record count, then keys, then pointers. */
    static final int ROOT_HEADER = 4;

    /** File blocks {@code [fileOffset, fileOffset + length)}: an extent at {@code startBlock}, or a hole. */
    record Mapping(long fileOffset, long length, long startBlock, boolean unwritten) {
        static final long HOLE = -1;

        boolean hole() {
            return startBlock == HOLE;
        }

        long end() {
            return length > Long.MAX_VALUE - fileOffset ? Long.MAX_VALUE : fileOffset + length;
        }
    }

    private final XfsFileSystem fs;
    private final XfsGeometry g;
    private final XfsInode inode;
    private final String structure;
    /** Extents format: the records, checked. */
    private final List<XfsExtent> inline;

    private DataFork(XfsFileSystem fs, XfsInode inode, List<XfsExtent> inline) {
        this.fs = fs;
        this.g = fs.geometry();
        this.inode = inode;
        this.structure = "inode " + Long.toUnsignedString(inode.ino());
        this.inline = inline;
    }

    /** The block map of a file in extents or btree format. */
    static DataFork of(XfsFileSystem fs, XfsInode inode) throws CorruptFormatException {
        if (inode.format() == XfsInode.FORMAT_EXTENTS) {
            XfsGeometry g = fs.geometry();
            ByteBuffer b = ByteBuffer.wrap(inode.fork()).order(ByteOrder.BIG_ENDIAN);
            int n = (int) inode.nextents();      // checked against the fork size when the inode was decoded
            List<XfsExtent> out = new ArrayList<>(n);
            long forkStart = inode.offset() + (g.v5 ? XfsGeometry.V3_CORE : XfsGeometry.V2_CORE);
            for (int i = 0; i < n; i++) {
                XfsExtent e = XfsExtent.decode(b.getLong(i * XfsExtent.SIZE), b.getLong(i * XfsExtent.SIZE + 8));
                FieldRef where = FieldRef.of(XfsGeometry.FORMAT, "inode " + Long.toUnsignedString(inode.ino()),
                        "extent " + i, forkStart + (long) i * XfsExtent.SIZE);
                check(g, e, out.isEmpty() ? 0 : out.get(out.size() - 1).fileEnd(), Long.MAX_VALUE, where);
                out.add(e);
            }
            return new DataFork(fs, inode, List.copyOf(out));
        }
        if (inode.format() == XfsInode.FORMAT_BTREE) {
            return new DataFork(fs, inode, null);
        }
        throw new IllegalStateException("inode " + inode.ino() + " has no block map (format " + inode.format() + ")");
    }

    /** Checks one record: blocks counted, in order after {@code minOffset}, before {@code maxEnd}, on the disk. */
    private static void check(XfsGeometry g, XfsExtent e, long minOffset, long maxEnd, FieldRef where)
            throws CorruptFormatException {
        if (e.blockCount() == 0) {
            throw new CorruptFormatException(where, "0 blocks", "at least 1", where.field()
                    + " maps 0 blocks (file block " + e.fileOffset() + ")");
        }
        if (e.fileEnd() > XfsExtent.MAX_FILE_OFFSET + 1) {
            throw new CorruptFormatException(where, Long.toString(e.fileOffset()), "below 2^54",
                    where.field() + " ends past the largest file offset (2^54 blocks)");
        }
        if (e.fileOffset() < minOffset || e.fileEnd() > maxEnd) {
            throw new CorruptFormatException(where, "file blocks " + e.fileOffset() + "+" + e.blockCount(),
                    "from " + minOffset + (maxEnd == Long.MAX_VALUE ? "" : " to " + maxEnd), where.field()
                    + " maps file blocks " + e.fileOffset() + "+" + e.blockCount() + ", which overlap or are "
                    + "out of order: they should lie in [" + minOffset + ", "
                    + (maxEnd == Long.MAX_VALUE ? "end" : Long.toString(maxEnd)) + ")");
        }
        g.fsbToByte(e.startBlock(), e.blockCount(), where.field(where.field() + " start block", where.offset()));
    }

    /** The extent or the hole at file block {@code block}. */
    Mapping map(long block) throws IOException {
        if (block < 0) {
            throw new IllegalArgumentException("block " + block);
        }
        if (block > XfsExtent.MAX_FILE_OFFSET) {
            return new Mapping(block, Long.MAX_VALUE - block, Mapping.HOLE, false);
        }
        if (inline != null) {
            return find(inline, block, Long.MAX_VALUE);
        }
        return descend(block);
    }

    /** The mapping at {@code block} among sorted, disjoint records; a hole runs to the next record or to {@code end}. */
    private static Mapping find(List<XfsExtent> records, long block, long end) {
        int lo = 0;
        int hi = records.size() - 1;
        int last = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (records.get(mid).fileOffset() <= block) {
                last = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (last >= 0) {
            XfsExtent e = records.get(last);
            if (block < e.fileEnd()) {
                return new Mapping(e.fileOffset(), e.blockCount(), e.startBlock(), e.unwritten());
            }
        }
        long next = last + 1 < records.size() ? records.get(last + 1).fileOffset() : end;
        return new Mapping(block, next - block, Mapping.HOLE, false);
    }

    /** Walks the btree from the in-inode root to the leaf whose key range holds {@code block}. */
    private Mapping descend(long block) throws IOException {
        byte[] fork = inode.fork();
        ByteBuffer root = ByteBuffer.wrap(fork).order(ByteOrder.BIG_ENDIAN);
        long forkStart = inode.offset() + (g.v5 ? XfsGeometry.V3_CORE : XfsGeometry.V2_CORE);
        if (fork.length < ROOT_HEADER + 16) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, structure, "bmdr root", forkStart),
                    fork.length + " bytes", "at least 20", "the data fork (" + fork.length + " bytes) is too "
                    + "small for a btree root");
        }
        int level = Short.toUnsignedInt(root.getShort(0));
        int numrecs = Short.toUnsignedInt(root.getShort(2));
        int maxrecs = (fork.length - ROOT_HEADER) / 16;
        if (level < 1 || level > MAX_LEVELS) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, structure, "bmdr level", forkStart),
                    Integer.toString(level), "1 to " + MAX_LEVELS);
        }
        if (numrecs < 1 || numrecs > maxrecs) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, structure, "bmdr numrecs",
                    forkStart + 2), Integer.toString(numrecs), "1 to " + maxrecs);
        }
        // the root's pointers follow room for maxrecs keys (xfs_bmdr_ptr_addr)
        Node node = new Node(root, ROOT_HEADER, ROOT_HEADER + maxrecs * 8, numrecs, forkStart, "bmdr root of "
                + structure);
        long lo = 0;
        long hi = Long.MAX_VALUE;
        while (true) {
            long prev = -1;
            int chosen = -1;
            for (int i = 0; i < node.numrecs; i++) {
                long key = node.key(i);
                if (key <= prev || key < lo || key >= hi) {
                    throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, node.name, "key " + i,
                            node.offset + node.keys + i * 8L), Long.toUnsignedString(key), "increasing, in [" + lo
                            + ", " + (hi == Long.MAX_VALUE ? "end" : Long.toString(hi)) + ")");
                }
                prev = key;
                if (key <= block) {
                    chosen = i;
                }
            }
            if (chosen < 0) {
                return new Mapping(block, node.key(0) - block, Mapping.HOLE, false);
            }
            long childLo = node.key(chosen);
            long childHi = chosen + 1 < node.numrecs ? node.key(chosen + 1) : hi;
            long ptr = node.ptr(chosen);
            FieldRef ptrRef = FieldRef.of(XfsGeometry.FORMAT, node.name, "pointer " + chosen,
                    node.offset + node.ptrs + chosen * 8L);
            long at = g.fsbToByte(ptr, 1, ptrRef);
            level--;
            ByteBuffer blk = fs.reader().block(at, g.blockSize, "bmbt block", "data").order(ByteOrder.BIG_ENDIAN);
            String name = "bmbt block " + Long.toUnsignedString(ptr) + " of " + structure;
            int recs = checkHeader(blk, at, level, name);
            int header = g.v5 ? V5_HEADER : V4_HEADER;
            if (level == 0) {
                List<XfsExtent> records = new ArrayList<>(recs);
                for (int i = 0; i < recs; i++) {
                    int p = header + i * XfsExtent.SIZE;
                    XfsExtent e = XfsExtent.decode(blk.getLong(p), blk.getLong(p + 8));
                    check(g, e, records.isEmpty() ? childLo : records.get(records.size() - 1).fileEnd(), childHi,
                            FieldRef.of(XfsGeometry.FORMAT, name, "record " + i, at + p));
                    records.add(e);
                }
                return find(records, block, childHi);
            }
            int max = (g.blockSize - header) / 16;
            node = new Node(blk, header, header + max * 8, recs, at, name);
            lo = childLo;
            hi = childHi;
        }
    }

    /** Checks a bmbt block's header; returns its record count. */
    private int checkHeader(ByteBuffer b, long at, int level, String name) throws CorruptFormatException {
        int magic = b.getInt(0);
        int want = g.v5 ? BMA3_MAGIC : BMAP_MAGIC;
        if (magic != want) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, name, "magic", at),
                    XfsGeometry.hex(magic), XfsGeometry.hex(want) + (g.v5 ? " (BMA3)" : " (BMAP)"));
        }
        int header = g.v5 ? V5_HEADER : V4_HEADER;
        if (g.v5) {
            fs.checkV5Block(b, at, OFFSET_CRC, OFFSET_BLKNO, OFFSET_UUID, OFFSET_OWNER, inode.ino(), name);
        }
        int actualLevel = Short.toUnsignedInt(b.getShort(OFFSET_LEVEL));
        if (actualLevel != level) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, name, "level", at + OFFSET_LEVEL),
                    Integer.toString(actualLevel), level + " (one below its parent)");
        }
        int numrecs = Short.toUnsignedInt(b.getShort(OFFSET_NUMRECS));
        int max = (g.blockSize - header) / 16;
        if (numrecs < 1 || numrecs > max) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, name, "numrecs", at + OFFSET_NUMRECS),
                    Integer.toString(numrecs), "1 to " + max);
        }
        return numrecs;
    }

    /** A node's keys and pointers: {@code numrecs} of each, at {@code keys} and {@code ptrs} within {@code b}. */
    private record Node(ByteBuffer b, int keys, int ptrs, int numrecs, long offset, String name) {
        long key(int i) {
            return b.getLong(keys + i * 8);
        }

        long ptr(int i) {
            return b.getLong(ptrs + i * 8);
        }
    }

    /**
     * The byte offsets of the btree's blocks below the in-inode root, breadth-first, at most {@code max}; empty in
     * extents format. Each block is listed once however often it is referenced.
     */
    List<Long> btreeBlocks(int max) throws IOException {
        List<Long> out = new ArrayList<>();
        if (inline != null) {
            return out;
        }
        ByteBuffer root = ByteBuffer.wrap(inode.fork()).order(ByteOrder.BIG_ENDIAN);
        int level = Short.toUnsignedInt(root.getShort(0));
        int numrecs = Short.toUnsignedInt(root.getShort(2));
        int maxrecs = (inode.fork().length - ROOT_HEADER) / 16;
        if (level < 1 || level > MAX_LEVELS || numrecs < 1 || numrecs > maxrecs) {
            map(0);    // reports the damage
            return out;
        }
        List<Long> ptrs = new ArrayList<>();
        for (int i = 0; i < numrecs; i++) {
            ptrs.add(root.getLong(ROOT_HEADER + maxrecs * 8 + i * 8));
        }
        java.util.Set<Long> seen = new java.util.HashSet<>();
        int header = g.v5 ? V5_HEADER : V4_HEADER;
        for (int depth = level - 1; depth >= 0 && !ptrs.isEmpty(); depth--) {
            List<Long> next = new ArrayList<>();
            for (long ptr : ptrs) {
                if (out.size() == max) {
                    return out;
                }
                long at = g.fsbToByte(ptr, 1, FieldRef.of(XfsGeometry.FORMAT, structure, "bmbt pointer",
                        inode.offset()));
                if (!seen.add(at)) {
                    continue;
                }
                out.add(at);
                if (depth > 0) {
                    ByteBuffer b = fs.reader().block(at, g.blockSize, "bmbt block", "data")
                            .order(ByteOrder.BIG_ENDIAN);
                    int recs = checkHeader(b, at, depth, "bmbt block " + Long.toUnsignedString(ptr) + " of "
                            + structure);
                    int max2 = (g.blockSize - header) / 16;
                    for (int i = 0; i < recs; i++) {
                        next.add(b.getLong(header + max2 * 8 + i * 8));
                    }
                }
            }
            ptrs = next;
        }
        return out;
    }

    /**
     * Every extent in file order, at most {@code max} of them.
     *
     * @throws UnsupportedFormatException when there are more
     */
    List<XfsExtent> extents(int max) throws IOException {
        List<XfsExtent> out = new ArrayList<>();
        long block = 0;
        while (block <= XfsExtent.MAX_FILE_OFFSET) {
            Mapping m = map(block);
            if (!m.hole()) {
                if (out.size() == max) {
                    throw new UnsupportedFormatException(FieldRef.of(XfsGeometry.FORMAT, structure, "extents",
                            inode.offset()), "more than " + max, null, structure + " has more than " + max
                            + " extents");
                }
                out.add(new XfsExtent(m.fileOffset(), m.startBlock(), m.length(), m.unwritten()));
            } else if (m.length() == Long.MAX_VALUE - m.fileOffset() || m.end() > XfsExtent.MAX_FILE_OFFSET) {
                break;
            }
            block = m.end();
        }
        return out;
    }
}
