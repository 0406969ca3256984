package io.vhdkit.partition;

import io.vhdkit.check.Finding;
import io.vhdkit.disk.VirtualDisk;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The partition table of a disk, read by vhdkit itself: an MBR (with logical partitions through the EBR chain), a
 * GPT (with its protective MBR), or none (the whole disk is one volume). Sectors are 512 bytes: the only size VHDs
 * have (Azure does not take 4K-sector VHDs).
 *
 * <p>What a table says is read the way Linux's partition code reads it (block/partitions/msdos.c, efi.c, core.c), so
 * that indexes and extents are what the guest will see; what is wrong is reported as {@link Finding}s, and only
 * what leaves nothing to read (a GPT whose two headers are both damaged) raises the checked
 * {@link io.vhdkit.format.FormatException} family, with format {@code "MBR"} or {@code "GPT"}. In detail:
 * <ul>
 *   <li><b>No table:</b> no 0x55AA signature in sector 0, a boot indicator other than 0x00 or 0x80, or sector 0 is
 *       a FAT, NTFS or exFAT boot sector (blkid's rules: a filesystem on the whole disk).</li>
 *   <li><b>GPT</b> when an MBR entry has type 0xEE. The primary header (LBA 1) and the backup (the last LBA; or,
 *       when missing there, where the primary says) are checked: signature, header size, header CRC32, its own LBA,
 *       the usable range inside the disk, the entry size (128 × 2^n, at most {@link GptReader#MAX_ENTRY_SIZE}), the
 *       array (at most {@link GptReader#MAX_ARRAY_BYTES}, inside the disk) and its CRC32. A damaged primary with a
 *       good backup is read from the backup, with an error finding; a missing or damaged backup and any disagreement
 *       between the two are findings; both damaged is corrupt. Entries that reach past the last LBA are left out
 *       (as Linux's {@code is_pte_valid} does).</li>
 *   <li><b>MBR:</b> the four slots, then each extended partition's EBR chain: every EBR's data entries are relative
 *       to that EBR, its link to the next EBR relative to the start of the primary extended partition. The chain is
 *       followed until an EBR without a link or signature, and stops (with a finding) at a loop, at an EBR outside
 *       the disk, after 100 EBRs without a partition, or at {@link MbrReader#MAX_LOGICAL} logical partitions
 *       (Linux's limit of 255 partition numbers).</li>
 *   <li><b>The end of the disk:</b> a partition that starts past it is left out and one that ends past it is cut at
 *       it (block/partitions/core.c), each with an error finding. Overlaps are error findings.</li>
 * </ul>
 */
public sealed interface PartitionTable permits MbrPartitionTable, GptPartitionTable, NoPartitionTable {

    int SECTOR_SIZE = 512;

    /** {@code "MBR"}, {@code "GPT"} or {@code "none"}. */
    String scheme();

    /** The partitions in index order; MBR extended partitions included (see {@link #volumes()}). */
    List<Partition> partitions();

    /** What is wrong or unusual about the table. */
    List<Finding> findings();

    /** The partitions that hold data: without MBR extended partitions, which only contain logical ones. */
    default List<Partition> volumes() {
        return partitions().stream().filter(p -> !p.isContainer()).toList();
    }

    /** The partition Linux numbers {@code index}. */
    default Optional<Partition> partition(int index) {
        return partitions().stream().filter(p -> p.index() == index).findFirst();
    }

    /**
     * Reads the partition table of {@code disk}.
     *
     * @throws io.vhdkit.format.CorruptFormatException     when a GPT's two headers are both unusable
     * @throws io.vhdkit.format.UnsupportedFormatException when a GPT's entry array is larger than vhdkit reads
     */
    static PartitionTable read(VirtualDisk disk) throws IOException {
        return PartitionReader.read(disk);
    }
}
