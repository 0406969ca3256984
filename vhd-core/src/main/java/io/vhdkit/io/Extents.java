package io.vhdkit.io;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Operations on lists of extents. */
public final class Extents {

    private Extents() {
    }

    /** Sorts, merges overlapping and touching ranges. */
    public static List<Extent> normalize(List<Extent> extents) {
        if (extents.isEmpty()) {
            return List.of();
        }
        List<Extent> sorted = new ArrayList<>(extents);
        sorted.sort(Comparator.comparingLong(Extent::offset));
        List<Extent> out = new ArrayList<>();
        long start = sorted.get(0).offset();
        long end = sorted.get(0).end();
        for (Extent e : sorted.subList(1, sorted.size())) {
            if (e.offset() <= end) {
                end = Math.max(end, e.end());
            } else {
                out.add(new Extent(start, end - start));
                start = e.offset();
                end = e.end();
            }
        }
        out.add(new Extent(start, end - start));
        return List.copyOf(out);
    }

    /** The union of two lists, normalized. */
    public static List<Extent> union(List<Extent> a, List<Extent> b) {
        List<Extent> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return normalize(all);
    }

    /** The parts of normalized {@code extents} that lie in {@code [from, to)}. */
    public static List<Extent> clip(List<Extent> extents, long from, long to) {
        List<Extent> out = new ArrayList<>();
        for (Extent e : extents) {
            long s = Math.max(e.offset(), from);
            long t = Math.min(e.end(), to);
            if (t > s) {
                out.add(new Extent(s, t - s));
            }
        }
        return List.copyOf(out);
    }

    /** The total number of bytes covered; the list must not overlap. */
    public static long totalLength(List<Extent> extents) {
        long total = 0;
        for (Extent e : extents) {
            total += e.length();
        }
        return total;
    }
}
