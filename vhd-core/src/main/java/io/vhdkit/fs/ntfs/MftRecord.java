package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * One FILE record of the MFT ({@code MFT_RECORD}), after its fixups, with its attribute records decoded. Header
 * (NTFS 3.1; NTFS 3.0 and 1.2 records end before the record number):
 * <pre>
 *   0x00 "FILE"  0x04 usa offset u16  0x06 usa count u16  0x08 $LogFile sequence number u64
 *   0x10 sequence number u16  0x12 link count u16  0x14 first attribute offset u16  0x16 flags u16
 *   0x18 bytes in use u32  0x1C bytes allocated u32  0x20 base record reference u64  0x28 next attribute id u16
 *   0x2C record number u32 (3.1)
 * </pre>
 *
 * @param number     the record number (its index in the MFT)
 * @param at         the record's offset in the volume (of its first byte)
 * @param sequence   the sequence number, bumped each time the record is reused; a file reference must carry it
 * @param linkCount  hard links as counted by Windows (DOS names included)
 * @param flags      {@link #FLAG_IN_USE}, {@link #FLAG_DIRECTORY}
 * @param baseRef    0 for a base record, else the file reference of the base record this extension belongs to
 * @param attributes the attribute records in record order
 */
record MftRecord(long number, long at, int sequence, int linkCount, int flags, long baseRef,
                 List<Attribute> attributes) {

    static final int OFFSET_MAGIC = 0x00;
    static final int OFFSET_SEQUENCE = 0x10;
    static final int OFFSET_LINK_COUNT = 0x12;
    static final int OFFSET_ATTRS_OFFSET = 0x14;
    static final int OFFSET_FLAGS = 0x16;
    static final int OFFSET_BYTES_IN_USE = 0x18;
    static final int OFFSET_BYTES_ALLOCATED = 0x1C;
    static final int OFFSET_BASE_RECORD = 0x20;
    static final int OFFSET_RECORD_NUMBER = 0x2C;
    /** The NTFS 3.1 header ends here; its update sequence array starts at 0x30. */
    static final int HEADER_3_1 = 0x30;

    static final int MAGIC_FILE = 0x454C4946;   // "FILE"
    static final int MAGIC_BAAD = 0x44414142;   // "BAAD"
    static final int FLAG_IN_USE = 0x0001;
    static final int FLAG_DIRECTORY = 0x0002;
    /** The smallest attribute record (a resident header without value). */
    static final int MIN_ATTRIBUTE = 0x18;

    boolean inUse() {
        return (flags & FLAG_IN_USE) != 0;
    }

    boolean directory() {
        return (flags & FLAG_DIRECTORY) != 0;
    }

    boolean extension() {
        return baseRef != 0;
    }

    String structure() {
        return structure(number);
    }

    static String structure(long number) {
        return "MFT record " + number;
    }

    /**
     * Checks the signature of a raw record, undoes its fixups (in {@code b}, a private copy) and decodes it.
     *
     * @param number        the record number it was read for
     * @param at            its offset in the volume
     * @param totalClusters the volume's clusters: runs must lie within
     */
    static MftRecord decode(byte[] b, int size, long number, long at, long totalClusters)
            throws CorruptFormatException {
        return decode(b, size, number, at, totalClusters, true);
    }

    /** As {@link #decode(byte[], int, long, long, long)}; without {@code attributes}, only the header is checked. */
    static MftRecord decode(byte[] b, int size, long number, long at, long totalClusters, boolean withAttributes)
            throws CorruptFormatException {
        String structure = structure(number);
        int magic = Ntfs.i32(b, OFFSET_MAGIC);
        if (magic == MAGIC_BAAD) {
            throw new CorruptFormatException(Ntfs.ref(structure, "signature", at), "BAAD", "FILE", structure
                    + " is marked BAAD: chkdsk found a torn multi-sector write in it and it cannot be trusted");
        }
        if (magic != MAGIC_FILE) {
            throw new CorruptFormatException(Ntfs.ref(structure, "signature", at), Ntfs.hex8(magic & 0xFFFFFFFFL),
                    "0x454C4946 (FILE)", "signature is " + describeMagic(b) + " - should be \"FILE\"");
        }
        Fixups.apply(b, size, structure, at);
        int usaOffset = Ntfs.u16(b, Fixups.OFFSET_USA_OFFSET);
        int sequence = Ntfs.u16(b, OFFSET_SEQUENCE);
        int linkCount = Ntfs.u16(b, OFFSET_LINK_COUNT);
        int attrsOffset = Ntfs.u16(b, OFFSET_ATTRS_OFFSET);
        int flags = Ntfs.u16(b, OFFSET_FLAGS);
        long inUse = Ntfs.u32(b, OFFSET_BYTES_IN_USE);
        long allocated = Ntfs.u32(b, OFFSET_BYTES_ALLOCATED);
        long baseRef = Ntfs.i64(b, OFFSET_BASE_RECORD);
        if (allocated != size) {
            throw new CorruptFormatException(Ntfs.ref(structure, "bytes allocated", at + OFFSET_BYTES_ALLOCATED),
                    Long.toString(allocated), Integer.toString(size) + " (the MFT record size)");
        }
        if (inUse > size || inUse < attrsOffset + 8L) {
            throw new CorruptFormatException(Ntfs.ref(structure, "bytes in use", at + OFFSET_BYTES_IN_USE),
                    Long.toString(inUse), "from " + (attrsOffset + 8) + " (the first attribute offset and an end "
                    + "marker) to " + size);
        }
        int usaEnd = usaOffset + 2 * Ntfs.u16(b, Fixups.OFFSET_USA_COUNT);
        if (attrsOffset < usaEnd || (attrsOffset & 7) != 0) {
            throw new CorruptFormatException(Ntfs.ref(structure, "first attribute offset", at + OFFSET_ATTRS_OFFSET),
                    Integer.toString(attrsOffset), "a multiple of 8 after the update sequence array (" + usaEnd + ")");
        }
        // a record not in use may keep a stale number (mkntfs leaves 0 in the reserved records 16 to 23)
        if (usaOffset >= HEADER_3_1 && (flags & FLAG_IN_USE) != 0) {
            long stored = Ntfs.u32(b, OFFSET_RECORD_NUMBER);
            if (stored != (number & 0xFFFF_FFFFL)) {
                throw new CorruptFormatException(Ntfs.ref(structure, "record number", at + OFFSET_RECORD_NUMBER),
                        Long.toString(stored), Long.toString(number) + " (where the record is in the MFT)");
            }
        }
        List<Attribute> attributes = new ArrayList<>();
        if (!withAttributes) {
            return new MftRecord(number, at, sequence, linkCount, flags, baseRef, List.of());
        }
        int p = attrsOffset;
        int end = (int) inUse;
        while (true) {
            if (p + 4 > end) {
                throw new CorruptFormatException(Ntfs.ref(structure, "attributes", at + p),
                        "the attributes run past the bytes in use (" + end + ") without an end marker");
            }
            int type = Ntfs.i32(b, p);
            if (type == Ntfs.AT_END) {
                break;
            }
            long length = Ntfs.u32(b, p + Attribute.OFFSET_LENGTH);
            if (length < MIN_ATTRIBUTE || (length & 7) != 0 || length > end - p) {
                throw new CorruptFormatException(Ntfs.ref(structure, Ntfs.typeName(type) + " length",
                        at + p + Attribute.OFFSET_LENGTH), Long.toString(length), "a multiple of 8, at least "
                        + MIN_ATTRIBUTE + " and within the " + (end - p) + " bytes left in use");
            }
            attributes.add(Attribute.decode(b, p, (int) length, number, at, totalClusters, structure));
            p += (int) length;
        }
        return new MftRecord(number, at, sequence, linkCount, flags, baseRef, List.copyOf(attributes));
    }

    private static String describeMagic(byte[] b) {
        boolean zero = true;
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < 4; i++) {
            int c = b[i] & 0xFF;
            zero &= c == 0;
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format(java.util.Locale.ROOT, "\\x%02X", c));
        }
        return zero ? "zero (a record never written)" : sb.append('"').toString();
    }
}
