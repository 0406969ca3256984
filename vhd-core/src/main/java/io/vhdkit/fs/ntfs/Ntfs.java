package io.vhdkit.fs.ntfs;

import io.vhdkit.format.FieldRef;
import java.util.Locale;

/**
 * Constants of the on-disk format (ntfs-3g's {@code layout.h}; Microsoft's [MS-FSCC]) and little-endian helpers
 * over byte arrays.
 */
final class Ntfs {

    static final String FORMAT = "NTFS";

    /** Attribute types ({@code ATTR_TYPES}). */
    static final int AT_STANDARD_INFORMATION = 0x10;
    static final int AT_ATTRIBUTE_LIST = 0x20;
    static final int AT_FILE_NAME = 0x30;
    static final int AT_OBJECT_ID = 0x40;
    static final int AT_SECURITY_DESCRIPTOR = 0x50;
    static final int AT_VOLUME_NAME = 0x60;
    static final int AT_VOLUME_INFORMATION = 0x70;
    static final int AT_DATA = 0x80;
    static final int AT_INDEX_ROOT = 0x90;
    static final int AT_INDEX_ALLOCATION = 0xA0;
    static final int AT_BITMAP = 0xB0;
    static final int AT_REPARSE_POINT = 0xC0;
    static final int AT_LOGGED_UTILITY_STREAM = 0x100;
    /** The type that ends a record's attributes. */
    static final int AT_END = 0xFFFFFFFF;

    /** Well-known MFT records. */
    static final long FILE_MFT = 0;
    static final long FILE_MFT_MIRR = 1;
    static final long FILE_VOLUME = 3;
    static final long FILE_ROOT = 5;
    static final long FILE_UPCASE = 10;
    /** Records below this are metafiles ({@code FILE_first_user}); directory listings leave them out. */
    static final long FIRST_USER_RECORD = 16;

    /** DOS file attributes ({@code FILE_ATTR_*}) of $STANDARD_INFORMATION and $FILE_NAME. */
    static final int FILE_ATTR_READONLY = 0x0001;
    static final int FILE_ATTR_HIDDEN = 0x0002;
    static final int FILE_ATTR_SYSTEM = 0x0004;
    static final int FILE_ATTR_REPARSE_POINT = 0x0400;
    static final int FILE_ATTR_COMPRESSED = 0x0800;
    static final int FILE_ATTR_ENCRYPTED = 0x4000;

    /** The name of directory indexes: {@code $I30}. */
    static final String I30 = "$I30";

    private Ntfs() {
    }

    static int u8(byte[] b, int at) {
        return b[at] & 0xFF;
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    static int i32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    static long u32(byte[] b, int at) {
        return Integer.toUnsignedLong(i32(b, at));
    }

    static long i64(byte[] b, int at) {
        return Integer.toUnsignedLong(i32(b, at)) | (long) i32(b, at + 4) << 32;
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    /** {@code length} UTF-16LE code units at {@code at}. */
    static String utf16(byte[] b, int at, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = (char) u16(b, at + 2 * i);
        }
        return new String(c);
    }

    /** The record number of a file reference (its low 48 bits). */
    static long refRecord(long ref) {
        return ref & 0xFFFF_FFFF_FFFFL;
    }

    /** The sequence number of a file reference (its high 16 bits). */
    static int refSequence(long ref) {
        return (int) (ref >>> 48);
    }

    static String hex(long v) {
        return String.format(Locale.ROOT, "0x%X", v);
    }

    static String hex4(int v) {
        return String.format(Locale.ROOT, "0x%04X", v);
    }

    static String hex8(long v) {
        return String.format(Locale.ROOT, "0x%08X", v);
    }

    static FieldRef ref(String structure, String field, long offset) {
        return FieldRef.of(FORMAT, structure, field, Math.max(offset, FieldRef.NO_OFFSET));
    }

    /** The name of an attribute type, for messages. */
    static String typeName(int type) {
        return switch (type) {
            case AT_STANDARD_INFORMATION -> "$STANDARD_INFORMATION";
            case AT_ATTRIBUTE_LIST -> "$ATTRIBUTE_LIST";
            case AT_FILE_NAME -> "$FILE_NAME";
            case AT_OBJECT_ID -> "$OBJECT_ID";
            case AT_SECURITY_DESCRIPTOR -> "$SECURITY_DESCRIPTOR";
            case AT_VOLUME_NAME -> "$VOLUME_NAME";
            case AT_VOLUME_INFORMATION -> "$VOLUME_INFORMATION";
            case AT_DATA -> "$DATA";
            case AT_INDEX_ROOT -> "$INDEX_ROOT";
            case AT_INDEX_ALLOCATION -> "$INDEX_ALLOCATION";
            case AT_BITMAP -> "$BITMAP";
            case AT_REPARSE_POINT -> "$REPARSE_POINT";
            case 0xD0 -> "$EA_INFORMATION";
            case 0xE0 -> "$EA";
            case AT_LOGGED_UTILITY_STREAM -> "$LOGGED_UTILITY_STREAM";
            default -> "attribute type " + hex(Integer.toUnsignedLong(type));
        };
    }
}
