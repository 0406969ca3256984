package io.vhdkit.fs;

import java.time.Instant;
import java.util.Objects;

/**
 * What {@code stat(2)} says of a file.
 *
 * @param type  the file type
 * @param size  bytes (for a symlink, the length of its target)
 * @param mode  the POSIX mode, type bits included ({@code 0100644}); filesystems without one synthesize it
 * @param uid   owner
 * @param gid   group
 * @param mtime last modification
 * @param links hard link count
 */
public record FileStat(FileType type, long size, int mode, long uid, long gid, Instant mtime, long links) {

    public FileStat {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mtime, "mtime");
        if (size < 0) {
            throw new IllegalArgumentException("size " + size);
        }
    }

    /** The permission bits and set-id/sticky bits, without the type. */
    public int permissions() {
        return mode & 07777;
    }

    /** {@code drwxr-xr-x}, like {@code ls -l}. */
    public String modeString() {
        char[] s = new char[10];
        s[0] = type.letter();
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            s[i + 1] = (mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-';
        }
        if ((mode & 04000) != 0) {
            s[3] = s[3] == 'x' ? 's' : 'S';
        }
        if ((mode & 02000) != 0) {
            s[6] = s[6] == 'x' ? 's' : 'S';
        }
        if ((mode & 01000) != 0) {
            s[9] = s[9] == 'x' ? 't' : 'T';
        }
        return new String(s);
    }
}
