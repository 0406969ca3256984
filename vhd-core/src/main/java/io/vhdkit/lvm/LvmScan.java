package io.vhdkit.lvm;

import io.vhdkit.check.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Lvm#scan} found.
 *
 * @param physicalVolumes the candidates that carry an LVM2 label, in candidate order
 * @param volumeGroups    the volume groups, in the order their first PV was found
 * @param findings        problems (and facts) met on the way
 */
public record LvmScan(List<PhysicalVolume> physicalVolumes, List<LvmVolumeGroup> volumeGroups,
                      List<Finding> findings) {

    public LvmScan {
        physicalVolumes = List.copyOf(physicalVolumes);
        volumeGroups = List.copyOf(volumeGroups);
        findings = List.copyOf(findings);
    }

    /** Every visible LV of every VG, VG by VG. */
    public List<LvmVolume> volumes() {
        List<LvmVolume> out = new ArrayList<>();
        for (LvmVolumeGroup vg : volumeGroups) {
            out.addAll(vg.volumes());
        }
        return List.copyOf(out);
    }

    /** The PV on candidate {@code index}, if that candidate is one: such a device holds no filesystem of its own. */
    public Optional<PhysicalVolume> physicalVolume(int index) {
        return physicalVolumes.stream().filter(p -> p.candidate() == index).findFirst();
    }

    /** The VG of that name. */
    public Optional<LvmVolumeGroup> volumeGroup(String name) {
        return volumeGroups.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** The visible LV {@code "vg/lv"}. */
    public Optional<LvmVolume> volume(String name) {
        return volumes().stream().filter(v -> v.name().equals(name)).findFirst();
    }
}
