package io.vhdkit.lvm;

import java.util.List;

/**
 * A segment of a logical volume: {@code extentCount} logical extents from {@code startExtent}, mapped by a segment
 * type. vhdkit maps {@code striped} segments (lvm2 writes a linear segment as {@code striped} with one stripe): the
 * segment's extents are split evenly over {@code stripes.size()} areas, each of {@link #areaExtents()} physical
 * extents, in chunks of {@code stripeSize} sectors taken round-robin. Other types (mirror, raid*, thin, thin-pool,
 * cache, snapshot, vdo, error, zero, ...) are kept with their type only.
 *
 * @param name        the section name ({@code "segment1"})
 * @param startExtent first logical extent
 * @param extentCount logical extents, at least 1
 * @param type        the segment type as written
 * @param stripeCount areas of a striped segment, 0 for other types
 * @param stripeSize  sectors per chunk of a segment with several stripes, else 0
 * @param stripes     the areas of a striped segment, else empty
 * @param line        the line of the section in the text
 */
public record Segment(String name, long startExtent, long extentCount, String type, int stripeCount, long stripeSize,
                      List<StripeArea> stripes, int line) {

    public static final String STRIPED = "striped";
    /** Not written by lvm2, but a segment type name it knows: a striped segment of one stripe. */
    public static final String LINEAR = "linear";

    public Segment {
        stripes = List.copyOf(stripes);
    }

    /** Whether vhdkit can map this segment: striped (including linear). */
    public boolean mapped() {
        return STRIPED.equals(type) || LINEAR.equals(type);
    }

    /** Physical extents in each area: {@code extentCount / stripeCount}. */
    public long areaExtents() {
        return stripeCount == 0 ? 0 : extentCount / stripeCount;
    }

    /** "linear", "striped" or the type. */
    public String layout() {
        return mapped() ? (stripeCount == 1 ? LINEAR : STRIPED) : type;
    }
}
