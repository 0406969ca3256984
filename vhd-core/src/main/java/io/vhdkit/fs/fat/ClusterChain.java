package io.vhdkit.fs.fat;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The clusters of a file or directory, in order, kept as runs of consecutive cluster numbers. A chain is followed
 * through the FAT from the first cluster in the directory entry until an end-of-chain marker, and must be exact:
 * <ul>
 *   <li>a file's chain has exactly {@code ceil(size / cluster size)} clusters: one that ends early (an end marker,
 *       a free or bad cluster, a number out of range) or goes on past that is corrupt, and a chain that goes on is
 *       reported as a loop when the cluster after the last needed one is already in the chain;</li>
 *   <li>a directory's chain ends within {@link #MAX_DIRECTORY_BYTES} (fatgen103 and Linux: at most 65536 entries)
 *       and never visits a cluster twice.</li>
 * </ul>
 * Memory is one pair of ints per run, so a fragmented chain costs no more than the FAT entries that describe it.
 */
public final class ClusterChain {

    /** fatgen103 and Linux ({@code FAT_MAX_DIR_ENTRIES}): a directory holds at most 65536 entries of 32 bytes. */
    public static final long MAX_DIRECTORY_BYTES = 65536L * 32;

    private final long[] starts;
    private final long[] ends;
    /** Clusters before each run: {@code before[i]} is the chain index of {@code starts[i]}. */
    private final long[] before;
    private final long clusters;

    private ClusterChain(long[] starts, long[] ends, long[] before, long clusters) {
        this.starts = starts;
        this.ends = ends;
        this.before = before;
        this.clusters = clusters;
    }

    static final ClusterChain EMPTY = new ClusterChain(new long[0], new long[0], new long[0], 0);

    /** The number of clusters. */
    public long clusters() {
        return clusters;
    }

    /** The number of runs of consecutive clusters: 1 for an unfragmented file. */
    public int runs() {
        return starts.length;
    }

    /** The first cluster of run {@code i}. */
    public long runStart(int i) {
        return starts[i];
    }

    /** The number of clusters of run {@code i}. */
    public long runLength(int i) {
        return ends[i] - starts[i] + 1;
    }

    /** {@code "<5-7> <11-13>"}, as mtools' {@code mshowfat} prints a chain. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < starts.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append('<').append(starts[i]);
            if (ends[i] != starts[i]) {
                sb.append('-').append(ends[i]);
            }
            sb.append('>');
        }
        return sb.toString();
    }

    /** The cluster at chain index {@code index} (0-based, below {@link #clusters()}). */
    public long cluster(long index) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (before[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return starts[lo] + (index - before[lo]);
    }

    /** How many clusters from chain index {@code index} on are consecutive on the volume (at least 1). */
    long contiguousFrom(long index) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (before[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return ends[lo] - (starts[lo] + (index - before[lo])) + 1;
    }

    private boolean contains(long cluster) {
        for (int i = 0; i < starts.length; i++) {
            if (cluster >= starts[i] && cluster <= ends[i]) {
                return true;
            }
        }
        return false;
    }

    /** Builds the runs as clusters are appended. */
    private static final class Builder {
        long[] starts = new long[4];
        long[] ends = new long[4];
        long[] before = new long[4];
        int runs;
        long count;

        void add(long cluster) {
            if (runs > 0 && ends[runs - 1] + 1 == cluster) {
                ends[runs - 1] = cluster;
            } else {
                if (runs == starts.length) {
                    starts = Arrays.copyOf(starts, runs * 2);
                    ends = Arrays.copyOf(ends, runs * 2);
                    before = Arrays.copyOf(before, runs * 2);
                }
                starts[runs] = cluster;
                ends[runs] = cluster;
                before[runs] = count;
                runs++;
            }
            count++;
        }

        ClusterChain build() {
            return new ClusterChain(Arrays.copyOf(starts, runs), Arrays.copyOf(ends, runs),
                    Arrays.copyOf(before, runs), count);
        }
    }

    /**
     * The chain of a file of {@code size} bytes whose entry (at {@code entryOffset}) names {@code first}.
     *
     * @throws CorruptFormatException when the chain is shorter or longer than the size needs, loops, or leaves the
     *                                valid cluster numbers
     */
    static ClusterChain ofFile(FatTable fat, FatLayout layout, long first, long size, long entryOffset, String what)
            throws IOException {
        long needed = (size + layout.clusterSize() - 1) / layout.clusterSize();
        if (needed == 0) {
            if (first != 0) {
                throw new CorruptFormatException(entryRef(entryOffset), Long.toString(first), "0 for an empty file",
                        what + " is empty but its entry names cluster " + first + ": the chain is longer than the "
                        + "file needs");
            }
            return EMPTY;
        }
        if (needed > layout.clusterCount()) {
            throw new CorruptFormatException(entryRef(entryOffset).field("file size", entryOffset + 28),
                    Long.toString(size), "at most " + layout.clusterCount() * layout.clusterSize(),
                    what + " is " + size + " bytes, more than the " + layout.clusterCount() + " clusters of "
                    + layout.clusterSize() + " bytes of the volume");
        }
        checkFirst(layout, first, firstClusterRef(entryOffset), what, size);
        Builder b = new Builder();
        long cur = first;
        for (long i = 0; ; i++) {
            b.add(cur);
            long next = fat.entry(cur);
            if (i == needed - 1) {
                if (next >= layout.type().endOfChain()) {
                    return b.build();
                }
                ClusterChain sofar = b.build();
                if (layout.validCluster(next)) {
                    String how = sofar.contains(next) ? "loops back to cluster " + next
                            : "goes on to cluster " + next;
                    throw new CorruptFormatException(fatRef(fat, cur), hex(next), "an end-of-chain marker",
                            what + ": the cluster chain " + how + " after the " + needed + " clusters that "
                            + size + " bytes need");
                }
                throw badLink(fat, layout, cur, next, what, i + 1, needed);
            }
            if (!layout.validCluster(next)) {
                throw badLink(fat, layout, cur, next, what, i + 1, needed);
            }
            cur = next;
        }
    }

    /**
     * The chain of a directory that starts at {@code first}: followed to its end marker, at most
     * {@link #MAX_DIRECTORY_BYTES} long and without a cluster visited twice.
     */
    static ClusterChain ofDirectory(FatTable fat, FatLayout layout, long first, FieldRef firstRef, String what)
            throws IOException {
        checkFirst(layout, first, firstRef, what, -1);
        long cap = Math.min(layout.clusterCount(),
                Math.max(1, MAX_DIRECTORY_BYTES / layout.clusterSize()));
        Builder b = new Builder();
        Set<Long> seen = new HashSet<>();
        long cur = first;
        while (true) {
            if (!seen.add(cur)) {
                throw new CorruptFormatException(fatRef(fat, b.build().cluster(b.count - 1)), hex(cur),
                        "a cluster not already in the chain", what + ": the directory's cluster chain loops back "
                        + "to cluster " + cur);
            }
            if (b.count == cap) {
                throw new CorruptFormatException(fatRef(fat, b.build().cluster(b.count - 1)), hex(cur),
                        "an end-of-chain marker", what + ": the directory's cluster chain is longer than " + cap
                        + " clusters (" + MAX_DIRECTORY_BYTES + " bytes, 65536 entries, the most a FAT directory "
                        + "may hold)");
            }
            b.add(cur);
            long next = fat.entry(cur);
            if (next >= layout.type().endOfChain()) {
                return b.build();
            }
            if (!layout.validCluster(next)) {
                throw badLink(fat, layout, cur, next, what, b.count, -1);
            }
            cur = next;
        }
    }

    private static void checkFirst(FatLayout layout, long first, FieldRef firstRef, String what, long size)
            throws CorruptFormatException {
        if (!layout.validCluster(first)) {
            String expected = "a cluster from 2 to " + layout.maxCluster();
            String detail = first == 0
                    ? what + " has no clusters (first cluster 0) but " + (size < 0 ? "is a directory"
                    : "is " + size + " bytes")
                    : what + ": first cluster is " + first + " - should be " + expected;
            throw new CorruptFormatException(firstRef, Long.toString(first), expected, detail);
        }
    }

    private static CorruptFormatException badLink(FatTable fat, FatLayout layout, long cur, long next, String what,
                                                  long have, long needed) {
        FatType t = layout.type();
        String kind;
        if (next >= t.endOfChain()) {
            kind = "ends";
        } else if (next == t.badCluster()) {
            kind = "runs into a bad-cluster marker";
        } else if (next == 0) {
            kind = "runs into a free cluster";
        } else if (next >= t.firstReserved()) {
            kind = "runs into a reserved value";
        } else {
            kind = "points outside the clusters 2 to " + layout.maxCluster();
        }
        String tail;
        if (needed > 0 && have == needed) {
            tail = ", where the chain should end (the file size needs " + needed + " clusters)";
        } else if (needed > 0) {
            tail = " after " + have + " of the " + needed + " clusters the file size needs";
        } else {
            tail = " after " + have + " clusters";
        }
        return new CorruptFormatException(fatRef(fat, cur), hex(next), needed > 0 ? "the next cluster of the chain"
                : "a cluster or an end-of-chain marker", what + ": the cluster chain " + kind + " at the FAT entry "
                + "of cluster " + cur + " (" + hex(next) + ")" + tail);
    }

    private static FieldRef fatRef(FatTable fat, long cluster) {
        return FieldRef.of(BootSector.FORMAT, "FAT", "entry " + cluster, fat.entryOffset(cluster));
    }

    /** The first-cluster field of the directory entry at {@code entryOffset}. */
    static FieldRef firstClusterRef(long entryOffset) {
        return entryRef(entryOffset).field("first cluster", entryOffset + ShortEntry.OFFSET_CLUSTER_LOW);
    }

    static FieldRef entryRef(long entryOffset) {
        return FieldRef.of(BootSector.FORMAT, "directory entry", "", entryOffset);
    }

    private static String hex(long v) {
        return String.format(Locale.ROOT, "0x%X", v);
    }
}
