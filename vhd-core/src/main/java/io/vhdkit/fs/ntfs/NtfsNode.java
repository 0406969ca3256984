package io.vhdkit.fs.ntfs;

import io.vhdkit.fs.FileStat;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsNode;
import java.util.List;

/**
 * A file or directory of an {@link NtfsFileSystem}: its MFT record number (the id), what {@code stat} says, and the
 * attributes reading it needs. Immutable.
 */
public final class NtfsNode implements FsNode {

    private final NtfsFileSystem owner;
    private final FileRecord file;
    private final FileStat stat;
    private final StandardInformation info;
    private final List<FileName> names;
    private final ReparsePoint reparse;
    private final ReparsePoint.Target target;
    private final boolean encrypted;

    NtfsNode(NtfsFileSystem owner, FileRecord file, FileStat stat, StandardInformation info, List<FileName> names,
             ReparsePoint reparse, ReparsePoint.Target target, boolean encrypted) {
        this.owner = owner;
        this.file = file;
        this.stat = stat;
        this.info = info;
        this.names = List.copyOf(names);
        this.reparse = reparse;
        this.target = target;
        this.encrypted = encrypted;
    }

    /** The MFT record number. */
    @Override
    public long id() {
        return file.number();
    }

    @Override
    public FileStat stat() {
        return stat;
    }

    /** The record's sequence number, which directory entries' file references must carry. */
    public int sequence() {
        return file.base().sequence();
    }

    /** The DOS attributes of $STANDARD_INFORMATION ({@code FILE_ATTR_*}: read-only 0x1, hidden 0x2, system 0x4...). */
    public int dosAttributes() {
        return info.attributes();
    }

    /** The names of the file: one $FILE_NAME per hard link, and the DOS 8.3 aliases. */
    List<FileName> names() {
        return names;
    }

    /** The reparse tag, or 0 when the file is not a reparse point. */
    public int reparseTag() {
        return reparse == null ? 0 : reparse.tag();
    }

    /** Whether the unnamed $DATA is compressed (LZNT1). */
    public boolean compressed() {
        Attribute data = file.first(Ntfs.AT_DATA, "");
        return data != null && !data.resident() && data.compressed();
    }

    /** Whether the file's attributes spill over into extension records through an $ATTRIBUTE_LIST. */
    public boolean hasAttributeList() {
        return file.attributeList();
    }

    /** Runs of the unnamed $DATA (0 when resident or absent); sparse runs included. */
    public int dataRuns() {
        List<Attribute> segments = file.segments(Ntfs.AT_DATA, "");
        int n = 0;
        for (Attribute a : segments) {
            n += a.resident() ? 0 : a.runs().count();
        }
        return n;
    }

    /** Segments of the unnamed $DATA (more than one when its runlist spans several MFT records). */
    public int dataSegments() {
        return file.segments(Ntfs.AT_DATA, "").size();
    }

    /** Names of the named $DATA streams, which vhdkit does not read. */
    public List<String> streamNames() {
        return file.all(Ntfs.AT_DATA).stream().map(Attribute::name).filter(n -> !n.isEmpty()).distinct().toList();
    }

    FileRecord file() {
        return file;
    }

    /** The unnamed $DATA's runs, all segments joined; null when it is resident or absent. */
    Runlist dataRunlist() throws io.vhdkit.format.CorruptFormatException {
        List<Attribute> segments = file.segments(Ntfs.AT_DATA, "");
        if (segments.isEmpty() || segments.get(0).resident()) {
            return null;
        }
        return AttributeData.of(owner.reader(), owner.geometry(), segments, file.structure()).runs();
    }

    ReparsePoint reparse() {
        return reparse;
    }

    ReparsePoint.Target target() {
        return target;
    }

    boolean encrypted() {
        return encrypted;
    }

    NtfsFileSystem owner() {
        return owner;
    }

    boolean isDirectory() {
        return stat.type() == FileType.DIRECTORY;
    }

    @Override
    public String toString() {
        String name = names.isEmpty() ? "" : " " + names.get(0).name();
        return "NtfsNode[" + id() + name + " " + stat.type() + " " + stat.size() + "]";
    }
}
