package io.vhdkit.disk;

import java.util.Locale;

/** What a volume holds, told by its signature (as {@code blkid -p} tells it). */
public enum ContentType {
    EXT("ext2/3/4 filesystem", true),
    XFS("XFS filesystem", true),
    VFAT("FAT filesystem", true),
    NTFS("NTFS filesystem", true),
    EXFAT("exFAT filesystem", false),
    BTRFS("Btrfs filesystem", false),
    SWAP("Linux swap", false),
    LUKS("LUKS encrypted volume", false),
    BITLOCKER("BitLocker encrypted volume", false),
    LVM2_PV("LVM2 physical volume", false),
    PARTITION_TABLE("a nested partition table", false),
    ISO9660("ISO 9660 filesystem", false),
    ZEROS("nothing (all zeros)", false),
    UNKNOWN("unknown content", false);

    private final String description;
    private final boolean filesystem;

    ContentType(String description, boolean filesystem) {
        this.description = description;
        this.filesystem = filesystem;
    }

    public String description() {
        return description;
    }

    /** Whether this is a filesystem vhdkit can read files from. */
    public boolean readableFilesystem() {
        return filesystem;
    }

    /** {@code "lvm2-pv"}: lower case, for JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
