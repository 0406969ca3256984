package io.vhdkit.partition;

import io.vhdkit.check.Finding;
import java.util.List;
import java.util.UUID;

/**
 * A GPT.
 *
 * @param header     the header the partitions were read from: the primary, or the backup when the primary is
 *                   damaged
 * @param backupUsed whether that is the backup header
 * @param hybridMbr  whether the protective MBR also describes partitions (a hybrid MBR)
 * @param partitions the used entries, in index order (entry index + 1)
 * @param findings   what is wrong or unusual, the protective MBR included
 */
public record GptPartitionTable(GptHeader header, boolean backupUsed, boolean hybridMbr, List<Partition> partitions,
                                List<Finding> findings) implements PartitionTable {

    public GptPartitionTable {
        partitions = List.copyOf(partitions);
        findings = List.copyOf(findings);
    }

    @Override
    public String scheme() {
        return "GPT";
    }

    public UUID diskGuid() {
        return header.diskGuid();
    }
}
