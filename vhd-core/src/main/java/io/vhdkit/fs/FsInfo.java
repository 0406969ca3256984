package io.vhdkit.fs;

import io.vhdkit.check.Finding;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a filesystem says of itself.
 *
 * @param type          {@code "ext2"}, {@code "ext3"}, {@code "ext4"}, {@code "xfs"}, {@code "vfat"}, ...
 * @param label         the volume label, or null
 * @param uuid          the filesystem UUID as {@code blkid} prints it (FAT: the volume serial {@code XXXX-XXXX}), or
 *                      null
 * @param size          bytes the filesystem spans
 * @param blockSize     its block or cluster size
 * @param caseSensitive whether names are compared exactly (ext, XFS) or case-insensitively (FAT, NTFS)
 * @param anomalies     what the reader noticed and reads around, such as a journal that needs recovery
 */
public record FsInfo(String type, String label, String uuid, long size, int blockSize, boolean caseSensitive,
                     List<Finding> anomalies) {

    public FsInfo {
        Objects.requireNonNull(type, "type");
        anomalies = List.copyOf(anomalies);
    }

    public Optional<String> labelText() {
        return Optional.ofNullable(label);
    }

    public Optional<String> uuidText() {
        return Optional.ofNullable(uuid);
    }
}
