package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {

    private static String fx(String name) {
        return Fixtures.vhd(name).toString();
    }

    @Test
    void goodImageExitsZero() {
        CliRun r = CliRun.of("check", fx("fixed.vhd"));
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith(fx("fixed.vhd") + ": OK (0 errors, 0 warnings, 1 note)"), r::toString);
    }

    @Test
    void corruptImageExitsOneAndSaysWhatIsWrong() {
        CliRun r = CliRun.of("check", fx("corrupt/fixed-footer-checksum.vhd"));
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("FAILED (1 error"), r::toString);
        assertTrue(r.out().contains("error   VHD footer @0x4000040: checksum is 0x00000000 - should be 0x"),
                r::toString);
        assertTrue(r.out().contains("[footer.checksum]"), r::toString);
    }

    @Test
    void notAVhdIsAFindingNotACrash() {
        CliRun r = CliRun.of("check", fx("other/disk.vhdx"));
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("this is a VHDX image"), r::toString);
        assertTrue(r.err().isEmpty(), r::toString);
    }

    @Test
    void missingFileExitsThree(@TempDir Path dir) {
        CliRun r = CliRun.of("check", dir.resolve("nope.vhd").toString());
        assertEquals(3, r.exit(), r::toString);
        assertTrue(r.err().contains("cannot read " + dir.resolve("nope.vhd") + ": no such file"), r::toString);
    }

    @Test
    void directoryExitsThree(@TempDir Path dir) {
        assertEquals(3, CliRun.of("check", dir.toString()).exit());
    }

    @Test
    void worstOutcomeWins(@TempDir Path dir) {
        assertEquals(3, CliRun.of("check", fx("fixed.vhd"), fx("corrupt/fixed-trailing.vhd"),
                dir.resolve("x").toString()).exit());
        assertEquals(1, CliRun.of("check", fx("fixed.vhd"), fx("corrupt/fixed-trailing.vhd")).exit());
    }

    @Test
    void jsonShape() throws IOException {
        CliRun r = CliRun.of("check", "--format", "json", fx("corrupt/dynamic-bat-overlap.vhd"));
        assertEquals(1, r.exit(), r::toString);
        JsonNode doc = r.json();
        assertEquals(fx("corrupt/dynamic-bat-overlap.vhd"), doc.get("image").asText());
        assertEquals("errors", doc.get("result").asText());
        assertEquals(1, doc.get("errors").asInt());
        JsonNode f = doc.get("findings").get(0);
        assertEquals(List.of("code", "severity", "structure", "field", "offset", "actual", "expected", "message"),
                List.copyOf(iterable(f)));
        assertEquals("bat.entry-2", f.get("code").asText());
        assertEquals("error", f.get("severity").asText());
        assertEquals("BAT", f.get("structure").asText());
        assertEquals(1544, f.get("offset").asLong());
    }

    @Test
    void severalImagesGiveAnArray(@TempDir Path dir) throws IOException {
        CliRun r = CliRun.of("check", "--format=json", fx("fixed.vhd"), dir.resolve("gone.vhd").toString());
        assertEquals(3, r.exit());
        JsonNode doc = r.json();
        assertTrue(doc.isArray());
        assertEquals("ok", doc.get(0).get("result").asText());
        assertEquals("unreadable", doc.get(1).get("result").asText());
        assertTrue(doc.get(1).get("error").asText().endsWith("no such file"));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, CliRun.of("check").exit());
        assertEquals(2, CliRun.of("check", "--format", "yaml", fx("fixed.vhd")).exit());
        assertEquals(2, CliRun.of("frobnicate").exit());
        assertEquals(2, CliRun.of().exit());
    }

    @Test
    void helpEverywhere() {
        CliRun top = CliRun.of("--help");
        assertEquals(0, top.exit());
        assertTrue(top.out().contains("check") && top.out().contains("inspect") && top.out().contains("Exit codes"));
        CliRun check = CliRun.of("check", "--help");
        assertEquals(0, check.exit());
        assertTrue(check.out().contains("--format=FORMAT"), check::toString);
        assertEquals(0, CliRun.of("help", "inspect").exit());
        assertEquals(0, CliRun.of("--version").exit());
    }

    private static List<String> iterable(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Path gzip(Path plain, Path dir) {
        io.vhdkit.testing.Tools.requireTool("gzip", "gzip");
        Path out = dir.resolve(plain.getFileName() + ".gz");
        io.vhdkit.testing.Tools.check("bash", "bash", "-c", "gzip -1 -c '" + plain + "' > '" + out + "'");
        return out;
    }

    @Test
    void compressedImageIsCheckedAsTheVhdItHolds(@TempDir Path dir) {
        Path good = gzip(Fixtures.vhd("fixed.vhd"), dir);
        CliRun r = CliRun.of("check", good.toString(), "--temp-dir", dir.resolve("t").toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith(good + ": OK (0 errors, 0 warnings, 1 note)"), r::toString);
        assertTrue(r.out().contains("(gzip, decompressed to a sparse temporary copy"), r::toString);
        Path bad = gzip(Fixtures.vhd("corrupt/fixed-footer-checksum.vhd"), dir);
        CliRun b = CliRun.of("check", bad.toString(), "--format", "json");
        assertEquals(1, b.exit(), b::toString);
        assertTrue(b.out().contains("\"result\" : \"errors\"") || b.out().contains("\"result\":\"errors\""),
                b::toString);
        assertTrue(b.out().contains("footer.checksum"), b::toString);
    }

    /** A differencing VHD in a tar.gz: its parent is looked for beside the archive, plain or (refused) compressed. */
    @Test
    void differencingImageInAnArchiveFindsItsParentBesideIt(@TempDir Path dir) throws IOException {
        Path in = java.nio.file.Files.createDirectories(dir.resolve("in"));
        java.nio.file.Files.copy(Fixtures.vhd("diff/child.vhd"), in.resolve("child.vhd"));
        Path tar = dir.resolve("child.vhd.tar.gz");
        io.vhdkit.testing.Tools.check("bash", "bash", "-c", "tar -C '" + in + "' -czf '" + tar + "' child.vhd");
        java.nio.file.Files.copy(Fixtures.vhd("diff/base.vhd"), dir.resolve("base.vhd"));
        CliRun r = CliRun.of("check", tar.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith(tar + ": OK"), r::toString);
        io.vhdkit.testing.Tools.check("gzip", "gzip", dir.resolve("base.vhd").toString());
        CliRun gone = CliRun.of("check", tar.toString());
        assertEquals(1, gone.exit(), gone::toString);
        assertTrue(gone.out().contains("base.vhd.gz") && gone.out().contains("gzip -dk"), gone::toString);
    }
}
