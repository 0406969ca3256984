package io.vhdkit.partition;

import io.vhdkit.check.Finding;
import io.vhdkit.disk.DiskSlice;
import io.vhdkit.disk.VirtualDisk;
import java.util.List;

/**
 * No partition table: the whole disk is one volume (a filesystem made on the bare disk, or nothing at all).
 *
 * @param diskSize the disk's size in bytes
 * @param reason   why sector 0 is not a partition table, for people
 * @param findings what was noticed (a GPT header without a protective MBR, for example)
 */
public record NoPartitionTable(long diskSize, String reason, List<Finding> findings) implements PartitionTable {

    public NoPartitionTable {
        findings = List.copyOf(findings);
    }

    @Override
    public String scheme() {
        return "none";
    }

    @Override
    public List<Partition> partitions() {
        return List.of();
    }

    /** The whole disk as a volume. */
    public DiskSlice wholeDisk(VirtualDisk disk) {
        return new DiskSlice(disk, 0, disk.size(), "whole disk");
    }
}
