package io.vhdkit.vhd;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.io.ByteSource;
import io.vhdkit.io.FileByteSource;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * One VHD file opened read-only: its footer, and for dynamic and differencing disks its dynamic header, BAT and
 * parent locators. Opening checks everything that reading depends on and fails with a {@link
 * io.vhdkit.format.FormatException} when the file cannot be read safely; problems it can read around (a damaged end
 * footer with a good copy, trailing bytes, a damaged header checksum, BAT entries that point outside the file) are
 * kept as {@link #anomalies()}, and reading a block whose entry is bad fails then.
 */
public final class VhdFile implements Closeable {

    /** The largest BAT read: 2^24 entries cover 32 TiB in 2 MiB blocks, beyond the format's 2040 GiB. */
    public static final long MAX_BAT_ENTRIES = 1L << 24;
    /** The largest block size accepted (VHDX's maximum; VHD writers use 512 KiB or 2 MiB). */
    public static final long MAX_BLOCK_SIZE = 256L * 1024 * 1024;
    /** The largest parent locator path read: a Windows path has at most 32767 UTF-16 units. */
    public static final int MAX_LOCATOR_BYTES = 64 * 1024;
    /** Bad BAT entries listed one by one before a summary. */
    static final int MAX_LISTED_BAD_ENTRIES = 8;

    private static final String FORMAT = "VHD";

    private final ByteSource source;
    private final long fileSize;
    private final FooterSearch.Result footers;
    private final DiskType diskType;
    private final DynamicHeader header;
    private final BlockAllocationTable bat;
    private final BitSet badEntries;
    private final List<ParentLocator> locators;
    private final long dataEnd;
    private final List<Finding> anomalies;

    private VhdFile(ByteSource source, long fileSize, FooterSearch.Result footers, DiskType diskType,
                    DynamicHeader header, BlockAllocationTable bat, BitSet badEntries, List<ParentLocator> locators,
                    long dataEnd, List<Finding> anomalies) {
        this.source = source;
        this.fileSize = fileSize;
        this.footers = footers;
        this.diskType = diskType;
        this.header = header;
        this.bat = bat;
        this.badEntries = badEntries;
        this.locators = List.copyOf(locators);
        this.dataEnd = dataEnd;
        this.anomalies = List.copyOf(anomalies);
    }

    /** Opens the file at {@code path} read-only. */
    public static VhdFile open(Path path) throws IOException {
        FileByteSource source = FileByteSource.open(path);
        try {
            return open(source);
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** Reads the structures from {@code source}, which the returned file then owns and closes. */
    public static VhdFile open(ByteSource source) throws IOException {
        long size = source.size();
        List<Finding> anomalies = new ArrayList<>();
        FooterSearch.Result found = FooterSearch.find(source, size, anomalies);
        VhdFooter footer = found.footer();
        long at = found.offset();

        DiskType type = footer.diskType().orElseThrow(() -> new UnsupportedFormatException(
                FieldRef.of(FORMAT, "footer", "disk type", at + VhdFooter.OFFSET_DISK_TYPE),
                DiskType.describe(footer.diskTypeCode()), "2 (fixed), 3 (dynamic) or 4 (differencing)"));
        if (footer.formatVersion() >>> 16 != 1) {
            throw new UnsupportedFormatException(
                    FieldRef.of(FORMAT, "footer", "format version", at + VhdFooter.OFFSET_FORMAT_VERSION),
                    footer.formatVersionText(), "1.0");
        }
        if (!footer.currentSizeValid()) {
            throw new CorruptFormatException(
                    FieldRef.of(FORMAT, "footer", "current size", at + VhdFooter.OFFSET_CURRENT_SIZE),
                    Long.toUnsignedString(footer.currentSize()), "a positive multiple of 512",
                    "current size " + Long.toUnsignedString(footer.currentSize())
                            + " is not a positive multiple of 512");
        }
        if (type == DiskType.FIXED) {
            if (footer.currentSize() > at) {
                throw new CorruptFormatException(
                        FieldRef.of(FORMAT, "footer", "current size", at + VhdFooter.OFFSET_CURRENT_SIZE),
                        Long.toString(footer.currentSize()), "at most " + at,
                        "current size " + footer.currentSize() + " is larger than the " + at
                                + " bytes of data before the footer: the file is truncated or the size is wrong");
            }
            return new VhdFile(source, size, found, type, null, null, new BitSet(), List.of(), at, anomalies);
        }
        return openSparse(source, size, found, type, anomalies);
    }

    private static VhdFile openSparse(ByteSource source, long size, FooterSearch.Result found, DiskType type,
                                      List<Finding> anomalies) throws IOException {
        VhdFooter footer = found.footer();
        long headerAt = footer.dataOffset();
        FieldRef dataOffsetRef = FieldRef.of(FORMAT, "footer", "data offset",
                found.offset() + VhdFooter.OFFSET_DATA_OFFSET);
        if (headerAt < 0 || headerAt > size - DynamicHeader.SIZE) {
            throw new CorruptFormatException(dataOffsetRef, VhdFooter.hex64(headerAt),
                    "an offset inside the file", "data offset " + Long.toUnsignedString(headerAt)
                    + " puts the dynamic header outside the file (" + size + " bytes)");
        }
        DynamicHeader header = DynamicHeader.decode(source.read(headerAt, DynamicHeader.SIZE));
        if (!header.cookieValid()) {
            throw new CorruptFormatException(FieldRef.of(FORMAT, "dynamic header", "cookie", headerAt),
                    "\"" + header.cookie() + "\"", "\"" + DynamicHeader.COOKIE + "\"");
        }
        if (!header.checksumValid()) {
            anomalies.add(Finding.mismatch(Severity.ERROR,
                    FieldRef.of(FORMAT, "dynamic header", "checksum", headerAt + DynamicHeader.OFFSET_CHECKSUM),
                    VhdFooter.hex32(header.checksum()), VhdFooter.hex32(header.computedChecksum())));
        }
        FieldRef blockSizeRef = FieldRef.of(FORMAT, "dynamic header", "block size",
                headerAt + DynamicHeader.OFFSET_BLOCK_SIZE);
        if (header.blockSize() < VhdFooter.SECTOR_SIZE || !header.blockSizeIsPowerOfTwo()) {
            throw new CorruptFormatException(blockSizeRef, Long.toString(header.blockSize()),
                    "a power of two, at least 512", "block size " + header.blockSize()
                    + " is not a power of two of at least 512 bytes");
        }
        if (header.blockSize() > MAX_BLOCK_SIZE) {
            throw new UnsupportedFormatException(blockSizeRef, Long.toString(header.blockSize()),
                    "at most " + MAX_BLOCK_SIZE, "block size " + header.blockSize() + " is larger than the "
                    + MAX_BLOCK_SIZE + " bytes vhdkit reads");
        }
        long needed = ceilDiv(footer.currentSize(), header.blockSize());
        FieldRef entriesRef = FieldRef.of(FORMAT, "dynamic header", "max table entries",
                headerAt + DynamicHeader.OFFSET_MAX_TABLE_ENTRIES);
        if (header.maxTableEntries() > MAX_BAT_ENTRIES) {
            throw new UnsupportedFormatException(entriesRef, Long.toString(header.maxTableEntries()),
                    "at most " + MAX_BAT_ENTRIES, "max table entries " + header.maxTableEntries()
                    + " is more than the " + MAX_BAT_ENTRIES + " vhdkit reads");
        }
        if (header.maxTableEntries() < needed) {
            throw new CorruptFormatException(entriesRef, Long.toString(header.maxTableEntries()),
                    "at least " + needed, "max table entries " + header.maxTableEntries() + " covers "
                    + header.maxTableEntries() * header.blockSize() + " bytes, less than the current size "
                    + footer.currentSize() + " (" + needed + " blocks of " + header.blockSize() + ")");
        }
        long tableAt = header.tableOffset();
        long tableBytes = header.maxTableEntries() * BlockAllocationTable.ENTRY_SIZE;
        if (tableAt < 0 || tableAt > size - tableBytes) {
            throw new CorruptFormatException(
                    FieldRef.of(FORMAT, "dynamic header", "table offset", headerAt + DynamicHeader.OFFSET_TABLE_OFFSET),
                    VhdFooter.hex64(tableAt), "an offset inside the file", "the BAT at offset "
                    + Long.toUnsignedString(tableAt) + " (" + tableBytes + " bytes) extends past the end of the file ("
                    + size + " bytes)");
        }
        BlockAllocationTable bat = BlockAllocationTable.decode(source.read(tableAt, (int) tableBytes),
                (int) header.maxTableEntries());

        // Blocks may lie between the metadata and the end footer; with no usable end footer, up to the end of file.
        boolean endFooterPresent = found.end() != null && found.end().cookieValid();
        long dataEnd = switch (found.location()) {
            case BACKUP_COPY -> endFooterPresent ? size - VhdFooter.SIZE : size;
            default -> found.offset();
        };
        List<long[]> metadata = new ArrayList<>(List.of(new long[] {0, VhdFooter.SIZE},
                new long[] {headerAt, headerAt + DynamicHeader.SIZE},
                new long[] {tableAt, tableAt + roundUpToSector(tableBytes)}));
        if (type == DiskType.DIFFERENCING) {
            for (ParentLocatorEntry e : header.usedLocators()) {
                long space = Math.max(e.dataLength(), e.dataSpaceBytes().orElse(0));
                if (e.dataOffset() >= 0 && e.dataOffset() <= size - space && space > 0) {
                    metadata.add(new long[] {e.dataOffset(), e.dataOffset() + space});
                }
            }
        }
        BitSet bad = badEntries(bat, header, metadata, dataEnd, tableAt, anomalies);
        List<ParentLocator> locators = type == DiskType.DIFFERENCING
                ? readLocators(source, size, header, headerAt) : List.of();
        return new VhdFile(source, size, found, type, header, bat, bad, locators, dataEnd, anomalies);
    }

    /** Marks entries whose block would extend past {@code dataEnd} or overlap the metadata, and reports them. */
    private static BitSet badEntries(BlockAllocationTable bat, DynamicHeader header, List<long[]> metadata,
                                     long dataEnd, long tableAt, List<Finding> anomalies) {
        BitSet bad = new BitSet();
        long span = header.bitmapBytes() + header.blockSize();
        int listed = 0;
        for (int i = 0; i < bat.size(); i++) {
            if (!bat.isAllocated(i)) {
                continue;
            }
            // the message is made only for the entries listed: a hostile BAT can hold millions of bad ones
            boolean listing = listed < MAX_LISTED_BAD_ENTRIES;
            String problem = blockProblem(bat.sector(i), span, metadata, dataEnd, listing);
            if (problem == null) {
                continue;
            }
            bad.set(i);
            listed++;
            if (listing) {
                anomalies.add(Finding.of(Severity.ERROR,
                        FieldRef.of(FORMAT, "BAT", "entry " + i, tableAt + (long) i * BlockAllocationTable.ENTRY_SIZE),
                        "sector " + bat.sector(i), null, "block " + i + " at sector " + bat.sector(i) + " "
                                + problem));
            }
        }
        if (listed > MAX_LISTED_BAD_ENTRIES) {
            anomalies.add(Finding.of(Severity.ERROR, FieldRef.of(FORMAT, "BAT", "", tableAt),
                    (listed - MAX_LISTED_BAD_ENTRIES) + " more BAT entries point outside the data area"));
        }
        return bad;
    }

    /** What is wrong with a block (an empty string when {@code describe} is false), or null when nothing is. */
    private static String blockProblem(long sector, long span, List<long[]> metadata, long dataEnd,
                                       boolean describe) {
        long start = sector * VhdFooter.SECTOR_SIZE;
        long end = start + span;
        if (end > dataEnd) {
            return !describe ? "" : "(bytes " + start + " to " + end + ") extends past the end of the data area at "
                    + dataEnd + ": the file is truncated or the entry is wrong";
        }
        for (long[] m : metadata) {
            if (start < m[1] && m[0] < end) {
                return !describe ? "" : "(bytes " + start + " to " + end + ") overlaps the VHD metadata at bytes "
                        + m[0] + " to " + m[1];
            }
        }
        return null;
    }

    private static List<ParentLocator> readLocators(ByteSource source, long size, DynamicHeader header,
                                                    long headerAt) throws IOException {
        List<ParentLocator> out = new ArrayList<>();
        for (ParentLocatorEntry e : header.usedLocators()) {
            out.add(readLocator(source, size, e));
        }
        return out;
    }

    private static ParentLocator readLocator(ByteSource source, long size, ParentLocatorEntry e) throws IOException {
        Optional<PlatformCode> platform = e.platform();
        if (platform.isEmpty()) {
            return new ParentLocator(e, null, "unknown platform code " + e.platformCode().hex());
        }
        Optional<Charset> charset = platform.get().charset();
        if (charset.isEmpty()) {
            return new ParentLocator(e, null, platform.get().description() + " data is not decoded");
        }
        if (e.dataLength() > MAX_LOCATOR_BYTES) {
            return new ParentLocator(e, null, "data length " + e.dataLength() + " is more than "
                    + MAX_LOCATOR_BYTES + " bytes");
        }
        if (e.dataOffset() < 0 || e.dataOffset() > size - e.dataLength()) {
            return new ParentLocator(e, null, "data at offset " + Long.toUnsignedString(e.dataOffset()) + " ("
                    + e.dataLength() + " bytes) lies outside the file");
        }
        ByteBuffer data = source.read(e.dataOffset(), (int) e.dataLength());
        try {
            CharBuffer text = charset.get().newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(data);
            String path = text.toString();
            int nul = path.indexOf('\0');
            return new ParentLocator(e, nul >= 0 ? path.substring(0, nul) : path, null);
        } catch (CharacterCodingException ex) {
            return new ParentLocator(e, null, "data is not valid " + charset.get().name());
        }
    }

    static long ceilDiv(long a, long b) {
        return a / b + (a % b == 0 ? 0 : 1);
    }

    static long roundUpToSector(long bytes) {
        return ceilDiv(bytes, VhdFooter.SECTOR_SIZE) * VhdFooter.SECTOR_SIZE;
    }

    /**
     * The absolute file offset of a block's data (after its sector bitmap), or -1 when the block is not allocated.
     *
     * @throws CorruptFormatException when the block's BAT entry points outside the data area
     */
    long blockDataOffset(int block) throws CorruptFormatException {
        if (!bat.isAllocated(block)) {
            return -1;
        }
        long bitmapAt = bitmapOffset(block);
        return bitmapAt + header.bitmapBytes();
    }

    /** The absolute file offset of an allocated block's sector bitmap. */
    long bitmapOffset(int block) throws CorruptFormatException {
        if (badEntries.get(block)) {
            long span = header.bitmapBytes() + header.blockSize();
            throw new CorruptFormatException(FieldRef.of(FORMAT, "BAT", "entry " + block,
                    header.tableOffset() + (long) block * BlockAllocationTable.ENTRY_SIZE),
                    "block " + block + " at sector " + bat.sector(block) + " is unreadable: it (" + span
                            + " bytes) does not fit in the data area, which ends at " + dataEnd);
        }
        return bat.sector(block) * VhdFooter.SECTOR_SIZE;
    }

    public ByteSource source() {
        return source;
    }

    public String name() {
        return source.name();
    }

    public long fileSize() {
        return fileSize;
    }

    /** The footer in use (see {@link #footerLocation()}). */
    public VhdFooter footer() {
        return footers.footer();
    }

    public FooterLocation footerLocation() {
        return footers.location();
    }

    /** The absolute offset of the footer in use. */
    public long footerOffset() {
        return footers.offset();
    }

    /** The last 512 bytes decoded as a footer, whatever they hold. */
    public Optional<VhdFooter> endFooter() {
        return Optional.ofNullable(footers.end());
    }

    /** The first 512 bytes decoded as a footer (the copy of dynamic and differencing disks), whatever they hold. */
    public Optional<VhdFooter> headCopy() {
        return Optional.ofNullable(footers.head());
    }

    public DiskType diskType() {
        return diskType;
    }

    /** The virtual size: the footer's current size, as Hyper-V and Azure use it. */
    public long virtualSize() {
        return footer().currentSize();
    }

    public Optional<DynamicHeader> header() {
        return Optional.ofNullable(header);
    }

    /** The absolute offset of the dynamic header (the footer's data offset). */
    public long headerOffset() {
        return footer().dataOffset();
    }

    public Optional<BlockAllocationTable> bat() {
        return Optional.ofNullable(bat);
    }

    /** The BAT entries that point outside the data area. */
    public BitSet badBatEntries() {
        return (BitSet) badEntries.clone();
    }

    /** Where block data may end: the footer in use, or the end of the file when the end footer is missing. */
    public long dataEnd() {
        return dataEnd;
    }

    /** Differencing disks: the used parent locators, with their paths read. */
    public List<ParentLocator> parentLocators() {
        return locators;
    }

    /** Problems found while opening that reading works around. */
    public List<Finding> anomalies() {
        return anomalies;
    }

    /** Allocated bytes of block data (bitmaps excluded). */
    public long allocatedBytes() {
        return bat == null ? 0 : (long) bat.allocatedCount() * header.blockSize();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
