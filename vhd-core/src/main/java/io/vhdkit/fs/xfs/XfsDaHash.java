package io.vhdkit.fs.xfs;

/**
 * The directory name hashes of {@code xfs_da_btree.c} / {@code xfs_dir2.c}. Leaf entries are sorted by them, so a
 * lookup hashes the name and searches the leaves.
 */
public final class XfsDaHash {

    private XfsDaHash() {
    }

    /** {@code xfs_da_hashname}: four bytes at a time, each step rotating the hash by 28 bits. */
    public static int hash(byte[] name) {
        int hash = 0;
        int i = 0;
        int n = name.length;
        for (; n - i >= 4; i += 4) {
            hash = (u(name[i]) << 21) ^ (u(name[i + 1]) << 14) ^ (u(name[i + 2]) << 7) ^ u(name[i + 3])
                    ^ Integer.rotateLeft(hash, 7 * 4);
        }
        return switch (n - i) {
            case 3 -> (u(name[i]) << 14) ^ (u(name[i + 1]) << 7) ^ u(name[i + 2]) ^ Integer.rotateLeft(hash, 7 * 3);
            case 2 -> (u(name[i]) << 7) ^ u(name[i + 1]) ^ Integer.rotateLeft(hash, 7 * 2);
            case 1 -> u(name[i]) ^ Integer.rotateLeft(hash, 7);
            default -> hash;
        };
    }

    /**
     * {@code xfs_ascii_ci_hashname}, for ascii-ci filesystems: byte by byte, case folded. Linux 6.3 and xfsprogs 6.3
     * fold A-Z and the Latin-1 capitals 0xC0-0xDE but 0xD7 ({@code latin1}); older xfsprogs folded with the C
     * library's {@code tolower}, which in the C and UTF-8 locales folds A-Z only, so names made by mkfs.xfs 6.1 may
     * carry that hash.
     */
    public static int ciHash(byte[] name, boolean latin1) {
        int hash = 0;
        for (byte c : name) {
            hash = fold(u(c), latin1) ^ Integer.rotateLeft(hash, 7);
        }
        return hash;
    }

    /** {@code xfs_ascii_ci_compname} (Linux 6.3 folding): same length and equal bytes once folded. */
    public static boolean ciEquals(byte[] a, byte[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i] && fold(u(a[i]), true) != fold(u(b[i]), true)) {
                return false;
            }
        }
        return true;
    }

    static int fold(int c, boolean latin1) {
        if (c >= 'A' && c <= 'Z') {
            return c + 0x20;
        }
        if (latin1 && (c >= 0xC0 && c <= 0xD6 || c >= 0xD8 && c <= 0xDE)) {
            return c + 0x20;
        }
        return c;
    }

    private static int u(byte b) {
        return b & 0xFF;
    }
}
