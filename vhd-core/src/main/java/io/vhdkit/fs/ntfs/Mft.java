package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.fs.VolumeReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The master file table: record 0 ({@code $MFT} itself) read where the boot sector says, then every record through
 * {@code $MFT}'s own {@code $DATA} runlist, which may be fragmented and, on a large volume, split over extension
 * records named by {@code $MFT}'s attribute list (each segment must lie in the part of the MFT the earlier segments
 * map). Records are read through the volume reader's cache. Immutable after {@link #open}.
 */
final class Mft {

    /** Extension records of one file at most (an attribute list of 256 KiB names at most 8192 attributes). */
    static final int MAX_EXTENSION_RECORDS = 8192;

    private final VolumeReader reader;
    private final NtfsBootSector.Geometry g;
    private final int recordSize;
    private final Runlist runs;
    private final long records;
    private final long initialized;

    private Mft(VolumeReader reader, NtfsBootSector.Geometry g, Runlist runs, long records, long initialized) {
        this.reader = reader;
        this.g = g;
        this.recordSize = g.mftRecordSize();
        this.runs = runs;
        this.records = records;
        this.initialized = initialized;
    }

    /** Reads record 0 at the boot sector's MFT cluster and maps the whole MFT from it. */
    static Mft open(VolumeReader reader, NtfsBootSector.Geometry g, long mftLcn) throws IOException {
        int size = g.mftRecordSize();
        long at0 = g.clusterOffset(mftLcn);
        byte[] raw = new byte[size];
        reader.block(at0, size, MftRecord.structure(0), "").get(raw);
        MftRecord r0 = MftRecord.decode(raw, size, 0, at0, g.totalClusters());
        String structure = r0.structure() + " ($MFT)";
        if (!r0.inUse() || r0.extension()) {
            throw new CorruptFormatException(Ntfs.ref(structure, "flags", at0 + MftRecord.OFFSET_FLAGS),
                    Ntfs.hex4(r0.flags()), "in use, a base record", "the MFT's own record is "
                    + (r0.inUse() ? "an extension record" : "not in use"));
        }
        List<Attribute> own = new ArrayList<>();
        List<AttributeList.Entry> later = new ArrayList<>();
        List<Attribute> lists = attributes(r0.attributes(), Ntfs.AT_ATTRIBUTE_LIST);
        if (lists.size() > 1) {
            throw new CorruptFormatException(Ntfs.ref(structure, "$ATTRIBUTE_LIST", lists.get(1).at()),
                    "the record has " + lists.size() + " attribute lists");
        }
        for (Attribute a : r0.attributes()) {
            if (a.type() == Ntfs.AT_DATA && a.name().isEmpty()) {
                own.add(a);
            }
        }
        if (!lists.isEmpty()) {
            byte[] value = AttributeData.of(reader, g, lists, structure).readAll(AttributeList.MAX_SIZE);
            for (AttributeList.Entry e : AttributeList.decode(value, structure, lists.get(0).valueAt())) {
                if (e.type() == Ntfs.AT_DATA && e.name().isEmpty() && e.record() != 0) {
                    later.add(e);
                }
            }
            later.sort(java.util.Comparator.comparingLong(AttributeList.Entry::lowestVcn));
        }
        if (own.size() != 1 || own.get(0).resident() || own.get(0).lowestVcn() != 0) {
            throw new CorruptFormatException(Ntfs.ref(structure, "$DATA", at0), own.size() + " segments in "
                    + "record 0", "one non-resident segment at VCN 0", "the MFT's record 0 must hold the first "
                    + "segment of its non-resident $DATA (it has " + own.size() + " unnamed $DATA attributes"
                    + (own.size() == 1 ? ", " + (own.get(0).resident() ? "resident" : "starting at VCN "
                    + own.get(0).lowestVcn()) : "") + ")");
        }
        Attribute first = own.get(0);
        Runlist.Builder joined = new Runlist.Builder();
        joined.add(first.runs(), structure);
        Runlist runs = joined.build();
        checkNotSparse(runs, structure, first.at());
        long records = first.dataSize() / size;
        Mft partial = new Mft(reader, g, runs, Math.min(records, (runs.endVcn() << g.clusterShift()) / size),
                first.initializedSize());
        for (AttributeList.Entry e : later) {
            MftRecord ext = partial.record(e.record());
            checkExtension(ext, r0, e, structure);
            Attribute seg = find(ext, e);
            if (seg.resident()) {
                throw new CorruptFormatException(Ntfs.ref(ext.structure(), "$DATA", seg.at()),
                        "a segment of the MFT's $DATA is resident");
            }
            checkNotSparse(seg.runs(), ext.structure(), seg.at());
            joined.add(seg.runs(), structure);
            runs = joined.build();
            partial = new Mft(reader, g, runs, Math.min(records, (runs.endVcn() << g.clusterShift()) / size),
                    first.initializedSize());
        }
        if ((runs.endVcn() << g.clusterShift()) < first.dataSize()) {
            throw new CorruptFormatException(Ntfs.ref(structure, "$DATA mapping pairs", first.at()),
                    Long.toString(runs.endVcn()), "clusters for " + first.dataSize() + " bytes",
                    "the MFT's runs map " + runs.endVcn() + " clusters, fewer than its " + first.dataSize()
                            + " bytes need");
        }
        if (records <= Ntfs.FIRST_USER_RECORD) {
            throw new CorruptFormatException(Ntfs.ref(structure, "$DATA data size", first.at()
                    + Attribute.OFFSET_DATA_SIZE), Long.toString(first.dataSize()), "room for more than the "
                    + Ntfs.FIRST_USER_RECORD + " system records");
        }
        return new Mft(reader, g, runs, records, first.initializedSize());
    }

    private static void checkNotSparse(Runlist runs, String structure, long at) throws CorruptFormatException {
        for (int i = 0; i < runs.count(); i++) {
            if (runs.lcn(i) == Runlist.SPARSE) {
                throw new CorruptFormatException(Ntfs.ref(structure, "$DATA mapping pairs", at),
                        "the MFT has a sparse run at VCN " + runs.vcn(i) + ": its records must all be on disk");
            }
        }
    }

    /** Records in the MFT. */
    long records() {
        return records;
    }

    int recordSize() {
        return recordSize;
    }

    Runlist runs() {
        return runs;
    }

    /** The volume offset of a record's first byte. */
    long offsetOf(long number) throws CorruptFormatException {
        long pos = number * recordSize;
        int run = runs.find(pos >>> g.clusterShift());
        if (run < 0) {
            throw outside(number);
        }
        return g.clusterOffset(runs.lcn(run) + ((pos >>> g.clusterShift()) - runs.vcn(run)))
                + (pos & (g.clusterSize() - 1));
    }

    /** Reads and decodes record {@code number} (fixups undone), whatever its flags. */
    MftRecord record(long number) throws IOException {
        return record(number, true);
    }

    /** Reads record {@code number} and checks its header (signature, fixups, sizes, number) only. */
    MftRecord header(long number) throws IOException {
        return record(number, false);
    }

    private MftRecord record(long number, boolean withAttributes) throws IOException {
        if (number < 0 || number >= records) {
            throw new CorruptFormatException(Ntfs.ref("MFT", "record number", FieldRef.NO_OFFSET),
                    Long.toString(number), "from 0 to " + (records - 1), "record " + number + " is beyond the "
                    + records + " records of the MFT");
        }
        long pos = number * recordSize;
        if (pos + recordSize > initialized) {
            throw new CorruptFormatException(Ntfs.ref(MftRecord.structure(number), "", FieldRef.NO_OFFSET),
                    MftRecord.structure(number) + " lies past the MFT's initialized size (" + initialized
                            + " bytes): it was never written");
        }
        byte[] raw = new byte[recordSize];
        long first = readRaw(number, raw, 0, true);
        return MftRecord.decode(raw, recordSize, number, first, g.totalClusters(), withAttributes);
    }

    private CorruptFormatException outside(long number) {
        return new CorruptFormatException(Ntfs.ref("MFT", "record number", FieldRef.NO_OFFSET),
                Long.toString(number), "a record the MFT's runs map", "record " + number
                + " is not mapped by the MFT's runs");
    }

    /**
     * The file whose base record is {@code number}: the record must be in use and a base record; with an attribute
     * list, the extension records it names are read and checked (each must be in use, belong to this file, hold the
     * attribute named, and have no attribute list of its own; no attribute may be listed twice).
     */
    FileRecord file(long number) throws IOException {
        MftRecord base = record(number);
        String structure = base.structure();
        if (!base.inUse()) {
            throw new CorruptFormatException(Ntfs.ref(structure, "flags", base.at() + MftRecord.OFFSET_FLAGS),
                    Ntfs.hex4(base.flags()), "in use (0x0001)", structure + " is not in use: no file lives there "
                    + "(a deleted file, or a stale reference)");
        }
        if (base.extension()) {
            throw new CorruptFormatException(Ntfs.ref(structure, "base record", base.at()
                    + MftRecord.OFFSET_BASE_RECORD), Long.toString(Ntfs.refRecord(base.baseRef())), "0",
                    structure + " is an extension record of file " + Ntfs.refRecord(base.baseRef())
                            + ", not a file of its own");
        }
        List<Attribute> lists = attributes(base.attributes(), Ntfs.AT_ATTRIBUTE_LIST);
        if (lists.isEmpty()) {
            return new FileRecord(base, base.attributes(), false);
        }
        if (lists.size() > 1) {
            throw new CorruptFormatException(Ntfs.ref(structure, "$ATTRIBUTE_LIST", lists.get(1).at()),
                    "the record has " + lists.size() + " attribute lists");
        }
        Attribute list = lists.get(0);
        byte[] value = AttributeData.of(reader, g, lists, structure).readAll(AttributeList.MAX_SIZE);
        List<Attribute> all = new ArrayList<>(base.attributes());
        Map<Long, MftRecord> extensions = new HashMap<>();
        Set<String> listed = new HashSet<>();
        for (AttributeList.Entry e : AttributeList.decode(value, structure, list.valueAt())) {
            if (!listed.add(e.record() + ":" + e.type() + ":" + e.instance())) {
                throw new CorruptFormatException(Ntfs.ref(structure, "$ATTRIBUTE_LIST", list.at()),
                        "the attribute list names " + Ntfs.typeName(e.type()) + " instance " + e.instance()
                                + " of record " + e.record() + " twice");
            }
            if (e.record() == number) {
                find(base, e);
                continue;
            }
            if (e.type() == Ntfs.AT_ATTRIBUTE_LIST) {
                throw new CorruptFormatException(Ntfs.ref(structure, "$ATTRIBUTE_LIST", list.at()),
                        "the attribute list places an attribute list in record " + e.record()
                                + ": it must be in the base record");
            }
            MftRecord ext = extensions.get(e.record());
            if (ext == null) {
                if (extensions.size() == MAX_EXTENSION_RECORDS) {
                    throw new CorruptFormatException(Ntfs.ref(structure, "$ATTRIBUTE_LIST", list.at()),
                            "the attribute list names more than " + MAX_EXTENSION_RECORDS + " extension records");
                }
                ext = record(e.record());
                checkExtension(ext, base, e, structure);
                extensions.put(e.record(), ext);
            } else if (Ntfs.refSequence(e.reference()) != 0 && Ntfs.refSequence(e.reference()) != ext.sequence()) {
                throw staleSequence(ext, e, structure);
            }
            all.add(find(ext, e));
        }
        return new FileRecord(base, List.copyOf(all), true);
    }

    private static void checkExtension(MftRecord ext, MftRecord base, AttributeList.Entry e, String structure)
            throws CorruptFormatException {
        if (!ext.inUse()) {
            throw new CorruptFormatException(Ntfs.ref(ext.structure(), "flags", ext.at() + MftRecord.OFFSET_FLAGS),
                    Ntfs.hex4(ext.flags()), "in use", "the attribute list of " + structure + " names "
                    + ext.structure() + ", which is not in use");
        }
        long owner = Ntfs.refRecord(ext.baseRef());
        int ownerSequence = Ntfs.refSequence(ext.baseRef());
        if (owner != base.number() || ownerSequence != 0 && ownerSequence != base.sequence()) {
            throw new CorruptFormatException(Ntfs.ref(ext.structure(), "base record", ext.at()
                    + MftRecord.OFFSET_BASE_RECORD), owner + " (sequence " + ownerSequence + ")", base.number()
                    + " (sequence " + base.sequence() + ")", "the attribute list of " + structure + " names "
                    + ext.structure() + ", which " + (owner == 0 ? "is a base record" : "belongs to record " + owner
                    + " (sequence " + ownerSequence + ")"));
        }
        if (Ntfs.refSequence(e.reference()) != 0 && Ntfs.refSequence(e.reference()) != ext.sequence()) {
            throw staleSequence(ext, e, structure);
        }
        if (!attributes(ext.attributes(), Ntfs.AT_ATTRIBUTE_LIST).isEmpty()) {
            throw new CorruptFormatException(Ntfs.ref(ext.structure(), "$ATTRIBUTE_LIST", ext.at()),
                    "extension record " + ext.number() + " of " + structure + " has an attribute list of its own");
        }
    }

    private static CorruptFormatException staleSequence(MftRecord ext, AttributeList.Entry e, String structure) {
        return new CorruptFormatException(Ntfs.ref(ext.structure(), "sequence number", ext.at()
                + MftRecord.OFFSET_SEQUENCE), Integer.toString(ext.sequence()),
                Integer.toString(Ntfs.refSequence(e.reference())) + " (the attribute list's reference)",
                "the attribute list of " + structure + " refers to " + ext.structure() + " with sequence "
                        + Ntfs.refSequence(e.reference()) + " but the record has sequence " + ext.sequence());
    }

    /** The attribute an attribute list entry names in {@code r}, which must be there. */
    private static Attribute find(MftRecord r, AttributeList.Entry e) throws CorruptFormatException {
        for (Attribute a : r.attributes()) {
            if (a.type() == e.type() && a.instance() == e.instance()) {
                if (!a.name().equals(e.name()) || !a.resident() && a.lowestVcn() != e.lowestVcn()) {
                    throw new CorruptFormatException(Ntfs.ref(r.structure(), a.describe(), a.at()),
                            "the attribute list names " + Ntfs.typeName(e.type()) + " \"" + e.name()
                                    + "\" at VCN " + e.lowestVcn() + " as instance " + e.instance() + ", but that "
                                    + "instance is " + a.describe() + " at VCN " + a.lowestVcn());
                }
                return a;
            }
        }
        throw new CorruptFormatException(Ntfs.ref(r.structure(), "attributes", r.at()), "the attribute list names "
                + Ntfs.typeName(e.type()) + (e.name().isEmpty() ? "" : " \"" + e.name() + "\"") + " instance "
                + e.instance() + " in " + r.structure() + ", which has no such attribute");
    }

    private static List<Attribute> attributes(List<Attribute> all, int type) {
        List<Attribute> out = new ArrayList<>();
        for (Attribute a : all) {
            if (a.type() == type) {
                out.add(a);
            }
        }
        return out;
    }

    /** Reads the raw bytes of the first {@code count} records (for the mirror comparison), not cached. */
    byte[] rawRecords(int count) throws IOException {
        byte[] out = new byte[count * recordSize];
        for (int i = 0; i < count; i++) {
            readRaw(i, out, i * recordSize, false);
        }
        return out;
    }

    /** Copies record {@code number}'s bytes into {@code dst} at {@code off}; returns the volume offset of its start. */
    private long readRaw(long number, byte[] dst, int off, boolean cached) throws IOException {
        long pos = number * recordSize;
        long first = -1;
        int done = 0;
        while (done < recordSize) {
            long p = pos + done;
            long vcn = p >>> g.clusterShift();
            int within = (int) (p & (g.clusterSize() - 1));
            int run = runs.find(vcn);
            if (run < 0) {
                throw outside(number);
            }
            long at = g.clusterOffset(runs.lcn(run) + (vcn - runs.vcn(run))) + within;
            long avail = Math.min(Integer.MAX_VALUE, (runs.vcn(run) + runs.length(run) - vcn)
                    * g.clusterSize() - within);
            int take = (int) Math.min(recordSize - done, avail);
            if (cached) {
                reader.block(at, take, MftRecord.structure(number), "").get(dst, off + done, take);
            } else {
                reader.readInto(at, ByteBuffer.wrap(dst, off + done, take), MftRecord.structure(number), "");
            }
            if (first < 0) {
                first = at;
            }
            done += take;
        }
        return first;
    }
}
