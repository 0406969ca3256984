package io.vhdkit.lvm;

import java.util.List;
import java.util.Optional;

/**
 * A logical volume of the VG metadata.
 *
 * @param name           the LV's name
 * @param id             its id as written (with dashes)
 * @param status         the status flags ({@code READ}, {@code WRITE}, {@code VISIBLE}, ...)
 * @param segments       the segments, ordered by logical extent, contiguous from extent 0
 * @param snapshotOrigin for the copy-on-write store of an old-style snapshot, the origin LV's name; else null. Its
 *                       segments hold the exception store, not the snapshot's contents, so it is not mapped
 * @param line           the line of the LV's section in the text
 */
public record LogicalVolume(String name, String id, List<String> status, List<Segment> segments, String snapshotOrigin,
                            int line) {

    public static final String VISIBLE = "VISIBLE";

    public LogicalVolume {
        status = List.copyOf(status);
        segments = List.copyOf(segments);
    }

    /** Whether LVM lists the LV to users ({@code VISIBLE}); hidden LVs are parts of others (pool data, mirror legs). */
    public boolean visible() {
        return status.contains(VISIBLE);
    }

    /** Logical extents: the sum of the segments'. */
    public long extentCount() {
        long n = 0;
        for (Segment s : segments) {
            n += s.extentCount();
        }
        return n;
    }

    /**
     * The first segment vhdkit cannot map, if any: a segment of another type than striped, or any segment of a
     * snapshot's copy-on-write store.
     */
    public Optional<Segment> unmappedSegment() {
        for (Segment s : segments) {
            if (!s.mapped() || snapshotOrigin != null) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** "linear", "striped", "linear+striped", the unmapped type, or "snapshot". */
    public String layout() {
        if (snapshotOrigin != null) {
            return "snapshot";
        }
        java.util.Set<String> layouts = new java.util.LinkedHashSet<>();
        for (Segment s : segments) {
            layouts.add(s.layout());
        }
        return String.join("+", layouts);
    }
}
