package io.vhdkit.lvm;

/**
 * One area of a striped segment: {@code "pv0", 12} in the segment's {@code stripes} list.
 *
 * @param pvName      the PV's key in the VG's {@code physical_volumes} section ({@code "pv0"})
 * @param startExtent the first physical extent of the area on that PV
 */
public record StripeArea(String pvName, long startExtent) {
}
