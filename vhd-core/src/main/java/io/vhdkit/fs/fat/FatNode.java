package io.vhdkit.fs.fat;

import io.vhdkit.fs.FileStat;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsNode;
import java.io.IOException;

/**
 * A file or directory of a {@link FatFileSystem}: its id (the volume offset of its short directory entry, 0 for the
 * root), what {@code stat} says, and what reading it needs. A directory's cluster chain is followed when the node is
 * loaded (its size depends on it); a file's on its first read.
 */
public final class FatNode implements FsNode {

    private final FatFileSystem owner;
    private final long id;
    private final FileStat stat;
    private final ShortEntry entry;
    private final long firstCluster;
    private volatile ClusterChain chain;

    FatNode(FatFileSystem owner, long id, FileStat stat, ShortEntry entry, long firstCluster, ClusterChain chain) {
        this.owner = owner;
        this.id = id;
        this.stat = stat;
        this.entry = entry;
        this.firstCluster = firstCluster;
        this.chain = chain;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public FileStat stat() {
        return stat;
    }

    /** The short directory entry; null for the root directory, which has none. */
    public ShortEntry entry() {
        return entry;
    }

    /** The 8.3 name (as Linux shows it), or {@code ""} for the root. */
    public String shortName() {
        return entry == null ? "" : entry.shortName();
    }

    /** {@code DIR_Attr}: read-only, hidden, system, directory, archive; the root has only the directory bit. */
    public int attributes() {
        return entry == null ? ShortEntry.ATTR_DIRECTORY : entry.attributes();
    }

    /** The first cluster; 0 for an empty file and for the FAT12/16 root directory. */
    public long firstCluster() {
        return firstCluster;
    }

    FatFileSystem owner() {
        return owner;
    }

    boolean isDirectory() {
        return stat.type() == FileType.DIRECTORY;
    }

    /** The cluster chain, followed and checked on first use; null for the FAT12/16 root directory. */
    ClusterChain chain() throws IOException {
        ClusterChain c = chain;
        if (c == null && !(id == FatFileSystem.ROOT_ID && owner.layout().type() != FatType.FAT32)) {
            c = owner.fileChain(this);
            chain = c;
        }
        return c;
    }

    @Override
    public String toString() {
        return "FatNode[" + id + " " + shortName() + " " + stat.type() + " " + stat.size() + "]";
    }
}
