package io.vhdkit.lvm;

import io.vhdkit.disk.VirtualDisk;
import java.util.List;

/**
 * A candidate device that carries an LVM2 label.
 *
 * @param candidate     the index of the device in the list given to {@link Lvm#scan}
 * @param name          its name in messages ({@code "partition 2"})
 * @param disk          the device
 * @param label         its label and pv_header
 * @param metadataAreas the metadata areas whose mda_header is sound (0, 1 or 2)
 */
public record PhysicalVolume(int candidate, String name, VirtualDisk disk, LvmLabel label,
                             List<MetadataArea> metadataAreas) {

    public PhysicalVolume {
        metadataAreas = List.copyOf(metadataAreas);
    }

    /** The PV's uuid, 32 characters without dashes. */
    public String uuid() {
        return label.pv().uuid();
    }

    /** The uuid with dashes, as LVM's tools and the text metadata write it. */
    public String id() {
        return label.pv().id();
    }
}
