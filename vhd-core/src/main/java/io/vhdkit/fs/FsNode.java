package io.vhdkit.fs;

/**
 * A file of a filesystem, loaded: its id and what {@code stat} says of it. Each filesystem has its own node class,
 * which carries what it needs to read the file (an inode, a first cluster). Nodes are immutable.
 */
public interface FsNode {

    /** The id the filesystem gives this file ({@link FileSystem#node(long)} loads it again): an inode number, a
     * directory entry's position. */
    long id();

    FileStat stat();

    default FileType type() {
        return stat().type();
    }
}
