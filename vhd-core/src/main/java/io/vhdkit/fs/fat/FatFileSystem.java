package io.vhdkit.fs.fat;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.NotThisFormatException;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A read-only FAT12, FAT16 or FAT32 filesystem with VFAT long names, read by vhdkit itself: the EFI system partition
 * of a UEFI VM, a FAT data disk.
 *
 * <p><b>What it shows.</b> Names are the long name when a valid one precedes the short entry, else the 8.3 name with
 * the Windows NT lower-case flags applied and the OEM bytes decoded as code page 437 (Linux's default); see
 * {@link DirectoryParser}. Names compare ignoring case, by Unicode simple case mapping of each code point
 * ({@link Character#toUpperCase(int)}, close to the upcase tables Windows and Linux use); a lookup also matches the 8.3
 * alias of a long name, as Windows and Linux do. FAT keeps no owner or mode, so vhdkit shows what Linux's vfat shows
 * with {@code uid=0,gid=0,fmask=0133,dmask=0022}: directories {@code 040755}, files {@code 0100644}, and files
 * with the read-only attribute {@code 0100444} (Linux, without the {@code rodir} option, ignores the attribute on
 * directories, and so does vhdkit). Times are the last-write stamps read as UTC ({@link FatTime}); the root directory,
 * which has no entry, shows 1970-01-01 as on Linux. Link counts are 1 (Linux counts subdirectories, which would mean
 * reading every directory that is stat'ed).
 *
 * <p><b>Ids.</b> A file's id is the byte offset within the volume of its short directory entry; the root is
 * {@link #ROOT_ID} (offset 0 is the boot sector, never an entry). {@link #node} takes ids from anywhere, so it checks
 * that the id is 32-byte aligned, inside the FAT12/16 root directory or inside a data cluster the FAT marks as in
 * use, and that the entry there is a live short entry (not free, deleted, a long-name slot, a label, "." or "..").
 *
 * <p><b>Info.</b> {@link FsInfo#type()} is {@code "vfat"}, as blkid says. The label is the root directory's volume
 * label entry, which blkid prints as {@code LABEL}; without one, the boot sector's label unless it is
 * {@code "NO NAME"} (blkid's {@code LABEL_FATBOOT}). The UUID is the volume serial as blkid prints it,
 * {@code XXXX-XXXX}. {@link FsInfo#blockSize()} is the cluster size.
 *
 * <p><b>Not read.</b> The FSInfo sector and the FAT32 backup boot sector (not needed to read files), free space, and
 * clusters shared by two files (finding them takes a scan of every directory).
 *
 * <p>Safe for concurrent use: the state is fixed at {@link #open}, reads go through {@link VolumeReader}.
 */
public final class FatFileSystem implements FileSystem {

    public static final String TYPE = "vfat";
    /** The root directory's id. */
    public static final long ROOT_ID = 0;
    static final int MODE_DIRECTORY = 040755;
    static final int MODE_FILE = 0100644;
    static final int MODE_READ_ONLY_FILE = 0100444;
    /** How much of each FAT copy {@link #open} compares with the copy it reads. */
    static final int MIRROR_COMPARE_BYTES = 64 * 1024;

    private final VolumeReader reader;
    private final BootSector bootSector;
    private final FatLayout layout;
    private final FatTable fat;
    private final FatNode root;
    private final FsInfo info;

    private FatFileSystem(VolumeReader reader, BootSector bootSector, FatLayout layout, List<Finding> findings)
            throws IOException {
        this.reader = reader;
        this.bootSector = bootSector;
        this.layout = layout;
        this.fat = new FatTable(reader, layout, layout.activeFat());
        ClusterChain rootChain = null;
        long rootSize = layout.rootDirBytes();
        if (layout.type() == FatType.FAT32) {
            rootChain = ClusterChain.ofDirectory(fat, layout, layout.rootCluster(),
                    FatLayout.ref("root cluster", BootSector.OFFSET_ROOT_CLUSTER), "the root directory");
            rootSize = rootChain.clusters() * layout.clusterSize();
        }
        this.root = new FatNode(this, ROOT_ID, new FileStat(FileType.DIRECTORY, rootSize, MODE_DIRECTORY, 0, 0,
                Instant.EPOCH, 1), null, layout.rootCluster(), rootChain);
        DirectoryParser rootDir = parse(root, false);
        checkFatHead(findings);
        compareFatCopies(findings);
        if (bootSector.dirty()) {
            findings.add(Finding.of(Severity.WARNING, FatLayout.ref("flags", bootSector.extendedOffset()
                            + BootSector.EXT_FLAGS), BootSector.hex8(bootSector.flags()), "0x00",
                    "the dirty flag is set: the volume was not cleanly unmounted (Linux warns \"Volume was not "
                            + "properly unmounted. Some data may be corrupt. Please run fsck.\")"));
        }
        String label = rootDir.label() == null ? null : rootDir.label().stripTrailing();
        String bootLabel = bootSector.labelText();
        if (label != null && bootLabel != null && !label.equals(bootLabel)) {
            findings.add(Finding.of(Severity.INFO, FatLayout.ref("volume label", bootSector.extendedOffset()
                            + BootSector.EXT_VOLUME_LABEL), bootLabel, label, "the boot sector's label \""
                    + bootLabel + "\" differs from the root directory's \"" + label + "\", which blkid and "
                    + "Windows show"));
        }
        if (label == null || label.isEmpty()) {
            label = bootLabel;
        }
        this.info = new FsInfo(TYPE, label, bootSector.serialText(), layout.totalBytes(), layout.clusterSize(),
                false, findings);
    }

    /**
     * Opens the FAT filesystem on {@code volume} (a partition, or a whole disk without a partition table). The volume
     * belongs to the caller: {@link #close()} leaves it open.
     *
     * @throws NotThisFormatException  when the first sector is not a FAT boot sector (see
     *                                 {@link BootSector#checkIsFat})
     * @throws CorruptFormatException  when the boot sector's numbers do not fit together or the root directory is
     *                                 damaged
     */
    public static FatFileSystem open(VirtualDisk volume) throws IOException {
        if (volume.size() < BootSector.SIZE) {
            throw new NotThisFormatException(FieldRef.of(BootSector.FORMAT, BootSector.STRUCTURE, "", 0),
                    Long.toString(volume.size()), "at least 512 bytes", "the volume (" + volume.size()
                    + " bytes) is too small to hold a FAT boot sector");
        }
        VolumeReader reader = new VolumeReader(volume, BootSector.FORMAT, ByteOrder.LITTLE_ENDIAN);
        BootSector bs = BootSector.decode(reader.read(0, BootSector.SIZE, BootSector.STRUCTURE, ""));
        bs.checkIsFat(0);
        List<Finding> findings = new ArrayList<>();
        FatLayout layout = FatLayout.of(bs, volume.size(), findings);
        return new FatFileSystem(reader, bs, layout, findings);
    }

    public BootSector bootSector() {
        return bootSector;
    }

    public FatLayout layout() {
        return layout;
    }

    public FatType fatType() {
        return layout.type();
    }

    @Override
    public FsInfo info() {
        return info;
    }

    @Override
    public long rootId() {
        return ROOT_ID;
    }

    @Override
    public FsNode node(long id) throws IOException {
        if (id == ROOT_ID) {
            return root;
        }
        String what = "node id " + id;
        if (id < 0 || id % ShortEntry.SIZE != 0) {
            throw new CorruptFormatException(idRef(Math.max(id, 0)), Long.toString(id),
                    "a multiple of 32 (the offset of a directory entry)");
        }
        boolean inRoot = layout.type() != FatType.FAT32 && id >= layout.rootDirOffset()
                && id < layout.rootDirOffset() + layout.rootDirBytes();
        long block;
        int blockSize;
        if (inRoot) {
            block = id - (id - layout.rootDirOffset()) % layout.bytesPerSector();
            blockSize = layout.bytesPerSector();
        } else {
            long dataEnd = layout.dataOffset() + layout.clusterCount() * layout.clusterSize();
            if (id < layout.dataOffset() || id >= dataEnd) {
                throw new CorruptFormatException(idRef(id), Long.toString(id), "inside a directory",
                        what + " is not inside the root directory or the data clusters");
            }
            long cluster = FatLayout.FIRST_CLUSTER + (id - layout.dataOffset()) / layout.clusterSize();
            long next = fat.entry(cluster);
            if (next == 0 || next == layout.type().badCluster()
                    || next < layout.type().endOfChain() && !layout.validCluster(next)) {
                throw new CorruptFormatException(idRef(id), Long.toString(id), "inside a cluster in use",
                        what + " lies in cluster " + cluster + ", which the FAT marks "
                        + (next == 0 ? "free" : String.format(Locale.ROOT, "0x%X", next)));
            }
            block = layout.clusterOffset(cluster);
            blockSize = layout.clusterSize();
        }
        ByteBuffer b = reader.block(block, blockSize, "directory", "entry");
        ShortEntry e = ShortEntry.decode(b.position((int) (id - block)));
        String problem = null;
        if (e.endOfDirectory()) {
            problem = "a free entry";
        } else if (e.deleted()) {
            problem = "a deleted entry";
        } else if (e.longNameSlot()) {
            problem = "a long-name slot";
        } else if (e.volumeLabel()) {
            problem = "a volume label";
        } else if (e.dotEntry()) {
            problem = "a \".\" or \"..\" entry";
        }
        if (problem != null) {
            throw new CorruptFormatException(idRef(id), Long.toString(id), "the offset of a file's short entry",
                    what + " is " + problem + ", not a file");
        }
        return load(id, e);
    }

    private FatNode load(long id, ShortEntry e) throws IOException {
        long first = e.firstCluster(layout.type());
        if (e.directory()) {
            ClusterChain chain = ClusterChain.ofDirectory(fat, layout, first, ClusterChain.firstClusterRef(id),
                    "directory \"" + e.shortName() + "\" (entry @" + id + ")");
            FileStat st = new FileStat(FileType.DIRECTORY, chain.clusters() * layout.clusterSize(), MODE_DIRECTORY,
                    0, 0, e.modified(), 1);
            return new FatNode(this, id, st, e, first, chain);
        }
        if (first != 0 && !layout.validCluster(first)) {
            throw new CorruptFormatException(ClusterChain.firstClusterRef(id), Long.toString(first),
                    "a cluster from 2 to " + layout.maxCluster());
        }
        FileStat st = new FileStat(FileType.REGULAR, e.size(), e.readOnly() ? MODE_READ_ONLY_FILE : MODE_FILE, 0, 0,
                e.modified(), 1);
        return new FatNode(this, id, st, e, first, null);
    }

    /** Follows a regular file's chain (called once per node, on its first read). */
    ClusterChain fileChain(FatNode node) throws IOException {
        return ClusterChain.ofFile(fat, layout, node.firstCluster(), node.stat().size(), node.id(),
                "file \"" + node.shortName() + "\" (entry @" + node.id() + ")");
    }

    /**
     * The clusters of a file or directory of this filesystem (followed and checked now if not yet); null for the
     * FAT12/16 root directory, which is not in clusters.
     */
    public ClusterChain clusters(FsNode node) throws IOException {
        return own(node, null).chain();
    }

    @Override
    public List<DirEntry> list(FsNode dir) throws IOException {
        FatNode d = own(dir, FileType.DIRECTORY);
        List<DirEntry> out = new ArrayList<>();
        for (DirectoryParser.Item item : parse(d).items()) {
            out.add(new DirEntry(item.name(), item.offset(), item.entry().directory() ? FileType.DIRECTORY
                    : FileType.REGULAR));
        }
        return out;
    }

    /**
     * The entry whose long name or 8.3 alias equals {@code name} ignoring case (simple case mapping of each code
     * point), as Linux's {@code vfat_find} matches; the first such entry in on-disk order.
     */
    @Override
    public Optional<DirEntry> lookup(FsNode dir, String name) throws IOException {
        FatNode d = own(dir, FileType.DIRECTORY);
        String folded = fold(name);
        for (DirectoryParser.Item item : parse(d).items()) {
            if (fold(item.name()).equals(folded) || fold(item.shortName()).equals(folded)) {
                return Optional.of(new DirEntry(item.name(), item.offset(), item.entry().directory()
                        ? FileType.DIRECTORY : FileType.REGULAR));
            }
        }
        return Optional.empty();
    }

    /** Upper case by simple case mapping, code point by code point. */
    static String fold(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> sb.appendCodePoint(Character.toUpperCase(cp)));
        return sb.toString();
    }

    @Override
    public int read(FsNode file, long position, ByteBuffer dst) throws IOException {
        FatNode f = own(file, FileType.REGULAR);
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        ClusterChain chain = f.chain();   // checked on the first read, also of an empty file
        long size = f.stat().size();
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - position);
        if (n == 0) {
            return 0;
        }
        int cs = layout.clusterSize();
        long pos = position;
        int left = n;
        ByteBuffer out = dst.duplicate();
        while (left > 0) {
            long index = pos / cs;
            int within = (int) (pos % cs);
            long run = chain.contiguousFrom(index);
            long avail = run * cs - within;
            int take = (int) Math.min(left, avail);
            long at = layout.clusterOffset(chain.cluster(index)) + within;
            out.limit(out.position() + take);
            reader.readInto(at, out, "file data", "cluster " + chain.cluster(index));
            pos += take;
            left -= take;
        }
        dst.position(dst.position() + n);
        return n;
    }

    @Override
    public String readLink(FsNode link) {
        throw new IllegalArgumentException("FAT has no symbolic links: " + link);
    }

    /** Nothing to release: the volume belongs to whoever opened it. */
    @Override
    public void close() {
        // the volume is the caller's
    }

    private DirectoryParser parse(FatNode d) throws IOException {
        return parse(d, true);
    }

    /** Parses a directory's entries, block by block, up to its end marker. */
    private DirectoryParser parse(FatNode d, boolean strict) throws IOException {
        DirectoryParser p = new DirectoryParser(strict);
        ClusterChain chain = d.chain();
        if (chain == null) {
            int bps = layout.bytesPerSector();
            for (long at = 0; at < layout.rootDirBytes(); at += bps) {
                ByteBuffer b = reader.block(layout.rootDirOffset() + at, bps, "root directory", "entries");
                if (!p.accept(b, layout.rootDirOffset() + at)) {
                    break;
                }
            }
        } else {
            for (long i = 0; i < chain.clusters(); i++) {
                long cluster = chain.cluster(i);
                long at = layout.clusterOffset(cluster);
                ByteBuffer b = reader.block(at, layout.clusterSize(), "directory", "cluster " + cluster);
                if (!p.accept(b, at)) {
                    break;
                }
            }
            for (DirectoryParser.Item item : strict ? p.items() : List.<DirectoryParser.Item>of()) {
                long c = item.entry().firstCluster(layout.type());
                if (item.entry().directory() && c != 0 && (c == d.firstCluster() || c == layout.rootCluster())) {
                    throw new CorruptFormatException(FieldRef.of(BootSector.FORMAT, "directory entry",
                            "first cluster", item.offset() + ShortEntry.OFFSET_CLUSTER_LOW), Long.toString(c),
                            "a cluster of its own", "subdirectory \"" + item.name() + "\" starts at cluster " + c
                            + ", the first cluster of " + (c == d.firstCluster() ? "the directory that holds it"
                            : "the root directory") + ": the directory tree loops");
                }
            }
        }
        return p;
    }

    private FatNode own(FsNode node, FileType type) {
        if (!(node instanceof FatNode f) || f.owner() != this) {
            throw new IllegalArgumentException("not a node of this FAT filesystem: " + node);
        }
        if (type != null && f.stat().type() != type) {
            throw new IllegalArgumentException("not a " + type.name().toLowerCase(Locale.ROOT) + ": " + node);
        }
        return f;
    }

    /** FAT[0] holds the media byte; on FAT16/32 FAT[1] holds the clean-shutdown and no-error bits (fatgen103). */
    private void checkFatHead(List<Finding> findings) throws IOException {
        FatType t = layout.type();
        long e0 = fat.entry(0);
        long expected0 = (t.mask() & ~0xFFL) | bootSector.media();
        if (e0 != expected0) {
            findings.add(Finding.of(Severity.WARNING, FieldRef.of(BootSector.FORMAT, "FAT", "entry 0",
                    fat.entryOffset(0)), hex(e0), hex(expected0), "FAT entry 0 is " + hex(e0) + " - should be "
                    + hex(expected0) + " (the media byte " + BootSector.hex8(bootSector.media()) + " with the other "
                    + "bits set)"));
        }
        if (t == FatType.FAT12) {
            return;
        }
        long e1 = fat.entry(1);
        long clean = t == FatType.FAT16 ? 0x8000 : 0x0800_0000L;
        long noError = t == FatType.FAT16 ? 0x4000 : 0x0400_0000L;
        if ((e1 & clean) == 0) {
            findings.add(Finding.of(Severity.WARNING, FieldRef.of(BootSector.FORMAT, "FAT", "entry 1",
                    fat.entryOffset(1)), hex(e1), "clean-shutdown bit " + hex(clean) + " set",
                    "the clean-shutdown bit of FAT entry 1 is clear: the volume was not cleanly unmounted"));
        }
        if ((e1 & noError) == 0) {
            findings.add(Finding.of(Severity.WARNING, FieldRef.of(BootSector.FORMAT, "FAT", "entry 1",
                    fat.entryOffset(1)), hex(e1), "no-error bit " + hex(noError) + " set",
                    "the hard-error bit of FAT entry 1 is clear: a disk I/O error was met on this volume"));
        }
    }

    /** Compares the start of each other FAT copy with the one read (at most {@link #MIRROR_COMPARE_BYTES}). */
    private void compareFatCopies(List<Finding> findings) throws IOException {
        if (layout.numFats() < 2) {
            return;
        }
        int n = (int) Math.min(layout.fatBytes(), MIRROR_COMPARE_BYTES);
        long activeAt = layout.activeFatOffset();
        ByteBuffer active = reader.read(activeAt, n, "FAT", "copy " + layout.activeFat());
        for (int copy = 0; copy < layout.numFats(); copy++) {
            if (copy == layout.activeFat()) {
                continue;
            }
            long at = layout.fatOffset() + copy * layout.fatBytes();
            ByteBuffer other;
            try {
                other = reader.read(at, n, "FAT", "copy " + copy);
            } catch (CorruptFormatException outside) {
                findings.add(Finding.of(Severity.ERROR, outside));
                continue;
            }
            int diff = active.mismatch(other);
            if (diff >= 0) {
                findings.add(Finding.of(Severity.WARNING, FieldRef.of(BootSector.FORMAT, "FAT", "copy " + copy,
                        at + diff), null, null, "FAT copy " + copy + " differs from FAT copy " + layout.activeFat()
                        + " (the one read) first at byte " + diff + (n < layout.fatBytes() ? " (only the first "
                        + n + " bytes are compared)" : "")));
            }
        }
    }

    private static String hex(long v) {
        return String.format(Locale.ROOT, "0x%X", v);
    }

    private static FieldRef idRef(long id) {
        return FieldRef.of(BootSector.FORMAT, "node", "id", id);
    }
}
