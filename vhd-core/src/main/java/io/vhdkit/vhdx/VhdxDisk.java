package io.vhdkit.vhdx;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.io.Buffers;
import io.vhdkit.io.ByteSource;
import io.vhdkit.io.Extent;
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
import java.util.Set;
import java.util.UUID;

/**
 * A VHDX image opened read-only as a virtual disk (MS-VHDX v6). Opening reads and checks the file identifier, both
 * headers (the valid one with the larger sequence number is used), both region tables (the current header's...
 * either valid one; required unknown regions are refused), the metadata (block size, virtual size, logical sector
 * size) and the whole BAT. Every offset and length is checked against the file before it is used; counts are capped.
 * A pending log (a non-zero log GUID: the image was not closed cleanly) is refused with what to do. Differencing
 * VHDX images (HasParent) are refused for now.
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

    private static final String FORMAT = "VHDX";

    private final ByteSource source;
    private final VhdxHeader header;
    private final long blockSize;
    private final long size;
    private final int logicalSectorSize;
    private final long chunkRatio;
    private final long[] payload; // absolute file offset of each data block, or -1 (reads as zeros)

    private VhdxDisk(ByteSource source, VhdxHeader header, long blockSize, long size, int logicalSectorSize,
                     long chunkRatio, long[] payload) {
        this.source = source;
        this.header = header;
        this.blockSize = blockSize;
        this.size = size;
        this.logicalSectorSize = logicalSectorSize;
        this.chunkRatio = chunkRatio;
        this.payload = payload;
    }

    public static VhdxDisk open(Path path) throws IOException {
        FileByteSource s = FileByteSource.open(path);
        try {
            return open(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Reads the structures of {@code source}, which the disk then owns and closes. */
    public static VhdxDisk open(ByteSource source) throws IOException {
        long fileSize = source.size();
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
        if (header.logPending()) {
            throw new UnsupportedFormatException(ref("header", "log guid", headerAt + VhdxHeader.OFFSET_LOG_GUID),
                    Guids.text(header.logGuid()), "00000000-0000-0000-0000-000000000000",
                    "the VHDX log is not empty (log guid " + Guids.text(header.logGuid()) + "): the image was not "
                            + "closed cleanly and its newest writes are only in the log. vhdkit does not replay it, "
                            + "and reading without it would be inconsistent: open the image once read-write to replay "
                            + "it (Hyper-V: Mount-VHD; qemu: qemu-img check -r all IMAGE.vhdx), then try again");
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
        long entries = dataBlocks + (dataBlocks - 1) / chunkRatio;
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
        long[] payload = new long[(int) dataBlocks];
        for (int i = 0; i < dataBlocks; i++) {
            long index = i + i / chunkRatio;
            long entry = table.getLong((int) (index * 8));
            int state = (int) (entry & 7);
            long offset = (entry >>> 20) << 20;
            FieldRef at = ref("BAT", "entry " + index, bat.fileOffset() + index * 8);
            switch (state) {
                case PAYLOAD_NOT_PRESENT, PAYLOAD_UNDEFINED, PAYLOAD_ZERO, PAYLOAD_UNMAPPED -> payload[i] = -1;
                case PAYLOAD_FULLY_PRESENT -> {
                    if (offset < 1 * MIB || offset > fileSize - Math.min(m.blockSize, m.size - (long) i * m.blockSize)) {
                        throw new CorruptFormatException(at, "0x" + Long.toHexString(entry), null, "block " + i
                                + " at file offset " + offset + " (" + m.blockSize + " bytes) is not inside the file ("
                                + fileSize + " bytes)");
                    }
                    payload[i] = offset;
                }
                default -> throw new CorruptFormatException(at, Integer.toString(state), "0, 1, 2, 3 or 6",
                        "block " + i + " has state " + state + ", which a VHDX without a parent cannot have");
            }
        }
        return new VhdxDisk(source, header, m.blockSize, m.size, m.logicalSectorSize, chunkRatio, payload);
    }

    private record Metadata(long blockSize, long size, int logicalSectorSize) {
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
            } else if ((flags & 4) != 0 && !item.equals(VIRTUAL_DISK_ID) && !item.equals(PHYSICAL_SECTOR_SIZE)
                    && !item.equals(PARENT_LOCATOR)) {
                throw new UnsupportedFormatException(where, "metadata item " + Guids.text(item)
                        + " is marked required and vhdkit does not know it");
            }
        }
        FieldRef table = ref("metadata table", "", base);
        if (blockSize == null || size == null || sector == null) {
            throw new CorruptFormatException(table, "the metadata lacks the " + (blockSize == null
                    ? "file parameters" : size == null ? "virtual disk size" : "logical sector size") + " item");
        }
        if (hasParent) {
            throw new UnsupportedFormatException(ref("metadata", "file parameters", base), "this is a differencing "
                    + "VHDX (HasParent): vhdkit does not read VHDX chains yet; merge it into its parent first "
                    + "(Hyper-V: Merge-VHD; qemu: qemu-img convert -O vhdx CHILD.vhdx MERGED.vhdx)");
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
        return new Metadata(blockSize, size, sector);
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

    public VhdxHeader header() {
        return header;
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

    /** Data blocks with data in the file. */
    public long allocatedBlocks() {
        long n = 0;
        for (long p : payload) {
            if (p >= 0) {
                n++;
            }
        }
        return n;
    }

    public long bytesRead() {
        return source.bytesRead();
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
            if (payload[block] < 0) {
                Buffers.putZeros(part, n);
            } else {
                source.readFully(payload[block] + in, part);
            }
            pos += n;
        }
    }

    @Override
    public List<Extent> allocatedExtents() {
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
        return List.copyOf(out);
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
