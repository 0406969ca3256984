package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;
import java.util.Arrays;

/**
 * One attribute record of an MFT record ({@code ATTR_RECORD}): the common header, then either a resident value (kept
 * in the record) or, for a non-resident attribute, one segment of its runlist and, in the first segment (lowest VCN
 * 0), the sizes of the whole attribute. Offsets are relative to the attribute record:
 * <pre>
 *   0x00 type u32        0x04 length u32      0x08 non-resident u8   0x09 name length u8 (UTF-16 units)
 *   0x0A name offset u16 0x0C flags u16       0x0E instance u16
 *   resident:     0x10 value length u32, 0x14 value offset u16, 0x16 resident flags u8
 *   non-resident: 0x10 lowest VCN s64, 0x18 highest VCN s64, 0x20 mapping pairs offset u16,
 *                 0x22 compression unit u8, 0x28 allocated size s64, 0x30 data size s64,
 *                 0x38 initialized size s64, 0x40 compressed size s64 (compressed or sparse attributes)
 * </pre>
 *
 * @param type            the attribute type ({@code $DATA} is 0x80)
 * @param name            the name ({@code ""} when unnamed, {@code "$I30"} for directory indexes)
 * @param flags           {@link #FLAG_COMPRESSED} (low byte: the compression method), {@link #FLAG_ENCRYPTED},
 *                        {@link #FLAG_SPARSE}
 * @param instance        the attribute's id within its record
 * @param record          the MFT record that holds it
 * @param at              its offset in the volume (approximate when the record spans runs of the MFT)
 * @param value           the resident value, or null when non-resident
 * @param lowestVcn       the first VCN this segment maps
 * @param highestVcn      the last VCN this segment maps (-1 for an empty attribute)
 * @param compressionUnit log2 of the clusters per compression unit (0 when not compressed)
 * @param allocatedSize   bytes allocated (first segment only)
 * @param dataSize        bytes of data (first segment only)
 * @param initializedSize bytes written; the rest up to the data size reads as zeros (first segment only)
 * @param runs            this segment's runs, or null when resident
 * @param valueAt         the volume offset of a resident value's first byte (messages about the value's fields
 *                        point there); {@code at} for a non-resident attribute
 */
record Attribute(int type, String name, int flags, int instance, long record, long at, byte[] value,
                 long lowestVcn, long highestVcn, int compressionUnit, long allocatedSize, long dataSize,
                 long initializedSize, Runlist runs, long valueAt) {

    static final int OFFSET_TYPE = 0x00;
    static final int OFFSET_LENGTH = 0x04;
    static final int OFFSET_NON_RESIDENT = 0x08;
    static final int OFFSET_NAME_LENGTH = 0x09;
    static final int OFFSET_NAME_OFFSET = 0x0A;
    static final int OFFSET_FLAGS = 0x0C;
    static final int OFFSET_INSTANCE = 0x0E;
    static final int OFFSET_VALUE_LENGTH = 0x10;
    static final int OFFSET_VALUE_OFFSET = 0x14;
    static final int RESIDENT_HEADER = 0x18;
    static final int OFFSET_LOWEST_VCN = 0x10;
    static final int OFFSET_HIGHEST_VCN = 0x18;
    static final int OFFSET_MAPPING_PAIRS = 0x20;
    static final int OFFSET_COMPRESSION_UNIT = 0x22;
    static final int OFFSET_ALLOCATED_SIZE = 0x28;
    static final int OFFSET_DATA_SIZE = 0x30;
    static final int OFFSET_INITIALIZED_SIZE = 0x38;
    static final int NON_RESIDENT_HEADER = 0x40;

    /** {@code ATTR_IS_COMPRESSED}: the low byte is the compression method, 1 for LZNT1. */
    static final int FLAG_COMPRESSED = 0x0001;
    static final int COMPRESSION_MASK = 0x00FF;
    static final int FLAG_ENCRYPTED = 0x4000;
    static final int FLAG_SPARSE = 0x8000;
    /** VCNs beyond this are refused (2^62 clusters is far beyond any volume). */
    static final long MAX_VCN = 1L << 62;

    boolean resident() {
        return value != null;
    }

    boolean compressed() {
        return (flags & COMPRESSION_MASK) != 0;
    }

    boolean encrypted() {
        return (flags & FLAG_ENCRYPTED) != 0;
    }

    /** The attribute's name in messages: {@code $DATA}, {@code $DATA "Zone.Identifier"}. */
    String describe() {
        return Ntfs.typeName(type) + (name.isEmpty() ? "" : " \"" + name + "\"");
    }

    /**
     * Decodes the attribute record at {@code p} of record {@code b} (after fixups), {@code length} bytes long (already
     * checked to lie within the record's used bytes).
     *
     * @param recordAt the record's offset in the volume
     */
    static Attribute decode(byte[] b, int p, int length, long recordNumber, long recordAt, long totalClusters,
                            String structure) throws CorruptFormatException {
        long at = recordAt + p;
        int type = Ntfs.i32(b, p + OFFSET_TYPE);
        int nonResident = Ntfs.u8(b, p + OFFSET_NON_RESIDENT);
        int nameLength = Ntfs.u8(b, p + OFFSET_NAME_LENGTH);
        int nameOffset = Ntfs.u16(b, p + OFFSET_NAME_OFFSET);
        int flags = Ntfs.u16(b, p + OFFSET_FLAGS);
        int instance = Ntfs.u16(b, p + OFFSET_INSTANCE);
        String what = Ntfs.typeName(type);
        if (nonResident > 1) {
            throw new CorruptFormatException(Ntfs.ref(structure, what + " non-resident flag", at + OFFSET_NON_RESIDENT),
                    Integer.toString(nonResident), "0 (resident) or 1 (non-resident)");
        }
        int header = nonResident == 0 ? RESIDENT_HEADER : NON_RESIDENT_HEADER;
        if (length < header) {
            throw new CorruptFormatException(Ntfs.ref(structure, what + " length", at + OFFSET_LENGTH),
                    Integer.toString(length), "at least " + header + " (the " + (nonResident == 0 ? "resident"
                    : "non-resident") + " attribute header)");
        }
        String name = "";
        if (nameLength > 0) {
            if (nameOffset < header || nameOffset + 2L * nameLength > length) {
                throw new CorruptFormatException(Ntfs.ref(structure, what + " name offset", at + OFFSET_NAME_OFFSET),
                        Integer.toString(nameOffset), "a name of " + nameLength + " characters after the header and "
                        + "within the attribute's " + length + " bytes");
            }
            name = Ntfs.utf16(b, p + nameOffset, nameLength);
        }
        if (nonResident == 0) {
            long valueLength = Ntfs.u32(b, p + OFFSET_VALUE_LENGTH);
            int valueOffset = Ntfs.u16(b, p + OFFSET_VALUE_OFFSET);
            if (valueOffset < RESIDENT_HEADER || valueOffset > length || valueLength > length - valueOffset) {
                throw new CorruptFormatException(Ntfs.ref(structure, what + " value", at + OFFSET_VALUE_LENGTH),
                        valueLength + " bytes at offset " + valueOffset, "within the attribute's " + length
                        + " bytes", what + ": a resident value of " + valueLength + " bytes at offset " + valueOffset
                        + " does not fit in the attribute's " + length + " bytes");
            }
            byte[] value = Arrays.copyOfRange(b, p + valueOffset, p + valueOffset + (int) valueLength);
            return new Attribute(type, name, flags, instance, recordNumber, at, value, 0, -1, 0, valueLength,
                    valueLength, valueLength, null, at + valueOffset);
        }
        long lowest = Ntfs.i64(b, p + OFFSET_LOWEST_VCN);
        long highest = Ntfs.i64(b, p + OFFSET_HIGHEST_VCN);
        if (lowest < 0 || lowest > MAX_VCN || highest < lowest - 1 || highest > MAX_VCN) {
            throw new CorruptFormatException(Ntfs.ref(structure, what + " VCN range", at + OFFSET_LOWEST_VCN),
                    lowest + " to " + highest, "0 <= lowest <= highest + 1");
        }
        int pairs = Ntfs.u16(b, p + OFFSET_MAPPING_PAIRS);
        int unit = Ntfs.u8(b, p + OFFSET_COMPRESSION_UNIT);
        long allocated = Ntfs.i64(b, p + OFFSET_ALLOCATED_SIZE);
        long data = Ntfs.i64(b, p + OFFSET_DATA_SIZE);
        long initialized = Ntfs.i64(b, p + OFFSET_INITIALIZED_SIZE);
        if (pairs < NON_RESIDENT_HEADER || pairs >= length) {
            throw new CorruptFormatException(Ntfs.ref(structure, what + " mapping pairs offset",
                    at + OFFSET_MAPPING_PAIRS), Integer.toString(pairs), "from " + NON_RESIDENT_HEADER
                    + " to " + (length - 1) + " (inside the attribute)");
        }
        if (lowest == 0 && (allocated < 0 || data < 0 || initialized < 0 || data > allocated
                || initialized > data)) {
            throw new CorruptFormatException(Ntfs.ref(structure, what + " sizes", at + OFFSET_ALLOCATED_SIZE),
                    "allocated " + allocated + ", data " + data + ", initialized " + initialized,
                    "0 <= initialized <= data <= allocated");
        }
        Runlist runs = Runlist.decode(b, p + pairs, p + length, lowest, highest, totalClusters, structure,
                recordAt, Runlist.MAX_RUNS);
        return new Attribute(type, name, flags, instance, recordNumber, at, null, lowest, highest, unit, allocated,
                data, initialized, runs, at);
    }
}
