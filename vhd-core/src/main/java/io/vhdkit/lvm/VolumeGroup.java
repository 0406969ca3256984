package io.vhdkit.lvm;

import java.util.List;
import java.util.Optional;

/**
 * A volume group as its text metadata describes it (lvm2 {@code lib/format_text/import_vsn1.c}), validated: every
 * stripe names a PV of the group and lies inside its extents, segments are contiguous, no size overflows.
 *
 * @param name             the VG's name
 * @param id               its id as written (with dashes)
 * @param seqno            the metadata sequence number: each change adds one
 * @param extentSize       sectors per extent
 * @param status           the status flags ({@code RESIZEABLE}, {@code READ}, {@code WRITE}, ...)
 * @param physicalVolumes  the PVs, in the order written
 * @param logicalVolumes   every LV, hidden ones included, in the order written
 */
public record VolumeGroup(String name, String id, long seqno, long extentSize, List<String> status,
                          List<VgPhysicalVolume> physicalVolumes, List<LogicalVolume> logicalVolumes) {

    public static final int SECTOR = 512;

    public VolumeGroup {
        status = List.copyOf(status);
        physicalVolumes = List.copyOf(physicalVolumes);
        logicalVolumes = List.copyOf(logicalVolumes);
    }

    /** Bytes per extent. */
    public long extentBytes() {
        return extentSize * SECTOR;
    }

    public Optional<VgPhysicalVolume> physicalVolume(String pvName) {
        return physicalVolumes.stream().filter(p -> p.name().equals(pvName)).findFirst();
    }

    public Optional<LogicalVolume> logicalVolume(String lvName) {
        return logicalVolumes.stream().filter(l -> l.name().equals(lvName)).findFirst();
    }

    /** The LVs LVM lists to users (status {@code VISIBLE}). */
    public List<LogicalVolume> visibleLogicalVolumes() {
        return logicalVolumes.stream().filter(LogicalVolume::visible).toList();
    }

    /** The id's 32 characters without dashes. */
    public String uuid() {
        return LvmUuid.bare(id);
    }
}
