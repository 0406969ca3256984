package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.fs.VolumeReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A directory's {@code $I30} index: a B+ tree whose root node is the resident {@code $INDEX_ROOT} and whose other
 * nodes are INDX blocks of the non-resident {@code $INDEX_ALLOCATION}, in use per the {@code $BITMAP} of the same
 * name. The tree may have any depth up to {@link #MAX_DEPTH}; a child VCN that points to the node itself, to an
 * ancestor, or to a node already visited is refused, as is a block the bitmap says is free.
 *
 * <p>$INDEX_ROOT value: 0x00 indexed attribute type u32 (0x30), 0x04 collation rule u32 (1, {@code
 * COLLATION_FILE_NAME}), 0x08 index block size u32, 0x0C clusters per index block u8, 0x10 the node header. INDX
 * block: "INDX", the update sequence, 0x08 $LogFile sequence number, 0x10 the block's own VCN s64, 0x18 the node
 * header. A child VCN counts clusters when the block size is at least the cluster size, else 512-byte units.
 */
final class DirectoryIndex {

    /** Levels of the tree at most (the root is level 0); real trees have 2 to 4. */
    static final int MAX_DEPTH = 32;
    static final int ROOT_TYPE = 0x00;
    static final int ROOT_COLLATION = 0x04;
    static final int ROOT_BLOCK_SIZE = 0x08;
    static final int ROOT_HEADER = 0x10;
    static final int COLLATION_FILE_NAME = 1;
    static final int INDX_VCN = 0x10;
    static final int INDX_HEADER = 0x18;
    static final int MAGIC_INDX = 0x58444E49;   // "INDX"

    private final NtfsBootSector.Geometry g;
    private final FileRecord dir;
    private final String structure;
    private final IndexNode root;
    private final int blockSize;
    private final int vcnShift;
    private final AttributeData allocation;
    private final AttributeData bitmap;
    private final int maxDepth;

    DirectoryIndex(VolumeReader reader, NtfsBootSector.Geometry g, FileRecord dir) throws IOException {
        this(reader, g, dir, MAX_DEPTH);
    }

    /** With another depth bound, for tests. */
    DirectoryIndex(VolumeReader reader, NtfsBootSector.Geometry g, FileRecord dir, int maxDepth) throws IOException {
        this.maxDepth = maxDepth;
        this.g = g;
        this.dir = dir;
        this.structure = dir.structure() + " $I30";
        Attribute rootAttr = dir.first(Ntfs.AT_INDEX_ROOT, Ntfs.I30);
        if (rootAttr == null || !rootAttr.resident()) {
            throw new CorruptFormatException(Ntfs.ref(dir.structure(), "$INDEX_ROOT", dir.base().at()),
                    dir.structure() + " is a directory without a resident $INDEX_ROOT named $I30");
        }
        byte[] v = rootAttr.value();
        long at = rootAttr.valueAt();
        if (v.length < ROOT_HEADER + IndexNode.HEADER_SIZE) {
            throw new CorruptFormatException(Ntfs.ref(structure, "$INDEX_ROOT length", at),
                    Integer.toString(v.length), "at least " + (ROOT_HEADER + IndexNode.HEADER_SIZE));
        }
        int type = Ntfs.i32(v, ROOT_TYPE);
        int collation = Ntfs.i32(v, ROOT_COLLATION);
        long size = Ntfs.u32(v, ROOT_BLOCK_SIZE);
        if (type != Ntfs.AT_FILE_NAME) {
            throw new CorruptFormatException(Ntfs.ref(structure, "indexed attribute type", at + ROOT_TYPE), Ntfs.hex(type),
                    "0x30 ($FILE_NAME)");
        }
        if (collation != COLLATION_FILE_NAME) {
            throw new CorruptFormatException(Ntfs.ref(structure, "collation rule", at + ROOT_COLLATION), Ntfs.hex(collation),
                    "1 (COLLATION_FILE_NAME)");
        }
        if (size < Fixups.STRIDE || size > NtfsBootSector.MAX_RECORD_SIZE || Long.bitCount(size) != 1) {
            throw new CorruptFormatException(Ntfs.ref(structure, "index block size", at + ROOT_BLOCK_SIZE), Long.toString(size),
                    "a power of two from 512 to 65536");
        }
        this.blockSize = (int) size;
        this.vcnShift = blockSize >= g.clusterSize() ? g.clusterShift() : 9;
        this.root = IndexNode.decode(v, ROOT_HEADER, v.length, structure + " root", at);
        List<Attribute> alloc = dir.segments(Ntfs.AT_INDEX_ALLOCATION, Ntfs.I30);
        if (alloc.isEmpty()) {
            if (root.children()) {
                throw new CorruptFormatException(Ntfs.ref(structure, "root flags", at + ROOT_HEADER
                        + IndexNode.HEADER_FLAGS), "has children", "no children", "the index root has children "
                        + "but the directory has no $INDEX_ALLOCATION");
            }
            this.allocation = null;
            this.bitmap = null;
        } else {
            this.allocation = AttributeData.of(reader, g, alloc, dir.structure());
            List<Attribute> bits = dir.segments(Ntfs.AT_BITMAP, Ntfs.I30);
            if (bits.isEmpty()) {
                throw new CorruptFormatException(Ntfs.ref(structure, "$BITMAP", dir.base().at()),
                        "the directory has an $INDEX_ALLOCATION but no $BITMAP named $I30");
            }
            this.bitmap = AttributeData.of(reader, g, bits, dir.structure());
        }
    }

    /** The index block size in bytes. */
    int blockSize() {
        return blockSize;
    }

    /** The root node. */
    IndexNode root() {
        return root;
    }

    /** Every entry of the tree in order (the end entries left out). */
    List<IndexNode.Entry> entries() throws IOException {
        List<IndexNode.Entry> out = new ArrayList<>();
        walk(root, 0, new HashSet<>(), new HashSet<>(), out, new int[1]);
        return out;
    }

    /** The levels of the tree below the root (0 when the root holds every entry) and the INDX blocks it uses. */
    record Shape(int levels, int blocks) {
    }

    Shape shape() throws IOException {
        int[] deepest = new int[1];
        Set<Long> visited = new HashSet<>();
        walk(root, 0, new HashSet<>(), visited, new ArrayList<>(), deepest);
        return new Shape(deepest[0], visited.size());
    }

    private void walk(IndexNode node, int depth, Set<Long> path, Set<Long> visited, List<IndexNode.Entry> out,
                      int[] deepest) throws IOException {
        deepest[0] = Math.max(deepest[0], depth);
        for (IndexNode.Entry e : node.entries()) {
            if (e.hasChild()) {
                walk(child(e, depth, path, visited), depth + 1, path, visited, out, deepest);
                path.remove(e.child());
            }
            if (!e.end()) {
                out.add(e);
            }
        }
    }

    /**
     * The entries whose names equal {@code name} ignoring case (through the volume's upper-case table), found by
     * descending the tree: only the nodes whose range can hold the name are read.
     */
    List<IndexNode.Entry> find(String name, UpCase upcase) throws IOException {
        List<IndexNode.Entry> out = new ArrayList<>();
        find(root, name, upcase, 0, new HashSet<>(), new HashSet<>(), out);
        return out;
    }

    private void find(IndexNode node, String name, UpCase upcase, int depth, Set<Long> path, Set<Long> visited,
                      List<IndexNode.Entry> out) throws IOException {
        for (IndexNode.Entry e : node.entries()) {
            int c = e.end() ? -1 : upcase.compareIgnoreCase(name, e.key().name());
            if (c > 0) {
                continue;
            }
            if (e.hasChild()) {
                find(child(e, depth, path, visited), name, upcase, depth + 1, path, visited, out);
                path.remove(e.child());
            }
            if (c < 0) {
                return;
            }
            out.add(e);
        }
    }

    /** Reads and checks the child node of {@code e}, guarding against depth, cycles and repeats. */
    private IndexNode child(IndexNode.Entry e, int depth, Set<Long> path, Set<Long> visited) throws IOException {
        long vcn = e.child();
        FieldRef where = Ntfs.ref(structure, "index entry child VCN", e.at());
        if (depth + 1 >= maxDepth) {
            throw new CorruptFormatException(where, Long.toString(vcn), "a tree of at most " + maxDepth
                    + " levels", "the index is deeper than " + maxDepth + " levels (at VCN " + vcn + ")");
        }
        if (path.contains(vcn)) {
            throw new CorruptFormatException(where, Long.toString(vcn), "a VCN not on the path from the root",
                    "index entry points to VCN " + vcn + ", the node itself or one of its ancestors: the index "
                            + "loops");
        }
        if (!visited.add(vcn)) {
            throw new CorruptFormatException(where, Long.toString(vcn), "a VCN no other entry points to",
                    "index entry points to VCN " + vcn + ", which another entry already points to");
        }
        path.add(vcn);
        return block(vcn, where);
    }

    /** Reads the INDX block at {@code vcn}: in the allocation, in use per the bitmap, fixups, its own VCN. */
    IndexNode block(long vcn, FieldRef where) throws IOException {
        if (allocation == null) {
            throw new CorruptFormatException(where, Long.toString(vcn), "no child", "an index entry points to "
                    + "VCN " + vcn + " but the directory has no $INDEX_ALLOCATION");
        }
        if (vcn > (Long.MAX_VALUE >>> vcnShift) || (vcn << vcnShift) % blockSize != 0
                || (vcn << vcnShift) > allocation.size() - blockSize) {
            throw new CorruptFormatException(where, Long.toString(vcn), "the VCN of a block within the "
                    + allocation.size() + "-byte allocation", "index entry points to VCN " + vcn
                    + ", which is not the start of an index block within the allocation of " + allocation.size()
                    + " bytes");
        }
        long offset = vcn << vcnShift;
        long index = offset / blockSize;
        if (!inUse(index)) {
            throw new CorruptFormatException(where, Long.toString(vcn), "a block in use", "index entry points to "
                    + "VCN " + vcn + ", which the $I30 bitmap marks as free");
        }
        byte[] b = new byte[blockSize];
        allocation.read(offset, ByteBuffer.wrap(b));
        long at = volumeOffset(offset);
        String name = structure + " INDX block at VCN " + vcn;
        int magic = Ntfs.i32(b, 0);
        if (magic != MAGIC_INDX) {
            throw new CorruptFormatException(Ntfs.ref(name, "signature", at), Ntfs.hex8(magic & 0xFFFFFFFFL),
                    "0x58444E49 (INDX)", "signature is " + (magic == MftRecord.MAGIC_BAAD ? "BAAD (chkdsk found "
                    + "a torn write)" : Ntfs.hex8(magic & 0xFFFFFFFFL)) + " - should be \"INDX\"");
        }
        Fixups.apply(b, blockSize, name, at);
        long own = Ntfs.i64(b, INDX_VCN);
        if (own != vcn) {
            throw new CorruptFormatException(Ntfs.ref(name, "VCN", at + INDX_VCN), Long.toString(own),
                    Long.toString(vcn) + " (where the block is)");
        }
        return IndexNode.decode(b, INDX_HEADER, blockSize, name, at);
    }

    private boolean inUse(long index) throws IOException {
        long byteAt = index >>> 3;
        if (byteAt >= bitmap.size()) {
            return false;
        }
        byte[] one = new byte[1];
        bitmap.read(byteAt, ByteBuffer.wrap(one));
        return (one[0] >>> (index & 7) & 1) != 0;
    }

    /** The volume offset of a byte of the allocation, for messages ({@link FieldRef#NO_OFFSET} when unmapped). */
    private long volumeOffset(long offset) {
        Runlist runs = allocation.runs();
        long vcn = offset >>> g.clusterShift();
        int run = runs.find(vcn);
        if (run < 0 || runs.lcn(run) == Runlist.SPARSE) {
            return FieldRef.NO_OFFSET;
        }
        return g.clusterOffset(runs.lcn(run) + vcn - runs.vcn(run)) + (offset & (g.clusterSize() - 1));
    }

    FileRecord dir() {
        return dir;
    }

    /** The volume offset of the INDX block at {@code vcn}, for tests ({@link FieldRef#NO_OFFSET} when unmapped). */
    long blockAt(long vcn) {
        return allocation == null ? FieldRef.NO_OFFSET : volumeOffset(vcn << vcnShift);
    }
}
