package io.vhdkit.fs.fat;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import java.util.List;

/**
 * Where everything is, computed from the boot sector as fatgen103 does ("FAT Data Structure"): the reserved
 * sectors, then {@code BPB_NumFATs} copies of the FAT, then (FAT12/16) the fixed root directory, then the data
 * clusters, numbered from 2. All offsets are bytes from the start of the volume.
 *
 * <p><b>The FAT type.</b> fatgen103 (and mtools) decide by cluster count alone. Linux ({@code fat_fill_super}), blkid,
 * dosfstools and edk2's FatPkg decide FAT32 by the layout ({@code BPB_FATSz16 == 0}) and FAT12 against FAT16 by the
 * count ({@code < 4085}). So does vhdkit: a FAT32 layout with fewer than 65525 clusters (what {@code mkfs.fat -F 32}
 * makes of a small volume) is read as FAT32, with a warning, because UEFI firmware built on edk2's FatPkg refuses to
 * mount it (and mtools takes it for FAT16); a FAT12/16 layout with 65525 clusters or more is corrupt (16-bit entries
 * cannot number them; blkid and edk2 reject it too).
 *
 * @param type              the FAT variant
 * @param bytesPerSector    sector size
 * @param clusterSize       bytes per cluster
 * @param fatOffset         the first FAT copy
 * @param fatBytes          bytes per FAT copy
 * @param numFats           FAT copies
 * @param activeFat         the copy read: 0, or the active FAT of a FAT32 volume with mirroring off
 * @param rootDirOffset     FAT12/16: the fixed root directory; FAT32: the root cluster's offset
 * @param rootDirBytes      FAT12/16: the fixed root directory's size; FAT32: 0
 * @param rootCluster       FAT32: the root directory's first cluster; FAT12/16: 0
 * @param dataOffset        cluster 2
 * @param clusterCount      data clusters, numbered 2 to {@code clusterCount + 1}
 * @param totalBytes        bytes the filesystem spans ({@code BPB_TotSec * BPB_BytsPerSec})
 */
public record FatLayout(FatType type, int bytesPerSector, int clusterSize, long fatOffset, long fatBytes, int numFats,
                        int activeFat, long rootDirOffset, long rootDirBytes, long rootCluster, long dataOffset,
                        long clusterCount, long totalBytes) {

    /** The first data cluster's number. */
    public static final long FIRST_CLUSTER = 2;

    /**
     * Lays out the volume described by {@code bs} (which passed {@link BootSector#checkIsFat}) on a volume of
     * {@code volumeSize} bytes; what is odd but readable is added to {@code findings}.
     */
    static FatLayout of(BootSector bs, long volumeSize, List<Finding> findings)
            throws CorruptFormatException {
        int bps = bs.bytesPerSector();
        long total = bs.totalSectors();
        if (total == 0) {
            throw corrupt("total sectors", BootSector.OFFSET_TOTAL_SECTORS_32, "0", "the sectors of the volume");
        }
        boolean fat32 = bs.fat32Layout();
        if (!fat32) {
            // fs/fat/inode.c: "bogus number of directory entries"
            if (bs.rootEntries() == 0 || (bs.rootEntries() * 32L) % bps != 0) {
                throw corrupt("root entries", BootSector.OFFSET_ROOT_ENTRIES, Integer.toString(bs.rootEntries()),
                        "a non-zero count of 32-byte entries filling whole sectors of " + bps + " bytes");
            }
        } else if (bs.rootEntries() != 0) {
            findings.add(Finding.mismatch(Severity.WARNING, ref("root entries", BootSector.OFFSET_ROOT_ENTRIES),
                    Integer.toString(bs.rootEntries()), "0 on FAT32"));
        }
        long rootDirSectors = (bs.rootEntries() * 32L + bps - 1) / bps;
        long fatSectors = bs.fatSize();
        long metaSectors = bs.reservedSectors() + bs.numFats() * fatSectors + rootDirSectors;
        if (metaSectors > total) {
            throw new CorruptFormatException(ref("total sectors", BootSector.OFFSET_TOTAL_SECTORS_32),
                    Long.toString(total), "at least " + metaSectors, "the reserved sectors, " + bs.numFats()
                    + " FATs and the root directory take " + metaSectors + " sectors, more than the " + total
                    + " sectors of the volume");
        }
        long clusterCount = (total - metaSectors) / bs.sectorsPerCluster();
        FatType type;
        if (fat32) {
            type = FatType.FAT32;
            if (clusterCount < FatType.MIN_FAT32_CLUSTERS) {
                findings.add(Finding.of(Severity.WARNING, ref("cluster count", FieldRef.NO_OFFSET),
                        Long.toString(clusterCount), "at least 65525 for FAT32",
                        "a FAT32 layout (BPB_FATSz16 = 0) with " + clusterCount + " clusters, fewer than the 65525 "
                                + "fatgen103 requires of FAT32: Linux reads it, but UEFI firmware built on edk2's "
                                + "FatPkg refuses to mount it (EFI_VOLUME_CORRUPTED)"));
            }
            if (clusterCount > FatType.MAX_FAT32_CLUSTERS) {
                throw new CorruptFormatException(ref("total sectors", BootSector.OFFSET_TOTAL_SECTORS_32),
                        Long.toString(clusterCount), "at most " + FatType.MAX_FAT32_CLUSTERS + " clusters",
                        clusterCount + " clusters are more than FAT32's 28-bit entries can number");
            }
        } else {
            type = FatType.forClusterCount(clusterCount);
            if (type == FatType.FAT32) {
                throw new CorruptFormatException(ref("FAT size", BootSector.OFFSET_FAT_SIZE_16),
                        Long.toString(clusterCount), "fewer than 65525 clusters",
                        "a FAT12/16 layout (BPB_FATSz16 = " + bs.fatSize16() + ") with " + clusterCount
                                + " clusters, more than 16-bit FAT entries can number (65524)");
            }
        }
        long fatBytes = fatSectors * bps;
        long entries = fatBytes * 8 / type.bits();
        if (entries < FIRST_CLUSTER + 1) {
            throw corrupt("FAT size", fat32 ? BootSector.OFFSET_FAT_SIZE_32 : BootSector.OFFSET_FAT_SIZE_16,
                    Long.toString(fatSectors), "room for at least one cluster");
        }
        if (entries - FIRST_CLUSTER < clusterCount) {
            // fs/fat/inode.c: total_clusters = min(total_clusters, fat_clusters - FAT_START_ENT)
            findings.add(Finding.of(Severity.WARNING, ref("FAT size",
                            fat32 ? BootSector.OFFSET_FAT_SIZE_32 : BootSector.OFFSET_FAT_SIZE_16),
                    Long.toString(fatSectors), "room for " + clusterCount + " clusters", "the FAT (" + fatSectors
                            + " sectors) has entries for " + (entries - FIRST_CLUSTER) + " clusters, fewer than the "
                            + clusterCount + " of the data area; the clusters beyond are not used (as Linux does)"));
            clusterCount = entries - FIRST_CLUSTER;
        }
        int activeFat = 0;
        if (fat32) {
            if (bs.fsVersion() != 0) {
                findings.add(Finding.of(Severity.WARNING, ref("FS version", BootSector.OFFSET_FS_VERSION),
                        String.format("0x%04X", bs.fsVersion()), "0x0000", "FAT32 version " + (bs.fsVersion() >> 8)
                                + "." + (bs.fsVersion() & 0xFF) + ": fatgen103 says not to mount a newer version, "
                                + "and UEFI firmware built on edk2's FatPkg refuses it; Linux ignores the field"));
            }
            if ((bs.extFlags() & BootSector.EXT_FLAGS_NO_MIRRORING) != 0) {
                activeFat = bs.extFlags() & BootSector.EXT_FLAGS_ACTIVE_FAT;
                if (activeFat >= bs.numFats()) {
                    throw corrupt("ext flags", BootSector.OFFSET_EXT_FLAGS, String.format("0x%04X", bs.extFlags()),
                            "an active FAT below the " + bs.numFats() + " FATs");
                }
                findings.add(Finding.of(Severity.WARNING, ref("ext flags", BootSector.OFFSET_EXT_FLAGS),
                        String.format("0x%04X", bs.extFlags()), "0x0000", "FAT mirroring is off and FAT "
                                + activeFat + " is the active one (read here, as fatgen103 says); UEFI firmware built "
                                + "on edk2's FatPkg refuses such a volume and Linux reads FAT 0"));
            }
        }
        long fatOffset = (long) bs.reservedSectors() * bps;
        long rootDirOffset = fatOffset + bs.numFats() * fatBytes;
        long dataOffset = rootDirOffset + rootDirSectors * bps;
        int clusterSize = bps * bs.sectorsPerCluster();
        long rootCluster = 0;
        if (fat32) {
            rootCluster = bs.rootCluster();
            if (rootCluster < FIRST_CLUSTER || rootCluster > clusterCount + 1) {
                throw corrupt("root cluster", BootSector.OFFSET_ROOT_CLUSTER, Long.toString(rootCluster),
                        "a cluster from 2 to " + (clusterCount + 1));
            }
            rootDirOffset = dataOffset + (rootCluster - FIRST_CLUSTER) * clusterSize;
        }
        if (dataOffset > volumeSize) {
            throw new CorruptFormatException(ref("total sectors", BootSector.OFFSET_TOTAL_SECTORS_32),
                    Long.toString(volumeSize), "at least " + dataOffset + " bytes", "the reserved sectors, FATs and "
                    + "root directory end at byte " + dataOffset + ", past the end of the volume (" + volumeSize
                    + " bytes)");
        }
        long totalBytes = total * bps;
        if (totalBytes > volumeSize) {
            findings.add(Finding.of(Severity.ERROR, ref("total sectors", BootSector.OFFSET_TOTAL_SECTORS_32),
                    Long.toString(total), "at most " + volumeSize / bps, "the filesystem spans " + totalBytes
                            + " bytes but its volume has only " + volumeSize + ": it was cut short, and clusters "
                            + "past the end cannot be read"));
        }
        return new FatLayout(type, bps, clusterSize, fatOffset, fatBytes, bs.numFats(), activeFat, rootDirOffset,
                fat32 ? 0 : rootDirSectors * bps, rootCluster, dataOffset, clusterCount, totalBytes);
    }

    /** The byte offset of a data cluster (2 to {@code clusterCount + 1}). */
    public long clusterOffset(long cluster) {
        return dataOffset + (cluster - FIRST_CLUSTER) * clusterSize;
    }

    /** The highest valid cluster number. */
    public long maxCluster() {
        return clusterCount + 1;
    }

    public boolean validCluster(long cluster) {
        return cluster >= FIRST_CLUSTER && cluster <= maxCluster();
    }

    /** Where the FAT copy that is read starts. */
    public long activeFatOffset() {
        return fatOffset + activeFat * fatBytes;
    }

    static FieldRef ref(String field, long offset) {
        return FieldRef.of(BootSector.FORMAT, BootSector.STRUCTURE, field, offset);
    }

    private static CorruptFormatException corrupt(String field, long offset, String actual, String expected) {
        return new CorruptFormatException(ref(field, offset), actual, expected);
    }
}
