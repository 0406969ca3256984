package io.vhdkit.validator.linux;

import java.util.Objects;

/**
 * One member of an initramfs cpio archive.
 *
 * @param name    the path, as stored (initramfs-tools and dracut store it without a leading {@code ./} or {@code /})
 * @param mode    {@code c_mode}: the file type and permissions
 * @param size    {@code c_filesize}
 * @param segment which part of the initramfs holds it: 0 for the first (an early microcode archive, often)
 */
public record CpioEntry(String name, int mode, long size, int segment) {

    /** {@code S_IFMT} and the type values of stat(2). */
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;
    static final int S_IFLNK = 0120000;

    public CpioEntry {
        Objects.requireNonNull(name);
    }

    public boolean isRegularFile() {
        return (mode & S_IFMT) == S_IFREG;
    }

    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public boolean isSymlink() {
        return (mode & S_IFMT) == S_IFLNK;
    }

    /** The last component of the name. */
    public String baseName() {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(slash + 1);
    }
}
