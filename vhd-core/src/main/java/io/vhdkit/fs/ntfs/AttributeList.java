package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * The value of an {@code $ATTRIBUTE_LIST} ({@code ATTR_LIST_ENTRY}): when a file's attributes do not fit in its base
 * MFT record, this list (kept in the base record, resident or not) names every attribute of the file and the record
 * that holds it. Each entry, 8-aligned:
 * <pre>
 *   0x00 type u32  0x04 entry length u16  0x06 name length u8  0x07 name offset u8  0x08 lowest VCN s64
 *   0x10 file reference of the record holding the attribute u64  0x18 attribute instance u16  0x1A name
 * </pre>
 */
final class AttributeList {

    static final int OFFSET_TYPE = 0x00;
    static final int OFFSET_LENGTH = 0x04;
    static final int OFFSET_NAME_LENGTH = 0x06;
    static final int OFFSET_NAME_OFFSET = 0x07;
    static final int OFFSET_LOWEST_VCN = 0x08;
    static final int OFFSET_REFERENCE = 0x10;
    static final int OFFSET_INSTANCE = 0x18;
    /** Where the name may start: after the fixed fields. */
    static final int MIN_ENTRY = 0x1A;
    /** The shortest entry: the fixed fields rounded up to 8 bytes. */
    static final int MIN_LENGTH = 0x20;
    /** The largest attribute list read (ntfs-3g's limit; 256 KiB names some 8000 attributes). */
    static final int MAX_SIZE = 256 * 1024;

    /**
     * One entry.
     *
     * @param type      the attribute's type
     * @param name      its name
     * @param lowestVcn the first VCN of the segment (0 for resident attributes)
     * @param reference the file reference (record number and sequence) of the MFT record that holds it
     * @param instance  the attribute's instance id in that record
     */
    record Entry(int type, String name, long lowestVcn, long reference, int instance) {

        long record() {
            return Ntfs.refRecord(reference);
        }
    }

    private AttributeList() {
    }

    /** Decodes the whole list; {@code structure} names the file it belongs to. */
    static List<Entry> decode(byte[] b, String structure, long at) throws CorruptFormatException {
        List<Entry> out = new ArrayList<>();
        int p = 0;
        while (p < b.length) {
            if (p + MIN_LENGTH > b.length) {
                // trailing bytes too short for an entry: Windows pads the list with zeros to 8 bytes
                if (allZero(b, p)) {
                    break;
                }
                throw new CorruptFormatException(Ntfs.ref(structure, "attribute list entry", at + p),
                        "an attribute list entry at offset " + p + " is cut short by the end of the list ("
                                + b.length + " bytes)");
            }
            int type = Ntfs.i32(b, p + OFFSET_TYPE);
            int length = Ntfs.u16(b, p + OFFSET_LENGTH);
            int nameLength = Ntfs.u8(b, p + OFFSET_NAME_LENGTH);
            int nameOffset = Ntfs.u8(b, p + OFFSET_NAME_OFFSET);
            if (type == 0 && length == 0 && allZero(b, p)) {
                break;
            }
            if (length < MIN_LENGTH || length > b.length - p || (length & 7) != 0) {
                throw new CorruptFormatException(Ntfs.ref(structure, "attribute list entry length",
                        at + p + OFFSET_LENGTH), Integer.toString(length), "a multiple of 8 from 32 within the "
                        + (b.length - p) + " bytes left");
            }
            String name = "";
            if (nameLength > 0) {
                if (nameOffset < MIN_ENTRY || nameOffset + 2 * nameLength > length) {
                    throw new CorruptFormatException(Ntfs.ref(structure, "attribute list entry name offset",
                            at + p + OFFSET_NAME_OFFSET), Integer.toString(nameOffset), "a name of " + nameLength
                            + " characters within the entry's " + length + " bytes");
                }
                name = Ntfs.utf16(b, p + nameOffset, nameLength);
            }
            long lowestVcn = Ntfs.i64(b, p + OFFSET_LOWEST_VCN);
            if (lowestVcn < 0 || lowestVcn > Attribute.MAX_VCN) {
                throw new CorruptFormatException(Ntfs.ref(structure, "attribute list entry lowest VCN",
                        at + p + OFFSET_LOWEST_VCN), Long.toString(lowestVcn), "from 0 to 2^62");
            }
            out.add(new Entry(type, name, lowestVcn, Ntfs.i64(b, p + OFFSET_REFERENCE), Ntfs.u16(b,
                    p + OFFSET_INSTANCE)));
            p += length;
        }
        return out;
    }

    private static boolean allZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
