package io.vhdkit.lvm;

import io.vhdkit.format.FormatException;
import java.util.Optional;

/**
 * A visible logical volume, as a disk.
 *
 * @param volumeGroup   the VG's name
 * @param logicalVolume the LV's metadata
 * @param disk          its contents; reads fail when the LV cannot be read ({@link #problem()})
 */
public record LvmVolume(String volumeGroup, LogicalVolume logicalVolume, LogicalVolumeDisk disk) {

    /** {@code "vg/lv"}, as LVM names it (the device is {@code /dev/vg/lv}). */
    public String name() {
        return volumeGroup + "/" + logicalVolume.name();
    }

    public long size() {
        return disk.size();
    }

    /** Whether the LV can be read: all of its segments are linear or striped and all of its PVs are present. */
    public boolean readable() {
        return disk.problem().isEmpty();
    }

    /** Why it cannot be read: the exception every read raises. */
    public Optional<FormatException> problem() {
        return disk.problem();
    }
}
