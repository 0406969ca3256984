package io.vhdkit.fs.ext;

import io.vhdkit.fs.FileStat;
import io.vhdkit.fs.FsNode;

/**
 * A file of an ext filesystem: its inode number, what {@code stat} says, and the inode it was loaded from.
 *
 * @param id    the inode number
 * @param stat  mode, owner, size, mtime, links
 * @param inode the decoded inode
 * @param owner the filesystem that loaded it
 */
public record ExtNode(long id, FileStat stat, Inode inode, ExtFileSystem owner) implements FsNode {
}
