package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;

/**
 * The volume's upper-case table ({@code $UpCase}, MFT record 10): for each UTF-16 code unit, its upper case, as the
 * Windows version that formatted the volume defined it. NTFS compares file names by this table, code unit by code
 * unit (no full case mapping: {@code ß} stays {@code ß}, surrogate pairs map unit by unit), which is how directory
 * indexes are sorted ({@code COLLATION_FILE_NAME}) and how Windows and ntfs-3g match names ignoring case.
 */
final class UpCase {

    /** 64 K code units of 2 bytes. */
    static final int SIZE = 0x20000;

    private final char[] table;

    private UpCase(char[] table) {
        this.table = table;
    }

    /** The table from the bytes of $UpCase's $DATA: 2 to 128 KiB; code units past its end map to themselves. */
    static UpCase of(byte[] b, long at) throws CorruptFormatException {
        if (b.length < 2 || b.length > SIZE || (b.length & 1) != 0) {
            throw new CorruptFormatException(Ntfs.ref("$UpCase", "size", at), Integer.toString(b.length),
                    "an even number of bytes up to 131072 (usually exactly 131072)");
        }
        char[] t = new char[0x10000];
        for (int i = 0; i < t.length; i++) {
            t[i] = 2 * i < b.length ? (char) Ntfs.u16(b, 2 * i) : (char) i;
        }
        return new UpCase(t);
    }

    char upper(char c) {
        return table[c];
    }

    String upper(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            c[i] = table[c[i]];
        }
        return new String(c);
    }

    /**
     * Compares two names as the index orders them, ignoring case: code unit by code unit through the table, as
     * unsigned 16-bit values, the shorter first when one is a prefix of the other.
     */
    int compareIgnoreCase(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            int ca = table[a.charAt(i)];
            int cb = table[b.charAt(i)];
            if (ca != cb) {
                return ca < cb ? -1 : 1;
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    /** {@code COLLATION_FILE_NAME}: ignoring case first, then by the code units themselves. */
    int collate(String a, String b) {
        int c = compareIgnoreCase(a, b);
        return c != 0 ? c : a.compareTo(b);
    }
}
