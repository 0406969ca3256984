package io.vhdkit.registry;

import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads the data of a key value (spec: "Key value", "Data size", "Big data"): up to 4 bytes in the data offset field
 * itself; else one cell; else, in hives of minor version 4 and later with more than 16344 bytes, a big data record
 * ("db": a segment count and a list of segment cells, each holding 16344 bytes but the last). A big value in one
 * cell is read too (Windows writes big data only from minor version 4 on; hivex writes one cell at any version).
 */
final class ValueData {

    /** Bytes in each big data segment but the last ({@code CM_KEY_VALUE_BIG}). */
    static final int SEGMENT = 16344;
    /** The largest value read (Windows allows about 1 GiB; real values stay far below this). */
    static final int MAX_SIZE = 64 << 20;

    static final int DB = Regf.twoCC("db");

    private ValueData() {
    }

    static byte[] read(Cells cells, ValueKey vk, int minorVersion) throws IOException {
        int size = vk.dataSize();
        FieldRef sizeField = vk.field("data size", ValueKey.OFFSET_DATA_SIZE);
        if (vk.inline()) {
            if (size > 4) {
                throw new io.vhdkit.format.CorruptFormatException(sizeField, Regf.hex(vk.rawSize()),
                        "at most 0x80000004", "data size is " + Regf.hex(vk.rawSize())
                                + " - data stored in the data offset field (top bit set) has at most 4 bytes");
            }
            byte[] b = new byte[size];
            ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, vk.dataOffset()).get(0, b);
            return b;
        }
        if (size == 0) {
            return new byte[0];
        }
        if (size > MAX_SIZE) {
            throw new UnsupportedFormatException(sizeField, Integer.toString(size), "at most " + MAX_SIZE,
                    "data size is " + size + " bytes: values above " + MAX_SIZE + " bytes are not read");
        }
        FieldRef from = vk.field("data offset", ValueKey.OFFSET_DATA_OFFSET);
        Cell cell = cells.cell(vk.dataOffset(), "value data", from);
        if (minorVersion > 3 && size > SEGMENT && cell.dataLength() >= 4
                && (cells.read(cell, 0, 2).getShort(0) & 0xFFFF) == DB
                && (cell.dataLength() < size || looksLikeBigData(cells, cell, size))) {
            return bigData(cells, new Cell(cell.offset(), cell.dataLength(), "big data"), size);
        }
        if (cell.dataLength() < size) {
            throw Regf.corrupt("value data", "cell size", cell.fileOffset(-4), Integer.toString(-(cell.dataLength() + 4)),
                    "at most -" + (size + 4), "cell size is " + -(cell.dataLength() + 4) + " - the cell holds "
                            + cell.dataLength() + " bytes, the key value at " + Regf.offset(vk.cell().offset())
                            + " has " + size);
        }
        return readArray(cells, cell, 0, size);
    }

    /** Whether a large cell that starts with "db" is a big data record rather than raw data. */
    private static boolean looksLikeBigData(Cells cells, Cell cell, int size) throws IOException {
        int n = cells.read(cell, 2, 2).getShort(0) & 0xFFFF;
        return n >= 2 && (long) (n - 1) * SEGMENT < size && (long) n * SEGMENT >= size;
    }

    private static byte[] bigData(Cells cells, Cell db, int size) throws IOException {
        if (db.dataLength() < 8) {
            throw Cells.corrupt(db, "cell size", -4, Integer.toString(-(db.dataLength() + 4)), "at most -12");
        }
        ByteBuffer h = cells.read(db, 0, 8);
        int n = h.getShort(2) & 0xFFFF;
        int wanted = (int) ((size + (long) SEGMENT - 1) / SEGMENT);
        if (n != wanted) {
            throw Cells.corrupt(db, "number of segments", 2, Integer.toString(n),
                    wanted + " (" + size + " bytes in segments of " + SEGMENT + ")");
        }
        Cell list = cells.cell(h.getInt(4), "big data segment list", Cells.ref(db, "segment list offset", 4));
        if (list.dataLength() / 4 < n) {
            throw Cells.corrupt(list, "cell size", -4, Integer.toString(-(list.dataLength() + 4)),
                    "at most -" + (4L * n + 4) + " (" + n + " segment offsets)");
        }
        ByteBuffer offsets = cells.read(list, 0, 4 * n);
        byte[] out = new byte[size];
        for (int i = 0; i < n; i++) {
            int length = Math.min(SEGMENT, size - i * SEGMENT);
            Cell segment = cells.cell(offsets.getInt(4 * i), "big data segment",
                    Cells.ref(list, "segment " + i + " offset", 4 * i));
            if (segment.dataLength() < length) {
                throw Cells.corrupt(segment, "cell size", -4, Integer.toString(-(segment.dataLength() + 4)),
                        "at most -" + (length + 4) + " (segment " + i + " holds " + length + " bytes)");
            }
            cells.read(segment, 0, length).get(out, i * SEGMENT, length);
        }
        return out;
    }

    private static byte[] readArray(Cells cells, Cell cell, int at, int length) throws IOException {
        byte[] out = new byte[length];
        cells.read(cell, at, length).get(out);
        return out;
    }
}
