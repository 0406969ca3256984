package io.vhdkit.validator;

/**
 * A disk's place in an image manifest: the OS disk, or a data disk at a LUN.
 *
 * @param lun the data disk's LUN (0 to 63), or -1 for the OS disk
 */
public record DiskRole(Kind kind, int lun) {

    public static final int MAX_LUN = 63;

    public enum Kind {
        OS, DATA;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public DiskRole {
        if (kind == Kind.OS ? lun != -1 : lun < 0 || lun > MAX_LUN) {
            throw new IllegalArgumentException(kind == Kind.OS ? "an OS disk has no LUN"
                    : "LUN " + lun + " is not from 0 to " + MAX_LUN);
        }
    }

    public static DiskRole os() {
        return new DiskRole(Kind.OS, -1);
    }

    public static DiskRole data(int lun) {
        return new DiskRole(Kind.DATA, lun);
    }

    /** "OS disk" or "data disk LUN 3". */
    public String describe() {
        return kind == Kind.OS ? "OS disk" : "data disk LUN " + lun;
    }
}
