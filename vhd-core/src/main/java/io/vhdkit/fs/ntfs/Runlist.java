package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import java.util.Arrays;

/**
 * The clusters of a non-resident attribute: runs of virtual clusters (VCNs, from the attribute's start) mapped to
 * logical clusters (LCNs, from the volume's start), or to nothing (a sparse run, which reads as zeros). Decoded from
 * the mapping pairs array of each attribute segment ({@code ntfs_mapping_pairs_decompress}) and concatenated in VCN
 * order. Immutable.
 */
final class Runlist {

    /** The LCN of a sparse run. */
    static final long SPARSE = -1;
    /** Runs of one attribute at most, over all its segments. */
    static final int MAX_RUNS = 1 << 20;

    private final long[] vcn;
    private final long[] lcn;
    private final long[] length;
    private final int count;

    private Runlist(long[] vcn, long[] lcn, long[] length, int count) {
        this.vcn = vcn;
        this.lcn = lcn;
        this.length = length;
        this.count = count;
    }

    static final Runlist EMPTY = new Runlist(new long[0], new long[0], new long[0], 0);

    /** Runs. */
    int count() {
        return count;
    }

    /** The first VCN after the last run. */
    long endVcn() {
        return count == 0 ? 0 : vcn[count - 1] + length[count - 1];
    }

    long vcn(int run) {
        return vcn[run];
    }

    long lcn(int run) {
        return lcn[run];
    }

    long length(int run) {
        return length[run];
    }

    /** The run that holds {@code v}, or -1 when no run does. */
    int find(long v) {
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (v < vcn[mid]) {
                hi = mid - 1;
            } else if (v >= vcn[mid] + length[mid]) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** The runs that are not sparse. */
    int allocatedRuns() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (lcn[i] != SPARSE) {
                n++;
            }
        }
        return n;
    }

    /**
     * Decodes one segment's mapping pairs: {@code b[from, to)}, starting at {@code lowestVcn}; the segment must end at
     * {@code highestVcn}. Each pair is a header byte (low nibble: bytes of the run length, high nibble: bytes of the
     * LCN delta, 0 for a sparse run), the length (signed, must be positive) and the LCN delta (signed, relative to the
     * previous run's LCN); a 0 header ends the array. Runs must lie within the volume's {@code totalClusters}.
     *
     * @param at where {@code b[0]} lies in the volume, for messages
     */
    static Runlist decode(byte[] b, int from, int to, long lowestVcn, long highestVcn, long totalClusters,
                          String structure, long at, int maxRuns) throws CorruptFormatException {
        long[] v = new long[8];
        long[] l = new long[8];
        long[] n = new long[8];
        int count = 0;
        long nextVcn = lowestVcn;
        long prevLcn = 0;
        int p = from;
        while (true) {
            if (p >= to) {
                throw new CorruptFormatException(Ntfs.ref(structure, "mapping pairs", at + p),
                        "the mapping pairs run past the end of the attribute without a terminating 0 byte");
            }
            int header = Ntfs.u8(b, p);
            if (header == 0) {
                break;
            }
            int lenBytes = header & 0x0F;
            int offBytes = header >>> 4;
            FieldRef where = Ntfs.ref(structure, "mapping pairs", at + p);
            if (lenBytes == 0 || lenBytes > 8 || offBytes > 8) {
                throw new CorruptFormatException(where, Ntfs.hex(header), "1 to 8 length bytes, 0 to 8 offset bytes",
                        "mapping pair header " + Ntfs.hex(header) + " at VCN " + nextVcn + " has " + lenBytes
                                + " length and " + offBytes + " offset bytes - should be 1 to 8 and 0 to 8");
            }
            if (p + 1 + lenBytes + offBytes > to) {
                throw new CorruptFormatException(where, "the mapping pair at VCN " + nextVcn
                        + " runs past the end of the attribute");
            }
            long runLength = signed(b, p + 1, lenBytes);
            if (runLength <= 0) {
                throw new CorruptFormatException(where, Long.toString(runLength), "a positive run length",
                        "the run at VCN " + nextVcn + " has length " + runLength + " - should be positive");
            }
            long runLcn = SPARSE;
            if (offBytes > 0) {
                long delta = signed(b, p + 1 + lenBytes, offBytes);
                runLcn = prevLcn + delta;
                if (runLcn < 0 || runLcn >= totalClusters || runLength > totalClusters - runLcn) {
                    throw new CorruptFormatException(where, Long.toString(runLcn), "clusters within the volume's "
                            + totalClusters, "the run at VCN " + nextVcn + " covers clusters " + runLcn + " to "
                            + (runLcn + runLength - 1) + ", beyond the volume's " + totalClusters + " clusters");
                }
                prevLcn = runLcn;
            }
            if (runLength > highestVcn - nextVcn + 1) {
                throw new CorruptFormatException(where, Long.toString(nextVcn + runLength - 1),
                        "at most the highest VCN " + highestVcn, "the run at VCN " + nextVcn + " of " + runLength
                        + " clusters ends after the attribute's highest VCN " + highestVcn);
            }
            if (count == maxRuns) {
                throw new CorruptFormatException(where, "more than " + maxRuns + " runs");
            }
            if (count == v.length) {
                int grow = Math.min(maxRuns, count * 2);
                v = Arrays.copyOf(v, grow);
                l = Arrays.copyOf(l, grow);
                n = Arrays.copyOf(n, grow);
            }
            v[count] = nextVcn;
            l[count] = runLcn;
            n[count] = runLength;
            count++;
            nextVcn += runLength;
            p += 1 + lenBytes + offBytes;
        }
        if (nextVcn != highestVcn + 1) {
            throw new CorruptFormatException(Ntfs.ref(structure, "highest VCN", FieldRef.NO_OFFSET),
                    Long.toString(highestVcn), Long.toString(nextVcn - 1) + " (where the runs end)",
                    "the runs end at VCN " + (nextVcn - 1) + " but the attribute's highest VCN is " + highestVcn);
        }
        return new Runlist(v, l, n, count);
    }

    /** This runlist followed by {@code next}, which must start where this one ends. */
    Runlist append(Runlist next, String structure) throws CorruptFormatException {
        Builder b = new Builder();
        b.add(this, structure);
        b.add(next, structure);
        return b.build();
    }

    /**
     * Joins the runlists of an attribute's segments in VCN order in time linear in the runs: appending segment by
     * segment to immutable runlists would copy all the runs so far each time, quadratic in a hostile attribute list of
     * thousands of segments. Runs once added are never changed, so runlists built earlier share the arrays safely.
     */
    static final class Builder {

        private long[] vcn = new long[16];
        private long[] lcn = new long[16];
        private long[] length = new long[16];
        private int count;

        /** Adds {@code next}, which must start where the runs so far end (at VCN 0 when there are none). */
        void add(Runlist next, String structure) throws CorruptFormatException {
            if (next.count == 0) {
                return;
            }
            long end = count == 0 ? 0 : vcn[count - 1] + length[count - 1];
            if (next.vcn[0] != end) {
                throw new CorruptFormatException(Ntfs.ref(structure, "lowest VCN", FieldRef.NO_OFFSET),
                        Long.toString(next.vcn[0]), Long.toString(end) + " (where the previous segment ends)",
                        "an attribute segment starts at VCN " + next.vcn[0] + " but the previous one ends before VCN "
                                + end);
            }
            if (next.count > MAX_RUNS - count) {
                throw new CorruptFormatException(Ntfs.ref(structure, "mapping pairs", FieldRef.NO_OFFSET),
                        "more than " + MAX_RUNS + " runs");
            }
            int total = count + next.count;
            if (total > vcn.length) {
                int grow = (int) Math.min(MAX_RUNS, Math.max(total, 2L * vcn.length));
                vcn = Arrays.copyOf(vcn, grow);
                lcn = Arrays.copyOf(lcn, grow);
                length = Arrays.copyOf(length, grow);
            }
            System.arraycopy(next.vcn, 0, vcn, count, next.count);
            System.arraycopy(next.lcn, 0, lcn, count, next.count);
            System.arraycopy(next.length, 0, length, count, next.count);
            count = total;
        }

        /** The runs added so far. */
        Runlist build() {
            return new Runlist(vcn, lcn, length, count);
        }
    }

    /** Little-endian, sign-extended from {@code bytes} bytes. */
    private static long signed(byte[] b, int at, int bytes) {
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = v << 8 | (b[at + i] & 0xFF);
        }
        int shift = 64 - 8 * bytes;
        return shift == 0 ? v : v << shift >> shift;
    }

    /** Refuses a runlist that does not cover {@code clusters} from VCN 0. */
    void checkCovers(long clusters, String structure) throws CorruptFormatException {
        if (endVcn() < clusters) {
            throw new CorruptFormatException(Ntfs.ref(structure, "mapping pairs", FieldRef.NO_OFFSET),
                    Long.toString(endVcn()), "at least " + clusters, "the runs map " + endVcn()
                    + " clusters, fewer than the " + clusters + " the attribute's allocated size needs");
        }
    }
}
