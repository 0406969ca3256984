package io.vhdkit.lvm;

import java.util.List;
import java.util.Map;

/**
 * A volume group found on the candidates: its newest metadata, which of its PVs are present, and its visible LVs.
 *
 * @param metadata the decoded metadata of the highest seqno found
 * @param source   where that copy was read ({@code "partition 2, metadata area 0"})
 * @param present  the PVs found, by their key in the metadata ({@code "pv0"})
 * @param missing  the PVs the metadata lists that are not among the candidates
 * @param volumes  the visible LVs, in the metadata's order
 */
public record LvmVolumeGroup(VolumeGroup metadata, String source, Map<String, PhysicalVolume> present,
                             List<VgPhysicalVolume> missing, List<LvmVolume> volumes) {

    public LvmVolumeGroup {
        present = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(present));
        missing = List.copyOf(missing);
        volumes = List.copyOf(volumes);
    }

    public String name() {
        return metadata.name();
    }

    /** Whether every PV of the group is present. */
    public boolean complete() {
        return missing.isEmpty();
    }
}
