package io.vhdkit.image;

import io.vhdkit.disk.ContentType;
import io.vhdkit.disk.VirtualDisk;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A volume of a disk image: the whole disk, a partition, or an LVM logical volume.
 *
 * @param id        how commands name it: {@code disk}, {@code p1}, {@code p5}, {@code vg0/root}
 * @param kind      what it is
 * @param offset    where it starts on the disk, in bytes; -1 for a logical volume (it may span several places)
 * @param size      bytes
 * @param content   what its signature says it holds
 * @param disk      its bytes
 * @param partition the partition, for {@link Kind#PARTITION}
 * @param lv        the logical volume, for {@link Kind#LOGICAL_VOLUME}
 */
public record Volume(String id, Kind kind, long offset, long size, ContentType content, VirtualDisk disk,
                     PartitionRef partition, LogicalVolumeRef lv) {

    public enum Kind {
        WHOLE_DISK, PARTITION, LOGICAL_VOLUME;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public Volume {
        Objects.requireNonNull(id);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(content);
        Objects.requireNonNull(disk);
    }

    public Optional<PartitionRef> partitionRef() {
        return Optional.ofNullable(partition);
    }

    public Optional<LogicalVolumeRef> lvRef() {
        return Optional.ofNullable(lv);
    }

    /**
     * A partition as {@code /etc/fstab} and udev can name it.
     *
     * @param index    the number Linux gives it: 1-4 primary, 5+ logical; GPT entry number
     * @param typeName a human name of its type ("Linux filesystem", "EFI system")
     * @param typeId   the MBR type byte as {@code 0x83} or the GPT type GUID
     * @param name     the GPT partition name, or null
     * @param partUuid what {@code PARTUUID=} matches: the GPT unique GUID, or for MBR the disk id and the number
     *                 ({@code 5648444b-02})
     * @param bootable the MBR active flag
     */
    public record PartitionRef(int index, String typeName, String typeId, String name, String partUuid,
                               boolean bootable) {
    }

    /**
     * An LVM logical volume.
     *
     * @param vg the volume group's name
     * @param lv the logical volume's name
     */
    public record LogicalVolumeRef(String vg, String lv) {

        /** {@code /dev/mapper/vg-lv}: device-mapper doubles the dashes inside names. */
        public String mapperName() {
            return vg.replace("-", "--") + "-" + lv.replace("-", "--");
        }
    }
}
