/**
 * A pure-Java, read-only reader of FAT12, FAT16 and FAT32 with VFAT long names ({@link
 * io.vhdkit.fs.fat.FatFileSystem}), for EFI system partitions and FAT data volumes. It follows Microsoft's FAT
 * specification ("fatgen103") and, where that leaves a choice, what Linux's vfat, blkid and UEFI firmware (edk2's
 * FatPkg) do; each class says which.
 */
package io.vhdkit.fs.fat;
