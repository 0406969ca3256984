package io.vhdkit.partition;

import io.vhdkit.check.Finding;
import java.util.List;
import java.util.Locale;

/**
 * An MBR partition table with its logical partitions.
 *
 * @param diskSignature the 32-bit disk signature at byte 440 ({@code sfdisk}'s {@code label-id})
 * @param partitions    primary (1-4) and logical (5 on) partitions, extended ones included, in index order
 * @param findings      what is wrong or unusual
 */
public record MbrPartitionTable(int diskSignature, List<Partition> partitions, List<Finding> findings)
        implements PartitionTable {

    public MbrPartitionTable {
        partitions = List.copyOf(partitions);
        findings = List.copyOf(findings);
    }

    @Override
    public String scheme() {
        return "MBR";
    }

    /** {@code "0x5648444b"}, as {@code sfdisk -J} prints the disk identifier. */
    public String diskSignatureText() {
        return String.format(Locale.ROOT, "0x%08x", diskSignature);
    }
}
