package io.vhdkit.registry;

/**
 * An allocated cell: its relative offset and the length of its data (the cell size without the 4-byte size field,
 * padding included). Cells are 8-byte aligned and never cross the end of their hive bin (spec: "Cell").
 *
 * @param offset     relative offset of the cell (of its size field)
 * @param dataLength bytes of cell data
 * @param structure  what the cell was read as, for messages
 */
record Cell(int offset, int dataLength, String structure) {

    /** The file offset of the byte {@code at} of the cell data. */
    long fileOffset(int at) {
        return Regf.fileOffset(offset) + 4 + at;
    }
}
