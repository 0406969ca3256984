package io.vhdkit.vhd;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.io.ByteSource;
import io.vhdkit.io.SourceOpener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * A structural check of a VHD and its parent chain, at least as thorough as {@code vhd-util check} and DiscUtils'
 * {@code FileChecker}: footers (both copies), dynamic header, BAT, parent locators and the chain. Every problem is a
 * {@link Finding} that says what was found and what it should be; nothing is thrown for a bad image.
 */
public final class VhdChecker {

    /** Clock skew allowed before a time stamp counts as "in the future". */
    static final Duration FUTURE_SLACK = Duration.ofDays(1);
    /** Overlapping block pairs listed one by one before a summary. */
    static final int MAX_LISTED_OVERLAPS = 8;

    private static final String FORMAT = "VHD";

    private final Clock clock;

    public VhdChecker() {
        this(Clock.systemUTC());
    }

    public VhdChecker(Clock clock) {
        this.clock = clock;
    }

    /**
     * Checks the file at {@code path} and, for a differencing disk, its parents.
     *
     * @throws IOException only when the file cannot be read at all (missing, permission, I/O error)
     */
    public List<Finding> check(Path path) throws IOException {
        List<Finding> findings = new ArrayList<>();
        VhdFile file;
        try {
            file = VhdFile.open(path);
        } catch (FormatException e) {
            findings.add(findingFor(e));
            return findings;
        }
        try (file) {
            findings.addAll(checkFile(file));
            if (file.diskType() == DiskType.DIFFERENCING) {
                findings.addAll(checkChain(path));
            }
        }
        findings.sort(Comparator.comparing(Finding::severity)); // stable: errors first, in the order found
        return findings;
    }

    /**
     * Checks the VHD whose bytes {@code opener} gives (a compressed image read in place) as if it were at
     * {@code location}: a differencing disk's parents are looked for beside {@code location}.
     */
    public List<Finding> check(Path location, SourceOpener opener) throws IOException {
        List<Finding> findings = new ArrayList<>();
        VhdFile file;
        ByteSource source = opener.open();
        try {
            file = VhdFile.open(source);
        } catch (FormatException e) {
            source.close();
            findings.add(findingFor(e));
            return findings;
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
        try (file) {
            findings.addAll(checkFile(file));
            if (file.diskType() == DiskType.DIFFERENCING) {
                findings.addAll(checkChain(() -> VhdImage.open(location, opener.open())));
            }
        }
        findings.sort(Comparator.comparing(Finding::severity));
        return findings;
    }

    /** The finding an exception from opening stands for: "not a VHD" gets the code {@code file.not-vhd}. */
    public static Finding findingFor(FormatException e) {
        if (e instanceof NotThisFormatException) {
            return new Finding("file.not-vhd", Severity.ERROR, e.where(), e.actual().orElse(null),
                    e.expected().orElse(null), e.problem());
        }
        return Finding.of(Severity.ERROR, e);
    }

    /** The finding for a differencing disk whose parent is nowhere to be found. */
    public static Finding findingFor(ParentNotFoundException e) {
        return Finding.of(Severity.ERROR, FieldRef.of(FORMAT, "differencing chain", "parent not found",
                FieldRef.NO_OFFSET), e.getMessage());
    }

    /** The checks of one file, without its parents. */
    public List<Finding> checkFile(VhdFile file) throws IOException {
        List<Finding> out = new ArrayList<>(file.anomalies());
        checkFooter(file, out);
        if (file.diskType() == DiskType.FIXED) {
            checkFixedLayout(file, out);
        } else {
            checkFooterCopy(file, out);
            DynamicHeader header = file.header().orElseThrow();
            checkHeader(file, header, out);
            checkBat(file, header, out);
            if (file.diskType() == DiskType.DIFFERENCING) {
                checkLocators(file, header, out);
            } else if (header.hasParentFields()) {
                out.add(Finding.of(Severity.WARNING, ref(file, "dynamic header", "parent unique id",
                        DynamicHeader.OFFSET_PARENT_UNIQUE_ID), "a dynamic disk has parent fields set (unique id, "
                        + "time stamp, name or locators); only differencing disks should"));
            }
        }
        return out;
    }

    private static FieldRef footerRef(VhdFile file, String field, int offset) {
        return FieldRef.of(FORMAT, "footer", field, file.footerOffset() + offset);
    }

    private static FieldRef ref(VhdFile file, String structure, String field, int offset) {
        return FieldRef.of(FORMAT, structure, field, file.headerOffset() + offset);
    }

    private void checkFooter(VhdFile file, List<Finding> out) {
        VhdFooter f = file.footer();
        if ((f.features() & VhdFooter.FEATURE_RESERVED) == 0) {
            out.add(Finding.of(Severity.WARNING, footerRef(file, "features", VhdFooter.OFFSET_FEATURES),
                    VhdFooter.hex32(f.features()), VhdFooter.hex32(f.features() | VhdFooter.FEATURE_RESERVED),
                    "features is " + VhdFooter.hex32(f.features()) + " - should have the reserved bit 0x00000002 "
                            + "set (the spec says it is always 1)"));
        }
        int unknown = f.features() & ~(VhdFooter.FEATURE_RESERVED | VhdFooter.FEATURE_TEMPORARY);
        if (unknown != 0) {
            out.add(Finding.of(Severity.WARNING, footerRef(file, "features", VhdFooter.OFFSET_FEATURES),
                    VhdFooter.hex32(f.features()), null, "features has unknown bits " + VhdFooter.hex32(unknown)
                            + " set"));
        }
        if (f.temporary()) {
            out.add(Finding.of(Severity.INFO, footerRef(file, "features", VhdFooter.OFFSET_FEATURES),
                    "the disk is marked temporary (features bit 0x1): it may be deleted on shutdown"));
        }
        if (f.formatVersion() != VhdFooter.FORMAT_VERSION_1_0) {
            out.add(Finding.mismatch(Severity.ERROR, footerRef(file, "format version", VhdFooter.OFFSET_FORMAT_VERSION),
                    f.formatVersionText(), "1.0"));
        }
        checkFooterDataOffset(file, f, out);
        Instant stamp = f.timestampInstant();
        if (stamp.isAfter(clock.instant().plus(FUTURE_SLACK))) {
            out.add(Finding.of(Severity.WARNING, footerRef(file, "time stamp", VhdFooter.OFFSET_TIMESTAMP),
                    stamp.toString(), "not after " + clock.instant(), "time stamp " + stamp + " is in the future"));
        }
        if (f.creatorApplicationName().isEmpty()) {
            out.add(Finding.of(Severity.INFO, footerRef(file, "creator application",
                    VhdFooter.OFFSET_CREATOR_APPLICATION), "creator application \"" + f.creatorApplication().text()
                    + "\" is not one vhdkit knows"));
        }
        if (f.creatorHostOsName().isEmpty()) {
            out.add(Finding.of(Severity.WARNING, footerRef(file, "creator host OS", VhdFooter.OFFSET_CREATOR_HOST_OS),
                    "\"" + f.creatorHostOs().text() + "\"", "\"Wi2k\" or \"Mac \"", "creator host OS \""
                            + f.creatorHostOs().text() + "\" is neither \"Wi2k\" (Windows) nor \"Mac \""));
        }
        if (f.originalSize() != f.currentSize()) {
            out.add(Finding.of(Severity.WARNING, footerRef(file, "original size", VhdFooter.OFFSET_ORIGINAL_SIZE),
                    Long.toUnsignedString(f.originalSize()), Long.toString(f.currentSize()), "original size "
                            + Long.toUnsignedString(f.originalSize()) + " differs from current size " + f.currentSize()
                            + " (a resized disk); Hyper-V and Azure use the current size, but libvhdi and some "
                            + "older tools use the original size"));
        }
        checkGeometry(file, f, out);
        UUID id = f.uniqueId();
        if (id.getMostSignificantBits() == 0 && id.getLeastSignificantBits() == 0) {
            out.add(Finding.of(Severity.WARNING, footerRef(file, "unique id", VhdFooter.OFFSET_UNIQUE_ID),
                    "unique id is all zeros; differencing disks cannot name this disk as their parent"));
        }
        if (f.savedState() > 1) {
            out.add(Finding.mismatch(Severity.ERROR, footerRef(file, "saved state", VhdFooter.OFFSET_SAVED_STATE),
                    Integer.toString(f.savedState()), "0 or 1"));
        } else if (f.savedState() == 1) {
            out.add(Finding.of(Severity.WARNING, footerRef(file, "saved state", VhdFooter.OFFSET_SAVED_STATE),
                    "the disk is in a saved state: it belongs to a suspended virtual machine"));
        }
        if (f.firstNonZeroReserved() == VhdFooter.OFFSET_RESERVED && reservedZeroAfter(file)) {
            out.add(Finding.of(Severity.INFO, footerRef(file, "reserved", VhdFooter.OFFSET_RESERVED),
                    "reserved byte 85 is set: XenServer's tapdisk keeps its \"hidden\" flag there"));
        } else if (f.firstNonZeroReserved() >= 0) {
            out.add(Finding.of(Severity.WARNING, footerRef(file, "reserved", f.firstNonZeroReserved()),
                    "reserved bytes are not zero (first at footer byte " + f.firstNonZeroReserved() + ")"));
        }
    }

    private static boolean reservedZeroAfter(VhdFile file) {
        try {
            ByteBuffer raw = file.source().read(file.footerOffset(), file.footer().length());
            for (int i = VhdFooter.OFFSET_RESERVED + 1; i < raw.limit(); i++) {
                if (raw.get(i) != 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void checkFooterDataOffset(VhdFile file, VhdFooter f, List<Finding> out) {
        FieldRef at = footerRef(file, "data offset", VhdFooter.OFFSET_DATA_OFFSET);
        if (file.diskType() == DiskType.FIXED) {
            if (f.dataOffset() != VhdFooter.NO_DATA_OFFSET && f.dataOffset() != 0xFFFF_FFFFL) {
                out.add(Finding.mismatch(Severity.WARNING, at, VhdFooter.hex64(f.dataOffset()),
                        VhdFooter.hex64(VhdFooter.NO_DATA_OFFSET) + " for a fixed disk"));
            }
        } else if (f.dataOffset() % VhdFooter.SECTOR_SIZE != 0) {
            out.add(Finding.of(Severity.WARNING, at, Long.toString(f.dataOffset()), "a multiple of 512",
                    "data offset " + f.dataOffset() + " puts the dynamic header off a sector boundary"));
        }
    }

    private static void checkGeometry(VhdFile file, VhdFooter f, List<Finding> out) {
        Geometry g = f.geometry();
        Geometry spec = Geometry.forSize(f.currentSize());
        FieldRef at = footerRef(file, "geometry", VhdFooter.OFFSET_CYLINDERS);
        if (g.equals(spec)) {
            return;
        }
        if (g.equals(Geometry.MAXIMUM) && f.creatorApplication().text().equals("qem2")) {
            out.add(Finding.of(Severity.INFO, at, g.toString(), spec.toString(), "geometry is " + g
                    + ", as qemu-img writes with force_size; the spec's CHS for the current size is " + spec));
        } else if (g.bytes() > f.currentSize()) {
            out.add(Finding.of(Severity.WARNING, at, g.toString(), spec.toString(), "geometry " + g + " addresses "
                    + g.bytes() + " bytes, more than the current size " + f.currentSize() + " (should be " + spec
                    + ")"));
        } else {
            out.add(Finding.of(Severity.WARNING, at, g.toString(), spec.toString(), "geometry is " + g
                    + " - should be " + spec + " (the spec's CHS for the current size); tools that size the disk by "
                    + "CHS see " + g.bytes() + " bytes"));
        }
    }

    private static void checkFixedLayout(VhdFile file, List<Finding> out) {
        long data = file.footerOffset();
        long size = file.virtualSize();
        if (data != size) {
            out.add(Finding.of(Severity.ERROR, FieldRef.of(FORMAT, "file", "size", FieldRef.NO_OFFSET),
                    Long.toString(file.fileSize()), Long.toString(size + VhdFooter.SIZE), "the file holds " + data
                            + " bytes before the footer, but the current size is " + size
                            + "; a fixed VHD is exactly current size + 512 bytes (" + (size + VhdFooter.SIZE) + ")"));
        }
    }

    private static void checkFooterCopy(VhdFile file, List<Finding> out) throws IOException {
        if (file.footerLocation() == FooterLocation.BACKUP_COPY) {
            return; // the end footer is damaged: already reported
        }
        VhdFooter head = file.headCopy().orElse(null);
        FieldRef at = FieldRef.of(FORMAT, "footer copy", "", 0);
        if (head == null || !head.cookieValid()) {
            out.add(Finding.of(Severity.ERROR, at, "there is no copy of the footer at offset 0 (no \"conectix\" "
                    + "cookie); dynamic and differencing disks keep one there"));
            return;
        }
        ByteBuffer copy = file.source().read(0, VhdFooter.SIZE);
        ByteBuffer end = file.source().read(file.footerOffset(), file.footer().length());
        if (!copy.slice(0, end.limit()).equals(end)) {
            out.add(Finding.of(Severity.ERROR, at, "the copy of the footer at offset 0 differs from the footer at "
                    + "offset " + file.footerOffset() + differingFields(head, file.footer())));
        }
    }

    private static String differingFields(VhdFooter a, VhdFooter b) {
        List<String> fields = new ArrayList<>();
        if (a.timestamp() != b.timestamp()) {
            fields.add("time stamp");
        }
        if (a.currentSize() != b.currentSize()) {
            fields.add("current size");
        }
        if (a.diskTypeCode() != b.diskTypeCode()) {
            fields.add("disk type");
        }
        if (!a.uniqueId().equals(b.uniqueId())) {
            fields.add("unique id");
        }
        if (a.checksum() != b.checksum()) {
            fields.add("checksum");
        }
        if (a.dataOffset() != b.dataOffset()) {
            fields.add("data offset");
        }
        return fields.isEmpty() ? "" : " (" + String.join(", ", fields) + ")";
    }

    private void checkHeader(VhdFile file, DynamicHeader h, List<Finding> out) {
        long headerAt = file.headerOffset();
        if (headerAt < VhdFooter.SIZE) {
            out.add(Finding.of(Severity.ERROR, footerRef(file, "data offset", VhdFooter.OFFSET_DATA_OFFSET),
                    "the dynamic header at offset " + headerAt + " overlaps the footer copy at offset 0"));
        }
        if (h.dataOffset() != -1L && h.dataOffset() != 0xFFFF_FFFFL) {
            out.add(Finding.mismatch(Severity.WARNING, ref(file, "dynamic header", "data offset",
                    DynamicHeader.OFFSET_DATA_OFFSET), VhdFooter.hex64(h.dataOffset()), VhdFooter.hex64(-1L)));
        }
        if (h.headerVersion() != DynamicHeader.HEADER_VERSION_1_0) {
            out.add(Finding.mismatch(Severity.ERROR, ref(file, "dynamic header", "header version",
                    DynamicHeader.OFFSET_HEADER_VERSION), h.headerVersionText(), "1.0"));
        }
        if (h.tableOffset() % VhdFooter.SECTOR_SIZE != 0) {
            out.add(Finding.of(Severity.WARNING, ref(file, "dynamic header", "table offset",
                    DynamicHeader.OFFSET_TABLE_OFFSET), Long.toString(h.tableOffset()), "a multiple of 512",
                    "table offset " + h.tableOffset() + " is not on a sector boundary"));
        }
        long tableEnd = h.tableOffset() + VhdFile.roundUpToSector(h.maxTableEntries() * BlockAllocationTable.ENTRY_SIZE);
        if (h.tableOffset() < headerAt + DynamicHeader.SIZE && headerAt < tableEnd || h.tableOffset() < VhdFooter.SIZE) {
            out.add(Finding.of(Severity.ERROR, ref(file, "dynamic header", "table offset",
                    DynamicHeader.OFFSET_TABLE_OFFSET), "the BAT (bytes " + h.tableOffset() + " to " + tableEnd
                    + ") overlaps the dynamic header or the footer copy"));
        }
        long needed = VhdFile.ceilDiv(file.virtualSize(), h.blockSize());
        if (h.maxTableEntries() > needed) {
            out.add(Finding.of(Severity.INFO, ref(file, "dynamic header", "max table entries",
                    DynamicHeader.OFFSET_MAX_TABLE_ENTRIES), Long.toString(h.maxTableEntries()), Long.toString(needed),
                    "the BAT has " + h.maxTableEntries() + " entries; the current size needs " + needed
                            + " (tools that size a converted disk by BAT coverage get it wrong)"));
        }
        if (h.blockSize() != DynamicHeader.DEFAULT_BLOCK_SIZE && h.blockSize() != DynamicHeader.SMALL_BLOCK_SIZE) {
            out.add(Finding.of(Severity.WARNING, ref(file, "dynamic header", "block size",
                    DynamicHeader.OFFSET_BLOCK_SIZE), Long.toString(h.blockSize()), "2097152 or 524288",
                    "block size " + h.blockSize() + " is neither 2 MiB nor 512 KiB, the only sizes Virtual PC and "
                            + "Virtual Server were tested with"));
        }
        if (h.reserved1() != 0) {
            out.add(Finding.mismatch(Severity.WARNING, ref(file, "dynamic header", "reserved",
                    DynamicHeader.OFFSET_RESERVED1), VhdFooter.hex32(h.reserved1()), "0"));
        }
        if (h.firstNonZeroReserved() >= 0) {
            out.add(Finding.of(Severity.WARNING, ref(file, "dynamic header", "reserved", h.firstNonZeroReserved()),
                    "reserved bytes are not zero (first at header byte " + h.firstNonZeroReserved() + ")"));
        }
        if (file.diskType() == DiskType.DIFFERENCING) {
            Instant parentStamp = h.parentTimestampInstant();
            if (parentStamp.isAfter(clock.instant().plus(FUTURE_SLACK))) {
                out.add(Finding.of(Severity.WARNING, ref(file, "dynamic header", "parent time stamp",
                        DynamicHeader.OFFSET_PARENT_TIMESTAMP), "parent time stamp " + parentStamp
                        + " is in the future"));
            }
        }
    }

    private static void checkBat(VhdFile file, DynamicHeader h, List<Finding> out) throws IOException {
        BlockAllocationTable bat = file.bat().orElseThrow();
        long tableBytes = (long) bat.size() * BlockAllocationTable.ENTRY_SIZE;
        long padding = VhdFile.roundUpToSector(tableBytes) - tableBytes;
        if (padding > 0 && h.tableOffset() + tableBytes + padding <= file.fileSize()) {
            ByteBuffer pad = file.source().read(h.tableOffset() + tableBytes, (int) padding);
            while (pad.hasRemaining()) {
                if (pad.get() != (byte) 0xFF) {
                    out.add(Finding.of(Severity.WARNING, FieldRef.of(FORMAT, "BAT", "padding",
                            h.tableOffset() + tableBytes), "the BAT's padding up to the next sector is not all "
                            + "0xFFFFFFFF entries"));
                    break;
                }
            }
        }
        checkOverlaps(file, h, bat, out);
    }

    /**
     * Two allocated blocks that share bytes of the file (vhd-util: "block i clobbers block j"). Entries are sorted
     * as packed {@code sector << 24 | block} longs: {@link VhdFile#MAX_BAT_ENTRIES} is 2^24 and sectors are 32-bit.
     */
    private static void checkOverlaps(VhdFile file, DynamicHeader h, BlockAllocationTable bat, List<Finding> out) {
        long span = h.bitmapBytes() + h.blockSize();
        long[] order = new long[bat.allocatedCount()];
        int k = 0;
        for (int i = 0; i < bat.size(); i++) {
            if (bat.isAllocated(i)) {
                order[k++] = bat.sector(i) << 24 | i;
            }
        }
        Arrays.sort(order);
        int reported = 0;
        int prev = -1;
        long prevEnd = -1;
        for (long packed : order) {
            int block = (int) (packed & 0xFF_FFFF);
            long start = bat.sector(block) * VhdFooter.SECTOR_SIZE;
            if (prev >= 0 && start < prevEnd) {
                if (reported++ < MAX_LISTED_OVERLAPS) {
                    out.add(Finding.of(Severity.ERROR, FieldRef.of(FORMAT, "BAT", "entry " + block,
                            h.tableOffset() + (long) block * BlockAllocationTable.ENTRY_SIZE), "block " + block
                            + " at sector " + bat.sector(block) + " overlaps block " + prev + " at sector "
                            + bat.sector(prev) + " (each block takes " + span + " bytes)"));
                }
            }
            if (start + span > prevEnd) {
                prev = block;
                prevEnd = start + span;
            }
        }
        if (reported > MAX_LISTED_OVERLAPS) {
            out.add(Finding.of(Severity.ERROR, FieldRef.of(FORMAT, "BAT", "", h.tableOffset()),
                    (reported - MAX_LISTED_OVERLAPS) + " more overlapping blocks"));
        }
    }

    private static void checkLocators(VhdFile file, DynamicHeader h, List<Finding> out) {
        long headerAt = file.headerOffset();
        for (ParentLocatorEntry e : h.usedLocators()) {
            FieldRef at = locatorEntry(headerAt, e);
            if (e.platform().isEmpty()) {
                out.add(Finding.of(Severity.WARNING, at, "parent locator " + e.index() + " has unknown platform code "
                        + e.platformCode().hex() + " (\"" + e.platformCode().text() + "\")"));
                continue;
            }
            if (e.dataSpaceBytes().isEmpty()) {
                out.add(Finding.of(Severity.WARNING, at, Integer.toUnsignedString(e.dataSpace()), null,
                        "parent locator " + e.index() + " data space " + Integer.toUnsignedString(e.dataSpace())
                                + " is neither a sector count (below 512) nor a multiple of 512 bytes"));
            } else if (e.dataLength() > e.dataSpaceBytes().getAsLong()) {
                out.add(Finding.of(Severity.WARNING, at, "parent locator " + e.index() + " data length "
                        + e.dataLength() + " exceeds its data space of " + e.dataSpaceBytes().getAsLong() + " bytes"));
            }
            if (e.reserved() != 0) {
                out.add(Finding.of(Severity.WARNING, at, "parent locator " + e.index() + " reserved field is "
                        + VhdFooter.hex32(e.reserved()) + " - should be 0"));
            }
        }
        for (ParentLocator l : file.parentLocators()) {
            if (l.problem() != null && l.platform().map(p -> p.charset().isPresent()).orElse(false)) {
                // where its data is, or the entry itself when the data offset points outside the file
                long data = l.entry().dataOffset();
                FieldRef where = data >= 0 && data < file.fileSize()
                        ? FieldRef.of(FORMAT, "parent locator", "entry " + l.entry().index(), data)
                        : locatorEntry(headerAt, l.entry());
                out.add(Finding.of(Severity.ERROR, where, "parent locator " + l.entry().index() + " ("
                        + l.entry().platformCode().text() + "): " + l.problem()));
            }
        }
        boolean anyPath = file.parentLocators().stream().anyMatch(l -> l.path() != null && !l.path().isBlank());
        if (!anyPath && h.parentName().isBlank()) {
            out.add(Finding.of(Severity.ERROR, ref(file, "dynamic header", "parent name",
                    DynamicHeader.OFFSET_PARENT_NAME), "a differencing disk with neither a usable parent locator nor a "
                    + "parent name: its parent cannot be found"));
        }
    }

    /** The place of a parent locator entry in the dynamic header. */
    private static FieldRef locatorEntry(long headerAt, ParentLocatorEntry e) {
        return FieldRef.of(FORMAT, "parent locator", "entry " + e.index(),
                headerAt + DynamicHeader.OFFSET_PARENT_LOCATORS + (long) e.index() * ParentLocatorEntry.SIZE);
    }

    /** Opens the chain, then checks each parent file and each child-parent link. */
    private interface ChainOpener {
        VhdImage open() throws IOException;
    }

    private List<Finding> checkChain(Path path) throws IOException {
        return checkChain(() -> VhdImage.open(path));
    }

    private List<Finding> checkChain(ChainOpener opener) throws IOException {
        List<Finding> out = new ArrayList<>();
        VhdImage image;
        try {
            image = opener.open();
        } catch (FormatException e) {
            out.add(findingFor(e));
            return out;
        } catch (ParentNotFoundException e) {
            out.add(findingFor(e));
            return out;
        }
        try (image) {
            List<VhdImage.Link> chain = image.chain();
            for (int i = 1; i < chain.size(); i++) {
                VhdImage.Link child = chain.get(i - 1);
                VhdImage.Link parent = chain.get(i);
                checkLink(child, parent, out);
                for (Finding f : checkFile(parent.file())) {
                    out.add(new Finding(f.code(), f.severity(), f.where(), f.actual(), f.expected(),
                            "in parent " + parent.path() + ": " + f.message()));
                }
            }
        }
        return out;
    }

    private static void checkLink(VhdImage.Link child, VhdImage.Link parent, List<Finding> out) throws IOException {
        DynamicHeader h = child.file().header().orElseThrow();
        long stamp = h.parentTimestamp();
        long footerStamp = parent.file().footer().timestamp();
        long mtime = VhdTime.fromInstant(Files.getLastModifiedTime(parent.path()).toInstant());
        if (stamp != footerStamp && stamp != mtime) {
            out.add(Finding.of(Severity.WARNING, FieldRef.of(FORMAT, "dynamic header", "parent time stamp",
                    child.file().headerOffset() + DynamicHeader.OFFSET_PARENT_TIMESTAMP),
                    VhdTime.toInstant(stamp).toString(), VhdTime.toInstant(footerStamp).toString(),
                    "parent time stamp " + VhdTime.toInstant(stamp) + " matches neither the parent's footer time "
                            + "stamp " + VhdTime.toInstant(footerStamp) + " nor its modification time "
                            + VhdTime.toInstant(mtime) + ": the parent may have changed since the child was made"));
        }
        long childSize = child.file().virtualSize();
        long parentSize = parent.file().virtualSize();
        if (childSize != parentSize) {
            out.add(Finding.of(Severity.WARNING, FieldRef.of(FORMAT, "differencing chain", "size",
                    FieldRef.NO_OFFSET), Long.toString(parentSize), Long.toString(childSize), "the parent "
                    + parent.path() + " is " + parentSize + " bytes, the child " + childSize + (parentSize < childSize
                    ? "; reads past the parent's end return zeros" : "")));
        }
    }
}
