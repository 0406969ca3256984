package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.fs.VolumeReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The bytes of one attribute, resident or not: a non-resident attribute's segments joined into one runlist, read
 * through it with sparse runs as zeros, bytes past the initialized size as zeros, and LZNT1 compression units
 * decompressed. Immutable; safe for concurrent reads.
 *
 * <p>Compressed attributes ({@code ATTR_IS_COMPRESSED}, ntfs-3g's {@code ntfs_compressed_attr_pread}) are read in
 * compression units of 2<sup>{@code compression unit}</sup> clusters (16, the only size Windows writes, on volumes
 * with clusters of at most 4 KiB): a unit with no sparse cluster is stored as is, a unit that is all sparse is zeros,
 * and a unit with some clusters followed by sparse ones holds LZNT1 data in those clusters ({@link Lznt1}).
 */
final class AttributeData {

    /** Windows compresses in units of 16 clusters. */
    static final int COMPRESSION_UNIT = 4;
    /** ... and only on volumes with clusters of at most 4 KiB. */
    static final int MAX_COMPRESSED_CLUSTER = 4096;
    static final int LZNT1 = 1;
    private static final byte[] ZEROS = new byte[64 * 1024];

    private final VolumeReader reader;
    private final NtfsBootSector.Geometry g;
    private final Attribute first;
    private final Runlist runs;
    private final String structure;
    private final String what;

    private AttributeData(VolumeReader reader, NtfsBootSector.Geometry g, Attribute first, Runlist runs,
                          String structure) {
        this.reader = reader;
        this.g = g;
        this.first = first;
        this.runs = runs;
        this.structure = structure;
        this.what = first.describe();
    }

    /**
     * The attribute made of {@code segments}: one resident attribute, or the non-resident segments of one attribute
     * sorted by lowest VCN, the first at VCN 0 (it holds the sizes).
     */
    static AttributeData of(VolumeReader reader, NtfsBootSector.Geometry g, List<Attribute> segments,
                            String structure) throws CorruptFormatException {
        Attribute first = segments.get(0);
        if (first.resident()) {
            if (segments.size() > 1) {
                throw new CorruptFormatException(Ntfs.ref(structure, first.describe(), first.at()),
                        "a resident " + first.describe() + " has " + (segments.size() - 1) + " more segments");
            }
            return new AttributeData(reader, g, first, null, structure);
        }
        if (first.lowestVcn() != 0) {
            throw new CorruptFormatException(Ntfs.ref(structure, first.describe() + " lowest VCN", first.at()
                    + Attribute.OFFSET_LOWEST_VCN), Long.toString(first.lowestVcn()), "0 (no segment starts the "
                    + "attribute)");
        }
        Runlist.Builder joined = new Runlist.Builder();
        for (Attribute s : segments) {
            if (s.resident()) {
                throw new CorruptFormatException(Ntfs.ref(structure, s.describe(), s.at()),
                        "a non-resident " + s.describe() + " has a resident segment");
            }
            joined.add(s.runs(), structure);
        }
        Runlist runs = joined.build();
        if ((first.allocatedSize() & (g.clusterSize() - 1)) != 0) {
            throw new CorruptFormatException(Ntfs.ref(structure, first.describe() + " allocated size",
                    first.at() + Attribute.OFFSET_ALLOCATED_SIZE), Long.toString(first.allocatedSize()),
                    "a multiple of the cluster size " + g.clusterSize());
        }
        return new AttributeData(reader, g, first, runs, structure);
    }

    Attribute first() {
        return first;
    }

    /** The runlist; null for a resident attribute. */
    Runlist runs() {
        return runs;
    }

    boolean resident() {
        return first.resident();
    }

    long size() {
        return first.dataSize();
    }

    long initializedSize() {
        return first.initializedSize();
    }

    /**
     * Reads {@code min(dst.remaining(), size - position)} bytes at {@code position} into {@code dst}.
     *
     * @return the bytes read, or -1 when {@code position} is at or past the end
     */
    int read(long position, ByteBuffer dst) throws IOException {
        long size = size();
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - position);
        if (n == 0) {
            return 0;
        }
        ByteBuffer out = dst.slice(dst.position(), n);
        if (first.resident()) {
            out.put(first.value(), (int) position, n);
        } else {
            long valid = Math.max(0, Math.min(n, initializedSize() - position));
            if (valid > 0) {
                ByteBuffer part = out.slice(0, (int) valid);
                if (first.compressed()) {
                    readCompressed(position, part);
                } else {
                    readPlain(position, part);
                }
            }
            out.position((int) valid);
            zero(out);
        }
        dst.position(dst.position() + n);
        return n;
    }

    /** The whole value, which must be at most {@code max} bytes. */
    byte[] readAll(int max) throws IOException {
        if (size() > max) {
            throw new CorruptFormatException(Ntfs.ref(structure, what + " size", first.at()),
                    Long.toString(size()), "at most " + max, what + " is " + size() + " bytes, more than the "
                    + max + " such an attribute may hold");
        }
        byte[] b = new byte[(int) size()];
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            if (read(buf.position(), buf) <= 0) {
                break;
            }
        }
        return b;
    }

    /** Plain (not compressed) data: each run's clusters in turn, sparse runs as zeros. */
    private void readPlain(long position, ByteBuffer out) throws IOException {
        long pos = position;
        while (out.hasRemaining()) {
            long vcn = pos >>> g.clusterShift();
            int within = (int) (pos & (g.clusterSize() - 1));
            int run = mappedRun(vcn);
            long clustersLeft = runs.vcn(run) + runs.length(run) - vcn;
            long avail = clustersLeft > (Integer.MAX_VALUE >>> g.clusterShift()) ? Integer.MAX_VALUE
                    : (clustersLeft << g.clusterShift()) - within;
            int take = (int) Math.min(out.remaining(), avail);
            ByteBuffer part = out.slice(out.position(), take);
            if (runs.lcn(run) == Runlist.SPARSE) {
                zero(part);
            } else {
                long at = g.clusterOffset(runs.lcn(run) + (vcn - runs.vcn(run))) + within;
                reader.readInto(at, part, structure, what + " data");
            }
            out.position(out.position() + take);
            pos += take;
        }
    }

    private int mappedRun(long vcn) throws CorruptFormatException {
        int run = runs.find(vcn);
        if (run < 0) {
            throw new CorruptFormatException(Ntfs.ref(structure, what + " mapping pairs", first.at()),
                    Long.toString(vcn), "a VCN below " + runs.endVcn(), "VCN " + vcn + " of " + what
                    + " is not mapped: the runs end at VCN " + runs.endVcn() + " but the data needs more");
        }
        return run;
    }

    private void readCompressed(long position, ByteBuffer out) throws IOException {
        if ((first.flags() & Attribute.COMPRESSION_MASK) != LZNT1) {
            throw new UnsupportedFormatException(Ntfs.ref(structure, what + " flags", first.at()
                    + Attribute.OFFSET_FLAGS), Ntfs.hex4(first.flags()), "compression method 1 (LZNT1)");
        }
        if (first.compressionUnit() != COMPRESSION_UNIT || g.clusterSize() > MAX_COMPRESSED_CLUSTER) {
            throw new UnsupportedFormatException(Ntfs.ref(structure, what + " compression unit", first.at()
                    + Attribute.OFFSET_COMPRESSION_UNIT), Integer.toString(first.compressionUnit()), "4",
                    what + " is compressed in units of 2^" + first.compressionUnit() + " clusters of "
                    + g.clusterSize() + " bytes; Windows compresses only in units of 16 clusters of at most 4096");
        }
        int unitClusters = 1 << COMPRESSION_UNIT;
        int unitBytes = unitClusters << g.clusterShift();
        byte[] unit = new byte[unitBytes];
        long pos = position;
        while (out.hasRemaining()) {
            long index = pos / unitBytes;
            int within = (int) (pos % unitBytes);
            int take = Math.min(out.remaining(), unitBytes - within);
            decodeUnit(index * unitClusters, unitClusters, unit);
            out.put(unit, within, take);
            pos += take;
        }
    }

    /** Decodes the compression unit starting at {@code vcn} into {@code unit}. */
    private void decodeUnit(long vcn, int clusters, byte[] unit) throws IOException {
        mappedRun(vcn);
        int allocated = 0;
        int sparse = 0;
        for (long v = vcn; v < vcn + clusters && v < runs.endVcn(); ) {
            int run = mappedRun(v);
            long n = Math.min(runs.vcn(run) + runs.length(run), vcn + clusters) - v;
            if (runs.lcn(run) == Runlist.SPARSE) {
                sparse += (int) n;
            } else {
                allocated += (int) n;
            }
            v += n;
        }
        int cs = g.clusterSize();
        if (allocated == 0) {
            java.util.Arrays.fill(unit, (byte) 0);
            return;
        }
        if (sparse == 0) {
            // stored as is (the last unit may end with the runlist: the rest reads as zeros)
            int mapped = (int) (Math.min(runs.endVcn() - vcn, clusters) * cs);
            java.util.Arrays.fill(unit, mapped, unit.length, (byte) 0);
            readPlain(vcn << g.clusterShift(), ByteBuffer.wrap(unit, 0, mapped));
            return;
        }
        // the allocated clusters, in VCN order, hold the compressed data
        byte[] compressed = new byte[allocated * cs];
        int filled = 0;
        long firstAt = -1;
        for (long v = vcn; v < vcn + clusters && v < runs.endVcn(); ) {
            int run = mappedRun(v);
            long n = Math.min(runs.vcn(run) + runs.length(run), vcn + clusters) - v;
            if (runs.lcn(run) != Runlist.SPARSE) {
                long at = g.clusterOffset(runs.lcn(run) + (v - runs.vcn(run)));
                if (firstAt < 0) {
                    firstAt = at;
                }
                reader.readInto(at, ByteBuffer.wrap(compressed, filled, (int) n * cs), structure,
                        what + " compressed data");
                filled += (int) n * cs;
            }
            v += n;
        }
        Lznt1.decompress(compressed, compressed.length, unit, unit.length, FieldRef.of(Ntfs.FORMAT, structure,
                what + " compression unit at VCN " + vcn, firstAt));
    }

    private static void zero(ByteBuffer b) {
        while (b.hasRemaining()) {
            b.put(ZEROS, 0, Math.min(ZEROS.length, b.remaining()));
        }
    }
}
