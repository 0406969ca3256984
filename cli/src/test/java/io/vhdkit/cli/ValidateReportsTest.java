package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.validator.Validator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** {@code vhdkit validate --format junit|sarif [--output FILE]}: the reports CI reads, written whole or not at all. */
class ValidateReportsTest {

    private static String fx(String name) {
        return Fixtures.vhd(name).toString();
    }

    private static Document xml(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(Files.readAllBytes(file)));
    }

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void junitToAFileReplacesTheOldReportWhole(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("validate.xml");
        Files.writeString(out, "an old report, longer than nothing at all, that must not survive in part");
        CliRun r = CliRun.of("validate", "--format", "junit", "--output", out.toString(), fx("fixed.vhd"),
                fx("dynamic.vhd"));
        assertEquals(1, r.exit(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals(List.of("validate.xml"), listing(dir), "no temporary file is left");
        Element root = xml(out).getDocumentElement();
        assertEquals("testsuites", root.getTagName());
        assertEquals(2, root.getElementsByTagName("testsuite").getLength());
        assertEquals(fx("fixed.vhd"), ((Element) root.getElementsByTagName("testsuite").item(0)).getAttribute("name"));
        assertTrue(Integer.parseInt(root.getAttribute("failures")) >= 2, r::toString);
        assertTrue(Files.readString(out).contains("name=\"vhd/not-fixed\">"), Files.readString(out));
    }

    @Test
    void sarifToAFileTellsTheExitCodeAndTheUnreadableImage(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("validate.sarif");
        Path missing = dir.resolve("missing.vhd");
        CliRun r = CliRun.of("validate", "--format", "sarif", "-o", out.toString(), fx("dynamic.vhd"),
                missing.toString());
        assertEquals(3, r.exit(), r::toString);
        assertTrue(r.err().contains("cannot read " + missing + ": no such file"), r::toString);
        assertEquals(List.of("validate.sarif"), listing(dir));
        JsonNode log = Json.MAPPER.readTree(out.toFile());
        assertEquals("2.1.0", log.get("version").asText());
        JsonNode run = log.at("/runs/0");
        assertEquals("vhdkit", run.at("/tool/driver/name").asText());
        assertEquals(new Validator().rules().size(), run.at("/tool/driver/rules").size());
        assertEquals(3, run.at("/invocations/0/exitCode").asInt());
        assertFalse(run.at("/invocations/0/executionSuccessful").asBoolean());
        assertEquals(2, run.get("artifacts").size());
        assertEquals(Fixtures.vhd("dynamic.vhd").toUri().toString(), run.at("/artifacts/0/location/uri").asText());
        assertEquals(missing.toUri().toString(), run.at("/artifacts/1/location/uri").asText());
        boolean notFixed = false;
        for (JsonNode result : run.get("results")) {
            notFixed |= result.get("ruleId").asText().equals("vhd/not-fixed")
                    && result.get("level").asText().equals("error");
        }
        assertTrue(notFixed, run::toString);
    }

    @Test
    void withoutOutputTheReportIsPrinted() throws Exception {
        CliRun junit = CliRun.of("validate", "--format", "junit", "--profile", "azure-data-disk", fx("fixed.vhd"));
        assertEquals(0, junit.exit(), junit::toString);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        Element root = f.newDocumentBuilder().parse(new ByteArrayInputStream(
                junit.out().getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        assertEquals("0", root.getAttribute("failures"));
        CliRun sarif = CliRun.of("validate", "--format", "sarif", "--disable", "vhd/size-limit", fx("fixed.vhd"));
        JsonNode overrides = sarif.json().at("/runs/0/invocations/0/ruleConfigurationOverrides");
        assertEquals("vhd/size-limit", overrides.at("/0/descriptor/id").asText(), sarif::toString);
        assertFalse(overrides.at("/0/configuration/enabled").asBoolean(true));
    }

    /** The report appears by a rename: the target is created whole, never written to in place. */
    @Test
    void theReportIsRenamedIntoPlace(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("validate.sarif");
        List<String> events = new ArrayList<>();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            CliRun r = CliRun.of("validate", "--format", "sarif", "--output", out.toString(), fx("fixed.vhd"));
            assertEquals(1, r.exit(), r::toString);
            // the rename comes last: once its event is in, every earlier one is
            for (int i = 0; i < 100 && !events.contains("ENTRY_CREATE validate.sarif"); i++) {
                WatchKey key = watch.poll(100, TimeUnit.MILLISECONDS);
                if (key != null) {
                    for (WatchEvent<?> e : key.pollEvents()) {
                        events.add(e.kind().name() + " " + e.context());
                    }
                    key.reset();
                }
            }
        }
        assertTrue(events.contains("ENTRY_CREATE validate.sarif"), events::toString);
        assertFalse(events.contains("ENTRY_MODIFY validate.sarif"), events::toString);
        assertTrue(events.stream().anyMatch(e -> e.startsWith("ENTRY_MODIFY .validate.sarif")), events::toString);
        assertEquals(List.of("validate.sarif"), listing(dir));
        Json.MAPPER.readTree(out.toFile());
    }

    @Test
    void aReportThatCannotBeWrittenLeavesNothingBehind(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("report.xml");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep"), "kept");
        CliRun r = CliRun.of("validate", "--format", "junit", "--output", target.toString(), fx("fixed.vhd"));
        assertEquals(3, r.exit(), r::toString);
        assertTrue(r.err().contains("cannot write " + target), r::toString);
        assertEquals(List.of("report.xml"), listing(dir), "no temporary file is left");
        assertEquals("kept", Files.readString(target.resolve("keep")));

        CliRun nowhere = CliRun.of("validate", "--format", "sarif", "--output",
                dir.resolve("no-such-dir/x.sarif").toString(), fx("fixed.vhd"));
        assertEquals(3, nowhere.exit(), nowhere::toString);
        assertEquals(List.of("report.xml"), listing(dir));
    }
}
