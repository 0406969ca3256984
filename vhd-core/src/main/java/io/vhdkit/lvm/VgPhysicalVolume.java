package io.vhdkit.lvm;

import java.util.List;

/**
 * A physical volume as the VG metadata lists it ({@code physical_volumes { pv0 { ... } }}). Sizes are in 512-byte
 * sectors.
 *
 * @param name    the key in the metadata ({@code "pv0"}), which the segments' stripes refer to
 * @param id      the PV's id as written (with dashes)
 * @param device  the device path LVM last saw it on ("hint only"), or null
 * @param status  the status flags ({@code ALLOCATABLE}, {@code MISSING}, ...)
 * @param devSize the device size in sectors (0 when the metadata does not give it)
 * @param peStart the sector where the first physical extent starts
 * @param peCount the number of physical extents
 */
public record VgPhysicalVolume(String name, String id, String device, List<String> status, long devSize, long peStart,
                               long peCount) {

    public VgPhysicalVolume {
        status = List.copyOf(status);
    }

    /** The id's 32 characters without dashes, as the PV's label stores them. */
    public String uuid() {
        return LvmUuid.bare(id);
    }
}
