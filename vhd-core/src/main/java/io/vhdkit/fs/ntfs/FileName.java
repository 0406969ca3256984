package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;

/**
 * The value of a {@code $FILE_NAME} attribute, which is also the key of a directory index entry
 * ({@code FILE_NAME_ATTR}). Offsets: 0x00 parent directory reference u64, 0x08-0x27 four times, 0x28 allocated size,
 * 0x30 data size, 0x38 file attributes u32, 0x3C EA size or reparse tag, 0x40 name length u8 (UTF-16 units),
 * 0x41 namespace u8, 0x42 the name. The times, sizes and attributes are copies Windows refreshes lazily; only the
 * name, its namespace and the parent are read.
 *
 * @param parent     the file reference of the directory that holds this name
 * @param attributes the file attributes copied into the name ({@link Ntfs#FILE_ATTR_REPARSE_POINT}; 0x10000000 for
 *                   a directory)
 * @param reparseTag the reparse tag, when the attributes say the file is a reparse point (else the EA size)
 * @param name       the name
 * @param namespace  {@link #POSIX}, {@link #WIN32}, {@link #DOS} or {@link #WIN32_AND_DOS}
 */
record FileName(long parent, int attributes, int reparseTag, String name, int namespace) {

    static final int OFFSET_PARENT = 0x00;
    static final int OFFSET_ATTRIBUTES = 0x38;
    static final int OFFSET_REPARSE_TAG = 0x3C;
    static final int OFFSET_NAME_LENGTH = 0x40;
    static final int OFFSET_NAMESPACE = 0x41;
    static final int OFFSET_NAME = 0x42;

    /** Case-sensitive, any character but NUL and '/'. */
    static final int POSIX = 0;
    /** The long name of a file that also has a DOS name. */
    static final int WIN32 = 1;
    /** The 8.3 alias of a long name; never listed on its own. */
    static final int DOS = 2;
    /** A name that is both a valid long name and a valid 8.3 name. */
    static final int WIN32_AND_DOS = 3;

    /** Whether this is only an 8.3 alias of another name of the same file. */
    boolean dosOnly() {
        return namespace == DOS;
    }

    static FileName decode(byte[] v, int from, int length, String structure, long at)
            throws CorruptFormatException {
        if (length < OFFSET_NAME) {
            throw new CorruptFormatException(Ntfs.ref(structure, "$FILE_NAME length", at),
                    Integer.toString(length), "at least " + OFFSET_NAME);
        }
        int nameLength = Ntfs.u8(v, from + OFFSET_NAME_LENGTH);
        int namespace = Ntfs.u8(v, from + OFFSET_NAMESPACE);
        if (nameLength == 0 || OFFSET_NAME + 2 * nameLength > length) {
            throw new CorruptFormatException(Ntfs.ref(structure, "$FILE_NAME name length", at + OFFSET_NAME_LENGTH),
                    Integer.toString(nameLength), "from 1 to " + (length - OFFSET_NAME) / 2 + " (the "
                    + length + "-byte value)");
        }
        if (namespace > WIN32_AND_DOS) {
            throw new CorruptFormatException(Ntfs.ref(structure, "$FILE_NAME namespace", at + OFFSET_NAMESPACE),
                    Integer.toString(namespace), "0 (POSIX), 1 (Win32), 2 (DOS) or 3 (Win32 and DOS)");
        }
        String name = Ntfs.utf16(v, from + OFFSET_NAME, nameLength);
        if (name.indexOf('\0') >= 0 || name.indexOf('/') >= 0) {
            throw new CorruptFormatException(Ntfs.ref(structure, "$FILE_NAME name", at + OFFSET_NAME),
                    "the name \"" + name.replace('\0', '?') + "\" holds a NUL or '/', which no NTFS name may hold");
        }
        return new FileName(Ntfs.i64(v, from + OFFSET_PARENT), Ntfs.i32(v, from + OFFSET_ATTRIBUTES),
                Ntfs.i32(v, from + OFFSET_REPARSE_TAG), name, namespace);
    }
}
