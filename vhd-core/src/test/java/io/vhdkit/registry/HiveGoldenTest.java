package io.vhdkit.registry;

import static io.vhdkit.registry.RegistryTestSupport.fixChecksum;
import static io.vhdkit.registry.RegistryTestSupport.golden;
import static io.vhdkit.registry.RegistryTestSupport.put16;
import static io.vhdkit.registry.RegistryTestSupport.put32;
import static io.vhdkit.registry.RegistryTestSupport.u16;
import static io.vhdkit.registry.RegistryTestSupport.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.registry.ReplayStatus.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The golden hive (golden.hive.gz, made by fixtures/registry/mkgolden.sh: hivexregedit and regf_edit.py): its
 * structures decoded, then one field at a time changed, with the exact message each change must give.
 */
class HiveGoldenTest {

    static byte[] hive() {
        return golden("golden.hive.gz");
    }

    static Hive open(byte[] b) throws IOException {
        return Hive.open(b);
    }

    /** The file offset of the key node of {@code path}. */
    static int nk(String path) throws IOException {
        return (int) open(hive()).key(path).orElseThrow().offset();
    }

    /** The file offset of a key value's cell. */
    static int vk(String path, String name) throws IOException {
        return (int) open(hive()).value(path, name).orElseThrow().offset();
    }

    /** The file offset of the cell a relative offset field at {@code fieldAt} points to. */
    static int target(byte[] b, int fieldAt) {
        return 4096 + u32(b, fieldAt);
    }

    static <T extends FormatException> T fails(Class<T> type, String message, Executable e) {
        T x = assertThrows(type, e);
        assertEquals(message, x.getMessage());
        return x;
    }

    @Test
    void readsAsHivexReadsIt() throws IOException {
        Hive h = open(hive());
        List<String> expected = Arrays.asList(new String(golden("golden.hivex.tsv.gz"), StandardCharsets.UTF_8)
                .split("\n"));
        assertEquals(expected, RegistryTestSupport.dump(h));
    }

    @Test
    void baseBlock() throws IOException {
        Hive h = open(hive());
        BaseBlock b = h.baseBlock();
        assertEquals(b, h.primaryBaseBlock());
        assertTrue(b.signatureValid());
        assertTrue(b.checksumValid());
        assertEquals(1, b.majorVersion());
        assertEquals(5, b.minorVersion());
        assertEquals("1.5", b.version());
        assertEquals(BaseBlock.TYPE_PRIMARY, b.fileType());
        assertEquals(1, b.fileFormat());
        assertEquals(0x20, b.rootCell());
        assertEquals("GOLDEN", b.fileName());
        assertEquals(b.primarySequence(), b.secondarySequence());
        assertEquals(b.hiveBinsDataSize(), h.hiveBinsDataSize());
        assertEquals(hive().length - 4096, b.hiveBinsDataSize());
        assertEquals(Kind.CLEAN, h.replayStatus().kind());
        assertEquals("hive (regf 1.5, clean)", h.toString());
        assertEquals(java.time.Instant.parse("2019-04-17T18:40:00Z"), Regf.filetime(132000000000000000L));
    }

    @Test
    void goldenValues() throws IOException {
        Hive h = open(hive());
        assertEquals(Optional.of("default"), h.value("Types", "").orElseThrow().string());
        assertArrayEquals(new byte[] {(byte) 0xA0, (byte) 0xA1, (byte) 0xA2}, h.value("types", "BINARY-3")
                .orElseThrow().data());
        assertEquals(OptionalLong.of(0x12345678), h.value("Types", "dword-big-endian").orElseThrow().integer());
        assertEquals(Optional.of(List.of("one", "", "three")), h.value("Types", "multi-sz").orElseThrow()
                .multiString());
        assertEquals(20000, h.value("Big", "big-20000").orElseThrow().data().length);
        assertEquals(List.of("alpha", "Bravo", "CHARLIE", "delta", "Echo", "zulu"),
                h.key("Lists\\RiMix").orElseThrow().subkeys().stream().map(RegistryKey::name).toList());
        assertEquals(Optional.of("\\REGISTRY\\MACHINE\\SOFTWARE\\Target"),
                h.key("Link").orElseThrow().symbolicLinkTarget());
        assertEquals(OptionalLong.of(5), h.value("deep\\l1\\l2\\l3\\l4\\l5", "DEPTH").orElseThrow().integer());
    }

    // ---------------------------------------------------------------------------------------- base block

    @Test
    void notAHive() {
        byte[] b = hive();
        b[0] = 'x';
        fails(NotThisFormatException.class, "regf base block @0x0: signature is \"xegf\" - should be \"regf\"",
                () -> open(b));
        fails(NotThisFormatException.class, "regf base block @0x0: the file is 3 bytes: not a registry hive",
                () -> open(new byte[3]));
        fails(CorruptFormatException.class, "regf base block @0x0: the file is 100 bytes: shorter than the "
                + "4096-byte base block", () -> open(Arrays.copyOf(hive(), 100)));
    }

    @Test
    void baseBlockFields() throws IOException {
        byte[] v = hive();
        put32(v, BaseBlock.OFFSET_MAJOR_VERSION, 2);
        fixChecksum(v, 0);
        fails(UnsupportedFormatException.class, "regf base block @0x14: version is 2.5 - should be 1.3, 1.4, 1.5 or "
                + "1.6 (1.1 and 1.2 are Windows NT 3.x hives, not read)", () -> open(v));
        byte[] m = hive();
        put32(m, BaseBlock.OFFSET_MINOR_VERSION, 2);
        fixChecksum(m, 0);
        fails(UnsupportedFormatException.class, "regf base block @0x14: version is 1.2 - should be 1.3, 1.4, 1.5 or "
                + "1.6 (1.1 and 1.2 are Windows NT 3.x hives, not read)", () -> open(m));
        byte[] f = hive();
        put32(f, BaseBlock.OFFSET_FILE_FORMAT, 2);
        fixChecksum(f, 0);
        fails(UnsupportedFormatException.class, "regf base block @0x20: file format is 2 - should be 1 (direct memory "
                + "load)", () -> open(f));
        byte[] s = hive();
        put32(s, BaseBlock.OFFSET_HIVE_BINS_DATA_SIZE, 0x1001);
        fixChecksum(s, 0);
        fails(CorruptFormatException.class, "regf base block @0x28: hive bins data size is 0x00001001 - should be a "
                + "non-zero multiple of 0x1000", () -> open(s));
        byte[] l = hive();
        put32(l, BaseBlock.OFFSET_HIVE_BINS_DATA_SIZE, l.length);
        fixChecksum(l, 0);
        fails(CorruptFormatException.class, String.format("regf base block @0x28: hive bins data size is 0x%08X - "
                + "the file holds only %d bytes after the base block", l.length, l.length - 4096), () -> open(l));
        byte[] r = hive();
        put32(r, BaseBlock.OFFSET_ROOT_CELL, -1);
        fixChecksum(r, 0);
        Hive hr = open(r);
        fails(CorruptFormatException.class, "regf base block @0x24: root cell offset is 0xFFFFFFFF (no cell) - should "
                + "point to a key node", hr::root);
        byte[] a = hive();
        put32(a, BaseBlock.OFFSET_ROOT_CELL, 0x24);
        fixChecksum(a, 0);
        fails(CorruptFormatException.class, "regf base block @0x24: root cell offset is 0x24 - should be a multiple of "
                + "8 (cells are 8-byte aligned)", () -> open(a).root());
        byte[] o = hive();
        put32(o, BaseBlock.OFFSET_ROOT_CELL, 0x7FFFFFF8);
        fixChecksum(o, 0);
        fails(CorruptFormatException.class, String.format("regf base block @0x24: root cell offset is 0x7FFFFFF8 - "
                + "should be inside the hive bins data (0x%X bytes)", o.length - 4096), () -> open(o).root());
        byte[] h = hive();
        put32(h, BaseBlock.OFFSET_ROOT_CELL, 0x8);
        fixChecksum(h, 0);
        fails(CorruptFormatException.class, "regf base block @0x24: root cell offset is 0x8: it points into the header "
                + "of the hive bin at 0x0", () -> open(h).root());
    }

    @Test
    void aBadChecksumMakesTheHiveDirty() throws IOException {
        byte[] b = hive();
        b[BaseBlock.OFFSET_FILE_NAME] = 'X';
        Hive h = open(b);
        ReplayStatus s = h.replayStatus();
        assertEquals(Kind.NOT_REPLAYED, s.kind());
        assertTrue(s.whyDirty().matches("the base block checksum is 0x[0-9A-F]{8}, computed 0x[0-9A-F]{8}"));
        assertFalse(s.trustworthy());
        assertTrue(h.key("Types").isPresent(), "the data is still read");
        byte[] seq = hive();
        put32(seq, BaseBlock.OFFSET_PRIMARY_SEQUENCE, u32(seq, BaseBlock.OFFSET_SECONDARY_SEQUENCE) + 1);
        fixChecksum(seq, 0);
        assertTrue(open(seq).replayStatus().whyDirty().startsWith("its primary sequence number "));
    }

    @Test
    void checksumRules() {
        byte[] zero = new byte[512];
        assertEquals(1, BaseBlock.checksum(ByteBuffer.wrap(zero)), "0 becomes 1");
        byte[] ones = new byte[512];
        put32(ones, 0, -1);
        assertEquals(-2, BaseBlock.checksum(ByteBuffer.wrap(ones)), "-1 becomes -2");
        put32(ones, 4, 0x12345678);
        assertEquals(~0x12345678, BaseBlock.checksum(ByteBuffer.wrap(ones)));
        put32(ones, 508, 0x55555555);
        assertEquals(~0x12345678, BaseBlock.checksum(ByteBuffer.wrap(ones)), "the checksum field is not summed");
    }

    // ---------------------------------------------------------------------------------------- hive bins

    @Test
    void hiveBinHeaders() throws IOException {
        byte[] s = hive();
        s[4096] = 'H';
        fails(CorruptFormatException.class, "regf hive bin @0x1000: signature is \"Hbin\" - should be \"hbin\"",
                () -> open(s).root());
        byte[] o = hive();
        put32(o, 4096 + HiveBinHeader.OFFSET_OFFSET, 0x1000);
        fails(CorruptFormatException.class, "regf hive bin @0x1004: offset is 0x1000 - should be 0x0 (where the bin "
                + "is)", () -> open(o).root());
        byte[] z = hive();
        put32(z, 4096 + HiveBinHeader.OFFSET_SIZE, 0x800);
        fails(CorruptFormatException.class, String.format("regf hive bin @0x1008: size is 0x800 - should be a non-zero "
                + "multiple of 0x1000 of at most 0x%X (to the end of the hive bins data)", z.length - 4096),
                () -> open(z).root());
        // the second bin's header, reached only by a cell behind it
        Hive h = open(hive());
        int types = (int) h.key("Types").orElseThrow().offset();
        assertTrue(types >= 8192, "Types is behind the first bin");
        byte[] second = hive();
        put32(second, 8192 + HiveBinHeader.OFFSET_OFFSET, 0);
        fails(CorruptFormatException.class, "regf hive bin @0x2004: offset is 0x0 - should be 0x1000 (where the bin "
                + "is)", () -> open(second).key("Types"));
    }

    // ---------------------------------------------------------------------------------------- cells and keys

    @Test
    void cells() throws IOException {
        int at = nk("Types");
        byte[] free = hive();
        put32(free, at, -u32(free, at));
        fails(CorruptFormatException.class, String.format("regf key node @0x%X: cell size is %d - should be negative: "
                + "the key node element %d points to is a free cell", at, u32(free, at), elementOf("Types")),
                () -> open(free).key("Types"));
        byte[] odd = hive();
        put32(odd, at, -12);
        fails(CorruptFormatException.class, String.format("regf key node @0x%X: cell size is -12 - should be a "
                + "negative multiple of 8", at), () -> open(odd).key("Types"));
        byte[] big = hive();
        put32(big, at, -0x10000);
        assertTrue(assertThrows(CorruptFormatException.class, () -> open(big).key("Types")).getMessage()
                .startsWith(String.format("regf key node @0x%X: cell size is -65536 - the cell would end past its "
                        + "hive bin (0x", at)), "cell past its bin");
    }

    /** The index of the root's subkey list element for the named subkey (hivex sorts the list). */
    static int elementOf(String name) throws IOException {
        List<RegistryKey> keys = open(hive()).root().subkeys();
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void keyNodeFields() throws IOException {
        int at = nk("Types") + 4;
        byte[] sig = hive();
        sig[at] = 'x';
        fails(CorruptFormatException.class, String.format("regf key node @0x%X: signature is \"xk\" - should be \"nk\"",
                at), () -> open(sig).key("Types"));
        byte[] name = hive();
        put16(name, at + KeyNode.OFFSET_NAME_LENGTH, 0x4000);
        fails(CorruptFormatException.class, String.format("regf key node @0x%X: name length is 16384 - should be at "
                + "most %d (the rest of the cell)", at + KeyNode.OFFSET_NAME_LENGTH, -u32(name, at - 4) - 4 - 76),
                () -> open(name).key("Types"));
        byte[] utf16 = hive();
        put16(utf16, at + KeyNode.OFFSET_FLAGS, u16(utf16, at + KeyNode.OFFSET_FLAGS) & ~KeyNode.FLAG_COMP_NAME);
        fails(CorruptFormatException.class, String.format("regf key node @0x%X: name length is 5 - should be even (a "
                + "UTF-16LE name)", at + KeyNode.OFFSET_NAME_LENGTH), () -> open(utf16).key("Types"));
        byte[] parent = hive();
        put32(parent, at + KeyNode.OFFSET_PARENT, 0x1234);
        fails(CorruptFormatException.class, String.format("regf key node @0x%X: parent is 0x1234 - should be 0x20 (the "
                + "key whose subkey list holds it)", at + KeyNode.OFFSET_PARENT), () -> open(parent).key("Types"));
        byte[] count = hive();
        put32(count, at + KeyNode.OFFSET_SUBKEY_COUNT, 1);     // Types has no subkeys, and no list
        fails(CorruptFormatException.class, String.format("regf key node @0x%X: subkey list offset is 0xFFFFFFFF (no "
                + "cell) - should point to a subkey list", at + KeyNode.OFFSET_SUBKEY_LIST),
                () -> open(count).key("Types").orElseThrow().subkeys());
        byte[] many = hive();
        put32(many, at + KeyNode.OFFSET_SUBKEY_COUNT, 1 << 21);
        fails(UnsupportedFormatException.class, String.format("regf key node @0x%X: subkey count is 2097152 - should "
                + "be at most 1048576", at + KeyNode.OFFSET_SUBKEY_COUNT),
                () -> open(many).key("Types").orElseThrow().subkey("x"));
    }

    @Test
    void subkeyLists() throws IOException {
        int mix = nk("Lists\\RiMix") + 4;
        byte[] b = hive();
        int ri = target(b, mix + KeyNode.OFFSET_SUBKEY_LIST) + 4;
        assertEquals("ri", new String(b, ri, 2, StandardCharsets.US_ASCII));
        assertEquals(3, u16(b, ri + 2));
        int li = target(b, ri + 4) + 4;
        int lf = target(b, ri + 8) + 4;
        int lh = target(b, ri + 12) + 4;
        assertEquals("li lf lh", new String(b, li, 2) + " " + new String(b, lf, 2) + " " + new String(b, lh, 2));

        byte[] count = hive();
        put32(count, mix + KeyNode.OFFSET_SUBKEY_COUNT, 5);
        fails(CorruptFormatException.class, String.format("regf key node @0x%X: subkey count is 5 - its subkey list "
                + "holds more entries", mix + KeyNode.OFFSET_SUBKEY_COUNT), () -> open(count).key("Lists\\RiMix\\x"));
        byte[] fewer = hive();
        put32(fewer, mix + KeyNode.OFFSET_SUBKEY_COUNT, 7);
        fails(CorruptFormatException.class, String.format("regf key node @0x%X: subkey count is 7 - should be 6 (the "
                + "entries of its subkey list)", mix + KeyNode.OFFSET_SUBKEY_COUNT),
                () -> open(fewer).key("Lists\\RiMix\\x"));
        byte[] riri = hive();
        put32(riri, ri + 8, u32(riri, mix + KeyNode.OFFSET_SUBKEY_LIST));   // the second leaf is the root itself
        fails(CorruptFormatException.class, String.format("regf subkey list @0x%X: signature is \"ri\" - should be "
                + "\"li\", \"lf\" or \"lh\": an index root (at 0x%X) cannot point to an index root", ri,
                ri - 4 - 4096), () -> open(riri).key("Lists\\RiMix\\zulu"));
        byte[] twice = hive();
        put32(twice, ri + 8, u32(twice, ri + 4));
        fails(CorruptFormatException.class, String.format("regf subkey list @0x%X: the index root lists the leaf at "
                + "0x%X twice", ri + 8, li - 4 - 4096), () -> open(twice).key("Lists\\RiMix\\zulu"));
        byte[] sig = hive();
        sig[lf] = 'q';
        fails(CorruptFormatException.class, String.format("regf subkey list @0x%X: signature is \"qf\" - should be "
                + "\"li\", \"lf\", \"lh\" or \"ri\"", lf), () -> open(sig).key("Lists\\RiMix\\zulu"));
        byte[] n = hive();
        put16(n, lh + 2, 200);
        fails(CorruptFormatException.class, String.format("regf subkey list @0x%X: number of elements is 200 - should "
                + "be at most %d (what the cell holds)", lh + 2, (-u32(n, lh - 4) - 8) / 8),
                () -> open(n).key("Lists\\RiMix\\zulu"));
        byte[] dup = hive();
        put32(dup, li + 8, u32(dup, li + 4));
        fails(CorruptFormatException.class, String.format("regf subkey list @0x%X: the subkey list lists the key node "
                + "at 0x%X twice", li + 8, u32(dup, li + 4)), () -> open(dup).key("Lists\\RiMix").orElseThrow()
                .subkeys());
        byte[] cycle = hive();
        put32(cycle, lh + 4, 0x20);
        fails(CorruptFormatException.class, String.format("regf subkey list @0x%X: element 0 points to the root key "
                + "node: the subkey lists form a cycle", lh + 4), () -> open(cycle).key("Lists\\RiMix").orElseThrow()
                .subkeys());
    }

    @Test
    void hintsAreOnlyHints() throws IOException {
        int mix = nk("Lists\\RiMix") + 4;
        byte[] b = hive();
        int ri = target(b, mix + KeyNode.OFFSET_SUBKEY_LIST) + 4;
        int lf = target(b, ri + 8) + 4;
        int lh = target(b, ri + 12) + 4;
        put32(b, lf + 8, 0x41414141);            // delta's hint: "AAAA"
        put32(b, lh + 8, 12345);                 // Echo's hash (lh: Echo, zulu)
        put32(b, lh + 16, 12345);                // zulu's hash
        Hive h = open(b);
        for (String name : List.of("DELTA", "echo", "Zulu", "alpha", "bravo", "charlie")) {
            assertTrue(h.key("Lists\\RiMix\\" + name).isPresent(), name);
        }
        assertFalse(h.key("Lists\\RiMix\\foxtrot").isPresent());
    }

    @Test
    void nameHashAndHint() {
        assertEquals(0, Names.hash(""));
        assertEquals('A', Names.hash("a"));
        assertEquals(37 * 'A' + 'B', Names.hash("aB"));
        assertEquals(Names.hash("ünïcode"), Names.hash("ÜNÏCODE"));
        assertTrue(Names.hintMatches(0x61687064, "dPhAx"), "lf hints compare case-insensitively");
        assertTrue(Names.hintMatches(0x00006261, "ab"));
        assertFalse(Names.hintMatches(0x00006261, "abc"));
        assertTrue(Names.hintMatches(0, "日本"), "no usable hint");
        assertFalse(Names.hintMatches(0x6F6C6C65, "hello"));
    }

    // ---------------------------------------------------------------------------------------- values

    @Test
    void valueFields() throws IOException {
        int dword = vk("Types", "dword") + 4;
        byte[] sig = hive();
        sig[dword] = 'V';
        fails(CorruptFormatException.class, String.format("regf key value @0x%X: signature is \"Vk\" - should be "
                + "\"vk\"", dword), () -> open(sig).key("Types").orElseThrow().values());
        byte[] inline = hive();
        put32(inline, dword + ValueKey.OFFSET_DATA_SIZE, 0x80000005);
        fails(CorruptFormatException.class, String.format("regf key value @0x%X: data size is 0x80000005 - data stored "
                + "in the data offset field (top bit set) has at most 4 bytes", dword + ValueKey.OFFSET_DATA_SIZE),
                () -> open(inline).value("Types", "dword").orElseThrow().data());
        int sz = vk("Types", "sz") + 4;
        byte[] size = hive();
        put32(size, sz + ValueKey.OFFSET_DATA_SIZE, 1000);
        int cell = target(size, sz + ValueKey.OFFSET_DATA_OFFSET);
        fails(CorruptFormatException.class, String.format("regf value data @0x%X: cell size is %d - the cell holds %d "
                + "bytes, the key value at 0x%X has 1000", cell, u32(size, cell), -u32(size, cell) - 4, sz - 4 - 4096),
                () -> open(size).value("Types", "sz").orElseThrow().data());
        byte[] huge = hive();
        put32(huge, sz + ValueKey.OFFSET_DATA_SIZE, 0x7FFFFFFF);
        fails(UnsupportedFormatException.class, String.format("regf key value @0x%X: data size is 2147483647 bytes: "
                + "values above 67108864 bytes are not read", sz + ValueKey.OFFSET_DATA_SIZE),
                () -> open(huge).value("Types", "sz").orElseThrow().data());
        byte[] nil = hive();
        put32(nil, sz + ValueKey.OFFSET_DATA_OFFSET, -1);
        fails(CorruptFormatException.class, String.format("regf key value @0x%X: data offset is 0xFFFFFFFF (no cell) - "
                + "should point to a value data", sz + ValueKey.OFFSET_DATA_OFFSET),
                () -> open(nil).value("Types", "sz").orElseThrow().data());
        int types = nk("Types") + 4;
        byte[] list = hive();
        put32(list, types + KeyNode.OFFSET_VALUE_COUNT, 1000);
        int listCell = target(list, types + KeyNode.OFFSET_VALUE_LIST);
        fails(CorruptFormatException.class, String.format("regf key node @0x%X: value count is 1000 - the value list at "
                + "0x%X holds at most %d", types + KeyNode.OFFSET_VALUE_COUNT, listCell - 4096,
                (-u32(list, listCell) - 4) / 4), () -> open(list).key("Types").orElseThrow().values());
        byte[] twice = hive();
        put32(twice, listCell + 8, u32(twice, listCell + 4));
        fails(CorruptFormatException.class, String.format("regf value list @0x%X: the value list lists the key value "
                + "at 0x%X twice", listCell + 8, u32(twice, listCell + 4)),
                () -> open(twice).key("Types").orElseThrow().values());
    }

    @Test
    void bigData() throws IOException {
        int big = vk("Big", "big-20000") + 4;
        byte[] b = hive();
        int db = target(b, big + ValueKey.OFFSET_DATA_OFFSET) + 4;
        assertEquals("db", new String(b, db, 2, StandardCharsets.US_ASCII));
        assertEquals(2, u16(b, db + 2));
        int segList = target(b, db + 4) + 4;
        int seg1 = target(b, segList + 4);

        byte[] count = hive();
        put16(count, db + 2, 3);
        fails(CorruptFormatException.class, String.format("regf big data @0x%X: number of segments is 3 - should be 2 "
                + "(20000 bytes in segments of 16344)", db + 2), () -> open(count).value("Big", "big-20000")
                .orElseThrow().data());
        byte[] short1 = hive();
        put32(short1, seg1, -0x20);
        fails(CorruptFormatException.class, String.format("regf big data segment @0x%X: cell size is -32 - should be "
                + "at most -3660 (segment 1 holds 3656 bytes)", seg1), () -> open(short1).value("Big", "big-20000")
                .orElseThrow().data());
        byte[] nil = hive();
        put32(nil, db + 4, -1);
        fails(CorruptFormatException.class, String.format("regf big data @0x%X: segment list offset is 0xFFFFFFFF (no "
                + "cell) - should point to a big data segment list", db + 4), () -> open(nil)
                .value("Big", "big-20000").orElseThrow().data());
        // in a 1.3 hive, data of more than 16344 bytes is one cell: the db record is then raw data, too short
        byte[] v13 = hive();
        put32(v13, BaseBlock.OFFSET_MINOR_VERSION, 3);
        fixChecksum(v13, 0);
        assertThrows(CorruptFormatException.class, () -> open(v13).value("Big", "big-20000").orElseThrow().data());
    }

    @Test
    void controlSetsOfAHiveWithoutSelect() throws IOException {
        Hive h = open(hive());
        assertEquals("Types\\x", ControlSets.resolve(h, "Types\\x"));
        fails(CorruptFormatException.class, "regf Select key: the hive has no Select\\Current value: CurrentControlSet "
                + "cannot be resolved (is this a SYSTEM hive?)", () -> ControlSets.key(h, "CurrentControlSet\\x"));
    }
}
