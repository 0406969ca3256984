package io.vhdkit.fs;

import java.util.Objects;

/**
 * One entry of a directory listing: a name and the id of the file it names. {@code "."} and {@code ".."} are never
 * listed.
 *
 * @param name the name, decoded (UTF-8 on Linux filesystems, UTF-16 long names on FAT)
 * @param id   the file's id, for {@link FileSystem#node(long)}
 * @param type the type when the directory entry tells it, else {@link FileType#UNKNOWN}
 */
public record DirEntry(String name, long id, FileType type) {

    public DirEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
