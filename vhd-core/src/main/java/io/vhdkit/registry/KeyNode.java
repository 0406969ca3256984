package io.vhdkit.registry;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A key node ("nk" cell, spec: "Key node"), decoded field by field from the cell data. {@link #read} checks the
 * signature and that the name lies within the cell; the offsets it holds are checked when they are followed.
 *
 * @param cell              where the node is
 * @param flags             KEY_* flags ({@link #FLAG_COMP_NAME}, {@link #FLAG_HIVE_ENTRY}, {@link #FLAG_SYM_LINK}...)
 * @param lastWritten       FILETIME
 * @param parent            relative offset of the parent key node (no meaning for the root)
 * @param subkeyCount       stable subkeys
 * @param subkeyList        relative offset of the subkey list (a leaf or an index root)
 * @param valueCount        values
 * @param valueList         relative offset of the value list
 * @param security          relative offset of the key security ("sk") cell, not followed
 * @param className         relative offset of the class name
 * @param classNameLength   bytes of class name
 * @param name              the key name
 */
record KeyNode(Cell cell, int flags, long lastWritten, int parent, int subkeyCount, int subkeyList, int valueCount,
               int valueList, int security, int className, int classNameLength, String name) {

    static final int SIGNATURE = Regf.twoCC("nk");
    static final int OFFSET_SIGNATURE = 0;
    static final int OFFSET_FLAGS = 2;
    static final int OFFSET_LAST_WRITTEN = 4;
    static final int OFFSET_PARENT = 16;
    static final int OFFSET_SUBKEY_COUNT = 20;
    static final int OFFSET_SUBKEY_LIST = 28;
    static final int OFFSET_VALUE_COUNT = 36;
    static final int OFFSET_VALUE_LIST = 40;
    static final int OFFSET_SECURITY = 44;
    static final int OFFSET_CLASS_NAME = 48;
    static final int OFFSET_NAME_LENGTH = 72;
    static final int OFFSET_CLASS_NAME_LENGTH = 74;
    static final int OFFSET_NAME = 76;

    static final int FLAG_VOLATILE = 0x0001;
    static final int FLAG_HIVE_EXIT = 0x0002;
    static final int FLAG_HIVE_ENTRY = 0x0004;
    static final int FLAG_NO_DELETE = 0x0008;
    static final int FLAG_SYM_LINK = 0x0010;
    static final int FLAG_COMP_NAME = 0x0020;

    static final String STRUCTURE = "key node";

    /** Reads the key node at {@code offset}, which the field {@code from} points to. */
    static KeyNode read(Cells cells, int offset, io.vhdkit.format.FieldRef from) throws IOException {
        Cell cell = cells.cell(offset, STRUCTURE, from);
        ByteBuffer b = NamedCell.fixedPart(cells, cell, STRUCTURE, SIGNATURE, OFFSET_NAME);
        int flags = Short.toUnsignedInt(b.getShort(OFFSET_FLAGS));
        String name = NamedCell.name(cells, cell, b, OFFSET_NAME_LENGTH, OFFSET_NAME, (flags & FLAG_COMP_NAME) != 0);
        return new KeyNode(cell, flags, b.getLong(OFFSET_LAST_WRITTEN), b.getInt(OFFSET_PARENT),
                b.getInt(OFFSET_SUBKEY_COUNT), b.getInt(OFFSET_SUBKEY_LIST), b.getInt(OFFSET_VALUE_COUNT),
                b.getInt(OFFSET_VALUE_LIST), b.getInt(OFFSET_SECURITY), b.getInt(OFFSET_CLASS_NAME),
                Short.toUnsignedInt(b.getShort(OFFSET_CLASS_NAME_LENGTH)), name);
    }

    int offset() {
        return cell.offset();
    }

    /** A field of this node, for messages and as the origin of the offsets it holds. */
    io.vhdkit.format.FieldRef field(String field, int at) {
        return Cells.ref(cell, field, at);
    }
}
