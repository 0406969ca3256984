package io.vhdkit.registry;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The layout key nodes and key values share (MS-REGF 2.4.1 and 2.4.2): a fixed part that starts with a two-letter
 * signature and holds a name length, then the name, Latin-1 when the record's "compressed name" flag is set, else
 * UTF-16LE.
 */
final class NamedCell {

    private NamedCell() {
    }

    /**
     * The fixed part of {@code cell}: its first {@code nameOffset} bytes, after checking that the cell holds them and
     * that it starts with {@code signature}.
     */
    static ByteBuffer fixedPart(Cells cells, Cell cell, String structure, int signature, int nameOffset)
            throws IOException {
        if (cell.dataLength() < nameOffset) {
            throw Cells.corrupt(cell, "cell size", -4, Integer.toString(-(cell.dataLength() + 4)),
                    "at most -" + (nameOffset + 4) + " (a " + structure + " is " + nameOffset + " bytes and its name)");
        }
        ByteBuffer b = cells.read(cell, 0, nameOffset);
        int found = Short.toUnsignedInt(b.getShort(0));
        if (found != signature) {
            throw Cells.corrupt(cell, "signature", 0, Regf.signature(found & 0xFF, found >>> 8),
                    Regf.signature(signature & 0xFF, signature >>> 8));
        }
        return b;
    }

    /** The name that follows the fixed part, its length read at {@code nameLengthOffset}. */
    static String name(Cells cells, Cell cell, ByteBuffer fixed, int nameLengthOffset, int nameOffset,
                       boolean compressed) throws IOException {
        int nameLength = Short.toUnsignedInt(fixed.getShort(nameLengthOffset));
        if (nameLength > cell.dataLength() - nameOffset) {
            throw Cells.corrupt(cell, "name length", nameLengthOffset, Integer.toString(nameLength),
                    "at most " + (cell.dataLength() - nameOffset) + " (the rest of the cell)");
        }
        if (!compressed && nameLength % 2 != 0) {
            throw Cells.corrupt(cell, "name length", nameLengthOffset, Integer.toString(nameLength),
                    "even (a UTF-16LE name)");
        }
        return Regf.name(cells.read(cell, nameOffset, nameLength), compressed);
    }
}
