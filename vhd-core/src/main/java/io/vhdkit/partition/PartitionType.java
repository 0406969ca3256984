package io.vhdkit.partition;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A partition's type: an MBR type byte or a GPT type GUID, with the name util-linux's libfdisk gives it
 * ({@code sfdisk -T --label dos} and {@code --label gpt}, util-linux 2.38).
 */
public sealed interface PartitionType {

    /** The name of a known type, as libfdisk spells it. */
    Optional<String> knownName();

    /** The known name, or {@code "unknown (0x27)"} / {@code "unknown (GUID)"}. */
    String name();

    /** {@code "0x83"} or the GUID in upper case. */
    String id();

    /** Whether this is an MBR extended partition (0x05, 0x0F, 0x85): a container of logical partitions. */
    default boolean isExtended() {
        return false;
    }

    static Mbr mbr(int code) {
        return new Mbr(code);
    }

    static Gpt gpt(UUID guid) {
        return new Gpt(guid);
    }

    /** An MBR partition type byte. */
    record Mbr(int code) implements PartitionType {

        public static final int EMPTY = 0x00;
        public static final int EXTENDED = 0x05;
        public static final int EXTENDED_LBA = 0x0F;
        public static final int LINUX_EXTENDED = 0x85;
        public static final int GPT_PROTECTIVE = 0xEE;
        public static final int EFI_SYSTEM = 0xEF;

        public Mbr {
            if (code < 0 || code > 0xFF) {
                throw new IllegalArgumentException("MBR type " + code);
            }
        }

        @Override
        public Optional<String> knownName() {
            return Optional.ofNullable(MBR_NAMES.get(code));
        }

        @Override
        public String name() {
            return knownName().orElse("unknown (" + id() + ")");
        }

        @Override
        public String id() {
            return String.format(Locale.ROOT, "0x%02X", code);
        }

        /** Linux's {@code is_extended_partition}: DOS, Windows 95 (LBA) and Linux extended. */
        @Override
        public boolean isExtended() {
            return code == EXTENDED || code == EXTENDED_LBA || code == LINUX_EXTENDED;
        }
    }

    /** A GPT partition type GUID. */
    record Gpt(UUID guid) implements PartitionType {

        public static final UUID EFI_SYSTEM = UUID.fromString("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
        public static final UUID BIOS_BOOT = UUID.fromString("21686148-6449-6E6F-744E-656564454649");
        public static final UUID MICROSOFT_RESERVED = UUID.fromString("E3C9E316-0B5C-4DB8-817D-F92DF00215AE");
        public static final UUID MICROSOFT_BASIC_DATA = UUID.fromString("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7");
        public static final UUID WINDOWS_RECOVERY = UUID.fromString("DE94BBA4-06D1-4D40-A16A-BFD50179D6AC");
        public static final UUID LINUX_FILESYSTEM = UUID.fromString("0FC63DAF-8483-4772-8E79-3D69D8477DE4");
        public static final UUID LINUX_LVM = UUID.fromString("E6D6D379-F507-44C2-A23C-238F2A3DF928");
        public static final UUID LINUX_SWAP = UUID.fromString("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F");
        public static final UUID LINUX_ROOT_X86_64 = UUID.fromString("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709");
        public static final UUID LINUX_USR_X86_64 = UUID.fromString("8484680C-9521-48C6-9C11-B0720656F69E");

        public Gpt {
            java.util.Objects.requireNonNull(guid, "guid");
        }

        @Override
        public Optional<String> knownName() {
            return Optional.ofNullable(GPT_NAMES.get(guid));
        }

        @Override
        public String name() {
            return knownName().orElse("unknown (" + id() + ")");
        }

        @Override
        public String id() {
            return Guids.text(guid);
        }
    }

    /** libfdisk's MBR ("dos") type names (libfdisk/src/pt-mbr-partnames.h), every one it lists. */
    Map<Integer, String> MBR_NAMES = Map.ofEntries(
            Map.entry(0x00, "Empty"), Map.entry(0x01, "FAT12"), Map.entry(0x02, "XENIX root"),
            Map.entry(0x03, "XENIX usr"), Map.entry(0x04, "FAT16 <32M"), Map.entry(0x05, "Extended"),
            Map.entry(0x06, "FAT16"), Map.entry(0x07, "HPFS/NTFS/exFAT"), Map.entry(0x08, "AIX"),
            Map.entry(0x09, "AIX bootable"), Map.entry(0x0A, "OS/2 Boot Manager"), Map.entry(0x0B, "W95 FAT32"),
            Map.entry(0x0C, "W95 FAT32 (LBA)"), Map.entry(0x0E, "W95 FAT16 (LBA)"),
            Map.entry(0x0F, "W95 Ext'd (LBA)"), Map.entry(0x10, "OPUS"), Map.entry(0x11, "Hidden FAT12"),
            Map.entry(0x12, "Compaq diagnostics"), Map.entry(0x14, "Hidden FAT16 <32M"),
            Map.entry(0x16, "Hidden FAT16"), Map.entry(0x17, "Hidden HPFS/NTFS"),
            Map.entry(0x18, "AST SmartSleep"), Map.entry(0x1B, "Hidden W95 FAT32"),
            Map.entry(0x1C, "Hidden W95 FAT32 (LBA)"), Map.entry(0x1E, "Hidden W95 FAT16 (LBA)"),
            Map.entry(0x24, "NEC DOS"), Map.entry(0x27, "Hidden NTFS WinRE"), Map.entry(0x39, "Plan 9"),
            Map.entry(0x3C, "PartitionMagic recovery"), Map.entry(0x40, "Venix 80286"),
            Map.entry(0x41, "PPC PReP Boot"), Map.entry(0x42, "SFS"), Map.entry(0x4D, "QNX4.x"),
            Map.entry(0x4E, "QNX4.x 2nd part"), Map.entry(0x4F, "QNX4.x 3rd part"), Map.entry(0x50, "OnTrack DM"),
            Map.entry(0x51, "OnTrack DM6 Aux1"), Map.entry(0x52, "CP/M"), Map.entry(0x53, "OnTrack DM6 Aux3"),
            Map.entry(0x54, "OnTrackDM6"), Map.entry(0x55, "EZ-Drive"), Map.entry(0x56, "Golden Bow"),
            Map.entry(0x5C, "Priam Edisk"), Map.entry(0x61, "SpeedStor"), Map.entry(0x63, "GNU HURD or SysV"),
            Map.entry(0x64, "Novell Netware 286"), Map.entry(0x65, "Novell Netware 386"),
            Map.entry(0x70, "DiskSecure Multi-Boot"), Map.entry(0x75, "PC/IX"), Map.entry(0x80, "Old Minix"),
            Map.entry(0x81, "Minix / old Linux"), Map.entry(0x82, "Linux swap / Solaris"),
            Map.entry(0x83, "Linux"), Map.entry(0x84, "OS/2 hidden or Intel hibernation"),
            Map.entry(0x85, "Linux extended"), Map.entry(0x86, "NTFS volume set"),
            Map.entry(0x87, "NTFS volume set"), Map.entry(0x88, "Linux plaintext"), Map.entry(0x8E, "Linux LVM"),
            Map.entry(0x93, "Amoeba"), Map.entry(0x94, "Amoeba BBT"), Map.entry(0x9F, "BSD/OS"),
            Map.entry(0xA0, "IBM Thinkpad hibernation"), Map.entry(0xA5, "FreeBSD"), Map.entry(0xA6, "OpenBSD"),
            Map.entry(0xA7, "NeXTSTEP"), Map.entry(0xA8, "Darwin UFS"), Map.entry(0xA9, "NetBSD"),
            Map.entry(0xAB, "Darwin boot"), Map.entry(0xAF, "HFS / HFS+"), Map.entry(0xB7, "BSDI fs"),
            Map.entry(0xB8, "BSDI swap"), Map.entry(0xBB, "Boot Wizard hidden"),
            Map.entry(0xBC, "Acronis FAT32 LBA"), Map.entry(0xBE, "Solaris boot"), Map.entry(0xBF, "Solaris"),
            Map.entry(0xC1, "DRDOS/sec (FAT-12)"), Map.entry(0xC4, "DRDOS/sec (FAT-16 < 32M)"),
            Map.entry(0xC6, "DRDOS/sec (FAT-16)"), Map.entry(0xC7, "Syrinx"), Map.entry(0xDA, "Non-FS data"),
            Map.entry(0xDB, "CP/M / CTOS / ..."), Map.entry(0xDE, "Dell Utility"), Map.entry(0xDF, "BootIt"),
            Map.entry(0xE1, "DOS access"), Map.entry(0xE3, "DOS R/O"), Map.entry(0xE4, "SpeedStor"),
            Map.entry(0xEA, "Linux extended boot"), Map.entry(0xEB, "BeOS fs"), Map.entry(0xEE, "GPT"),
            Map.entry(0xEF, "EFI (FAT-12/16/32)"), Map.entry(0xF0, "Linux/PA-RISC boot"),
            Map.entry(0xF1, "SpeedStor"), Map.entry(0xF2, "DOS secondary"), Map.entry(0xF4, "SpeedStor"),
            Map.entry(0xF8, "EBBR protective"), Map.entry(0xFB, "VMware VMFS"), Map.entry(0xFC, "VMware VMKCORE"),
            Map.entry(0xFD, "Linux raid autodetect"), Map.entry(0xFE, "LANstep"), Map.entry(0xFF, "BBT"));

    /** libfdisk's names of the GPT types VM images use (libfdisk/src/gpt.c), a subset of its list. */
    Map<UUID, String> GPT_NAMES = Map.ofEntries(
            gptName("C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI System"),
            gptName("024DEE41-33E7-11D3-9D69-0008C781F39F", "MBR partition scheme"),
            gptName("21686148-6449-6E6F-744E-656564454649", "BIOS boot"),
            gptName("E3C9E316-0B5C-4DB8-817D-F92DF00215AE", "Microsoft reserved"),
            gptName("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "Microsoft basic data"),
            gptName("5808C8AA-7E8F-42E0-85D2-E1E90434CFB3", "Microsoft LDM metadata"),
            gptName("AF9B60A0-1431-4F62-BC68-3311714A69AD", "Microsoft LDM data"),
            gptName("DE94BBA4-06D1-4D40-A16A-BFD50179D6AC", "Windows recovery environment"),
            gptName("E75CAF8F-F680-4CEE-AFA3-B001E56EFC2D", "Microsoft Storage Spaces"),
            gptName("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "Linux swap"),
            gptName("0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem"),
            gptName("3B8F8425-20E0-4F3B-907F-1A25A76F98E8", "Linux server data"),
            gptName("44479540-F297-41B2-9AF7-D131D5F0458A", "Linux root (x86)"),
            gptName("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "Linux root (x86-64)"),
            gptName("69DAD710-2CE4-4E3C-B16C-21A1D49ABED3", "Linux root (ARM)"),
            gptName("B921B045-1DF0-41C3-AF44-4C6F280D3FAE", "Linux root (ARM-64)"),
            gptName("8DA63339-0007-60C0-C436-083AC8230908", "Linux reserved"),
            gptName("933AC7E1-2EB4-4F13-B844-0E14E2AEF915", "Linux home"),
            gptName("A19D880F-05FC-4D3B-A006-743F0F84911E", "Linux RAID"),
            gptName("E6D6D379-F507-44C2-A23C-238F2A3DF928", "Linux LVM"),
            gptName("4D21B016-B534-45C2-A9FB-5C16E091FD2D", "Linux variable data"),
            gptName("7EC6F557-3BC5-4ACA-B293-16EF5DF639D1", "Linux temporary data"),
            gptName("75250D76-8CC6-458E-BD66-BD47CC81A812", "Linux /usr (x86)"),
            gptName("8484680C-9521-48C6-9C11-B0720656F69E", "Linux /usr (x86-64)"),
            gptName("7D0359A3-02B3-4F0A-865C-654403E70625", "Linux /usr (ARM)"),
            gptName("B0E01050-EE5F-4390-949A-9101B17104E9", "Linux /usr (ARM-64)"),
            gptName("2C7357ED-EBD2-46D9-AEC1-23D437EC2BF5", "Linux root verity (x86-64)"),
            gptName("DF3300CE-D69F-4C92-978C-9BFB0F38D820", "Linux root verity (ARM-64)"),
            gptName("77FF5F63-E7B6-4633-ACF4-1565B864C0E6", "Linux /usr verity (x86-64)"),
            gptName("6E11A4E7-FBCA-4DED-B9E9-E1A512BB664E", "Linux /usr verity (ARM-64)"),
            gptName("BC13C2FF-59E6-4262-A352-B275FD6F7172", "Linux extended boot"),
            gptName("773F91EF-66D4-49B5-BD83-D683BF40AD16", "Linux user's home"),
            gptName("516E7CB4-6ECF-11D6-8FF8-00022D09712B", "FreeBSD data"),
            gptName("83BD6B9D-7F41-11DC-BE0B-001560B84F0F", "FreeBSD boot"),
            gptName("516E7CB5-6ECF-11D6-8FF8-00022D09712B", "FreeBSD swap"),
            gptName("516E7CB6-6ECF-11D6-8FF8-00022D09712B", "FreeBSD UFS"),
            gptName("516E7CBA-6ECF-11D6-8FF8-00022D09712B", "FreeBSD ZFS"),
            gptName("48465300-0000-11AA-AA11-00306543ECAC", "Apple HFS/HFS+"),
            gptName("7C3457EF-0000-11AA-AA11-00306543ECAC", "Apple APFS"),
            gptName("6A898CC3-1DD2-11B2-99A6-080020736631", "Solaris /usr & Apple ZFS"),
            gptName("AA31E02A-400F-11DB-9590-000C2911D1B8", "VMware VMFS"),
            gptName("9D275380-40AD-11DB-BF97-000C2911D1B8", "VMware Diagnostic"),
            gptName("9198EFFC-31C0-11DB-8F78-000C2911D1B8", "VMware Reserved"));

    private static Map.Entry<UUID, String> gptName(String guid, String name) {
        return Map.entry(UUID.fromString(guid), name);
    }
}
