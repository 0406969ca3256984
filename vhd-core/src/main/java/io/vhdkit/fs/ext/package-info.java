/**
 * A pure-Java, read-only reader of ext2, ext3 and ext4 filesystems ({@link io.vhdkit.fs.ext.ExtFileSystem}): the
 * superblock and its features, group descriptors, inodes, extent trees and indirect block maps, inline data,
 * linear and htree directories, symlinks. Layouts follow the kernel's fs/ext4/ext4.h and e2fsprogs'
 * lib/ext2fs/ext2_fs.h; every integer is little-endian.
 */
package io.vhdkit.fs.ext;
