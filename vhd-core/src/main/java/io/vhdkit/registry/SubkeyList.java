package io.vhdkit.registry;

import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The subkey list of a key node, flattened: an index leaf ("li": offsets), a fast leaf ("lf": offsets and a
 * four-character name hint), a hash leaf ("lh": offsets and a name hash) or an index root ("ri") over such leaves
 * (spec: "Index leaf" to "Index root"). An index root that points to an index root is refused (spec: "An Index root
 * can't point to another Index root"), so the structure is at most two levels deep and has no cycles; the same leaf
 * twice in one root is refused too. The entries must add up to the key node's subkey count.
 */
final class SubkeyList {

    static final int LI = Regf.twoCC("li");
    static final int LF = Regf.twoCC("lf");
    static final int LH = Regf.twoCC("lh");
    static final int RI = Regf.twoCC("ri");

    /** The most subkeys one key may have here (the largest real keys hold some tens of thousands). */
    static final int MAX_SUBKEYS = 1 << 20;

    static final String STRUCTURE = "subkey list";

    /**
     * One subkey.
     *
     * @param keyNode    relative offset of its key node
     * @param kind       {@link #LI}, {@link #LF} or {@link #LH}: the leaf it is in
     * @param hint       the lf name hint or lh name hash (0 for li)
     * @param from       the entry's field, for messages
     */
    record Entry(int keyNode, int kind, int hint, FieldRef from) {
    }

    private SubkeyList() {
    }

    static List<Entry> read(Cells cells, KeyNode key) throws IOException {
        int expected = key.subkeyCount();
        if (expected == 0) {
            return List.of();
        }
        if (expected < 0 || expected > MAX_SUBKEYS) {
            throw new UnsupportedFormatException(key.field("subkey count", KeyNode.OFFSET_SUBKEY_COUNT),
                    Integer.toUnsignedString(expected), "at most " + MAX_SUBKEYS);
        }
        Cell list = cells.cell(key.subkeyList(), STRUCTURE, key.field("subkey list offset",
                KeyNode.OFFSET_SUBKEY_LIST));
        List<Entry> out = new ArrayList<>(Math.min(expected, 4096));
        int signature = header(cells, list).getShort(0) & 0xFFFF;
        if (signature == RI) {
            int leaves = count(cells, list, 4);
            ByteBuffer offsets = cells.read(list, 4, 4 * leaves);
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < leaves; i++) {
                FieldRef from = Cells.ref(list, "leaf " + i + " offset", 4 + 4 * i);
                int at = offsets.getInt(4 * i);
                if (!seen.add(at)) {
                    throw Regf.corrupt(STRUCTURE, from.field(), from.offset(), "the index root lists the leaf at "
                            + Regf.offset(at) + " twice");
                }
                Cell leaf = cells.cell(at, STRUCTURE, from);
                int kind = header(cells, leaf).getShort(0) & 0xFFFF;
                if (kind == RI) {
                    throw Regf.corrupt(STRUCTURE, "signature", leaf.fileOffset(0), "\"ri\"", "\"li\", \"lf\" or \"lh\"",
                            "signature is \"ri\" - should be \"li\", \"lf\" or \"lh\": an index root (at "
                                    + Regf.offset(list.offset()) + ") cannot point to an index root");
                }
                leaf(cells, leaf, kind, out, expected, key);
            }
        } else {
            leaf(cells, list, signature, out, expected, key);
        }
        if (out.size() != expected) {
            throw new io.vhdkit.format.CorruptFormatException(key.field("subkey count", KeyNode.OFFSET_SUBKEY_COUNT),
                    Integer.toString(expected), Integer.toString(out.size()),
                    "subkey count is " + expected + " - should be " + out.size() + " (the entries of its subkey list)");
        }
        return out;
    }

    private static ByteBuffer header(Cells cells, Cell list) throws IOException {
        if (list.dataLength() < 4) {
            throw Cells.corrupt(list, "cell size", -4, Integer.toString(-(list.dataLength() + 4)),
                    "at most -8 (a list header is 4 bytes)");
        }
        return cells.read(list, 0, 4);
    }

    /** The element count of a list, which must fit in its cell with elements of {@code width} bytes. */
    private static int count(Cells cells, Cell list, int width) throws IOException {
        int n = cells.read(list, 2, 2).getShort(0) & 0xFFFF;
        if (n > (list.dataLength() - 4) / width) {
            throw Cells.corrupt(list, "number of elements", 2, Integer.toString(n),
                    "at most " + (list.dataLength() - 4) / width + " (what the cell holds)");
        }
        return n;
    }

    private static void leaf(Cells cells, Cell leaf, int kind, List<Entry> out, int expected, KeyNode key)
            throws IOException {
        int width;
        if (kind == LI) {
            width = 4;
        } else if (kind == LF || kind == LH) {
            width = 8;
        } else {
            throw Cells.corrupt(leaf, "signature", 0, Regf.signature(kind & 0xFF, kind >>> 8),
                    "\"li\", \"lf\", \"lh\" or \"ri\"");
        }
        int n = count(cells, leaf, width);
        if (n > expected - out.size()) {
            throw new io.vhdkit.format.CorruptFormatException(key.field("subkey count", KeyNode.OFFSET_SUBKEY_COUNT),
                    Integer.toString(expected), "at least " + (out.size() + n),
                    "subkey count is " + expected + " - its subkey list holds more entries");
        }
        ByteBuffer b = cells.read(leaf, 4, n * width);
        for (int i = 0; i < n; i++) {
            int hint = width == 8 ? b.getInt(i * width + 4) : 0;
            out.add(new Entry(b.getInt(i * width), kind, hint, Cells.ref(leaf, "element " + i, 4 + i * width)));
        }
    }
}
