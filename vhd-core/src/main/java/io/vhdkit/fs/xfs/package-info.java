/**
 * A pure-Java, read-only reader of XFS ({@link io.vhdkit.fs.xfs.XfsFileSystem}), after the on-disk format of the
 * Linux kernel's {@code fs/xfs/libxfs} headers ({@code xfs_format.h}, {@code xfs_da_format.h}) and the
 * <i>XFS Algorithms &amp; Data Structures</i> manual: superblock, inodes, extent maps and bmap btrees, the four
 * directory forms, symlinks. All integers are big-endian; v5 CRCs are CRC32C stored little-endian.
 */
package io.vhdkit.fs.xfs;
