package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container rules' fixes are vhdkit commands that work: each test validates a fixture, runs the command the fix
 * names (IN.vhd and OUT.vhd replaced by real paths) and validates the result again.
 */
class ContainerFixesTest {

    /** The rules the image breaks under azure-data-disk, and each one's fix. */
    static JsonNode findings(Path image) throws IOException {
        CliRun r = CliRun.of("validate", "--format", "json", "--profile", "azure-data-disk", image.toString());
        return r.json().get("findings");
    }

    static Set<String> rules(JsonNode findings) {
        Set<String> out = new TreeSet<>();
        findings.forEach(f -> out.add(f.get("rule").asText()));
        return out;
    }

    static String fixOf(JsonNode findings, String rule) {
        for (JsonNode f : findings) {
            if (f.get("rule").asText().equals(rule)) {
                return f.get("fix").asText();
            }
        }
        throw new AssertionError("no " + rule + " finding in " + findings);
    }

    /** Runs the first command of {@code fix} quoted as {@code `vhdkit ...`}. */
    static CliRun follow(String fix, Path in, Path out) {
        int at = fix.indexOf("`vhdkit ");
        assertTrue(at >= 0, "the fix names a vhdkit command: " + fix);
        String command = fix.substring(at + "`vhdkit ".length(), fix.indexOf('`', at + 1));
        List<String> args = new ArrayList<>();
        for (String word : command.split(" +")) {
            args.add(word.equals("IN.vhd") ? in.toString() : word.equals("OUT.vhd") ? out.toString() : word);
        }
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exit(), () -> "vhdkit " + String.join(" ", args) + "\n" + r);
        return r;
    }

    @Test
    void anUnalignedFixedVhdIsResizedAsItsFixSays(@TempDir Path dir) throws IOException {
        Path image = dir.resolve("chs.vhd");
        Files.copy(Fixtures.vhd("fixed-chs.vhd"), image);
        JsonNode before = findings(image);
        assertEquals(Set.of("vhd/size-not-mib-aligned"), rules(before));
        follow(fixOf(before, "vhd/size-not-mib-aligned"), image, null);
        assertEquals(Set.of(), rules(findings(image)));
    }

    @Test
    void theTextReportNamesTheImageInTheCommand(@TempDir Path dir) throws IOException {
        Path image = dir.resolve("my disk.vhd");
        Files.copy(Fixtures.vhd("fixed-chs.vhd"), image);
        CliRun r = CliRun.of("validate", "--profile", "azure-data-disk", image.toString());
        assertTrue(r.out().contains("fix: run `vhdkit resize '" + image + "' --align-mib`"), r::toString);
    }

    @Test
    void aDynamicVhdIsConvertedAsItsFixSays(@TempDir Path dir) throws IOException {
        JsonNode before = findings(Fixtures.vhd("dynamic.vhd"));
        assertTrue(rules(before).contains("vhd/not-fixed"), before::toString);
        Path out = dir.resolve("fixed.vhd");
        follow(fixOf(before, "vhd/not-fixed"), Fixtures.vhd("dynamic.vhd"), out);
        JsonNode after = findings(out);
        assertTrue(!rules(after).contains("vhd/not-fixed"), after::toString);
        assertEquals(rules(before).size() - 1, rules(after).size(), "only not-fixed went: " + after);
    }

    @Test
    void anUnalignedDynamicVhdNeedsOneCommandForBoth(@TempDir Path dir) throws IOException {
        JsonNode before = findings(Fixtures.vhd("dynamic-odd.vhd"));
        assertTrue(rules(before).containsAll(Set.of("vhd/not-fixed", "vhd/size-not-mib-aligned")), before::toString);
        Path out = dir.resolve("fixed.vhd");
        follow(fixOf(before, "vhd/not-fixed"), Fixtures.vhd("dynamic-odd.vhd"), out);
        Set<String> after = rules(findings(out));
        assertTrue(!after.contains("vhd/not-fixed") && !after.contains("vhd/size-not-mib-aligned"), after::toString);
    }

    @Test
    void trailingBytesAreCutAsTheFixSays(@TempDir Path dir) throws IOException {
        Path image = dir.resolve("trailing.vhd");
        Files.copy(Fixtures.vhd("fixed.vhd"), image);
        Files.write(image, new byte[4096], java.nio.file.StandardOpenOption.APPEND);
        JsonNode before = findings(image);
        assertTrue(rules(before).contains("vhd/file-size"), before::toString);
        follow(fixOf(before, "vhd/file-size"), image, null);
        assertTrue(!rules(findings(image)).contains("vhd/file-size"));
    }
}
