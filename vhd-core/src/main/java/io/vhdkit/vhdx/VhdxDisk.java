package io.vhdkit.vhdx;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.io.Buffers;
import io.vhdkit.io.ByteSource;
import io.vhdkit.io.Extent;
import io.vhdkit.io.Extents;
import io.vhdkit.io.FileByteSource;
import io.vhdkit.partition.Guids;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A VHDX image opened read-only as a virtual disk (MS-VHDX v6). Opening reads and checks the file identifier, both
 * headers (the valid one with the larger sequence number is used), both region tables (the current header's...
 * either valid one; required unknown regions are refused), the metadata (block size, virtual size, logical sector
 * size, parent locator) and the whole BAT. Every offset and length is checked against the file before it is used;
 * counts are capped. A pending log (a non-zero log GUID: the image was not closed cleanly) is replayed in memory
 * ({@link VhdxLog}) before anything else is read; a log that cannot be replayed makes the image refused. A
 * differencing VHDX (HasParent) reads the blocks and sectors it does not hold from its parent VHDX, found and checked
 * by {@link VhdxChain} when opened by path.
 */
public final class VhdxDisk implements VirtualDisk {

    public static final String SIGNATURE = "vhdxfile";
    static final long MIB = 1024 * 1024;
    /** MS-VHDX: block sizes from 1 MiB to 256 MiB, powers of two. */
    static final long MIN_BLOCK = MIB;
    static final long MAX_BLOCK = 256 * MIB;
    /** MS-VHDX: virtual disks up to 64 TiB. */
    public static final long MAX_VIRTUAL_SIZE = 64L << 40;
    /** The largest metadata region read. */
    static final long MAX_METADATA = 16 * MIB;
    static final int METADATA_TABLE_SIZE = 64 * 1024;
    static final int MAX_METADATA_ENTRIES = 2047;
    /** The most BAT entries read (64 MiB of BAT): 8 TiB in 1 MiB blocks, 64 TiB in 8 MiB blocks. */
    public static final long MAX_BAT_ENTRIES = 1L << 23;
    /** No VHDX file is larger: 64 TiB of payload plus its bitmaps and metadata, with room to spare. */
    public static final long MAX_FILE_SIZE = 1L << 47;
    /** Sector bitmap blocks are 1 MiB (MS-VHDX 2.4). */
    static final long SECTOR_BITMAP_BLOCK = MIB;

    public static final UUID FILE_PARAMETERS = UUID.fromString("caa16737-fa36-4d43-b3b6-33f0aa44e76b");
    public static final UUID VIRTUAL_DISK_SIZE = UUID.fromString("2fa54224-cd1b-4876-b211-5dbed83bf4b8");
    public static final UUID VIRTUAL_DISK_ID = UUID.fromString("beca12ab-b2e6-4523-93ef-c309e000c746");
    public static final UUID LOGICAL_SECTOR_SIZE = UUID.fromString("8141bf1d-a96f-4709-ba47-f233a8faab5f");
    public static final UUID PHYSICAL_SECTOR_SIZE = UUID.fromString("cda348c7-445d-4471-9cc9-e9885251c556");
    public static final UUID PARENT_LOCATOR = UUID.fromString("a8d35f2d-b30b-454d-abf7-d3d84834ab0c");

    /** BAT payload block states (MS-VHDX 2.5.1.1). */
    public static final int PAYLOAD_NOT_PRESENT = 0;
    public static final int PAYLOAD_UNDEFINED = 1;
    public static final int PAYLOAD_ZERO = 2;
    public static final int PAYLOAD_UNMAPPED = 3;
    public static final int PAYLOAD_FULLY_PRESENT = 6;
    public static final int PAYLOAD_PARTIALLY_PRESENT = 7;
    /** Sector bitmap BAT entry states (MS-VHDX 2.5.1.2). */
    public static final int SB_BLOCK_NOT_PRESENT = 0;
    public static final int SB_BLOCK_PRESENT = 6;

    private static final String FORMAT = "VHDX";

    private final ByteSource source;
    private final VhdxHeader header;
    private final long blockSize;
    private final long size;
    private final int logicalSectorSize;
    private final long chunkRatio;
    private final byte[] state;     // the BAT state of each data block
    private final long[] payload;   // the absolute file offset of each FULLY or PARTIALLY present block
    private final long[] bitmaps;   // the absolute file offset of each chunk's sector bitmap, or -1
    private final VhdxParentLocator parentLocator; // null unless differencing
    private final VhdxLog.Replay replay;           // null unless the log was replayed
    private VhdxDisk parent;        // set once by link()

    private VhdxDisk(ByteSource source, VhdxHeader header, Metadata m, long chunkRatio, byte[] state, long[] payload,
                     long[] bitmaps, VhdxLog.Replay replay) {
        this.source = source;
        this.header = header;
        this.blockSize = m.blockSize;
        this.size = m.size;
        this.logicalSectorSize = m.logicalSectorSize;
        this.chunkRatio = chunkRatio;
        this.state = state;
        this.payload = payload;
        this.bitmaps = bitmaps;
        this.parentLocator = m.parentLocator;
        this.replay = replay;
    }

    /**
     * Opens the VHDX at {@code path} read-only, with its chain of parents if it is a differencing disk.
     *
     * @throws io.vhdkit.vhd.ParentNotFoundException when a parent is not where its locator says
     */
    public static VhdxDisk open(Path path) throws IOException {
        return VhdxChain.open(path);
    }

    /** Opens one file; package use by the chain, which links the parent. */
    static VhdxDisk openFile(Path path) throws IOException {
        FileByteSource s = FileByteSource.open(path);
        try {
            return read(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Reads a differencing VHDX {@code child} whose parent is {@code parent}, checked as Hyper-V does (its
     * DataWriteGuid must be the child's parent_linkage; same size and logical sector size). Both are then owned by
     * the disk (closed with it, or at once if it cannot be opened).
     */
    public static VhdxDisk open(ByteSource child, VhdxDisk parent) throws IOException {
        try {
            VhdxDisk d = read(child);
            try {
                d.link(parent, child.name() + "'s parent");
                return d;
            } catch (IOException | RuntimeException e) {
                d.source.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            parent.close();
            throw e;
        }
    }

    /**
     * Reads the structures of {@code source}, which the disk then owns and closes. A differencing VHDX is refused:
     * its parent is found from its path ({@link #open(Path)}) or given ({@link #open(ByteSource, VhdxDisk)}).
     */
    public static VhdxDisk open(ByteSource source) throws IOException {
        VhdxDisk d = read(source);
        if (d.differencing()) {
            throw new UnsupportedFormatException(ref("metadata", "file parameters", FieldRef.NO_OFFSET),
                    "this is a differencing VHDX: open it by its path, so that its parent is found beside it");
        }
        return d;
    }

    /** Reads one file's structures (replaying its log if needed); a differencing disk is left unlinked. */
    static VhdxDisk read(ByteSource file) throws IOException {
        long fileSize = file.size();
        ByteSource source = file;
        if (fileSize < 1 * MIB) {
            throw new NotThisFormatException(ref("file identifier", "signature", 0), fileSize + " bytes",
                    "at least 1 MiB", "the file is " + fileSize + " bytes, too short for a VHDX (at least 1 MiB)");
        }
        ByteBuffer id = source.read(0, 8);
        String sig = new String(id.array(), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!SIGNATURE.equals(sig)) {
            throw new NotThisFormatException(ref("file identifier", "signature", 0), "\"" + printable(sig) + "\"",
                    "\"" + SIGNATURE + "\"");
        }
        VhdxHeader h1 = VhdxHeader.decode(source.read(VhdxHeader.OFFSET_1, VhdxHeader.SIZE));
        VhdxHeader h2 = VhdxHeader.decode(source.read(VhdxHeader.OFFSET_2, VhdxHeader.SIZE));
        VhdxHeader header;
        long headerAt;
        if (h1.valid() && (!h2.valid() || Long.compareUnsigned(h1.sequenceNumber(), h2.sequenceNumber()) >= 0)) {
            header = h1;
            headerAt = VhdxHeader.OFFSET_1;
        } else if (h2.valid()) {
            header = h2;
            headerAt = VhdxHeader.OFFSET_2;
        } else {
            throw new CorruptFormatException(ref("header", "checksum", VhdxHeader.OFFSET_1 + VhdxHeader.OFFSET_CHECKSUM),
                    "neither header is valid (header 1: " + headerProblem(h1) + "; header 2: " + headerProblem(h2)
                            + ")");
        }
        VhdxLog.Replay replay = null;
        if (header.logPending()) {
            VhdxLog.Result r = VhdxLog.replay(file, header, headerAt);
            source = r.source();
            replay = r.replay();
            fileSize = source.size();
        }
        VhdxRegionTable regions = regionTable(source);
        VhdxRegionTable.Entry bat = null;
        VhdxRegionTable.Entry metadata = null;
        Set<UUID> seen = new HashSet<>();
        long regionAt = VhdxRegionTable.OFFSET_1 + VhdxRegionTable.OFFSET_ENTRIES;
        for (VhdxRegionTable.Entry e : regions.entries()) {
            FieldRef at = ref("region table", "entry " + e.index(), regionAt + (long) e.index() * VhdxRegionTable.ENTRY_SIZE);
            if (!seen.add(e.guid())) {
                throw new CorruptFormatException(at, "region " + Guids.text(e.guid()) + " is listed twice");
            }
            if (e.fileOffset() < 1 * MIB || e.fileOffset() % MIB != 0 || e.length() == 0
                    || e.fileOffset() > fileSize || e.length() > fileSize - e.fileOffset()) {
                throw new CorruptFormatException(at, "region " + Guids.text(e.guid()) + " at offset "
                        + Long.toUnsignedString(e.fileOffset()) + " (" + e.length() + " bytes) is not 1 MiB-aligned "
                        + "inside the file (" + fileSize + " bytes)");
            }
            if (e.guid().equals(VhdxRegionTable.BAT)) {
                bat = e;
            } else if (e.guid().equals(VhdxRegionTable.METADATA)) {
                metadata = e;
            } else if (e.required()) {
                throw new UnsupportedFormatException(at, "region " + Guids.text(e.guid())
                        + " is marked required and vhdkit does not know it");
            }
        }
        if (bat == null || metadata == null) {
            throw new CorruptFormatException(ref("region table", "entry count", VhdxRegionTable.OFFSET_1
                    + VhdxRegionTable.OFFSET_ENTRY_COUNT), "the region table has no " + (bat == null ? "BAT"
                    : "metadata") + " region");
        }
        Metadata m = metadata(source, metadata);
        long dataBlocks = ceilDiv(m.size, m.blockSize);
        long chunkRatio = (1L << 23) * m.logicalSectorSize / m.blockSize;
        long chunks = ceilDiv(dataBlocks, chunkRatio);
        boolean differencing = m.parentLocator != null;
        // MS-VHDX 2.5: a differencing disk's BAT reaches the bitmap entry of its last chunk
        long entries = differencing ? chunks * (chunkRatio + 1) : dataBlocks + (dataBlocks - 1) / chunkRatio;
        if (entries > MAX_BAT_ENTRIES) {
            throw new UnsupportedFormatException(ref("metadata", "block size", FieldRef.NO_OFFSET),
                    "a disk of " + m.size + " bytes in blocks of " + m.blockSize + " has " + entries
                            + " BAT entries, more than the " + MAX_BAT_ENTRIES + " vhdkit reads");
        }
        if (entries * 8 > bat.length()) {
            throw new CorruptFormatException(ref("region table", "BAT length", bat.fileOffset()),
                    Long.toString(bat.length()), "at least " + entries * 8, "the BAT region (" + bat.length()
                    + " bytes) is too small for the " + entries + " entries a disk of " + m.size + " bytes in blocks of "
                    + m.blockSize + " needs");
        }
        ByteBuffer table = source.read(bat.fileOffset(), (int) (entries * 8)).order(ByteOrder.LITTLE_ENDIAN);
        long[] bitmaps = new long[(int) chunks];
        java.util.Arrays.fill(bitmaps, -1);
        for (int c = 0; c < chunks; c++) {
            long index = c * (chunkRatio + 1) + chunkRatio;
            if (index >= entries) {
                break; // a non-differencing disk's last chunk has no bitmap entry
            }
            long entry = table.getLong((int) (index * 8));
            int sbState = (int) (entry & 7);
            long offset = (entry >>> 20) << 20;
            FieldRef at = ref("BAT", "sector bitmap entry " + index, bat.fileOffset() + index * 8);
            if (sbState == SB_BLOCK_PRESENT && differencing) {
                if (offset < 1 * MIB || offset > fileSize - SECTOR_BITMAP_BLOCK) {
                    throw new CorruptFormatException(at, "0x" + Long.toHexString(entry), null, "the sector bitmap of "
                            + "chunk " + c + " at file offset " + offset + " (1 MiB) is not inside the file ("
                            + fileSize + " bytes)");
                }
                bitmaps[c] = offset;
            } else if (sbState != SB_BLOCK_NOT_PRESENT && (differencing || sbState != SB_BLOCK_PRESENT)) {
                throw new CorruptFormatException(at, Integer.toString(sbState), differencing ? "0 or 6" : "0",
                        "the sector bitmap entry of chunk " + c + " has state " + sbState);
            }
        }
        byte[] states = new byte[(int) dataBlocks];
        long[] payload = new long[(int) dataBlocks];
        for (int i = 0; i < dataBlocks; i++) {
            long index = i + i / chunkRatio;
            long entry = table.getLong((int) (index * 8));
            int st = (int) (entry & 7);
            long offset = (entry >>> 20) << 20;
            FieldRef at = ref("BAT", "entry " + index, bat.fileOffset() + index * 8);
            switch (st) {
                case PAYLOAD_NOT_PRESENT, PAYLOAD_UNDEFINED, PAYLOAD_ZERO, PAYLOAD_UNMAPPED -> payload[i] = -1;
                case PAYLOAD_FULLY_PRESENT, PAYLOAD_PARTIALLY_PRESENT -> {
                    if (st == PAYLOAD_PARTIALLY_PRESENT && !differencing) {
                        throw new CorruptFormatException(at, Integer.toString(st), "0, 1, 2, 3 or 6", "block " + i
                                + " has state " + st + ", which a VHDX without a parent cannot have");
                    }
                    if (st == PAYLOAD_PARTIALLY_PRESENT && bitmaps[(int) (i / chunkRatio)] < 0) {
                        throw new CorruptFormatException(at, Integer.toString(st), null, "block " + i + " is "
                                + "partially present but its chunk has no sector bitmap");
                    }
                    if (offset < 1 * MIB || offset > fileSize - Math.min(m.blockSize, m.size - (long) i * m.blockSize)) {
                        throw new CorruptFormatException(at, "0x" + Long.toHexString(entry), null, "block " + i
                                + " at file offset " + offset + " (" + m.blockSize + " bytes) is not inside the file ("
                                + fileSize + " bytes)");
                    }
                    payload[i] = offset;
                }
                default -> throw new CorruptFormatException(at, Integer.toString(st), differencing
                        ? "0, 1, 2, 3, 6 or 7" : "0, 1, 2, 3 or 6", "block " + i + " has the reserved state " + st);
            }
            states[i] = (byte) st;
        }
        return new VhdxDisk(source, header, m, chunkRatio, states, payload, bitmaps, replay);
    }

    private record Metadata(long blockSize, long size, int logicalSectorSize, VhdxParentLocator parentLocator) {
    }

    private static VhdxRegionTable regionTable(ByteSource source) throws IOException {
        VhdxRegionTable t1 = VhdxRegionTable.decode(source.read(VhdxRegionTable.OFFSET_1, VhdxRegionTable.SIZE));
        if (t1.valid()) {
            return t1;
        }
        VhdxRegionTable t2 = VhdxRegionTable.decode(source.read(VhdxRegionTable.OFFSET_2, VhdxRegionTable.SIZE));
        if (t2.valid()) {
            return t2;
        }
        throw new CorruptFormatException(ref("region table", "checksum",
                VhdxRegionTable.OFFSET_1 + VhdxRegionTable.OFFSET_CHECKSUM), "neither region table is valid "
                + "(signature \"regi\", CRC-32C, at most 2047 entries)");
    }

    private static Metadata metadata(ByteSource source, VhdxRegionTable.Entry region) throws IOException {
        long base = region.fileOffset();
        if (region.length() < METADATA_TABLE_SIZE || region.length() > MAX_METADATA) {
            throw new CorruptFormatException(ref("metadata region", "length", base), Long.toString(region.length()),
                    "64 KiB to " + MAX_METADATA);
        }
        ByteBuffer r = source.read(base, (int) region.length()).order(ByteOrder.LITTLE_ENDIAN);
        String sig = new String(r.array(), 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!"metadata".equals(sig)) {
            throw new CorruptFormatException(ref("metadata table", "signature", base), "\"" + printable(sig) + "\"",
                    "\"metadata\"");
        }
        int count = Short.toUnsignedInt(r.getShort(10));
        if (count > MAX_METADATA_ENTRIES) {
            throw new CorruptFormatException(ref("metadata table", "entry count", base + 10), Integer.toString(count),
                    "at most " + MAX_METADATA_ENTRIES);
        }
        Long blockSize = null;
        Long size = null;
        Integer sector = null;
        boolean hasParent = false;
        VhdxParentLocator locator = null;
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            int at = 32 + i * 32;
            UUID item = Guids.decode(r, at);
            long offset = Integer.toUnsignedLong(r.getInt(at + 16));
            long length = Integer.toUnsignedLong(r.getInt(at + 20));
            int flags = r.getInt(at + 24);
            FieldRef where = ref("metadata table", "entry " + i, base + at);
            if (!seen.add(item)) {
                throw new CorruptFormatException(where, "metadata item " + Guids.text(item) + " is listed twice");
            }
            if (length > 0 && (offset < METADATA_TABLE_SIZE || offset > region.length()
                    || length > region.length() - offset)) {
                throw new CorruptFormatException(where, "metadata item " + Guids.text(item) + " at offset " + offset
                        + " (" + length + " bytes) lies outside the metadata region (" + region.length() + " bytes)");
            }
            int o = (int) offset;
            if (item.equals(FILE_PARAMETERS)) {
                need(where, length, 8);
                blockSize = Integer.toUnsignedLong(r.getInt(o));
                hasParent = (r.getInt(o + 4) & 2) != 0;
            } else if (item.equals(VIRTUAL_DISK_SIZE)) {
                need(where, length, 8);
                size = r.getLong(o);
            } else if (item.equals(LOGICAL_SECTOR_SIZE)) {
                need(where, length, 4);
                sector = r.getInt(o);
            } else if (item.equals(PARENT_LOCATOR)) {
                locator = VhdxParentLocator.decode(r, o, (int) length, base);
            } else if ((flags & 4) != 0 && !item.equals(VIRTUAL_DISK_ID) && !item.equals(PHYSICAL_SECTOR_SIZE)) {
                throw new UnsupportedFormatException(where, "metadata item " + Guids.text(item)
                        + " is marked required and vhdkit does not know it");
            }
        }
        FieldRef table = ref("metadata table", "", base);
        if (blockSize == null || size == null || sector == null) {
            throw new CorruptFormatException(table, "the metadata lacks the " + (blockSize == null
                    ? "file parameters" : size == null ? "virtual disk size" : "logical sector size") + " item");
        }
        if (hasParent && locator == null) {
            throw new CorruptFormatException(ref("metadata", "parent locator", base), "this is a differencing VHDX "
                    + "(HasParent) without a parent locator: its parent cannot be found");
        }
        if (blockSize < MIN_BLOCK || blockSize > MAX_BLOCK || Long.bitCount(blockSize) != 1) {
            throw new CorruptFormatException(ref("metadata", "block size", base), Long.toString(blockSize),
                    "a power of two from 1 MiB to 256 MiB");
        }
        if (sector != 512 && sector != 4096) {
            throw new CorruptFormatException(ref("metadata", "logical sector size", base), Integer.toString(sector),
                    "512 or 4096");
        }
        if (size <= 0 || size > MAX_VIRTUAL_SIZE || size % sector != 0) {
            throw new CorruptFormatException(ref("metadata", "virtual disk size", base), Long.toUnsignedString(size),
                    "a positive multiple of " + sector + ", at most 64 TiB");
        }
        return new Metadata(blockSize, size, sector, hasParent ? locator : null);
    }

    private static void need(FieldRef where, long length, int needed) throws CorruptFormatException {
        if (length < needed) {
            throw new CorruptFormatException(where, length + " bytes", "at least " + needed);
        }
    }

    private static String headerProblem(VhdxHeader h) {
        if (!h.signatureValid()) {
            return "no \"head\" signature";
        }
        if (!h.checksumValid()) {
            return String.format(Locale.ROOT, "checksum 0x%08X, computed 0x%08X", h.checksum(), h.computedChecksum());
        }
        return "version " + h.version() + ", should be 1";
    }

    private static FieldRef ref(String structure, String field, long offset) {
        return FieldRef.of(FORMAT, structure, field, offset);
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7E]", "?");
    }

    static long ceilDiv(long a, long b) {
        return a / b + (a % b == 0 ? 0 : 1);
    }

    /**
     * Links a differencing disk to its parent, checked as Hyper-V does: the parent's DataWriteGuid is the child's
     * parent_linkage (or parent_linkage2), and both have the same virtual size and logical sector size.
     */
    void link(VhdxDisk parent, String parentName) throws CorruptFormatException {
        if (!differencing() || this.parent != null) {
            throw new IllegalStateException("not an unlinked differencing disk");
        }
        java.util.UUID actual = parent.header.dataWriteGuid();
        if (!parentLocator.linkages().contains(actual)) {
            throw new CorruptFormatException(
                    ref("parent locator", VhdxParentLocator.PARENT_LINKAGE, FieldRef.NO_OFFSET),
                    "{" + actual + "}", parentLocator.entries().get(VhdxParentLocator.PARENT_LINKAGE), "the parent "
                    + parentName + " has data write GUID " + actual + ", not the parent_linkage the child was made "
                    + "against: it is not the disk this child was made from, or it was changed since (Hyper-V refuses "
                    + "such a chain too)");
        }
        if (parent.size != size || parent.logicalSectorSize != logicalSectorSize) {
            throw new CorruptFormatException(ref("metadata", "virtual disk size", FieldRef.NO_OFFSET),
                    "the parent " + parentName + " is " + parent.size + " bytes in " + parent.logicalSectorSize
                    + "-byte sectors, the child " + size + " bytes in " + logicalSectorSize + "-byte sectors");
        }
        this.parent = parent;
    }

    public VhdxHeader header() {
        return header;
    }

    /** The file's name for messages: its path when opened from one. */
    public String name() {
        return source.name();
    }

    /** This disk, then its parent, grandparent and so on. */
    public List<VhdxDisk> chain() {
        List<VhdxDisk> out = new ArrayList<>();
        for (VhdxDisk d = this; d != null; d = d.parent) {
            out.add(d);
        }
        return List.copyOf(out);
    }

    public long blockSize() {
        return blockSize;
    }

    public int logicalSectorSize() {
        return logicalSectorSize;
    }

    public long chunkRatio() {
        return chunkRatio;
    }

    /** Whether this is a differencing VHDX (HasParent). */
    public boolean differencing() {
        return parentLocator != null;
    }

    /** A differencing disk's parent locator. */
    public Optional<VhdxParentLocator> parentLocator() {
        return Optional.ofNullable(parentLocator);
    }

    /** A differencing disk's parent, once linked. */
    public Optional<VhdxDisk> parent() {
        return Optional.ofNullable(parent);
    }

    /** What the replay of a pending log did, if the file had one. */
    public Optional<VhdxLog.Replay> logReplay() {
        return Optional.ofNullable(replay);
    }

    /** Data blocks with data in this file (fully or partially present). */
    public long allocatedBlocks() {
        long n = 0;
        for (long p : payload) {
            if (p >= 0) {
                n++;
            }
        }
        return n;
    }

    /** Bytes read from this file and its parents. */
    public long bytesRead() {
        return source.bytesRead() + (parent == null ? 0 : parent.bytesRead());
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        int length = dst.remaining();
        if (position < 0 || position > size || length > size - position) {
            throw new CorruptFormatException(ref("virtual disk", "read range", FieldRef.NO_OFFSET),
                    "a read of " + length + " bytes at " + position + " lies outside the virtual disk of " + size
                            + " bytes (" + source.name() + ")");
        }
        long pos = position;
        while (dst.hasRemaining()) {
            int block = (int) (pos / blockSize);
            long in = pos % blockSize;
            int n = (int) Math.min(dst.remaining(), blockSize - in);
            ByteBuffer part = Buffers.take(dst, n);
            switch (state[block]) {
                case PAYLOAD_FULLY_PRESENT -> source.readFully(payload[block] + in, part);
                case PAYLOAD_PARTIALLY_PRESENT -> readPartial(block, in, pos, part);
                case PAYLOAD_NOT_PRESENT, PAYLOAD_UNDEFINED -> fromParent(pos, part);
                default -> Buffers.putZeros(part, n); // ZERO; UNMAPPED reads as zeros (MS-VHDX 2.5.1.1)
            }
            pos += n;
        }
    }

    /** A differencing disk reads what it does not hold from its parent; other disks read zeros. */
    private void fromParent(long pos, ByteBuffer part) throws IOException {
        if (parent != null) {
            parent.read(pos, part);
        } else if (differencing()) {
            throw new IllegalStateException("differencing disk read before its parent was linked");
        } else {
            Buffers.putZeros(part, part.remaining());
        }
    }

    /**
     * A partially present block: each logical sector comes from this file where its bit in the chunk's sector bitmap
     * is 1 (bit 0 of byte 0 is the chunk's first sector, MS-VHDX 2.4), else from the parent.
     */
    private void readPartial(int block, long in, long pos, ByteBuffer part) throws IOException {
        int n = part.remaining();
        long firstSector = in / logicalSectorSize;
        long lastSector = (in + n - 1) / logicalSectorSize;
        long bitBase = (block % chunkRatio) * (blockSize / logicalSectorSize);
        long fromByte = (bitBase + firstSector) / 8;
        long toByte = (bitBase + lastSector) / 8;
        byte[] bits = source.read(bitmaps[(int) (block / chunkRatio)] + fromByte, (int) (toByte - fromByte + 1))
                .array();
        long at = in;
        long end = in + n;
        while (at < end) {
            long sector = at / logicalSectorSize;
            boolean present = bit(bits, bitBase + sector - fromByte * 8);
            long runEnd = Math.min(end, (sector + 1) * logicalSectorSize);
            while (runEnd < end && bit(bits, bitBase + runEnd / logicalSectorSize - fromByte * 8) == present) {
                runEnd = Math.min(end, runEnd + logicalSectorSize);
            }
            int len = (int) (runEnd - at);
            ByteBuffer run = Buffers.take(part, len);
            if (present) {
                source.readFully(payload[block] + at, run);
            } else {
                fromParent(pos + (at - in), run);
            }
            at = runEnd;
        }
    }

    private static boolean bit(byte[] bits, long index) {
        return (bits[(int) (index >>> 3)] & (1 << (index & 7))) != 0;
    }

    @Override
    public List<Extent> allocatedExtents() throws IOException {
        List<Extent> out = new ArrayList<>();
        long start = -1;
        long end = -1;
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] < 0) {
                continue;
            }
            long s = i * blockSize;
            long e = Math.min(size, s + blockSize);
            if (s == end) {
                end = e;
            } else {
                if (start >= 0) {
                    out.add(new Extent(start, end - start));
                }
                start = s;
                end = e;
            }
        }
        if (start >= 0) {
            out.add(new Extent(start, end - start));
        }
        if (parent != null) {
            return Extents.union(out, Extents.clip(parent.allocatedExtents(), 0, size));
        }
        return List.copyOf(out);
    }

    @Override
    public void close() throws IOException {
        try {
            source.close();
        } finally {
            if (parent != null) {
                parent.close();
            }
        }
    }
}
