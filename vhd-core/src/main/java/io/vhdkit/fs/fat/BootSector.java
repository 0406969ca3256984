package io.vhdkit.fs.fat;

import io.vhdkit.format.FieldRef;
import io.vhdkit.format.NotThisFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The boot sector and its BIOS parameter block (fatgen103, "Boot Sector and BPB"; all fields little-endian), decoded
 * field by field from the first 512 bytes of the volume. The extended fields (drive number, flags, boot signature,
 * volume serial, label, type string) sit at offset 36 on FAT12/16 and at offset 64 on FAT32; which is decided by the
 * FAT32 layout test, {@code BPB_FATSz16 == 0}.
 *
 * <p>Decoding never fails; {@link #checkIsFat} decides whether the sector is a FAT boot sector at all and
 * {@link FatLayout} whether its numbers fit together.
 *
 * @param jump              the first byte of {@code BS_jmpBoot}: 0xEB or 0xE9
 * @param oemName           {@code BS_OEMName}, CP437
 * @param bytesPerSector    {@code BPB_BytsPerSec}
 * @param sectorsPerCluster {@code BPB_SecPerClus}
 * @param reservedSectors   {@code BPB_RsvdSecCnt}
 * @param numFats           {@code BPB_NumFATs}
 * @param rootEntries       {@code BPB_RootEntCnt}: 32-byte entries in the FAT12/16 root directory, 0 on FAT32
 * @param totalSectors16    {@code BPB_TotSec16}
 * @param media             {@code BPB_Media}
 * @param fatSize16         {@code BPB_FATSz16}: sectors per FAT on FAT12/16, 0 on FAT32
 * @param sectorsPerTrack   {@code BPB_SecPerTrk}
 * @param heads             {@code BPB_NumHeads}
 * @param hiddenSectors     {@code BPB_HiddSec}: sectors before the volume on its disk
 * @param totalSectors32    {@code BPB_TotSec32}, used when {@code BPB_TotSec16} is 0
 * @param fatSize32         FAT32 {@code BPB_FATSz32}
 * @param extFlags          FAT32 {@code BPB_ExtFlags}: bit 7 set = mirroring off, bits 0-3 the active FAT
 * @param fsVersion         FAT32 {@code BPB_FSVer}: 0
 * @param rootCluster       FAT32 {@code BPB_RootClus}
 * @param fsInfoSector      FAT32 {@code BPB_FSInfo}
 * @param backupBootSector  FAT32 {@code BPB_BkBootSec}
 * @param driveNumber       {@code BS_DrvNum}
 * @param flags             {@code BS_Reserved1}: bit 0 is the dirty flag Linux sets while mounted
 *                          ({@code FAT_STATE_DIRTY})
 * @param bootSignature     {@code BS_BootSig}: 0x29 when serial, label and type string follow (0x28: serial only)
 * @param volumeId          {@code BS_VolID}, the volume serial
 * @param volumeLabel       {@code BS_VolLab}, 11 bytes, CP437, not trimmed
 * @param fsTypeText        {@code BS_FilSysType}, informational only
 * @param signature         the two bytes at offset 510, {@code 0xAA55} read little-endian
 */
public record BootSector(int jump, String oemName, int bytesPerSector, int sectorsPerCluster, int reservedSectors,
                         int numFats, int rootEntries, int totalSectors16, int media, int fatSize16,
                         int sectorsPerTrack, int heads, long hiddenSectors, long totalSectors32, long fatSize32,
                         int extFlags, int fsVersion, long rootCluster, int fsInfoSector, int backupBootSector,
                         int driveNumber, int flags, int bootSignature, int volumeId, String volumeLabel,
                         String fsTypeText, int signature) {

    public static final int SIZE = 512;
    public static final String FORMAT = "FAT";
    public static final String STRUCTURE = "boot sector";

    public static final int OFFSET_JUMP = 0;
    public static final int OFFSET_OEM_NAME = 3;
    public static final int OFFSET_BYTES_PER_SECTOR = 11;
    public static final int OFFSET_SECTORS_PER_CLUSTER = 13;
    public static final int OFFSET_RESERVED_SECTORS = 14;
    public static final int OFFSET_NUM_FATS = 16;
    public static final int OFFSET_ROOT_ENTRIES = 17;
    public static final int OFFSET_TOTAL_SECTORS_16 = 19;
    public static final int OFFSET_MEDIA = 21;
    public static final int OFFSET_FAT_SIZE_16 = 22;
    public static final int OFFSET_SECTORS_PER_TRACK = 24;
    public static final int OFFSET_HEADS = 26;
    public static final int OFFSET_HIDDEN_SECTORS = 28;
    public static final int OFFSET_TOTAL_SECTORS_32 = 32;
    /** Where the extended fields start on FAT12/16. */
    public static final int OFFSET_EXTENDED_16 = 36;
    public static final int OFFSET_FAT_SIZE_32 = 36;
    public static final int OFFSET_EXT_FLAGS = 40;
    public static final int OFFSET_FS_VERSION = 42;
    public static final int OFFSET_ROOT_CLUSTER = 44;
    public static final int OFFSET_FS_INFO = 48;
    public static final int OFFSET_BACKUP_BOOT = 50;
    /** Where the extended fields start on FAT32. */
    public static final int OFFSET_EXTENDED_32 = 64;
    /** Offsets within the extended fields. */
    public static final int EXT_DRIVE_NUMBER = 0;
    public static final int EXT_FLAGS = 1;
    public static final int EXT_BOOT_SIGNATURE = 2;
    public static final int EXT_VOLUME_ID = 3;
    public static final int EXT_VOLUME_LABEL = 7;
    public static final int EXT_FS_TYPE = 18;
    public static final int OFFSET_SIGNATURE = 510;

    public static final int SIGNATURE = 0xAA55;
    /** {@code BS_Reserved1} bit 0: set by Linux while the volume is mounted read-write. */
    public static final int FLAG_DIRTY = 0x01;
    public static final int EXT_FLAGS_NO_MIRRORING = 0x80;
    public static final int EXT_FLAGS_ACTIVE_FAT = 0x0F;
    public static final String NO_NAME = "NO NAME    ";

    /** Decodes the 512 bytes at the position of {@code buffer}, without moving it. */
    public static BootSector decode(ByteBuffer buffer) {
        if (buffer.remaining() < SIZE) {
            throw new IllegalArgumentException("a boot sector needs " + SIZE + " bytes, got " + buffer.remaining());
        }
        ByteBuffer b = buffer.slice(buffer.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
        byte[] raw = new byte[SIZE];
        b.get(0, raw);
        int fatSize16 = u16(b, OFFSET_FAT_SIZE_16);
        int ext = fatSize16 == 0 ? OFFSET_EXTENDED_32 : OFFSET_EXTENDED_16;
        return new BootSector(u8(b, OFFSET_JUMP), Cp437.decode(raw, OFFSET_OEM_NAME, 8), u16(b, OFFSET_BYTES_PER_SECTOR),
                u8(b, OFFSET_SECTORS_PER_CLUSTER), u16(b, OFFSET_RESERVED_SECTORS), u8(b, OFFSET_NUM_FATS),
                u16(b, OFFSET_ROOT_ENTRIES), u16(b, OFFSET_TOTAL_SECTORS_16), u8(b, OFFSET_MEDIA), fatSize16,
                u16(b, OFFSET_SECTORS_PER_TRACK), u16(b, OFFSET_HEADS), u32(b, OFFSET_HIDDEN_SECTORS),
                u32(b, OFFSET_TOTAL_SECTORS_32), u32(b, OFFSET_FAT_SIZE_32), u16(b, OFFSET_EXT_FLAGS),
                u16(b, OFFSET_FS_VERSION), u32(b, OFFSET_ROOT_CLUSTER), u16(b, OFFSET_FS_INFO),
                u16(b, OFFSET_BACKUP_BOOT), u8(b, ext + EXT_DRIVE_NUMBER), u8(b, ext + EXT_FLAGS),
                u8(b, ext + EXT_BOOT_SIGNATURE), b.getInt(ext + EXT_VOLUME_ID),
                Cp437.decode(raw, ext + EXT_VOLUME_LABEL, 11), Cp437.decode(raw, ext + EXT_FS_TYPE, 8),
                u16(b, OFFSET_SIGNATURE));
    }

    /**
     * Fails unless this is a FAT boot sector, by the tests Linux ({@code fat_read_bpb} in fs/fat/inode.c) and
     * blkid ({@code fat_valid_superblock} in libblkid/src/superblocks/vfat.c) apply before they call a volume FAT:
     * a jump instruction (0xEB or 0xE9: blkid's magic bytes and fatgen103's {@code BS_jmpBoot}), the 0x55AA
     * signature (blkid requires it of a volume without a FAT type string; fatgen103 of every volume), bytes per
     * sector a power of two from 512 to 4096, sectors per cluster a power of two, reserved sectors and FAT count not
     * zero, a media byte of 0xF0 or 0xF8-0xFF, and a FAT size in {@code BPB_FATSz16} or {@code BPB_FATSz32}.
     *
     * @param base the boot sector's offset (0 for a volume)
     */
    public void checkIsFat(long base) throws NotThisFormatException {
        if (jump != 0xEB && jump != 0xE9) {
            throw notFat(base, "jump", OFFSET_JUMP, hex8(jump), "0xEB or 0xE9 (a jump instruction)");
        }
        if (signature != SIGNATURE) {
            throw notFat(base, "signature", OFFSET_SIGNATURE, String.format(Locale.ROOT, "0x%04X", signature),
                    "0xAA55 (bytes 55 AA)");
        }
        if (Integer.bitCount(bytesPerSector) != 1 || bytesPerSector < 512 || bytesPerSector > 4096) {
            throw notFat(base, "bytes per sector", OFFSET_BYTES_PER_SECTOR, Integer.toString(bytesPerSector),
                    "512, 1024, 2048 or 4096");
        }
        if (Integer.bitCount(sectorsPerCluster) != 1) {
            throw notFat(base, "sectors per cluster", OFFSET_SECTORS_PER_CLUSTER, Integer.toString(sectorsPerCluster),
                    "a power of two from 1 to 128");
        }
        if (reservedSectors == 0) {
            throw notFat(base, "reserved sectors", OFFSET_RESERVED_SECTORS, "0", "at least 1");
        }
        if (numFats == 0) {
            throw notFat(base, "number of FATs", OFFSET_NUM_FATS, "0", "at least 1");
        }
        if (media != 0xF0 && media < 0xF8) {
            throw notFat(base, "media", OFFSET_MEDIA, hex8(media), "0xF0 or 0xF8-0xFF");
        }
        if (fatSize16 == 0 && fatSize32 == 0) {
            throw notFat(base, "FAT size", OFFSET_FAT_SIZE_16, "0", "sectors per FAT in BPB_FATSz16 or BPB_FATSz32");
        }
    }

    private static NotThisFormatException notFat(long base, String field, int offset, String actual, String expected) {
        return new NotThisFormatException(FieldRef.of(FORMAT, STRUCTURE, field, base + offset), actual, expected,
                "not a FAT boot sector: " + field + " is " + actual + " - should be " + expected);
    }

    /** FAT32 keeps its FAT size in {@code BPB_FATSz32} and says so with {@code BPB_FATSz16 = 0}. */
    public boolean fat32Layout() {
        return fatSize16 == 0;
    }

    /** {@code BPB_TotSec16}, or {@code BPB_TotSec32} when that is 0. */
    public long totalSectors() {
        return totalSectors16 != 0 ? totalSectors16 : totalSectors32;
    }

    /** Sectors per FAT. */
    public long fatSize() {
        return fat32Layout() ? fatSize32 : fatSize16;
    }

    /** Where the extended fields start: 36 on FAT12/16, 64 on FAT32. */
    public int extendedOffset() {
        return fat32Layout() ? OFFSET_EXTENDED_32 : OFFSET_EXTENDED_16;
    }

    /**
     * The volume serial as blkid prints it ({@code "%02X%02X-%02X%02X"} of bytes 3, 2, 1, 0), or null where blkid
     * prints none: FAT12/16 without boot signature 0x28 or 0x29.
     */
    public String serialText() {
        if (!fat32Layout() && bootSignature != 0x28 && bootSignature != 0x29) {
            return null;
        }
        return String.format(Locale.ROOT, "%04X-%04X", (volumeId >>> 16) & 0xFFFF, volumeId & 0xFFFF);
    }

    /**
     * The boot sector's label, trailing spaces removed, or null: absent without boot signature 0x29, and
     * {@code "NO NAME"} stands for no label (blkid's {@code LABEL_FATBOOT}).
     */
    public String labelText() {
        if (bootSignature != 0x29 || volumeLabel.equals(NO_NAME)) {
            return null;
        }
        String s = volumeLabel.stripTrailing();
        return s.isEmpty() ? null : s;
    }

    public boolean dirty() {
        return (flags & FLAG_DIRTY) != 0;
    }

    static String hex8(int v) {
        return String.format(Locale.ROOT, "0x%02X", v);
    }

    private static int u8(ByteBuffer b, int offset) {
        return Byte.toUnsignedInt(b.get(offset));
    }

    private static int u16(ByteBuffer b, int offset) {
        return Short.toUnsignedInt(b.getShort(offset));
    }

    private static long u32(ByteBuffer b, int offset) {
        return Integer.toUnsignedLong(b.getInt(offset));
    }
}
