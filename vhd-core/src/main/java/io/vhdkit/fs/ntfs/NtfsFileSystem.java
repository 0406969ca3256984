package io.vhdkit.fs.ntfs;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A read-only NTFS filesystem (NTFS 1.2, 3.0 and 3.1: Windows NT 4 to Windows 11), read by vhdkit itself: the
 * system volume of a Windows VM, an NTFS data disk.
 *
 * <p><b>What is read.</b> The boot sector; the MFT (record 0 where the boot sector says, then the rest through
 * {@code $MFT}'s own runlist); FILE records with their fixups, record number and sequence checks; attributes
 * resident and non-resident (runlists with sparse runs), attribute lists (files whose attributes span several
 * records); {@code $STANDARD_INFORMATION}, {@code $FILE_NAME}, the unnamed {@code $DATA} (named streams are not
 * read), the {@code $I30} directory index (root, INDX blocks and their bitmap, any depth), {@code $REPARSE_POINT};
 * {@code $Volume} (label, version, dirty flag) and {@code $UpCase}. Data reads honour sparse runs, the initialized size
 * (bytes past it read as zeros) and LZNT1 compression ({@link AttributeData}).
 *
 * <p><b>What it shows.</b> Ids are MFT record numbers; the root is {@link #ROOT_ID} (record 5). Listings walk the
 * B+ tree in order (names sorted as the index sorts them) and show each hard link's long (Win32 or POSIX) name once,
 * never a DOS 8.3 alias on its own, and none of the metafiles ({@code $MFT}, {@code $Extend}...: records below 16),
 * as Windows and ntfs-3g do; every entry's file reference is checked against its record (in use, a base record, the
 * same sequence number). {@link #lookup} descends the tree comparing names through the volume's {@code $UpCase}
 * table, as Windows does: an exact match wins, then a match ignoring case, then a DOS alias (which resolves to the
 * file's long name in that directory). NTFS has no POSIX owner or mode without ntfs-3g's mapping, so vhdkit
 * synthesizes what ntfs-3g shows without a user mapping and with {@code umask=022}: uid and gid 0, directories
 * {@code 040755}, files {@code 0100644}, files with the read-only DOS attribute {@code 0100444} (the attribute on a
 * directory means "customized folder" to Explorer and is ignored, as ntfs-3g does), symlinks {@code 0120777}. The
 * mtime is {@code $STANDARD_INFORMATION}'s last data change (100 ns precision); the link count the number of
 * {@code $FILE_NAME}s that are not DOS aliases; the size the unnamed {@code $DATA}'s data size (for a directory, its
 * {@code $INDEX_ALLOCATION}'s size as ntfs-3g shows, 0 when the index fits in the root; for a symlink, the length in
 * UTF-8 of the target vhdkit returns).
 *
 * <p><b>Reparse points.</b> Symbolic links and junctions (and WSL symlinks) are {@link FileType#SYMLINK}s;
 * {@link #readLink} converts their target to a path in this volume ({@link ReparsePoint#target}). Other reparse
 * points (WOF-compressed system files, deduplicated files, OneDrive placeholders, ...) keep their type (a file is
 * listed as a regular file) and reading their data raises {@link UnsupportedFormatException} naming the tag, since
 * their unnamed {@code $DATA} does not hold the content. Encrypted (EFS) files are refused the same way.
 *
 * <p><b>Info.</b> {@link FsInfo#type()} is {@code "ntfs"}; the label is {@code $Volume}'s {@code $VOLUME_NAME}; the
 * UUID is the 64-bit serial number as blkid prints it (16 upper-case hex digits); the block size is the cluster size;
 * names compare ignoring case. Anomalies: the dirty flag of {@code $VOLUME_INFORMATION} (the volume was not cleanly
 * unmounted, chkdsk pending), a {@code $MFTMirr} that disagrees with the MFT's first records, a boot sector without
 * its 0xAA55 marker.
 *
 * <p><b>Not read.</b> {@code $LogFile} (a volume shut down uncleanly reads as of its last flush, without what the
 * log would redo), named streams and extended attributes, security descriptors, {@code $Secure}, quotas, object ids,
 * the USN journal, Interix (SFU) special files written by older ntfs-3g.
 *
 * <p>Safe for concurrent use: the state is fixed at {@link #open}, reads go through {@link VolumeReader}. The volume
 * belongs to the caller: {@link #close()} leaves it open.
 */
public final class NtfsFileSystem implements FileSystem {

    public static final String TYPE = "ntfs";
    /** The root directory's id: MFT record 5. */
    public static final long ROOT_ID = Ntfs.FILE_ROOT;
    static final int MODE_DIRECTORY = 040755;
    static final int MODE_FILE = 0100644;
    static final int MODE_READ_ONLY_FILE = 0100444;
    static final int MODE_SYMLINK = 0120777;
    /** The records Windows keeps in $MFTMirr: $MFT, $MFTMirr, $LogFile, $Volume. */
    static final int MIRROR_RECORDS = 4;
    /** {@code FILE_ATTR_DUP_FILE_NAME_INDEX_PRESENT}: in a $FILE_NAME, the file is a directory. */
    static final int FILE_NAME_DIRECTORY = 0x10000000;
    /** $VOLUME_INFORMATION: 0x08 major version u8, 0x09 minor version u8, 0x0A flags u16. */
    static final int VOLUME_MAJOR = 0x08;
    static final int VOLUME_MINOR = 0x09;
    static final int VOLUME_FLAGS = 0x0A;
    static final int VOLUME_DIRTY = 0x0001;
    /** A label of at most 128 UTF-16 units (Windows allows 32). */
    static final int MAX_LABEL_BYTES = 256;

    private final VolumeReader reader;
    private final NtfsBootSector bootSector;
    private final NtfsBootSector.Geometry g;
    private final Mft mft;
    private final UpCase upcase;
    private final int majorVersion;
    private final int minorVersion;
    private final int volumeFlags;
    private final FsInfo info;

    private NtfsFileSystem(VolumeReader reader, NtfsBootSector bs, NtfsBootSector.Geometry g, Mft mft,
                           List<Finding> findings) throws IOException {
        this.reader = reader;
        this.bootSector = bs;
        this.g = g;
        this.mft = mft;
        FileRecord volume = mft.file(Ntfs.FILE_VOLUME);
        Attribute vi = volume.first(Ntfs.AT_VOLUME_INFORMATION, "");
        if (vi == null || !vi.resident() || vi.value().length < VOLUME_FLAGS + 2) {
            throw new CorruptFormatException(Ntfs.ref("$Volume", "$VOLUME_INFORMATION", volume.base().at()),
                    "$Volume (MFT record 3) has no resident $VOLUME_INFORMATION of at least 12 bytes");
        }
        this.majorVersion = Ntfs.u8(vi.value(), VOLUME_MAJOR);
        this.minorVersion = Ntfs.u8(vi.value(), VOLUME_MINOR);
        this.volumeFlags = Ntfs.u16(vi.value(), VOLUME_FLAGS);
        if (majorVersion < 1 || majorVersion > 3) {
            throw new UnsupportedFormatException(Ntfs.ref("$Volume", "$VOLUME_INFORMATION version",
                    vi.at()), majorVersion + "." + minorVersion, "1.2, 3.0 or 3.1");
        }
        String label = null;
        Attribute vn = volume.first(Ntfs.AT_VOLUME_NAME, "");
        if (vn != null) {
            if (!vn.resident() || vn.value().length > MAX_LABEL_BYTES || (vn.value().length & 1) != 0) {
                throw new CorruptFormatException(Ntfs.ref("$Volume", "$VOLUME_NAME", vn.at()),
                        vn.resident() ? Integer.toString(vn.value().length) : "non-resident",
                        "resident, an even number of bytes up to " + MAX_LABEL_BYTES);
            }
            label = Ntfs.utf16(vn.value(), 0, vn.value().length / 2);
            if (label.isEmpty()) {
                label = null;
            }
        }
        if ((volumeFlags & VOLUME_DIRTY) != 0) {
            findings.add(Finding.of(Severity.WARNING, Ntfs.ref("$Volume", "$VOLUME_INFORMATION flags",
                            vi.at()), Ntfs.hex4(volumeFlags), "dirty bit 0x0001 clear",
                    "the volume was not cleanly unmounted; chkdsk pending (the dirty flag of $VOLUME_INFORMATION "
                            + "is set: Windows runs chkdsk at the next boot)"));
        }
        FileRecord up = mft.file(Ntfs.FILE_UPCASE);
        List<Attribute> upData = up.segments(Ntfs.AT_DATA, "");
        if (upData.isEmpty()) {
            throw new CorruptFormatException(Ntfs.ref("$UpCase", "$DATA", up.base().at()),
                    "$UpCase (MFT record 10) has no $DATA");
        }
        this.upcase = UpCase.of(AttributeData.of(reader, g, upData, up.structure()).readAll(UpCase.SIZE),
                upData.get(0).at());
        compareMirror(findings);
        this.info = new FsInfo(TYPE, label, bs.uuid(), bs.totalSectors() * bs.bytesPerSector(), g.clusterSize(),
                false, findings);
        NtfsNode root = node(ROOT_ID);
        if (root.type() != FileType.DIRECTORY) {
            throw new CorruptFormatException(Ntfs.ref(MftRecord.structure(ROOT_ID), "flags",
                    root.file().base().at() + MftRecord.OFFSET_FLAGS), root.type().name(), "DIRECTORY",
                    "the root directory (MFT record 5) is a " + root.type().name().toLowerCase(Locale.ROOT)
                            + ", not a directory");
        }
    }

    /**
     * Opens the NTFS filesystem on {@code volume} (a partition, or a whole disk without a partition table).
     *
     * @throws NotThisFormatException      without the "NTFS    " OEM id
     * @throws UnsupportedFormatException  for a BitLocker-encrypted volume ("-FVE-FS-"), an NTFS version other than
     *                                     1.x or 3.x, clusters over 2 MiB
     * @throws CorruptFormatException      when the boot sector, the MFT, $Volume, $UpCase or the root is damaged
     */
    public static NtfsFileSystem open(VirtualDisk volume) throws IOException {
        if (volume.size() < NtfsBootSector.SIZE) {
            throw new NotThisFormatException(NtfsBootSector.ref("", 0), Long.toString(volume.size()),
                    "at least 512 bytes", "the volume (" + volume.size() + " bytes) is too small to hold an NTFS "
                    + "boot sector");
        }
        VolumeReader reader = new VolumeReader(volume, Ntfs.FORMAT, ByteOrder.LITTLE_ENDIAN);
        NtfsBootSector bs = NtfsBootSector.decode(reader.read(0, NtfsBootSector.SIZE, NtfsBootSector.STRUCTURE,
                ""));
        bs.checkIsNtfs();
        NtfsBootSector.Geometry g = bs.geometry(volume.size());
        List<Finding> findings = new ArrayList<>();
        if (bs.endMarker() != NtfsBootSector.END_MARKER) {
            findings.add(Finding.of(Severity.WARNING, NtfsBootSector.ref("end marker",
                    NtfsBootSector.OFFSET_END_MARKER), Ntfs.hex4(bs.endMarker()), "0xAA55",
                    "the boot sector ends with " + Ntfs.hex4(bs.endMarker()) + " instead of 0xAA55: Windows will not "
                            + "boot from or mount this volume"));
        }
        Mft mft = Mft.open(reader, g, bs.mftLcn());
        return new NtfsFileSystem(reader, bs, g, mft, findings);
    }

    public NtfsBootSector bootSector() {
        return bootSector;
    }

    /** Cluster size, MFT record size and index block size. */
    public NtfsBootSector.Geometry geometry() {
        return g;
    }

    /** The NTFS version of $VOLUME_INFORMATION, {@code "3.1"}. */
    public String version() {
        return majorVersion + "." + minorVersion;
    }

    /** The $VOLUME_INFORMATION flags (0x0001: dirty). */
    public int volumeFlags() {
        return volumeFlags;
    }

    /** Records in the MFT (in use or not). */
    public long mftRecords() {
        return mft.records();
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
    public NtfsNode root() throws IOException {
        return node(ROOT_ID);
    }

    /**
     * Loads the file whose base record is {@code id}.
     *
     * @throws CorruptFormatException when the id is not a record of the MFT, the record is not in use or is an
     *                                extension record, or its attributes are damaged
     */
    @Override
    public NtfsNode node(long id) throws IOException {
        FileRecord f = mft.file(id);
        String structure = f.structure();
        Attribute siAttr = f.first(Ntfs.AT_STANDARD_INFORMATION, "");
        if (siAttr == null || !siAttr.resident()) {
            throw new CorruptFormatException(Ntfs.ref(structure, "$STANDARD_INFORMATION", f.base().at()),
                    structure + " has no resident $STANDARD_INFORMATION");
        }
        StandardInformation si = StandardInformation.decode(siAttr.value(), structure, siAttr.valueAt());
        List<FileName> names = new ArrayList<>();
        int links = 0;
        for (Attribute a : f.all(Ntfs.AT_FILE_NAME)) {
            if (!a.resident()) {
                throw new CorruptFormatException(Ntfs.ref(structure, "$FILE_NAME", a.at()),
                        "a $FILE_NAME is non-resident: it must be resident");
            }
            FileName fn = FileName.decode(a.value(), 0, a.value().length, structure, a.valueAt());
            names.add(fn);
            if (!fn.dosOnly()) {
                links++;
            }
        }
        // the record's link count is its number of $FILE_NAMEs, DOS aliases included (Linux fs/ntfs/inode.c:
        // "link_count is two for files which have both a long file name and a short file name"); chkdsk checks it
        if (f.base().linkCount() != names.size()) {
            throw new CorruptFormatException(Ntfs.ref(structure, "link count", f.base().at()
                    + MftRecord.OFFSET_LINK_COUNT), Integer.toString(f.base().linkCount()), names.size()
                    + " (the record's $FILE_NAME attributes)", structure + " counts " + f.base().linkCount()
                    + " hard links but has " + names.size() + " $FILE_NAME attributes");
        }
        ReparsePoint reparse = null;
        ReparsePoint.Target target = null;
        List<Attribute> rp = f.segments(Ntfs.AT_REPARSE_POINT, "");
        if (!rp.isEmpty()) {
            reparse = ReparsePoint.decode(AttributeData.of(reader, g, rp, structure).readAll(ReparsePoint.MAX_SIZE),
                    structure, rp.get(0).valueAt());
            if (reparse.isLink()) {
                target = reparse.target(structure, rp.get(0).valueAt());
            }
        }
        boolean directory = f.base().directory();
        if (directory && f.first(Ntfs.AT_INDEX_ROOT, Ntfs.I30) == null) {
            throw new CorruptFormatException(Ntfs.ref(structure, "flags", f.base().at() + MftRecord.OFFSET_FLAGS),
                    Ntfs.hex4(f.base().flags()), "no directory flag, or an $INDEX_ROOT named $I30",
                    structure + " is flagged as a directory but has no $I30 index");
        }
        Attribute data = f.first(Ntfs.AT_DATA, "");
        boolean encrypted = (si.attributes() & Ntfs.FILE_ATTR_ENCRYPTED) != 0 || data != null && data.encrypted();
        FileType type;
        long size;
        int mode;
        if (target != null) {
            type = FileType.SYMLINK;
            size = target.path() == null ? 0 : target.path().getBytes(StandardCharsets.UTF_8).length;
            mode = MODE_SYMLINK;
        } else if (directory) {
            type = FileType.DIRECTORY;
            Attribute alloc = f.first(Ntfs.AT_INDEX_ALLOCATION, Ntfs.I30);
            size = alloc == null ? 0 : alloc.dataSize();
            mode = MODE_DIRECTORY;
        } else {
            type = FileType.REGULAR;
            size = data == null ? 0 : data.dataSize();
            mode = (si.attributes() & Ntfs.FILE_ATTR_READONLY) != 0 ? MODE_READ_ONLY_FILE : MODE_FILE;
        }
        FileStat stat = new FileStat(type, size, mode, 0, 0, si.modified(), links);
        return new NtfsNode(this, f, stat, si, names, reparse, target, encrypted);
    }

    @Override
    public List<DirEntry> list(FsNode dir) throws IOException {
        NtfsNode d = own(dir, FileType.DIRECTORY);
        List<DirEntry> out = new ArrayList<>();
        DirectoryIndex index = new DirectoryIndex(reader, g, d.file());
        for (IndexNode.Entry e : index.entries()) {
            DirEntry entry = listed(d, e);
            if (entry != null) {
                out.add(entry);
            }
        }
        return out;
    }

    /**
     * The listing entry of an index entry, or null for DOS aliases and metafiles. The entry's parent must be the
     * directory, and its file reference must name a record in use, a base record with the same sequence number.
     */
    private DirEntry listed(NtfsNode dir, IndexNode.Entry e) throws IOException {
        FileName key = e.key();
        long record = Ntfs.refRecord(e.reference());
        if (key.dosOnly() || record < Ntfs.FIRST_USER_RECORD) {
            return null;
        }
        String structure = dir.file().structure() + " $I30";
        if (Ntfs.refRecord(key.parent()) != dir.id()) {
            throw new CorruptFormatException(Ntfs.ref(structure, "index entry parent", e.at() + IndexNode.ENTRY_KEY),
                    Long.toString(Ntfs.refRecord(key.parent())), Long.toString(dir.id()) + " (the directory)",
                    "the entry \"" + key.name() + "\" in directory " + dir.id() + " names directory "
                            + Ntfs.refRecord(key.parent()) + " as its parent");
        }
        if (key.name().equals(".") || key.name().equals("..")) {
            throw new CorruptFormatException(Ntfs.ref(structure, "index entry name", e.at() + IndexNode.ENTRY_KEY
                    + FileName.OFFSET_NAME), key.name(), "a file name", "directory " + dir.id() + " has an entry "
                    + "named \"" + key.name() + "\"");
        }
        MftRecord r = mft.header(record);
        checkReference(r, e, structure, key.name());
        checkNamed(mft.file(record), dir, e, structure);
        FileType type;
        if ((key.attributes() & Ntfs.FILE_ATTR_REPARSE_POINT) != 0 && ReparsePoint.isLinkTag(key.reparseTag())) {
            type = FileType.SYMLINK;   // the index keeps the tag of a reparse point in its $FILE_NAME copy
        } else {
            type = r.directory() ? FileType.DIRECTORY : FileType.REGULAR;
        }
        return new DirEntry(key.name(), record, type);
    }

    /**
     * An index entry must be one of the names of the file it refers to: the file has a $FILE_NAME with the entry's
     * name whose parent is this directory (the entry's key is a copy of it). This is what keeps the directory tree a
     * tree: an entry that lists an ancestor (or any other directory) under a name that directory does not have in
     * this one is refused here, so that no walk of the tree can loop.
     */
    private static void checkNamed(FileRecord f, NtfsNode dir, IndexNode.Entry e, String structure)
            throws CorruptFormatException {
        String name = e.key().name();
        for (Attribute a : f.all(Ntfs.AT_FILE_NAME)) {
            if (a.resident()) {
                FileName fn = FileName.decode(a.value(), 0, a.value().length, f.structure(), a.valueAt());
                if (Ntfs.refRecord(fn.parent()) == dir.id() && fn.name().equals(name)) {
                    return;
                }
            }
        }
        throw new CorruptFormatException(Ntfs.ref(structure, "index entry file reference", e.at()
                + IndexNode.ENTRY_REFERENCE), Long.toString(f.number()), "a file named \"" + name + "\" in directory "
                + dir.id(), "the entry \"" + name + "\" of directory " + dir.id() + " refers to " + f.structure()
                + ", which has no such name in this directory: the index and the file disagree (a directory "
                + "listed under another directory would make the tree loop)");
    }

    /** A directory entry's file reference against the record it names: in use, a base record, same sequence. */
    private static void checkReference(MftRecord r, IndexNode.Entry e, String structure, String name)
            throws CorruptFormatException {
        FieldRef where = Ntfs.ref(structure, "index entry file reference", e.at() + IndexNode.ENTRY_REFERENCE);
        int sequence = Ntfs.refSequence(e.reference());
        if (!r.inUse()) {
            throw new CorruptFormatException(where, Long.toString(r.number()), "a record in use", "the entry \""
                    + name + "\" refers to " + r.structure() + ", which is not in use (a deleted file)");
        }
        if (r.extension()) {
            throw new CorruptFormatException(where, Long.toString(r.number()), "a base record", "the entry \""
                    + name + "\" refers to " + r.structure() + ", an extension record of file "
                    + Ntfs.refRecord(r.baseRef()));
        }
        if (sequence != 0 && sequence != r.sequence()) {
            throw new CorruptFormatException(where, "sequence " + sequence, "sequence " + r.sequence(),
                    "the entry \"" + name + "\" refers to " + r.structure() + " with sequence number " + sequence
                            + " but the record has " + r.sequence() + ": the entry is stale (the record was reused)");
        }
    }

    /**
     * Looks the name up through the index, comparing names through the volume's upper-case table: an exact match
     * first, then a match ignoring case, then a DOS 8.3 alias (resolved to the file's long name in this directory).
     * Metafiles are not found, as they are not listed.
     */
    @Override
    public Optional<DirEntry> lookup(FsNode dir, String name) throws IOException {
        NtfsNode d = own(dir, FileType.DIRECTORY);
        if (name.isEmpty() || name.length() > 255) {
            return Optional.empty();
        }
        DirectoryIndex index = new DirectoryIndex(reader, g, d.file());
        IndexNode.Entry exact = null;
        IndexNode.Entry folded = null;
        IndexNode.Entry dos = null;
        for (IndexNode.Entry e : index.find(name, upcase)) {
            if (Ntfs.refRecord(e.reference()) < Ntfs.FIRST_USER_RECORD) {
                continue;
            }
            if (e.key().dosOnly()) {
                dos = dos == null ? e : dos;
            } else if (e.key().name().equals(name)) {
                exact = exact == null ? e : exact;
            } else {
                folded = folded == null ? e : folded;
            }
        }
        IndexNode.Entry hit = exact != null ? exact : folded != null ? folded : dos;
        if (hit == null) {
            return Optional.empty();
        }
        DirEntry entry = listed(d, hit.key().dosOnly() ? asLong(hit) : hit);
        if (hit.key().dosOnly()) {
            NtfsNode n = node(entry.id());
            for (FileName fn : n.names()) {
                if (!fn.dosOnly() && Ntfs.refRecord(fn.parent()) == d.id()) {
                    return Optional.of(new DirEntry(fn.name(), entry.id(), entry.type()));
                }
            }
            throw new CorruptFormatException(Ntfs.ref(d.file().structure() + " $I30", "index entry", hit.at()),
                    "the DOS name \"" + hit.key().name() + "\" names " + MftRecord.structure(entry.id())
                            + ", which has no long name in directory " + d.id());
        }
        return Optional.of(entry);
    }

    /** A DOS alias's entry seen as a listed one (its checks apply to the same record). */
    private static IndexNode.Entry asLong(IndexNode.Entry e) {
        FileName k = e.key();
        return new IndexNode.Entry(e.reference(), new FileName(k.parent(), k.attributes(), k.reparseTag(),
                k.name(), FileName.WIN32), e.child(), e.at());
    }

    @Override
    public int read(FsNode file, long position, ByteBuffer dst) throws IOException {
        NtfsNode f = own(file, FileType.REGULAR);
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        String structure = f.file().structure();
        if (f.reparse() != null) {
            throw new UnsupportedFormatException(Ntfs.ref(structure, "$REPARSE_POINT tag", f.file().first(
                    Ntfs.AT_REPARSE_POINT, "").at()), Ntfs.hex8(Integer.toUnsignedLong(f.reparseTag())), null,
                    "file " + f.id() + " is a reparse point (" + ReparsePoint.tagName(f.reparseTag()) + "): its "
                            + "content is not in its unnamed $DATA stream, and vhdkit does not read it");
        }
        if (f.encrypted()) {
            throw new UnsupportedFormatException(Ntfs.ref(structure, "$DATA", f.file().base().at()), "encrypted",
                    null, "file " + f.id() + " is encrypted with EFS: its data cannot be read without the user's "
                    + "private key");
        }
        List<Attribute> data = f.file().segments(Ntfs.AT_DATA, "");
        if (data.isEmpty()) {
            return -1;
        }
        return AttributeData.of(reader, g, data, structure).read(position, dst);
    }

    @Override
    public String readLink(FsNode link) throws IOException {
        NtfsNode l = own(link, FileType.SYMLINK);
        ReparsePoint.Target t = l.target();
        if (t.path() == null) {
            throw new UnsupportedFormatException(Ntfs.ref(l.file().structure(), "$REPARSE_POINT",
                    l.file().first(Ntfs.AT_REPARSE_POINT, "").at()), "symlink " + l.id() + " ("
                    + ReparsePoint.tagName(l.reparseTag()) + ") cannot be followed inside this volume: "
                    + t.problem());
        }
        return t.path();
    }

    Mft mft() {
        return mft;
    }

    VolumeReader reader() {
        return reader;
    }

    UpCase upcase() {
        return upcase;
    }

    /** The directory's $I30 index, for tests and tools: its depth and blocks. */
    DirectoryIndex index(NtfsNode dir) throws IOException {
        return new DirectoryIndex(reader, g, own(dir, FileType.DIRECTORY).file());
    }

    DirectoryIndex index(NtfsNode dir, int maxDepth) throws IOException {
        return new DirectoryIndex(reader, g, own(dir, FileType.DIRECTORY).file(), maxDepth);
    }

    /** Nothing to release: the volume belongs to whoever opened it. */
    @Override
    public void close() {
        // the volume is the caller's
    }

    private NtfsNode own(FsNode node, FileType type) {
        if (!(node instanceof NtfsNode n) || n.owner() != this) {
            throw new IllegalArgumentException("not a node of this NTFS filesystem: " + node);
        }
        if (type != null && n.type() != type) {
            throw new IllegalArgumentException("not a " + type.name().toLowerCase(Locale.ROOT) + ": " + node);
        }
        return n;
    }

    /**
     * Compares the first records of the MFT with their copies in $MFTMirr (after fixups, the bytes in use of each
     * record in use), as ntfs-3g does at mount.
     */
    private void compareMirror(List<Finding> findings) throws IOException {
        int count = (int) Math.min(MIRROR_RECORDS, mft.records());
        int size = g.mftRecordSize();
        long mirrorAt = g.clusterOffset(bootSector.mftMirrLcn());
        FieldRef where = Ntfs.ref("$MFTMirr", "records", mirrorAt);
        byte[] mirror;
        byte[] main;
        try {
            reader.checkRange(mirrorAt, (long) count * size, "$MFTMirr", "records");
            mirror = reader.read(mirrorAt, count * size, "$MFTMirr", "records").array();
            main = mft.rawRecords(count);
        } catch (CorruptFormatException outside) {
            findings.add(Finding.of(Severity.WARNING, outside));
            return;
        }
        for (int i = 0; i < count; i++) {
            byte[] m = java.util.Arrays.copyOfRange(main, i * size, (i + 1) * size);
            byte[] c = java.util.Arrays.copyOfRange(mirror, i * size, (i + 1) * size);
            String problem = null;
            try {
                MftRecord rm = MftRecord.decode(m, size, i, 0, g.totalClusters(), false);
                if (!rm.inUse()) {
                    continue;
                }
                MftRecord.decode(c, size, i, mirrorAt + (long) i * size, g.totalClusters(), false);
                int used = (int) Ntfs.u32(m, MftRecord.OFFSET_BYTES_IN_USE);
                if (!java.util.Arrays.equals(m, 0, used, c, 0, used)) {
                    problem = "differs from MFT record " + i;
                }
            } catch (FormatException e) {
                problem = "cannot be compared with MFT record " + i + " (" + e.problem() + ")";
            }
            if (problem != null) {
                findings.add(Finding.of(Severity.WARNING, where.field("record " + i, mirrorAt + (long) i * size),
                        "$MFTMirr disagrees with the MFT: its copy of record " + i + " " + problem + "; chkdsk "
                                + "repairs the mirror"));
            }
        }
    }
}
