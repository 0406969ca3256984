package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdkit.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * End to end: {@code vhdkit validate --format json} on the Debian OS disk of fixtures/linux-validate before and after
 * the real {@code waagent -deprovision+user -force} and {@code cloud-init clean --logs --machine-id}.
 */
class ValidateLinuxTest {

    private static String image(String name) {
        return Fixtures.file("linux-validate", name + ".vhd").toString();
    }

    private static List<String> rules(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.get("findings").forEach(f -> out.add(f.get("rule").asText() + ":" + f.get("severity").asText()));
        return out;
    }

    @Test
    void beforeFailsAsSpecializedAfterPassesAsGeneralized() throws Exception {
        CliRun r = CliRun.of("validate", "--format", "json", image("provisioned"), image("deprovisioned"));
        assertEquals(1, r.exit(), r::toString);
        JsonNode all = r.json();
        assertEquals(2, all.size(), r::toString);
        JsonNode before = all.get(0);
        JsonNode after = all.get(1);
        assertEquals(image("provisioned"), before.get("image").asText());
        assertEquals("azure-generalized", before.get("profile").asText());
        assertEquals("fail", before.get("verdict").asText());
        assertEquals("specialized", before.get("osState").asText());
        assertEquals("linux", before.get("os").get("family").asText());
        assertEquals("Debian GNU/Linux 12 (bookworm)", before.get("os").get("name").asText());
        assertEquals("12", before.get("os").get("version").asText());
        assertEquals("waagent cloud-init", before.get("os").get("details").get("agents").asText());
        // errors first, then warnings
        assertEquals(List.of("linux/waagent-state:error", "linux/machine-id:error", "linux/shell-history:error",
                "linux/shell-history:error", "linux/user-credentials:error", "linux/user-credentials:error",
                "linux/ssh-host-keys:warning", "linux/cloud-init-state:warning"), rules(before));
        JsonNode waagent = before.get("findings").get(0);
        assertEquals("/var/lib/waagent", waagent.get("path").asText());
        assertTrue(waagent.get("fix").asText().contains("waagent -deprovision+user -force"), waagent::toString);
        assertTrue(waagent.get("fix").asText().contains("cloud-init clean --logs --machine-id"), waagent::toString);
        assertEquals("/etc/machine-id", before.get("findings").get(1).get("path").asText());

        assertEquals("pass", after.get("verdict").asText());
        assertEquals("generalized", after.get("osState").asText());
        assertEquals(0, after.get("findings").size(), after::toString);
        long read = after.get("stats").get("bytesRead").asLong();
        assertTrue(read > 0 && read < 64L << 20, "bytes read: " + read);
    }

    @Test
    void aDiskOfAzuresSizeReadsOnlyMetadata() throws Exception {
        CliRun r = CliRun.of("validate", "--format", "json", image("deprovisioned-127g"));
        assertEquals(0, r.exit(), r::toString);
        JsonNode j = r.json();
        assertEquals("pass", j.get("verdict").asText(), j::toString);
        long read = j.get("stats").get("bytesRead").asLong();
        assertTrue(read > 0 && read < 64L << 20, "bytes read of a 127 GiB disk: " + read);
        JsonNode small = CliRun.of("validate", "--format", "json", image("deprovisioned")).json();
        assertTrue(read < 2 * small.get("stats").get("bytesRead").asLong() + (1 << 20),
                "the bytes read do not grow with the disk: " + read + " against " + small.get("stats"));
    }

    @Test
    void theSpecializedProfilePassesTheProvisionedDisk() throws Exception {
        CliRun r = CliRun.of("validate", "--format", "json", "--profile", "azure-specialized", image("provisioned"));
        assertEquals(0, r.exit(), r::toString);
        JsonNode j = r.json();
        assertEquals("pass", j.get("verdict").asText());
        assertEquals("specialized", j.get("osState").asText());
        assertEquals(List.of("linux/shell-history:warning", "linux/shell-history:warning"), rules(j));
    }
}
