package io.vhdkit.registry;

import io.vhdkit.format.FieldRef;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A key value ("vk" cell, spec: "Key value"), decoded field by field from the cell data.
 *
 * @param cell       where the value is
 * @param rawSize    the data size field: its top bit set means the data (at most 4 bytes) is in the data offset
 *                   field itself
 * @param dataOffset relative offset of the data cell, or the data
 * @param type       the data type (REG_*); any number is allowed
 * @param flags      {@link #FLAG_COMP_NAME}, {@link #FLAG_TOMBSTONE}
 * @param name       the value name; empty for the default value
 */
record ValueKey(Cell cell, int rawSize, int dataOffset, int type, int flags, String name) {

    static final int SIGNATURE = Regf.twoCC("vk");
    static final int OFFSET_SIGNATURE = 0;
    static final int OFFSET_NAME_LENGTH = 2;
    static final int OFFSET_DATA_SIZE = 4;
    static final int OFFSET_DATA_OFFSET = 8;
    static final int OFFSET_TYPE = 12;
    static final int OFFSET_FLAGS = 16;
    static final int OFFSET_NAME = 20;

    static final int FLAG_COMP_NAME = 0x0001;
    static final int FLAG_TOMBSTONE = 0x0002;
    /** The data size bit that marks data stored in the data offset field. */
    static final int DATA_INLINE = 0x8000_0000;

    static final String STRUCTURE = "key value";

    /** Reads the key value at {@code offset}, which the field {@code from} points to. */
    static ValueKey read(Cells cells, int offset, FieldRef from) throws IOException {
        Cell cell = cells.cell(offset, STRUCTURE, from);
        if (cell.dataLength() < OFFSET_NAME) {
            throw Cells.corrupt(cell, "cell size", -4, Integer.toString(-(cell.dataLength() + 4)),
                    "at most -" + (OFFSET_NAME + 4) + " (a key value is " + OFFSET_NAME + " bytes and its name)");
        }
        ByteBuffer b = cells.read(cell, 0, OFFSET_NAME);
        int signature = Short.toUnsignedInt(b.getShort(OFFSET_SIGNATURE));
        if (signature != SIGNATURE) {
            throw Cells.corrupt(cell, "signature", OFFSET_SIGNATURE,
                    Regf.signature(signature & 0xFF, signature >>> 8), "\"vk\"");
        }
        int flags = Short.toUnsignedInt(b.getShort(OFFSET_FLAGS));
        int nameLength = Short.toUnsignedInt(b.getShort(OFFSET_NAME_LENGTH));
        if (nameLength > cell.dataLength() - OFFSET_NAME) {
            throw Cells.corrupt(cell, "name length", OFFSET_NAME_LENGTH, Integer.toString(nameLength),
                    "at most " + (cell.dataLength() - OFFSET_NAME) + " (the rest of the cell)");
        }
        boolean compressed = (flags & FLAG_COMP_NAME) != 0;
        if (!compressed && nameLength % 2 != 0) {
            throw Cells.corrupt(cell, "name length", OFFSET_NAME_LENGTH, Integer.toString(nameLength),
                    "even (a UTF-16LE name)");
        }
        String name = Regf.name(cells.read(cell, OFFSET_NAME, nameLength), compressed);
        return new ValueKey(cell, b.getInt(OFFSET_DATA_SIZE), b.getInt(OFFSET_DATA_OFFSET), b.getInt(OFFSET_TYPE),
                flags, name);
    }

    boolean inline() {
        return (rawSize & DATA_INLINE) != 0;
    }

    /** The data size without the inline bit. */
    int dataSize() {
        return rawSize & ~DATA_INLINE;
    }

    FieldRef field(String field, int at) {
        return Cells.ref(cell, field, at);
    }
}
