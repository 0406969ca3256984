package io.vhdkit.validator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.vhdkit.check.Severity;
import io.vhdkit.validator.Overrides;
import io.vhdkit.validator.Profile;
import io.vhdkit.validator.Rule;
import io.vhdkit.validator.RuleFinding;
import io.vhdkit.validator.ValidationResult;
import io.vhdkit.validator.Validator;
import io.vhdkit.validator.report.ReportCases.Case;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SARIF report against the official SARIF 2.1.0 JSON schema, and what the schema cannot check: rule indexes, the
 * levels per profile, locations, URIs, the invocation.
 * <p>
 * The schema is the OASIS TC's {@code Schemata/sarif-schema-2.1.0.json} of github.com/oasis-tcs/sarif-spec as of
 * commit 5280a944 (2020-03-04, the schema of the SARIF 2.1.0 OASIS Standard, JSON Schema draft-07), read from the
 * test dependency io.github.detekt.sarif4j:sarif4j (Apache-2.0), which ships that file byte for byte: the test pins
 * its SHA-256. The 2023 errata schema (draft-04) differs only in ways that do not touch what vhdkit writes (redundant
 * {@code "type": "string"} beside enums, nullable {@code runs}, a region must name its start).
 */
class SarifReportTest {

    static final String SCHEMA_RESOURCE = "/json/sarif-schema-2.1.0.json";
    static final String SCHEMA_SHA256 = "ad6db49878699b091f3eeb765b6e29e92a34bad4da88664d000c923b549c3a25";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Schema schema;
    private static Validator all;
    private static List<Case> cases;

    @BeforeAll
    static void load() throws IOException, NoSuchAlgorithmException {
        byte[] bytes;
        try (InputStream in = SarifReportTest.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            assertNotNull(in, "the SARIF schema " + SCHEMA_RESOURCE + " (test dependency sarif4j) is missing");
            bytes = in.readAllBytes();
        }
        assertEquals(SCHEMA_SHA256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
                "not the OASIS SARIF 2.1.0 schema this test was written against");
        JsonNode schemaNode = MAPPER.readTree(bytes);
        assertEquals("http://json-schema.org/draft-07/schema#", schemaNode.get("$schema").asText());
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
                b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
        schema = registry.getSchema(schemaNode);
        all = new Validator();
        cases = List.of(ReportCases.osDisks(all), ReportCases.dataDisks(all), ReportCases.hostile());
    }

    private static List<String> errors(String sarif) throws IOException {
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(MAPPER.readTree(sarif))) {
            out.add(e.toString());
        }
        return out;
    }

    private static void assertValid(String sarif) throws IOException {
        List<String> errors = errors(sarif);
        assertTrue(errors.isEmpty(), () -> "not valid SARIF 2.1.0:\n  " + String.join("\n  ", errors) + "\n" + sarif);
    }

    private static JsonNode render(Case c) throws IOException {
        String sarif = new SarifReport(all.rules()).write(c.results(), c.invocation());
        assertValid(sarif);
        return MAPPER.readTree(sarif);
    }

    @Test
    void everyCaseIsValidWithEveryRule() throws IOException {
        for (Case c : cases) {
            render(c);
        }
    }

    @Test
    void theSchemaCatchesMistakes() throws IOException {
        ObjectNode log = (ObjectNode) render(cases.get(0));
        ((ObjectNode) log.get("runs").get(0).get("results").get(0)).put("level", "fatal");
        ((ObjectNode) log.get("runs").get(0).get("artifacts").get(0).get("location")).put("uri", "a b\\c:|");
        ((ObjectNode) log.get("runs").get(0).get("invocations").get(0)).put("startTimeUtc", "yesterday");
        String text = errors(MAPPER.writeValueAsString(log)).toString();
        assertTrue(text.contains("level"), text);
        assertTrue(text.contains("uri"), text);
        assertTrue(text.contains("startTimeUtc"), text);
    }

    @Test
    void theDriverListsEveryRuleWithItsLevelUnderTheProfile() throws IOException {
        for (Case c : cases) {
            JsonNode rules = render(c).at("/runs/0/tool/driver/rules");
            List<Rule> expected = all.rules();
            assertEquals(expected.size(), rules.size());
            for (int i = 0; i < expected.size(); i++) {
                Rule r = expected.get(i);
                JsonNode n = rules.get(i);
                assertEquals(r.id(), n.get("id").asText());
                assertEquals(r.title(), n.at("/shortDescription/text").asText());
                assertEquals(r.fix(), n.at("/help/text").asText());
                assertFalse(n.at("/help/markdown").asText().isEmpty());
                assertTrue(n.get("name").asText().matches("[A-Z][A-Za-z0-9]*"), n.get("name").asText());
                Severity s = r.severity(c.profile());
                assertEquals(SarifReport.level(s), n.at("/defaultConfiguration/level").asText(), r.id());
                assertEquals(s != null, n.at("/defaultConfiguration/enabled").asBoolean(true), r.id());
            }
            Set<String> ids = new HashSet<>();
            Set<String> names = new HashSet<>();
            rules.forEach(n -> assertTrue(ids.add(n.get("id").asText()), "duplicate id " + n.get("id")));
            rules.forEach(n -> assertTrue(names.add(n.get("name").asText()), "duplicate name " + n.get("name")));
        }
    }

    @Test
    void eachFindingIsAResultAtItsImageAndFile() throws IOException {
        for (Case c : cases) {
            JsonNode run = render(c).at("/runs/0");
            JsonNode results = run.get("results");
            List<RuleFinding> findings = c.results().stream().flatMap(r -> r.findings().stream()).toList();
            assertEquals(findings.size(), results.size(), c.name());
            int k = 0;
            for (int image = 0; image < c.results().size(); image++) {
                ValidationResult r = c.results().get(image);
                for (RuleFinding f : r.findings()) {
                    JsonNode n = results.get(k++);
                    assertEquals(f.rule(), n.get("ruleId").asText());
                    if (n.has("ruleIndex")) {
                        assertEquals(f.rule(), run.at("/tool/driver/rules/" + n.get("ruleIndex").asInt() + "/id")
                                .asText());
                    } else {
                        assertTrue(all.rules().stream().noneMatch(rule -> rule.id().equals(f.rule())), f.rule());
                    }
                    assertEquals(SarifReport.level(f.severity()), n.get("level").asText());
                    assertEquals(SarifReport.text(f.message()), n.at("/message/text").asText());
                    JsonNode loc = n.at("/locations/0");
                    assertEquals(image, loc.at("/physicalLocation/artifactLocation/index").asInt());
                    assertEquals(SarifReport.uri(r.image()), loc.at("/physicalLocation/artifactLocation/uri").asText());
                    assertEquals(run.at("/artifacts/" + image + "/location/uri"),
                            loc.at("/physicalLocation/artifactLocation/uri"));
                    if (f.path() == null) {
                        assertTrue(loc.at("/logicalLocations").isMissingNode());
                    } else {
                        assertEquals(SarifReport.text(f.path()), loc.at("/logicalLocations/0/fullyQualifiedName")
                                .asText());
                        assertEquals("resource", loc.at("/logicalLocations/0/kind").asText());
                    }
                }
                JsonNode props = run.at("/artifacts/" + image + "/properties");
                assertEquals(r.verdict(), props.get("verdict").asText());
                assertEquals(r.rulesRun(), MAPPER.convertValue(props.get("rulesRun"), List.class));
            }
            assertEquals(c.results().size() + c.unreadable().size(), run.get("artifacts").size());
        }
    }

    @Test
    void theInvocationTellsTheExitCodeUnreadableImagesAndOverrides() throws IOException {
        JsonNode inv = render(ReportCases.hostile()).at("/runs/0/invocations/0");
        assertFalse(inv.get("executionSuccessful").asBoolean());
        assertEquals(3, inv.get("exitCode").asInt());
        JsonNode note = inv.at("/toolExecutionNotifications/0");
        assertEquals("error", note.get("level").asText());
        assertTrue(note.at("/message/text").asText().startsWith("cannot read missing "));
        assertEquals(1, note.at("/locations/0/physicalLocation/artifactLocation/index").asInt());

        JsonNode data = render(cases.get(1)).at("/runs/0/invocations/0");
        assertTrue(data.get("executionSuccessful").asBoolean());
        assertEquals(0, data.get("exitCode").asInt());
        Map<String, JsonNode> overrides = new HashMap<>();
        data.get("ruleConfigurationOverrides").forEach(o -> overrides.put(o.at("/descriptor/id").asText(), o));
        assertEquals(Set.of("vhd/size-limit", "vhd/not-fixed"), overrides.keySet());
        assertFalse(overrides.get("vhd/size-limit").at("/configuration/enabled").asBoolean(true));
        assertEquals("warning", overrides.get("vhd/not-fixed").at("/configuration/level").asText());
        List<String> ids = all.rules().stream().map(Rule::id).toList();
        overrides.forEach((id, o) -> assertEquals(ids.indexOf(id), o.at("/descriptor/index").asInt()));
    }

    @Test
    void relativeImagesAreRelativeUrisAndAbsoluteOnesFileUris() throws IOException {
        assertEquals("disk.vhd", SarifReport.uri(Path.of("disk.vhd")));
        assertEquals("images/a%20b/c%25d%23e%3Ff.vhd", SarifReport.uri(Path.of("images", "a b", "c%d#e?f.vhd")));
        assertEquals("../up/%C3%A9%E4%B8%AD.vhd", SarifReport.uri(Path.of("..", "up", "é中.vhd")));
        // a colon in the first segment would make it a scheme
        assertEquals("c%3Adisk.vhd", SarifReport.uri(Path.of("c:disk.vhd")));
        Path absolute = Path.of("/srv/images/a b é.vhd").toAbsolutePath();
        String uri = SarifReport.uri(absolute);
        assertTrue(uri.startsWith("file:///"), uri);
        assertEquals(absolute, Path.of(URI.create(uri)));
        for (String u : List.of(SarifReport.uri(Path.of("x y", "z:é#.vhd")), uri)) {
            assertTrue(u.chars().allMatch(ch -> ch > 0x20 && ch < 0x7F), u);
            URI.create(u); // parses
        }
        // and the schema takes both
        Case c = new Case("uris", Profile.AZURE_GENERALIZED, Overrides.NONE, List.of(), Map.of(
                absolute, "no such file", Path.of("rel a", "b:c.vhd"), "no such file"));
        render(c);
    }

    @Test
    void stringsKeepEverythingButUnpairedSurrogates() throws IOException {
        String s = "a\u0000b\u001Bc\u007F\u0085\u2028\uFEFF\uFFFF😀\uD800x\uDC00";
        assertEquals("a\u0000b\u001Bc\u007F\u0085\u2028\uFEFF\uFFFF😀\\uD800x\\uDC00", SarifReport.text(s));
        assertEquals("plain", SarifReport.text("plain"));
        // the invisible ones are JSON escapes in the file, and read back as themselves
        Case hostile = ReportCases.hostile();
        String sarif = new SarifReport(all.rules()).write(hostile.results(), hostile.invocation());
        assertFalse(sarif.chars().anyMatch(ch -> ch < 0x20 && ch != '\n' && ch != '\r' || ch >= 0x7F && ch <= 0x9F
                || ch == 0x2028 || ch == 0x2029 || ch == 0xFEFF || ch == 0xFFFE || ch == 0xFFFF), sarif);
        // no unpaired surrogate: UTF-8 round-trips it
        assertEquals(sarif, new String(sarif.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        JsonNode r = MAPPER.readTree(sarif).at("/runs/0/results/0");
        assertEquals(SarifReport.text(hostile.results().get(0).findings().get(0).message()),
                r.at("/message/text").asText());
    }

    @Test
    void markdownEscapesWhatMarkdownActsOn() {
        assertEquals("force\\_size=on \\*a\\* \\`b\\` \\[c\\](d) \\<e\\> \\| f", SarifReport.markdown(
                "force_size=on *a* `b` [c](d) <e> | f"));
        assertEquals("\\# not a heading, #1", SarifReport.markdown("# not a heading, #1"));
        assertEquals("\\- not a list - item", SarifReport.markdown("- not a list - item"));
        assertEquals("12\\. not a list. 3.", SarifReport.markdown("12. not a list. 3."));
        assertEquals("qemu-img convert -O vpc", SarifReport.markdown("qemu-img convert -O vpc"));
    }

    @Test
    void namesAreIdentifiers() {
        assertEquals("VhdNotFixed", SarifReport.pascalCase("vhd/not-fixed"));
        assertEquals("LinuxWaagentState", SarifReport.pascalCase("linux/waagent-state"));
        assertEquals("WindowsSysprepState2", SarifReport.pascalCase("windows/sysprep_state.2"));
    }

    @Test
    void theVersionComesFromTheManifest() {
        // run from classes, there is no manifest
        assertEquals("development", SarifReport.toolVersion());
    }
}
