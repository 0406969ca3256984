package io.vhdkit.registry;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Cells of the hive bins data, each checked before use: the offset is not null, inside the data, 8-byte aligned,
 * past the header of the hive bin that holds it; the cell is allocated (negative size), its size a multiple of 8
 * and it ends within its bin (spec: "Hive bin", "Cell"). The bins are found by following their headers from the
 * first one, as far as the cell asked for, and remembered; each header is checked (signature, its own offset, a
 * size that is a non-zero multiple of 4096 and ends within the hive bins data). Safe for concurrent use.
 */
final class Cells {

    private final HiveData data;
    private final int size;
    /** The bins found so far: [starts[i], ends[i]), in order; the next one starts at {@code frontier}. */
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private int count;
    private int frontier;

    Cells(HiveData data) {
        this.data = data;
        this.size = data.size();
    }

    HiveData data() {
        return data;
    }

    int size() {
        return size;
    }

    /**
     * The allocated cell at relative offset {@code offset}, which {@code from} (a field of another structure)
     * points to; {@code structure} names what the cell should hold.
     */
    Cell cell(int offset, String structure, FieldRef from) throws IOException {
        if (offset == Regf.NIL) {
            throw new CorruptFormatException(from, "0xFFFFFFFF", "the offset of a " + structure,
                    from.field() + " is 0xFFFFFFFF (no cell) - should point to a " + structure);
        }
        if (offset < 0 || offset >= size) {
            throw new CorruptFormatException(from, Regf.offset(offset), "below " + Regf.offset(size),
                    from.field() + " is " + Regf.offset(offset) + " - should be inside the hive bins data ("
                            + Regf.offset(size) + " bytes)");
        }
        if (offset % 8 != 0) {
            throw new CorruptFormatException(from, Regf.offset(offset), "a multiple of 8",
                    from.field() + " is " + Regf.offset(offset) + " - should be a multiple of 8 (cells are 8-byte "
                            + "aligned)");
        }
        int[] bin = bin(offset);
        if (offset < bin[0] + HiveBinHeader.SIZE) {
            throw new CorruptFormatException(from, Regf.offset(offset), "past the hive bin header",
                    from.field() + " is " + Regf.offset(offset) + ": it points into the header of the hive bin at "
                            + Regf.offset(bin[0]));
        }
        int raw = data.read(offset, 4).getInt(0);
        long at = Regf.fileOffset(offset);
        if (raw >= 0) {
            throw Regf.corrupt(structure, "cell size", at, Integer.toString(raw), "negative (allocated)",
                    "cell size is " + raw + " - should be negative: the " + structure + " " + from.field()
                            + " points to is a free cell");
        }
        long length = -(long) raw;
        if (length < 8 || length % 8 != 0) {
            throw Regf.corrupt(structure, "cell size", at, Long.toString(raw), "a negative multiple of 8");
        }
        if (length > bin[1] - offset) {
            throw Regf.corrupt(structure, "cell size", at, Long.toString(raw),
                    "at least -" + (bin[1] - offset), String.format(Locale.ROOT,
                            "cell size is %d - the cell would end past its hive bin (%s to %s)", raw,
                            Regf.offset(bin[0]), Regf.offset(bin[1])));
        }
        return new Cell(offset, (int) length - 4, structure);
    }

    /** {@code length} bytes of the cell's data from byte {@code at}; the caller checked they are there. */
    ByteBuffer read(Cell cell, int at, int length) throws IOException {
        if (at < 0 || length < 0 || length > cell.dataLength() - at) {
            throw new IllegalArgumentException(length + " bytes at " + at + " of a cell of " + cell.dataLength());
        }
        return data.read(cell.offset() + 4 + at, length);
    }

    /** The hive bin [start, end) holding relative offset {@code offset} (inside the data). */
    private synchronized int[] bin(int offset) throws IOException {
        while (frontier <= offset) {
            walkOne();
        }
        int i = Arrays.binarySearch(starts, 0, count, offset);
        int index = i >= 0 ? i : -i - 2;
        return new int[] {starts[index], ends[index]};
    }

    /** Checks the header of the bin at the frontier and adds it. */
    private void walkOne() throws IOException {
        int at = frontier;
        long fileAt = Regf.fileOffset(at);
        if (size - at < HiveBinHeader.SIZE) {
            throw Regf.corrupt("hive bin", "", fileAt, "the hive bins data ends " + (size - at)
                    + " bytes after the last hive bin: too short for a hive bin header");
        }
        HiveBinHeader h = HiveBinHeader.decode(data.readUncached(at, HiveBinHeader.SIZE));
        if (h.signature() != HiveBinHeader.SIGNATURE) {
            throw Regf.corrupt("hive bin", "signature", fileAt, Regf.signature(h.signature()), "\"hbin\"");
        }
        if (h.offset() != at) {
            throw Regf.corrupt("hive bin", "offset", fileAt + HiveBinHeader.OFFSET_OFFSET, Regf.offset(h.offset()),
                    Regf.offset(at) + " (where the bin is)");
        }
        if (h.size() < Regf.BIN_ALIGNMENT || h.size() % Regf.BIN_ALIGNMENT != 0 || h.size() > size - at) {
            throw Regf.corrupt("hive bin", "size", fileAt + HiveBinHeader.OFFSET_SIZE, Regf.offset(h.size()),
                    "a non-zero multiple of 0x1000 of at most " + Regf.offset(size - at)
                            + " (to the end of the hive bins data)");
        }
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
        }
        starts[count] = at;
        ends[count] = at + h.size();
        count++;
        frontier = at + h.size();
    }

    /** Reference to a field of a structure stored in a cell. */
    static FieldRef ref(Cell cell, String field, int at) {
        return Regf.ref(cell.structure(), field, cell.fileOffset(at));
    }

    /** A field-value mismatch inside a cell. */
    static FormatException corrupt(Cell cell, String field, int at, String actual, String expected) {
        return new CorruptFormatException(ref(cell, field, at), actual, expected);
    }
}
