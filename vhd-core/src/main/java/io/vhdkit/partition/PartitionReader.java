package io.vhdkit.partition;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.fs.fat.BootSector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Decides which table a disk has (see {@link PartitionTable}) and the rules MBR and GPT share. */
final class PartitionReader {

    private PartitionReader() {
    }

    static PartitionTable read(VirtualDisk disk) throws IOException {
        long size = disk.size();
        List<Finding> findings = new ArrayList<>();
        if (size < PartitionTable.SECTOR_SIZE) {
            return new NoPartitionTable(size, "the disk is smaller than one sector", findings);
        }
        ByteBuffer s0 = sector(disk, 0);
        MasterBootRecord mbr = MasterBootRecord.decode(s0);
        boolean gptSignature = size >= 2L * PartitionTable.SECTOR_SIZE
                && GptHeader.decode(sector(disk, 1)).signatureValid();
        if (!mbr.signatureValid()) {
            if (gptSignature) {
                findings.add(Finding.of(Severity.WARNING, FieldRef.of("MBR", "MBR", "signature",
                        MasterBootRecord.OFFSET_SIGNATURE), hex16(mbr.signature()), "0xAA55",
                        "a GPT header at LBA 1 but no protective MBR (no 0x55AA signature): Linux and blkid ignore "
                                + "such a GPT"));
            }
            return new NoPartitionTable(size, "sector 0 has no 0x55AA signature", findings);
        }
        String fs = bootSectorFilesystem(s0);
        if (fs != null) {
            return new NoPartitionTable(size, "sector 0 is a " + fs + " boot sector: a filesystem on the whole disk",
                    findings);
        }
        for (int i = 0; i < 4; i++) {
            int boot = mbr.entries().get(i).bootIndicator();
            if (boot != 0 && boot != MbrEntry.ACTIVE) {
                return new NoPartitionTable(size, String.format(Locale.ROOT, "the boot indicator of MBR entry %d "
                        + "is 0x%02X, neither 0x00 nor 0x80: not a partition table", i + 1, boot), findings);
            }
        }
        for (MbrEntry e : mbr.entries()) {
            if (e.type() == PartitionType.Mbr.GPT_PROTECTIVE) {
                return GptReader.read(disk, mbr, findings);
            }
        }
        if (gptSignature) {
            findings.add(Finding.of(Severity.WARNING, FieldRef.of("GPT", "GPT header", "signature",
                    PartitionTable.SECTOR_SIZE), "a GPT header at LBA 1, but no MBR entry of type 0xEE protects it: "
                    + "Linux and blkid read the MBR and ignore the GPT"));
        }
        return MbrReader.read(disk, mbr, findings);
    }

    /**
     * What blkid takes for a filesystem on the whole disk rather than a partition table: a FAT boot sector (the
     * checks of {@link BootSector#checkIsFat}), or the NTFS or exFAT OEM name.
     */
    static String bootSectorFilesystem(ByteBuffer s0) {
        String oem = StandardCharsets.ISO_8859_1.decode(s0.slice(3, 8)).toString();
        if (oem.equals("NTFS    ")) {
            return "NTFS";
        }
        if (oem.equals("EXFAT   ")) {
            return "exFAT";
        }
        try {
            BootSector.decode(s0).checkIsFat(0);
            return "FAT";
        } catch (NotThisFormatException e) {
            return null;
        }
    }

    static ByteBuffer sector(VirtualDisk disk, long lba) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(PartitionTable.SECTOR_SIZE);
        disk.read(lba * PartitionTable.SECTOR_SIZE, b);
        return b.flip();
    }

    /**
     * Linux's rule for partitions at the end of the disk (block/partitions/core.c, {@code blk_add_partition}): one
     * that starts at or past the end is left out, one that ends past it is cut at the end; both with an error.
     */
    static List<Partition> fitToDisk(List<Partition> parts, long diskSize, String format, String structure,
                                     List<Finding> findings) {
        long end = diskSize / PartitionTable.SECTOR_SIZE * PartitionTable.SECTOR_SIZE;
        List<Partition> out = new ArrayList<>();
        for (Partition p : parts) {
            FieldRef ref = FieldRef.of(format, structure + " " + p.index(), "", p.entryOffset());
            if (p.start() >= end) {
                findings.add(Finding.of(Severity.ERROR, ref, Long.toString(p.start()), "below " + end,
                        "partition " + p.index() + " starts at byte " + p.start() + ", at or past the end of the "
                                + "disk (" + end + " bytes): left out, as Linux does"));
                continue;
            }
            if (p.end() > end) {
                findings.add(Finding.of(Severity.ERROR, ref, Long.toString(p.end()), "at most " + end,
                        "partition " + p.index() + " ends at byte " + p.end() + ", past the end of the disk (" + end
                                + " bytes): cut to " + (end - p.start()) + " bytes, as Linux does"));
                p = new Partition(p.index(), p.start(), end - p.start(), p.type(), p.name(), p.uniqueId(),
                        p.bootable(), p.attributes(), p.logical(), p.entryOffset());
            }
            out.add(p);
        }
        out.sort(Comparator.comparingInt(Partition::index));
        return out;
    }

    /** An error finding for each pair of partitions in {@code parts} that share a sector. */
    static void overlaps(List<Partition> parts, String format, String structure, List<Finding> findings) {
        for (int i = 0; i < parts.size(); i++) {
            for (int j = i + 1; j < parts.size(); j++) {
                overlap(parts.get(i), parts.get(j), format, structure, findings);
            }
        }
    }

    /** An error finding when {@code a} and {@code b} share a sector. */
    static void overlap(Partition a, Partition b, String format, String structure, List<Finding> findings) {
        if (a.length() > 0 && b.length() > 0 && a.start() < b.end() && b.start() < a.end()) {
            long from = Math.max(a.start(), b.start());
            long to = Math.min(a.end(), b.end());
            findings.add(Finding.of(Severity.ERROR, FieldRef.of(format, structure + " " + b.index(), "",
                    b.entryOffset()), "partitions " + a.index() + " and " + b.index() + " overlap: sectors "
                    + from / PartitionTable.SECTOR_SIZE + "-" + (to / PartitionTable.SECTOR_SIZE - 1)
                    + " belong to both"));
        }
    }

    static String hex16(int v) {
        return String.format(Locale.ROOT, "0x%04X", v);
    }
}
