package io.vhdkit.registry;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A registry key: a key node of a {@link Hive}, with its path from the hive's root. Names are compared as Windows
 * compares them (upper-cased, code unit by code unit). Every subkey read is checked to name this key as its parent
 * (as Windows' hive check does), and the root cannot be anyone's subkey: so the keys reachable from the root form
 * a tree and walking it ends. Keys deeper than {@link #MAX_DEPTH} levels are refused. Immutable and safe for
 * concurrent use.
 */
public final class RegistryKey {

    /** Windows' limit on key depth. */
    public static final int MAX_DEPTH = 512;
    /** The most values one key may have here. */
    static final int MAX_VALUES = 1 << 20;
    static final String SYMBOLIC_LINK_VALUE = "SymbolicLinkValue";

    private final Hive hive;
    private final KeyNode node;
    private final String path;
    private final int depth;

    RegistryKey(Hive hive, KeyNode node, String path, int depth) {
        this.hive = hive;
        this.node = node;
        this.path = path;
        this.depth = depth;
    }

    /** The key's name (for the root, the name stored in the hive, such as {@code ROOT} or {@code CMI-CreateHive{...}}). */
    public String name() {
        return node.name();
    }

    /** The path from the hive's root, names separated by backslashes; empty for the root. */
    public String path() {
        return path;
    }

    /** Levels below the root (0 for the root). */
    public int depth() {
        return depth;
    }

    /** The last-written time as stored: a FILETIME. */
    public long lastWrittenFiletime() {
        return node.lastWritten();
    }

    public Instant lastWritten() {
        return Regf.filetime(node.lastWritten());
    }

    /** The key node's flags (KEY_HIVE_ENTRY 0x4, KEY_SYM_LINK 0x10, KEY_COMP_NAME 0x20, ...). */
    public int flags() {
        return node.flags();
    }

    /**
     * Whether the key is a symbolic link (KEY_SYM_LINK): its target is in its {@code SymbolicLinkValue} value (see
     * {@link #symbolicLinkTarget()}). Links are not followed: their targets name keys of the running system
     * ({@code \REGISTRY\MACHINE\...}), often in other hives.
     */
    public boolean isSymbolicLink() {
        return (node.flags() & KeyNode.FLAG_SYM_LINK) != 0;
    }

    /** Whether the name is stored as extended ASCII (KEY_COMP_NAME) rather than UTF-16LE. */
    public boolean compressedName() {
        return (node.flags() & KeyNode.FLAG_COMP_NAME) != 0;
    }

    public int subkeyCount() {
        return node.subkeyCount();
    }

    public int valueCount() {
        return node.valueCount();
    }

    /** The file offset of the key node's cell. */
    public long offset() {
        return Regf.fileOffset(node.offset());
    }

    public Hive hive() {
        return hive;
    }

    /** The subkeys, in the order of the subkey list (sorted by upper-cased name, when the writer kept the rule). */
    public List<RegistryKey> subkeys() throws IOException {
        List<SubkeyList.Entry> entries = SubkeyList.read(hive.cells(), node);
        List<RegistryKey> out = new ArrayList<>(entries.size());
        Set<Integer> seen = new HashSet<>();
        for (SubkeyList.Entry e : entries) {
            if (!seen.add(e.keyNode())) {
                throw new CorruptFormatException(e.from(), Regf.offset(e.keyNode()), "a key node listed once",
                        "the subkey list lists the key node at " + Regf.offset(e.keyNode()) + " twice");
            }
            out.add(child(e));
        }
        return out;
    }

    /**
     * The subkey named {@code name}, compared case-insensitively. The lf name hints and lh hashes only choose which
     * entries are read first: an entry whose hint does not match is still read before the answer is "no such key".
     */
    public Optional<RegistryKey> subkey(String name) throws IOException {
        List<SubkeyList.Entry> entries = SubkeyList.read(hive.cells(), node);
        int hash = Names.hash(name);
        boolean[] tried = new boolean[entries.size()];
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < entries.size(); i++) {
                SubkeyList.Entry e = entries.get(i);
                if (tried[i] || pass == 0 && !hinted(e, name, hash)) {
                    continue;
                }
                tried[i] = true;
                RegistryKey k = child(e);
                if (Names.equal(k.name(), name)) {
                    return Optional.of(k);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean hinted(SubkeyList.Entry e, String name, int hash) {
        if (e.kind() == SubkeyList.LH) {
            return e.hint() == hash;
        }
        if (e.kind() == SubkeyList.LF) {
            return Names.hintMatches(e.hint(), name);
        }
        return true;
    }

    /**
     * The key at {@code relativePath} below this one: names separated by backslashes, compared case-insensitively;
     * empty names (leading, trailing or doubled backslashes) are skipped, so the empty path is this key.
     *
     * @throws IllegalArgumentException when the path has more than {@link #MAX_DEPTH} names
     */
    public Optional<RegistryKey> key(String relativePath) throws IOException {
        String[] parts = relativePath.split("\\\\");
        if (parts.length > MAX_DEPTH) {
            throw new IllegalArgumentException("a registry path has at most " + MAX_DEPTH + " names: " + parts.length);
        }
        RegistryKey k = this;
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            Optional<RegistryKey> next = k.subkey(part);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            k = next.get();
        }
        return Optional.of(k);
    }

    private RegistryKey child(SubkeyList.Entry e) throws IOException {
        FieldRef from = e.from();
        if (e.keyNode() == hive.rootOffset()) {
            throw new CorruptFormatException(from, Regf.offset(e.keyNode()), "a key node other than the root",
                    from.field() + " points to the root key node: the subkey lists form a cycle");
        }
        KeyNode child = KeyNode.read(hive.cells(), e.keyNode(), from);
        if (child.parent() != node.offset()) {
            throw new CorruptFormatException(child.field("parent", KeyNode.OFFSET_PARENT), Regf.offset(child.parent()),
                    Regf.offset(node.offset()), "parent is " + Regf.offset(child.parent()) + " - should be "
                            + Regf.offset(node.offset()) + " (the key whose subkey list holds it)");
        }
        if (depth + 1 > MAX_DEPTH) {
            throw new UnsupportedFormatException(from, Integer.toString(depth + 1), "at most " + MAX_DEPTH,
                    "key " + path + " has subkeys " + (depth + 1) + " levels below the root: more than "
                            + MAX_DEPTH);
        }
        return new RegistryKey(hive, child, path.isEmpty() ? child.name() : path + "\\" + child.name(), depth + 1);
    }

    /** The values, in the order of the value list. */
    public List<RegistryValue> values() throws IOException {
        int n = node.valueCount();
        if (n == 0) {
            return List.of();
        }
        FieldRef countField = node.field("value count", KeyNode.OFFSET_VALUE_COUNT);
        if (n < 0 || n > MAX_VALUES) {
            throw new UnsupportedFormatException(countField, Integer.toUnsignedString(n), "at most " + MAX_VALUES);
        }
        Cell list = hive.cells().cell(node.valueList(), "value list",
                node.field("value list offset", KeyNode.OFFSET_VALUE_LIST));
        if (list.dataLength() / 4 < n) {
            throw new CorruptFormatException(countField, Integer.toString(n), "at most " + list.dataLength() / 4,
                    "value count is " + n + " - the value list at " + Regf.offset(list.offset()) + " holds at most "
                            + list.dataLength() / 4);
        }
        ByteBuffer offsets = hive.cells().read(list, 0, 4 * n);
        List<RegistryValue> out = new ArrayList<>(n);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            FieldRef from = Cells.ref(list, "element " + i, 4 * i);
            int at = offsets.getInt(4 * i);
            if (!seen.add(at)) {
                throw new CorruptFormatException(from, Regf.offset(at), "a key value listed once",
                        "the value list lists the key value at " + Regf.offset(at) + " twice");
            }
            out.add(new RegistryValue(hive, ValueKey.read(hive.cells(), at, from), path));
        }
        return out;
    }

    /** The value named {@code name} (empty for the default value), compared case-insensitively. */
    public Optional<RegistryValue> value(String name) throws IOException {
        for (RegistryValue v : values()) {
            if (Names.equal(v.name(), name)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** The target of a symbolic link key: its {@code SymbolicLinkValue}; empty when this is not a link. */
    public Optional<String> symbolicLinkTarget() throws IOException {
        if (!isSymbolicLink()) {
            return Optional.empty();
        }
        Optional<RegistryValue> v = value(SYMBOLIC_LINK_VALUE);
        return v.isPresent() ? v.get().string() : Optional.empty();
    }

    /** The class name, if the key has one (UTF-16LE). */
    public Optional<String> className() throws IOException {
        int length = node.classNameLength();
        if (length == 0 || node.className() == Regf.NIL) {
            return Optional.empty();
        }
        Cell cell = hive.cells().cell(node.className(), "class name",
                node.field("class name offset", KeyNode.OFFSET_CLASS_NAME));
        if (length > cell.dataLength()) {
            throw new CorruptFormatException(node.field("class name length", KeyNode.OFFSET_CLASS_NAME_LENGTH),
                    Integer.toString(length), "at most " + cell.dataLength() + " (the class name cell)");
        }
        return Optional.of(Regf.name(hive.cells().read(cell, 0, length & ~1), false));
    }

    @Override
    public String toString() {
        return path.isEmpty() ? "\\" : path;
    }
}
