package io.vhdkit.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.testing.Golden;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LVM's configuration syntax: a real vgcfgbackup file, then each construct and each error. */
class ConfigParserTest {

    private static ConfigSection parse(String text) throws FormatException {
        return ConfigParser.parse(text, "t", null);
    }

    private static String error(String text) {
        return assertThrows(CorruptFormatException.class, () -> parse(text)).problem();
    }

    @Test
    void parsesARealBackupFile() throws FormatException {
        String text = new String(Golden.load(getClass(), "mbr.vg"), StandardCharsets.UTF_8);
        ConfigSection root = parse(text);
        assertEquals(new ConfigValue.Str("Text Format Volume Group", 3, text.indexOf("\"Text")), root.get("contents"));
        assertEquals(1, ((ConfigValue.Int) root.get("version")).value());
        ConfigSection vg = root.sections().get(0);
        assertEquals(LvmTestSupport.goldenManifest("mbr.tsv").vg().name(), vg.name());
        ConfigValue.Array status = (ConfigValue.Array) vg.get("status");
        assertEquals(List.of("RESIZEABLE", "READ", "WRITE"),
                status.items().stream().map(v -> ((ConfigValue.Str) v).value()).toList());
        assertEquals(List.of(), ((ConfigValue.Array) vg.get("flags")).items());
        ConfigSection lvs = (ConfigSection) vg.get("logical_volumes");
        assertEquals(List.of("root", "swap", "var"), lvs.sections().stream().map(ConfigSection::name).toList());
        ConfigSection var = (ConfigSection) lvs.get("var");
        assertEquals(List.of("segment1", "segment2"), var.sections().stream().map(ConfigSection::name).toList());
        ConfigValue.Array stripes = (ConfigValue.Array) ((ConfigSection) var.get("segment2")).get("stripes");
        assertEquals(List.of(new ConfigValue.Str("pv0", stripes.items().get(0).line(),
                stripes.items().get(0).position()), new ConfigValue.Int(16, stripes.items().get(1).line(),
                stripes.items().get(1).position())), stripes.items());
    }

    @Test
    void constructs() throws FormatException {
        ConfigSection r = parse("# comment\na = -12 # trailing\nb = +7\nc = 1.5\nd = \"x\\\"y\\\\z\\n\"\n"
                + "e = 'single \"q\"'\nf = [1 2, \"three\",]\ng = []\n0data { h = 0 }\nsec{x=1}\n"
                + "u = \"caf\u00c3\u00a9\"\n");
        assertEquals(-12, ((ConfigValue.Int) r.get("a")).value());
        assertEquals(7, ((ConfigValue.Int) r.get("b")).value());
        assertEquals("1.5", ((ConfigValue.Real) r.get("c")).text());
        assertEquals("x\"y\\z\\n", ((ConfigValue.Str) r.get("d")).value(), "only \\\" and \\\\ are unescaped");
        assertEquals("single \"q\"", ((ConfigValue.Str) r.get("e")).value());
        assertEquals(3, ((ConfigValue.Array) r.get("f")).items().size());
        assertEquals(0, ((ConfigValue.Array) r.get("g")).items().size());
        assertInstanceOf(ConfigSection.class, r.get("0data"));
        assertEquals(9, r.get("0data").line());
        assertEquals(1, ((ConfigValue.Int) ((ConfigSection) r.get("sec")).get("x")).value());
        assertEquals("caf\u00e9", ((ConfigValue.Str) r.get("u")).value(), "strings are UTF-8");
        assertEquals(List.of("0data", "sec"), r.sections().stream().map(ConfigSection::name).toList());
    }

    @Test
    void emptyText() throws FormatException {
        assertEquals(0, parse("").children().size());
        assertEquals(0, parse("  # only a comment").children().size());
    }

    @Test
    void syntaxErrorsGiveTheLine() {
        assertEquals("t line 2: expected '=' or '{' after 'b', found the number 2", error("a = 1\nb 2\n"));
        assertEquals("t line 1: expected a value for 'a', found the name 'b'", error("a = b"));
        assertEquals("t line 1: expected a value for 'a', found the end of the text", error("a ="));
        assertEquals("t line 3: a string is not closed before the end", error("a = 1\n\nb = \"open\n\n"));
        assertEquals("t line 2: a string is not closed before the end", error("x=1\nb = 'open"));
        assertEquals("t line 1: section 's' is not closed before the end", error("s {\n a = 1\n"));
        assertEquals("t line 2: unexpected '}' - a '}' without a section to close", error("a = 1\n}"));
        assertEquals("t line 1: the array of 'a' is not closed before the end", error("a = [1, 2"));
        assertEquals("t line 1: expected a string, a number or ']' in the array of 'a', found '['",
                error("a = [[1]]"));
        assertEquals("t line 1: expected a string, a number or ']' in the array of 'a', found the name 'x'",
                error("a = [x]"));
        assertEquals("t line 2: 'a' appears twice in section 's' (first on line 1)", error("s { a = 1\na = 2 }"));
        assertEquals("t line 1: 's' appears twice in the top level (first on line 1)", error("s {} s {}"));
        assertEquals("t line 2: unexpected character 0x01", error("a = 1\n\u0001"));
        assertEquals("t line 1: the integer '99999999999999999999' is out of range", error("a = 99999999999999999999"));
        assertEquals("t line 1: expected a name, found '='", error("= 1"));
        assertEquals("t line 1: expected a name, found the string 'x'", error("\"x\" = 1"));
    }

    @Test
    void nestingIsBounded() throws FormatException {
        StringBuilder ok = new StringBuilder();
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < ConfigParser.MAX_DEPTH - 1; i++) {
            ok.append("s").append(i).append(" {\n");
        }
        ok.append("}\n".repeat(ConfigParser.MAX_DEPTH - 1));
        parse(ok.toString());
        for (int i = 0; i < 100_000; i++) {
            deep.append("s{");
        }
        assertEquals("t line 1: sections nest deeper than 32 levels", error(deep.toString()));
    }

    @Test
    void tokensAreBounded() {
        String many = "a = [" + "1,".repeat(ConfigParser.MAX_TOKENS / 2 + 1) + "]";
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> parse(many));
        assertEquals("t line 1: the text has more than 1000000 tokens, over vhdkit's limit", e.problem());
    }

    @Test
    void errorsCarryTheByteOffset() {
        CorruptFormatException e = assertThrows(CorruptFormatException.class,
                () -> ConfigParser.parse("a = 1\nb 2", "t", i -> 1000 + i));
        assertEquals(1008, e.where().offset());
        assertEquals("metadata-text.syntax", e.where().code());
    }
}
