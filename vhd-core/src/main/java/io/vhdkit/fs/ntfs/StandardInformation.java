package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;
import java.time.Instant;

/**
 * The value of {@code $STANDARD_INFORMATION}: the times Windows shows and the DOS attributes. Offsets: 0x00 creation,
 * 0x08 last data change ("altered", the mtime), 0x10 last MFT change (the ctime), 0x18 last access, 0x20 DOS file
 * attributes u32; 48 bytes on NTFS 1.2, 72 on 3.x (owner, security and quota fields after).
 *
 * @param created    creation time
 * @param modified   last change of the data
 * @param changed    last change of the MFT record
 * @param accessed   last access
 * @param attributes {@code FILE_ATTR_*}: read-only 0x1, hidden 0x2, system 0x4, archive 0x20, reparse point 0x400,
 *                   compressed 0x800, encrypted 0x4000, ...
 */
record StandardInformation(Instant created, Instant modified, Instant changed, Instant accessed, int attributes) {

    static final int OFFSET_CREATED = 0x00;
    static final int OFFSET_MODIFIED = 0x08;
    static final int OFFSET_CHANGED = 0x10;
    static final int OFFSET_ACCESSED = 0x18;
    static final int OFFSET_ATTRIBUTES = 0x20;
    static final int MIN_SIZE = 48;

    static StandardInformation decode(byte[] v, String structure, long at) throws CorruptFormatException {
        if (v.length < MIN_SIZE) {
            throw new CorruptFormatException(Ntfs.ref(structure, "$STANDARD_INFORMATION length", at),
                    Integer.toString(v.length), "at least " + MIN_SIZE);
        }
        return new StandardInformation(NtfsTime.decode(Ntfs.i64(v, OFFSET_CREATED)),
                NtfsTime.decode(Ntfs.i64(v, OFFSET_MODIFIED)), NtfsTime.decode(Ntfs.i64(v, OFFSET_CHANGED)),
                NtfsTime.decode(Ntfs.i64(v, OFFSET_ACCESSED)), Ntfs.i32(v, OFFSET_ATTRIBUTES));
    }
}
