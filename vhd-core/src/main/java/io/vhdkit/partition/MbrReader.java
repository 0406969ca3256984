package io.vhdkit.partition;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.FieldRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads an MBR and the EBR chains of its extended partitions as Linux does ({@code msdos_partition} and
 * {@code parse_extended} in block/partitions/msdos.c): slots 1-4 are partitions 1-4 when their size is not zero,
 * whatever their type; logical partitions are numbered from 5 in the order met, extended partition by extended
 * partition.
 *
 * <p>In an EBR, every entry with a size that is not an extended type is a logical partition, its start relative to
 * that EBR; entries 3 and 4 only when they lie inside the EBR's extent and the extended partition (Linux: "these
 * sometimes contain random garbage"). The first entry of an extended type links to the next EBR, relative to the
 * start of the primary extended partition.
 */
public final class MbrReader {

    /** Linux numbers partitions up to 255 ({@code DISK_MAX_PARTS} - 1), so at most 251 logical ones. */
    public static final int MAX_LOGICAL = 251;
    /** Linux gives up after this many EBRs in a row without a logical partition ({@code loopct}). */
    public static final int MAX_EMPTY_EBRS = 100;
    private static final int SECTOR = PartitionTable.SECTOR_SIZE;

    private MbrReader() {
    }

    static MbrPartitionTable read(VirtualDisk disk, MasterBootRecord mbr, List<Finding> findings)
            throws IOException {
        List<Partition> primaries = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            MbrEntry e = mbr.entries().get(i);
            if (!e.used()) {
                continue;
            }
            long at = MasterBootRecord.entryOffset(i);
            FieldRef ref = FieldRef.of("MBR", "partition " + (i + 1), "", at);
            if (e.type() == PartitionType.Mbr.EMPTY) {
                findings.add(Finding.of(Severity.WARNING, ref.field("type", at + MbrEntry.OFFSET_TYPE), "0x00",
                        "a partition type", "MBR entry " + (i + 1) + " has " + e.sectors() + " sectors but type 0x00 "
                        + "(empty): Linux uses it as a partition, fdisk and Windows do not"));
            }
            if (e.startLba() == 0) {
                findings.add(Finding.of(Severity.ERROR, ref.field("start LBA", at + MbrEntry.OFFSET_START_LBA), "0",
                        "at least 1", "partition " + (i + 1) + " starts at LBA 0, over the MBR itself"));
            }
            primaries.add(new Partition(i + 1, e.startLba() * SECTOR, e.sectors() * SECTOR, e.partitionType(), null,
                    null, e.bootable(), 0, false, at));
        }
        List<Partition> logicals = new ArrayList<>();
        for (Partition p : primaries) {
            if (p.isContainer()) {
                followChain(disk, p, logicals, findings);
            }
        }
        List<Partition> all = new ArrayList<>(primaries);
        all.addAll(logicals);
        List<Partition> fitted = PartitionReader.fitToDisk(all, disk.size(), "MBR", "partition", findings);
        List<Partition> prim = fitted.stream().filter(p -> !p.logical()).toList();
        List<Partition> logi = fitted.stream().filter(Partition::logical).toList();
        PartitionReader.overlaps(prim, "MBR", "partition", findings);
        for (Partition l : logi) {
            for (Partition p : prim) {
                if (!p.isContainer()) {
                    PartitionReader.overlap(p, l, "MBR", "partition", findings);
                }
            }
        }
        PartitionReader.overlaps(logi, "MBR", "partition", findings);
        return new MbrPartitionTable(mbr.diskSignature(), fitted, findings);
    }

    /** Follows the EBR chain of the extended partition {@code ext}, appending its logical partitions. */
    private static void followChain(VirtualDisk disk, Partition ext, List<Partition> out, List<Finding> findings)
            throws IOException {
        long first = ext.startLba();
        long firstSize = ext.sectors();
        long diskSectors = disk.size() / SECTOR;
        long thisSector = first;
        long thisSize = firstSize;
        Set<Long> visited = new HashSet<>();
        int empty = 0;
        boolean firstEbr = true;
        while (true) {
            FieldRef ebrRef = FieldRef.of("MBR", "EBR", "", thisSector * SECTOR);
            if (countLogical(out) >= MAX_LOGICAL) {
                findings.add(Finding.of(Severity.ERROR, ebrRef, "more than " + MAX_LOGICAL + " logical partitions: "
                        + "the rest of the chain is ignored (Linux numbers partitions up to 255)"));
                return;
            }
            if (!visited.add(thisSector)) {
                findings.add(Finding.of(Severity.ERROR, ebrRef, Long.toString(thisSector), "an EBR not yet visited",
                        "the EBR chain of partition " + ext.index() + " loops back to the EBR at LBA " + thisSector
                                + ": the chain is followed no further"));
                return;
            }
            if (thisSector >= diskSectors) {
                findings.add(Finding.of(Severity.ERROR, ebrRef, Long.toString(thisSector), "below " + diskSectors,
                        "the EBR at LBA " + thisSector + " lies past the end of the disk (" + diskSectors
                                + " sectors): the chain of partition " + ext.index() + " ends there"));
                return;
            }
            if (++empty > MAX_EMPTY_EBRS) {
                findings.add(Finding.of(Severity.ERROR, ebrRef, MAX_EMPTY_EBRS + " EBRs in a row hold no logical "
                        + "partition: the chain of partition " + ext.index() + " is followed no further (as Linux)"));
                return;
            }
            MasterBootRecord ebr = MasterBootRecord.decode(PartitionReader.sector(disk, thisSector));
            if (!ebr.signatureValid()) {
                if (!firstEbr) {
                    findings.add(Finding.of(Severity.WARNING, ebrRef.field("signature", thisSector * SECTOR
                                    + MasterBootRecord.OFFSET_SIGNATURE), PartitionReader.hex16(ebr.signature()),
                            "0xAA55", "the EBR at LBA " + thisSector + ", linked from the one before, has no 0x55AA "
                                    + "signature: the chain ends there"));
                }
                return;
            }
            firstEbr = false;
            for (int i = 0; i < 4; i++) {
                MbrEntry p = ebr.entries().get(i);
                if (!p.used() || p.partitionType().isExtended()) {
                    continue;
                }
                long next = thisSector + p.startLba();
                if (i >= 2 && (p.startLba() + p.sectors() > thisSize || next < first
                        || next + p.sectors() > first + firstSize)) {
                    continue;   // Linux: the 3rd and 4th entries "sometimes contain random garbage"
                }
                long at = thisSector * SECTOR + MasterBootRecord.entryOffset(i);
                int index = 5 + countLogical(out);
                if (next < first || next + p.sectors() > first + firstSize) {
                    findings.add(Finding.of(Severity.ERROR, FieldRef.of("MBR", "partition " + index, "", at),
                            String.format(Locale.ROOT, "logical partition %d (sectors %d-%d) does not lie inside its "
                                            + "extended partition %d (sectors %d-%d)", index, next,
                                    next + p.sectors() - 1, ext.index(), first, first + firstSize - 1)));
                }
                out.add(new Partition(index, next * SECTOR, p.sectors() * SECTOR, p.partitionType(), null, null,
                        p.bootable(), 0, true, at));
                empty = 0;
                if (countLogical(out) >= MAX_LOGICAL) {
                    break;
                }
            }
            MbrEntry link = null;
            for (MbrEntry p : ebr.entries()) {
                if (p.used() && p.partitionType().isExtended()) {
                    link = p;
                    break;
                }
            }
            if (link == null) {
                return;
            }
            thisSector = first + link.startLba();
            thisSize = link.sectors();
        }
    }

    private static int countLogical(List<Partition> out) {
        return out.size();
    }
}
