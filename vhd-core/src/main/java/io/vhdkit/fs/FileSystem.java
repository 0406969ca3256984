package io.vhdkit.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A read-only filesystem on a volume, read by vhdkit itself (no mount, no kernel driver). Files are reached by id
 * ({@link #node(long)}) and by name within a directory ({@link #lookup}); paths, symlinks and mount points are
 * resolved on top of this by {@link PathResolver}.
 *
 * <p>Every method treats the volume as hostile: offsets, lengths and counts read from it are checked, loops are
 * detected, nothing is allocated from a size read off the disk without a cap. Malformed structures raise the checked
 * {@link io.vhdkit.format.FormatException} family, with the structure, field and byte offset within the volume.
 * Implementations are safe for concurrent use.
 */
public interface FileSystem extends Closeable {

    FsInfo info();

    /** The id of the root directory. */
    long rootId();

    /**
     * Loads the file with this id.
     *
     * @throws io.vhdkit.format.CorruptFormatException when the id is out of range or its structure is damaged
     */
    FsNode node(long id) throws IOException;

    default FsNode root() throws IOException {
        return node(rootId());
    }

    /**
     * The entries of a directory, without {@code "."} and {@code ".."}, in on-disk order.
     *
     * @throws IllegalArgumentException when {@code dir} is not a directory of this filesystem
     */
    List<DirEntry> list(FsNode dir) throws IOException;

    /**
     * The entry named {@code name} in {@code dir}, compared exactly or, when the filesystem is not case-sensitive,
     * ignoring case. The default scans {@link #list}; a filesystem with indexed directories may do better.
     */
    default Optional<DirEntry> lookup(FsNode dir, String name) throws IOException {
        boolean exact = info().caseSensitive();
        String folded = exact ? name : name.toUpperCase(Locale.ROOT);
        for (DirEntry e : list(dir)) {
            if (exact ? e.name().equals(name) : e.name().toUpperCase(Locale.ROOT).equals(folded)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * Reads file data at {@code position} into {@code dst}, up to its remaining space or the end of the file. Holes
     * read as zeros.
     *
     * @return the number of bytes read, or -1 when {@code position} is at or past the end of the file
     * @throws IllegalArgumentException when {@code file} is not a regular file of this filesystem
     */
    int read(FsNode file, long position, ByteBuffer dst) throws IOException;

    /**
     * The target of a symbolic link, as stored.
     *
     * @throws IllegalArgumentException when {@code link} is not a symlink of this filesystem
     */
    String readLink(FsNode link) throws IOException;
}
