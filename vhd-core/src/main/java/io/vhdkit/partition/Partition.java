package io.vhdkit.partition;

import io.vhdkit.disk.DiskSlice;
import io.vhdkit.disk.VirtualDisk;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One partition, as Linux numbers and places it.
 *
 * @param index       Linux's number: MBR 1-4 for the four primary slots (by slot, used or not) and 5 on for logical
 *                    partitions in chain order; GPT the entry's index + 1
 * @param start       the first byte on the disk
 * @param length      bytes (cut at the end of the disk when the table says more; see {@link PartitionTable})
 * @param type        the MBR type byte or GPT type GUID
 * @param name        GPT: the partition name (may be empty); MBR: null
 * @param uniqueId    GPT: the partition's unique GUID ({@code PARTUUID}); MBR: null
 * @param bootable    MBR: the boot indicator is 0x80 (active); GPT: false
 * @param attributes  GPT: the 64 attribute bits; MBR: 0
 * @param logical     MBR: a logical partition, described by an EBR
 * @param entryOffset the byte offset on the disk of the table entry that describes it
 */
public record Partition(int index, long start, long length, PartitionType type, String name, UUID uniqueId,
                        boolean bootable, long attributes, boolean logical, long entryOffset) {

    /** GPT attribute bit 0: the platform needs the partition; do not delete it. */
    public static final long ATTR_REQUIRED = 1L;
    /** GPT attribute bit 1: EFI must not produce a block I/O protocol for it. */
    public static final long ATTR_NO_BLOCK_IO = 1L << 1;
    /** GPT attribute bit 2: legacy BIOS bootable (the GPT counterpart of the MBR active flag). */
    public static final long ATTR_LEGACY_BIOS_BOOTABLE = 1L << 2;
    /** Microsoft basic data, bit 60: read-only. */
    public static final long ATTR_MS_READ_ONLY = 1L << 60;
    /** Microsoft basic data, bit 62: hidden. */
    public static final long ATTR_MS_HIDDEN = 1L << 62;
    /** Microsoft basic data, bit 63: no drive letter. */
    public static final long ATTR_MS_NO_DRIVE_LETTER = 1L << 63;

    public Partition {
        Objects.requireNonNull(type, "type");
        if (index < 1 || start < 0 || length < 0) {
            throw new IllegalArgumentException("partition " + index + " [" + start + ", +" + length + ")");
        }
    }

    /** The first byte after the partition. */
    public long end() {
        return start + length;
    }

    /** The first sector (512 bytes). */
    public long startLba() {
        return start / PartitionTable.SECTOR_SIZE;
    }

    /** The number of 512-byte sectors. */
    public long sectors() {
        return length / PartitionTable.SECTOR_SIZE;
    }

    /** An MBR extended partition: a container of logical partitions, not a volume. */
    public boolean isContainer() {
        return type.isExtended();
    }

    public Optional<String> nameText() {
        return Optional.ofNullable(name);
    }

    public Optional<UUID> uniqueIdValue() {
        return Optional.ofNullable(uniqueId);
    }

    public boolean legacyBiosBootable() {
        return (attributes & ATTR_LEGACY_BIOS_BOOTABLE) != 0;
    }

    public boolean required() {
        return (attributes & ATTR_REQUIRED) != 0;
    }

    /** GPT attribute bits 48-63, whose meaning depends on the type. */
    public int typeSpecificAttributes() {
        return (int) (attributes >>> 48);
    }

    /** The partition read as a disk of its own. */
    public DiskSlice slice(VirtualDisk disk) {
        return new DiskSlice(disk, start, length, "partition " + index);
    }
}
