/**
 * Partition tables, read the way Linux reads them: MBR with logical partitions through the EBR chain, GPT with its
 * protective MBR and backup header, or none ({@link io.vhdkit.partition.PartitionTable#read}). Problems are
 * {@link io.vhdkit.check.Finding}s; a table that cannot be read at all raises the checked
 * {@link io.vhdkit.format.FormatException} family with format {@code "MBR"} or {@code "GPT"}.
 */
package io.vhdkit.partition;
