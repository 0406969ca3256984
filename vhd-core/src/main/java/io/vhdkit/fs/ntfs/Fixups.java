package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;

/**
 * The update sequence ("fixups") of multi-sector records: FILE records of the MFT and INDX blocks of indexes
 * (ntfs-3g {@code ntfs_mst_post_read_fixup}). Before a record is written, the last two bytes of each 512-byte stride
 * are saved in the update sequence array and replaced by the update sequence number; a stride whose last two bytes
 * do not hold that number was torn by an incomplete write. Reading puts the saved bytes back.
 *
 * <p>Header: the signature (4 bytes), then {@code usa_ofs} (u16 at 4) and {@code usa_count} (u16 at 6, the number
 * plus one entry per stride). The array is the update sequence number and then one saved u16 per stride.
 */
final class Fixups {

    static final int OFFSET_USA_OFFSET = 4;
    static final int OFFSET_USA_COUNT = 6;
    static final int STRIDE = NtfsBootSector.FIXUP_STRIDE;

    private Fixups() {
    }

    /**
     * Checks and undoes the fixups of the {@code size}-byte record in {@code b} (a private copy), in place.
     *
     * @param structure the record's name in messages ({@code "MFT record 42"})
     * @param at        the record's offset in the volume, for messages
     */
    static void apply(byte[] b, int size, String structure, long at) throws CorruptFormatException {
        int usaOffset = Ntfs.u16(b, OFFSET_USA_OFFSET);
        int usaCount = Ntfs.u16(b, OFFSET_USA_COUNT);
        int strides = size / STRIDE;
        if (usaCount != strides + 1) {
            throw new CorruptFormatException(Ntfs.ref(structure, "update sequence count", at + OFFSET_USA_COUNT),
                    Integer.toString(usaCount), Integer.toString(strides + 1) + " (one entry per 512 bytes of a "
                    + size + "-byte record, plus the sequence number)");
        }
        // the array must lie in the header of the first stride, before the first protected bytes
        if ((usaOffset & 1) != 0 || usaOffset < 8 || usaOffset + 2 * usaCount > STRIDE - 2) {
            throw new CorruptFormatException(Ntfs.ref(structure, "update sequence offset", at + OFFSET_USA_OFFSET),
                    Integer.toString(usaOffset), "even, from 8 to " + (STRIDE - 2 - 2 * usaCount)
                    + " (the array of " + usaCount + " entries inside the first 510 bytes)");
        }
        int usn = Ntfs.u16(b, usaOffset);
        for (int i = 0; i < strides; i++) {
            int end = (i + 1) * STRIDE - 2;
            int found = Ntfs.u16(b, end);
            if (found != usn) {
                throw new CorruptFormatException(Ntfs.ref(structure, "update sequence", at + end),
                        Ntfs.hex4(found), Ntfs.hex4(usn), "the last two bytes of 512-byte block " + i + " are "
                        + Ntfs.hex4(found) + " - should be the update sequence number " + Ntfs.hex4(usn)
                        + ": the record was torn by an incomplete write");
            }
        }
        for (int i = 0; i < strides; i++) {
            int end = (i + 1) * STRIDE - 2;
            b[end] = b[usaOffset + 2 + 2 * i];
            b[end + 1] = b[usaOffset + 3 + 2 * i];
        }
    }
}
