package io.vhdkit.partition;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Reads a GPT (UEFI specification 2.10, chapter 5.3) the way Linux's block/partitions/efi.c does: the protective
 * MBR, the primary header at LBA 1, the backup at the last LBA, each checked ({@code is_gpt_valid}) and compared
 * ({@code compare_gpts}); the primary is used when it is valid, else the backup. See {@link PartitionTable}.
 */
public final class GptReader {

    /** The largest entry size read: UEFI allows 128 × 2^n; Linux only 128. */
    public static final long MAX_ENTRY_SIZE = 4096;
    /** The largest entry array read: 32768 entries of 128 bytes (the default table is 128 entries, 16 KiB). */
    public static final long MAX_ARRAY_BYTES = 4L << 20;
    /** Linux reads only this many entries ({@code state->limit - 1}). */
    public static final int LINUX_ENTRIES = 255;
    private static final int SECTOR = PartitionTable.SECTOR_SIZE;

    private GptReader() {
    }

    /** A header and its entry array, both checked. */
    private record Side(GptHeader header, ByteBuffer entries, long lba) {
    }

    static GptPartitionTable read(VirtualDisk disk, MasterBootRecord mbr, List<Finding> findings) throws IOException {
        long lastLba = disk.size() / SECTOR - 1;
        boolean hybrid = protectiveMbr(mbr, lastLba, findings);

        Side primary = null;
        FormatException primaryProblem = null;
        try {
            primary = side(disk, 1, lastLba, "GPT header", findings);
        } catch (FormatException e) {
            primaryProblem = e;
        }
        Side backup = null;
        FormatException backupProblem = null;
        try {
            backup = side(disk, lastLba, lastLba, "backup GPT header", findings);
        } catch (FormatException e) {
            backupProblem = e;
        }
        if (primary != null && primary.header().alternateLba() != lastLba) {
            long alt = primary.header().alternateLba();
            findings.add(Finding.of(Severity.WARNING, FieldRef.of("GPT", "GPT header", "alternate LBA",
                    SECTOR + GptHeader.OFFSET_ALTERNATE_LBA), Long.toUnsignedString(alt), Long.toString(lastLba),
                    "the primary header puts the backup at LBA " + Long.toUnsignedString(alt) + ", not at the last "
                            + "LBA " + lastLba + ": the disk was resized after partitioning (sgdisk -e moves the "
                            + "backup to the end)"));
            if (backup == null && alt > 1 && alt < lastLba) {
                try {
                    backup = side(disk, alt, lastLba, "backup GPT header", findings);
                    backupProblem = null;
                } catch (FormatException e) {
                    // reported below, as missing at the end of the disk
                }
            }
        }
        if (primary == null && backup == null) {
            if (backupProblem != null) {
                primaryProblem.addSuppressed(backupProblem);
            }
            throw primaryProblem;
        }
        Side used;
        if (primary != null) {
            used = primary;
            if (backup == null) {
                findings.add(Finding.of(Severity.ERROR, backupProblem.where(), backupProblem.actual().orElse(null),
                        backupProblem.expected().orElse(null), "the backup GPT header is missing or damaged: "
                                + backupProblem.problem()));
            } else {
                compare(primary.header(), backup.header(), findings);
            }
        } else {
            used = backup;
            findings.add(Finding.of(Severity.ERROR, primaryProblem.where(), primaryProblem.actual().orElse(null),
                    primaryProblem.expected().orElse(null), "the primary GPT header is damaged ("
                            + primaryProblem.problem() + "); the backup header at LBA " + backup.lba()
                            + " was used, as Linux does"));
        }
        List<Partition> parts = entries(used, lastLba, findings);
        List<Partition> fitted = PartitionReader.fitToDisk(parts, disk.size(), "GPT", "GPT entry", findings);
        PartitionReader.overlaps(fitted, "GPT", "GPT entry", findings);
        return new GptPartitionTable(used.header(), used != primary, hybrid, fitted, findings);
    }

    /**
     * Checks the protective MBR as Linux's {@code is_pmbr_valid}: an entry of type 0xEE starting at LBA 1; other used
     * entries make it a hybrid MBR; the 0xEE entry should cover the disk (or be 0xFFFFFFFF sectors).
     *
     * @return whether it is a hybrid MBR
     */
    private static boolean protectiveMbr(MasterBootRecord mbr, long lastLba, List<Finding> findings) {
        boolean hybrid = false;
        int protective = -1;
        for (int i = 0; i < 4; i++) {
            MbrEntry e = mbr.entries().get(i);
            if (e.type() == PartitionType.Mbr.GPT_PROTECTIVE) {
                if (protective < 0) {
                    protective = i;
                }
            } else if (e.type() != PartitionType.Mbr.EMPTY) {
                hybrid = true;
            }
        }
        MbrEntry p = mbr.entries().get(protective);
        long at = MasterBootRecord.entryOffset(protective);
        FieldRef ref = FieldRef.of("GPT", "protective MBR", "", at);
        if (p.startLba() != 1) {
            findings.add(Finding.of(Severity.ERROR, ref.field("start LBA", at + MbrEntry.OFFSET_START_LBA),
                    Long.toString(p.startLba()), "1", "the protective MBR entry (type 0xEE) starts at LBA "
                            + p.startLba() + ", not 1: Linux does not take it for a protective MBR and ignores the GPT"));
        }
        if (hybrid) {
            findings.add(Finding.of(Severity.WARNING, ref, "a hybrid MBR: the protective MBR also describes "
                    + "partitions, which BIOS boot code and some systems use instead of the GPT"));
        } else {
            long want = Math.min(lastLba, 0xFFFF_FFFFL);
            if (p.sectors() != want && p.sectors() != 0xFFFF_FFFFL) {
                findings.add(Finding.of(Severity.WARNING, ref.field("sectors", at + MbrEntry.OFFSET_SECTORS),
                        Long.toString(p.sectors()), Long.toString(want), "the protective MBR entry covers "
                                + p.sectors() + " sectors; the disk has " + want + " after the MBR"));
            }
        }
        return hybrid;
    }

    /**
     * Reads and checks the header at {@code lba} and its entry array ({@code is_gpt_valid}).
     *
     * @throws FormatException with the first problem found
     */
    private static Side side(VirtualDisk disk, long lba, long lastLba, String structure, List<Finding> findings)
            throws IOException {
        long base = lba * SECTOR;
        if (lba < 1 || lba > lastLba) {
            throw new CorruptFormatException(FieldRef.of("GPT", structure, "", FieldRef.NO_OFFSET),
                    Long.toString(lba), "an LBA from 1 to " + lastLba, "the disk (" + (lastLba + 1) + " sectors) "
                    + "has no LBA " + lba + " for the " + structure);
        }
        GptHeader h = GptHeader.decode(PartitionReader.sector(disk, lba));
        if (!h.signatureValid()) {
            throw new CorruptFormatException(FieldRef.of("GPT", structure, "signature", base),
                    String.format(Locale.ROOT, "0x%016X", h.signature()), "\"EFI PART\"",
                    "no GPT header at LBA " + lba + " (no \"EFI PART\" signature)");
        }
        if (h.headerSize() < GptHeader.MIN_SIZE || h.headerSize() > SECTOR) {
            throw new CorruptFormatException(ref(structure, "header size", base, GptHeader.OFFSET_HEADER_SIZE),
                    Long.toString(h.headerSize()), "from 92 to 512");
        }
        if (!h.headerCrcValid()) {
            throw new CorruptFormatException(ref(structure, "header CRC32", base, GptHeader.OFFSET_HEADER_CRC),
                    hex32(h.headerCrc()), hex32(h.computedHeaderCrc()) + " (computed)");
        }
        if (h.myLba() != lba) {
            throw new CorruptFormatException(ref(structure, "my LBA", base, GptHeader.OFFSET_MY_LBA),
                    Long.toUnsignedString(h.myLba()), Long.toString(lba));
        }
        if (Long.compareUnsigned(h.firstUsableLba(), lastLba) > 0
                || Long.compareUnsigned(h.lastUsableLba(), lastLba) > 0
                || Long.compareUnsigned(h.lastUsableLba(), h.firstUsableLba()) < 0) {
            throw new CorruptFormatException(ref(structure, "usable LBAs", base, GptHeader.OFFSET_FIRST_USABLE),
                    Long.toUnsignedString(h.firstUsableLba()) + "-" + Long.toUnsignedString(h.lastUsableLba()),
                    "a range inside LBAs 0-" + lastLba, "the usable LBAs " + Long.toUnsignedString(h.firstUsableLba())
                    + "-" + Long.toUnsignedString(h.lastUsableLba()) + " are not a range inside the disk (last LBA "
                    + lastLba + ")");
        }
        if (h.entrySize() < GptEntry.SIZE || Long.bitCount(h.entrySize()) != 1) {
            throw new CorruptFormatException(ref(structure, "entry size", base, GptHeader.OFFSET_ENTRY_SIZE),
                    Long.toString(h.entrySize()), "128 × 2^n");
        }
        if (h.entrySize() > MAX_ENTRY_SIZE) {
            throw new UnsupportedFormatException(ref(structure, "entry size", base, GptHeader.OFFSET_ENTRY_SIZE),
                    Long.toString(h.entrySize()), "at most " + MAX_ENTRY_SIZE);
        }
        if (h.entriesBytes() > MAX_ARRAY_BYTES) {
            throw new UnsupportedFormatException(ref(structure, "entry count", base, GptHeader.OFFSET_ENTRY_COUNT),
                    Long.toString(h.entryCount()), "at most " + MAX_ARRAY_BYTES / h.entrySize(), h.entryCount()
                    + " entries of " + h.entrySize() + " bytes are more than the " + MAX_ARRAY_BYTES
                    + " bytes of entries vhdkit reads");
        }
        long arraySectors = (h.entriesBytes() + SECTOR - 1) / SECTOR;
        if (h.entriesLba() < 1 || Long.compareUnsigned(h.entriesLba(), lastLba) > 0
                || h.entriesLba() + arraySectors - 1 > lastLba) {
            throw new CorruptFormatException(ref(structure, "entries LBA", base, GptHeader.OFFSET_ENTRIES_LBA),
                    Long.toUnsignedString(h.entriesLba()), "an array of " + arraySectors + " sectors inside the disk");
        }
        ByteBuffer entries = ByteBuffer.allocate((int) h.entriesBytes());
        disk.read(h.entriesLba() * SECTOR, entries);
        entries.flip();
        CRC32 crc = new CRC32();
        crc.update(entries.duplicate());
        if ((int) crc.getValue() != h.entriesCrc()) {
            throw new CorruptFormatException(ref(structure, "entries CRC32", base, GptHeader.OFFSET_ENTRIES_CRC),
                    hex32(h.entriesCrc()), hex32((int) crc.getValue()) + " (computed over the " + h.entryCount()
                    + " entries at LBA " + h.entriesLba() + ")");
        }
        if (h.revision() != GptHeader.REVISION_1_0) {
            findings.add(Finding.mismatch(Severity.WARNING, ref(structure, "revision", base, GptHeader.OFFSET_REVISION),
                    hex32(h.revision()), "0x00010000"));
        }
        boolean arrayInUsable = h.entriesLba() <= h.lastUsableLba() && h.entriesLba() + arraySectors - 1
                >= h.firstUsableLba() && arraySectors > 0;
        if (arrayInUsable || (lba >= h.firstUsableLba() && lba <= h.lastUsableLba())) {
            findings.add(Finding.of(Severity.ERROR, ref(structure, "usable LBAs", base, GptHeader.OFFSET_FIRST_USABLE),
                    "the " + structure + " at LBA " + lba + " or its entry array (LBA " + h.entriesLba() + ", "
                            + arraySectors + " sectors) lies inside the usable LBAs " + h.firstUsableLba() + "-"
                            + h.lastUsableLba() + ", where partitions may overwrite it"));
        }
        return new Side(h, entries, lba);
    }

    /** Linux's {@code compare_gpts}: the fields both headers must agree on. */
    private static void compare(GptHeader p, GptHeader b, List<Finding> findings) {
        Map<String, String[]> diffs = new java.util.LinkedHashMap<>();
        if (p.myLba() != b.alternateLba()) {
            diffs.put("alternate LBA", new String[]{Long.toUnsignedString(b.alternateLba()),
                    Long.toString(p.myLba())});
        }
        if (p.alternateLba() != b.myLba()) {
            diffs.put("my LBA", new String[]{Long.toString(b.myLba()), Long.toUnsignedString(p.alternateLba())});
        }
        if (p.firstUsableLba() != b.firstUsableLba()) {
            diffs.put("first usable LBA", new String[]{Long.toUnsignedString(b.firstUsableLba()),
                    Long.toUnsignedString(p.firstUsableLba())});
        }
        if (p.lastUsableLba() != b.lastUsableLba()) {
            diffs.put("last usable LBA", new String[]{Long.toUnsignedString(b.lastUsableLba()),
                    Long.toUnsignedString(p.lastUsableLba())});
        }
        if (!p.diskGuid().equals(b.diskGuid())) {
            diffs.put("disk GUID", new String[]{Guids.text(b.diskGuid()), Guids.text(p.diskGuid())});
        }
        if (p.entryCount() != b.entryCount()) {
            diffs.put("entry count", new String[]{Long.toString(b.entryCount()), Long.toString(p.entryCount())});
        }
        if (p.entrySize() != b.entrySize()) {
            diffs.put("entry size", new String[]{Long.toString(b.entrySize()), Long.toString(p.entrySize())});
        }
        if (p.entriesCrc() != b.entriesCrc()) {
            diffs.put("entries CRC32", new String[]{hex32(b.entriesCrc()), hex32(p.entriesCrc())});
        }
        for (Map.Entry<String, String[]> d : diffs.entrySet()) {
            findings.add(Finding.of(Severity.WARNING, FieldRef.of("GPT", "backup GPT header", d.getKey(),
                    b.myLba() * SECTOR + offsetOf(d.getKey())), d.getValue()[0], d.getValue()[1],
                    "the backup header's " + d.getKey() + " is " + d.getValue()[0] + " - the primary's is "
                            + d.getValue()[1]));
        }
    }

    private static int offsetOf(String field) {
        return switch (field) {
            case "alternate LBA" -> GptHeader.OFFSET_ALTERNATE_LBA;
            case "my LBA" -> GptHeader.OFFSET_MY_LBA;
            case "first usable LBA" -> GptHeader.OFFSET_FIRST_USABLE;
            case "last usable LBA" -> GptHeader.OFFSET_LAST_USABLE;
            case "disk GUID" -> GptHeader.OFFSET_DISK_GUID;
            case "entry count" -> GptHeader.OFFSET_ENTRY_COUNT;
            case "entry size" -> GptHeader.OFFSET_ENTRY_SIZE;
            default -> GptHeader.OFFSET_ENTRIES_CRC;
        };
    }

    /** The used entries as partitions; entries that cannot be placed are left out with an error. */
    private static List<Partition> entries(Side side, long lastLba, List<Finding> findings) {
        GptHeader h = side.header();
        List<Partition> out = new ArrayList<>();
        Map<UUID, Integer> unique = new HashMap<>();
        for (int i = 0; i < h.entryCount(); i++) {
            int offset = (int) (i * h.entrySize());
            GptEntry e = GptEntry.decode(side.entries(), offset);
            if (!e.used()) {
                continue;
            }
            int index = i + 1;
            long at = h.entriesLba() * SECTOR + offset;
            FieldRef ref = FieldRef.of("GPT", "GPT entry " + index, "", at);
            if (Long.compareUnsigned(e.firstLba(), e.lastLba()) > 0) {
                findings.add(Finding.of(Severity.ERROR, ref.field("last LBA", at + GptEntry.OFFSET_LAST_LBA),
                        Long.toUnsignedString(e.lastLba()), "at least " + Long.toUnsignedString(e.firstLba()),
                        "partition " + index + " ends (LBA " + Long.toUnsignedString(e.lastLba()) + ") before it "
                                + "starts (LBA " + Long.toUnsignedString(e.firstLba()) + "): left out"));
                continue;
            }
            if (Long.compareUnsigned(e.lastLba(), lastLba) > 0) {
                findings.add(Finding.of(Severity.ERROR, ref.field("last LBA", at + GptEntry.OFFSET_LAST_LBA),
                        Long.toUnsignedString(e.lastLba()), "at most " + lastLba, "partition " + index
                                + " (LBAs " + Long.toUnsignedString(e.firstLba()) + "-"
                                + Long.toUnsignedString(e.lastLba()) + ") reaches past the last LBA of the disk ("
                                + lastLba + "): left out, as Linux does"));
                continue;
            }
            if (e.firstLba() < h.firstUsableLba() || e.lastLba() > h.lastUsableLba()) {
                findings.add(Finding.of(Severity.ERROR, ref, "partition " + index + " (LBAs " + e.firstLba() + "-"
                        + e.lastLba() + ") lies outside the usable LBAs " + h.firstUsableLba() + "-"
                        + h.lastUsableLba()));
            }
            if (index > LINUX_ENTRIES) {
                findings.add(Finding.of(Severity.WARNING, ref, "partition " + index + " is past the first "
                        + LINUX_ENTRIES + " entries, the only ones Linux reads"));
            }
            Integer other = unique.putIfAbsent(e.uniqueGuid(), index);
            if (other != null) {
                findings.add(Finding.of(Severity.ERROR, ref.field("unique GUID", at + GptEntry.OFFSET_UNIQUE_GUID),
                        "partitions " + other + " and " + index + " have the same unique GUID "
                                + Guids.text(e.uniqueGuid())));
            }
            out.add(new Partition(index, e.firstLba() * SECTOR, (e.lastLba() - e.firstLba() + 1) * SECTOR,
                    PartitionType.gpt(e.typeGuid()), e.name(), e.uniqueGuid(), false, e.attributes(), false, at));
        }
        return out;
    }

    private static FieldRef ref(String structure, String field, long base, int offset) {
        return FieldRef.of("GPT", structure, field, base + offset);
    }

    private static String hex32(int v) {
        return String.format(Locale.ROOT, "0x%08X", v);
    }
}
