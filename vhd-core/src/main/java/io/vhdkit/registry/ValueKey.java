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
        ByteBuffer b = NamedCell.fixedPart(cells, cell, STRUCTURE, SIGNATURE, OFFSET_NAME);
        int flags = Short.toUnsignedInt(b.getShort(OFFSET_FLAGS));
        String name = NamedCell.name(cells, cell, b, OFFSET_NAME_LENGTH, OFFSET_NAME, (flags & FLAG_COMP_NAME) != 0);
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
