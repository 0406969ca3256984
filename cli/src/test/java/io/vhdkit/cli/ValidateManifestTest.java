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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code validate --manifest}: the disks of an Azure image as a set, on the Windows corpus. */
class ValidateManifestTest {

    @TempDir
    Path dir;

    /** Links the corpus images into the manifest's directory, so that the manifest names them relatively. */
    private Path manifest(String json, String... images) throws IOException {
        for (String image : images) {
            Path link = dir.resolve(image + ".vhd");
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, Fixtures.file("windows-disk", image + ".vhd"));
            }
        }
        Path m = dir.resolve("image.json");
        Files.writeString(m, json);
        return m;
    }

    private static List<String> rules(JsonNode result) {
        List<String> ids = new ArrayList<>();
        result.path("findings").forEach(f -> ids.add(f.path("rule").asText()));
        return ids;
    }

    @Test
    void eachDiskUnderTheProfileItsRoleCallsFor() throws IOException {
        Path m = manifest("{\"kind\": \"vm-image\", \"osType\": \"windows\", \"osState\": \"generalized\", "
                + "\"osDisk\": \"generalized.vhd\", \"dataDisks\": [{\"lun\": 2, \"path\": \"data-ntfs.vhd\"}, "
                + "{\"lun\": 0, \"path\": \"specialized.vhd\"}]}", "generalized", "data-ntfs", "specialized");
        CliRun r = CliRun.of("validate", "--manifest", m.toString(), "--format", "json");
        JsonNode j = r.json();
        assertEquals(3, j.size(), r::toString);
        assertEquals("os", j.path(0).path("disk").path("role").asText());
        assertEquals("azure-generalized", j.path(0).path("profile").asText());
        assertEquals(dir.resolve("generalized.vhd").toString(), j.path(0).path("image").asText());
        assertEquals(0, j.path(1).path("disk").path("lun").asInt(), "data disks in LUN order");
        assertEquals("azure-data-disk", j.path(1).path("profile").asText());
        assertTrue(rules(j.path(1)).contains("os/unexpected"), "a data disk that holds Windows: " + j.path(1));
        assertEquals(2, j.path(2).path("disk").path("lun").asInt());
        assertEquals("pass", j.path(2).path("verdict").asText());
        CliRun text = CliRun.of("validate", "--manifest", m.toString());
        assertTrue(text.out().contains("generalized.vhd [OS disk]: "), text::toString);
        assertTrue(text.out().contains("specialized.vhd [data disk LUN 0]: PASS (azure-data-disk)"), text::toString);
    }

    @Test
    void declaredOsTypeAndStateAreCheckedAgainstTheOsDisk() throws IOException {
        Path m = manifest("{\"osType\": \"linux\", \"osState\": \"specialized\", \"osDisk\": \"generalized.vhd\"}",
                "generalized");
        CliRun r = CliRun.of("validate", "--manifest", m.toString(), "--format", "json");
        assertEquals(1, r.exit(), r::toString);
        JsonNode os = r.json();
        assertEquals("azure-specialized", os.path("profile").asText());
        assertTrue(rules(os).contains("manifest/os-type"), os::toString);
        assertTrue(rules(os).contains("manifest/os-state"), os::toString);
        assertTrue(os.toString().contains("declares osType linux, but the OS disk holds windows"), os::toString);
        CliRun warned = CliRun.of("validate", "--manifest", m.toString(), "--warn", "manifest/os-type",
                "--disable", "manifest/os-state", "--format", "json");
        // the finding of manifest/os-type, wherever it sorts (win/image-state fails a generalized disk declared
        // specialized with an error of its own)
        JsonNode osType = null;
        for (JsonNode f : warned.json().path("findings")) {
            osType = f.path("rule").asText().equals("manifest/os-type") ? f : osType;
        }
        assertTrue(osType != null, warned::toString);
        assertEquals("warning", osType.path("severity").asText(), warned::toString);
        assertTrue(!rules(warned.json()).contains("manifest/os-state"), warned::toString);
    }

    @Test
    void rulesListsTheManifestRules() {
        CliRun r = CliRun.of("rules");
        assertTrue(r.out().contains("manifest/os-type") && r.out().contains("manifest/os-state"), r::toString);
    }

    @Test
    void invalidManifestsAreUsageErrorsThatSayWhy() throws IOException {
        String[][] cases = {
            {"{\"osType\": \"windows\", \"osState\": \"generalized\", \"osDisk\": \"a.vhd\", \"dataDisks\": "
                    + "[{\"lun\": 1, \"path\": \"b.vhd\"}, {\"lun\": 1, \"path\": \"c.vhd\"}]}", "LUN 1 is given to two"},
            {"{\"kind\": \"os-image\", \"osType\": \"windows\", \"osState\": \"generalized\", \"osDisk\": \"a.vhd\", "
                    + "\"dataDisks\": [{\"lun\": 0, \"path\": \"b.vhd\"}]}", "an os-image has no data disks"},
            {"{\"kind\": \"os-image\", \"osType\": \"windows\", \"osState\": \"specialized\", \"osDisk\": \"a.vhd\"}",
                    "a specialized one is a vm-image"},
            {"{\"osType\": \"windows\", \"osState\": \"generalized\", \"osDisk\": \"a.vhd\", \"dataDisk\": []}",
                    "unknown field \"dataDisk\""},
            {"{\"osType\": \"macos\", \"osState\": \"generalized\", \"osDisk\": \"a.vhd\"}", "should be linux or windows"},
            {"{\"osType\": \"linux\", \"osState\": \"generalized\"}", "\"osDisk\" is missing"},
            {"{\"osType\": \"linux\", \"osState\": \"generalized\", \"osDisk\": \"a.vhd\", \"dataDisks\": "
                    + "[{\"lun\": 64, \"path\": \"b.vhd\"}]}", "LUN 64 - should be from 0 to 63"},
            {"{\"osType\": \"linux\", \"osState\": \"generalized\", \"osDisk\": \"a.vhd\", \"dataDisks\": "
                    + "[{\"lun\": 0, \"path\": \"a.vhd\"}]}", "is named twice"},
            {"[1, 2]", "should be a JSON object"},
            {"{\"osType\": ", "not valid JSON"},
        };
        for (String[] c : cases) {
            Path m = manifest(c[0]);
            CliRun r = CliRun.of("validate", "--manifest", m.toString());
            assertEquals(2, r.exit(), c[0] + "\n" + r);
            assertTrue(r.err().contains(c[1]), c[0] + "\n" + r);
        }
        Path ok = manifest("{\"osType\": \"windows\", \"osState\": \"generalized\", \"osDisk\": \"generalized.vhd\"}",
                "generalized");
        assertEquals(2, CliRun.of("validate", "--manifest", ok.toString(), "--profile", "azure-data-disk").exit());
        assertEquals(2, CliRun.of("validate", "--manifest", ok.toString(), ok.toString()).exit());
        assertEquals(2, CliRun.of("validate").exit());
    }

    @Test
    void aMissingDiskIsUnreadableAndTheOthersAreStillReported() throws IOException {
        Path m = manifest("{\"osType\": \"windows\", \"osState\": \"generalized\", \"osDisk\": \"generalized.vhd\", "
                + "\"dataDisks\": [{\"lun\": 0, \"path\": \"nope.vhd\"}]}", "generalized");
        CliRun r = CliRun.of("validate", "--manifest", m.toString(), "--format", "json");
        assertEquals(3, r.exit(), r::toString);
        assertTrue(r.err().contains("nope.vhd: no such file"), r::toString);
        assertEquals("os", r.json().path("disk").path("role").asText(), r::toString);
    }
}
