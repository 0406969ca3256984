package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RulesCommandTest {

    @Test
    void theReadmeTableIsTheCommandsOutput() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int begin = readme.indexOf("<!-- rules:begin -->\n");
        int end = readme.indexOf("<!-- rules:end -->");
        assertTrue(begin >= 0 && end > begin, "README.md has the rules markers");
        String table = readme.substring(begin + "<!-- rules:begin -->\n".length(), end);
        CliRun r = CliRun.of("rules", "--format", "markdown");
        assertEquals(0, r.exit(), r::toString);
        assertEquals(r.out(), table, "regenerate the README's table with ./vhdkit rules --format markdown");
    }

    @Test
    void everyRuleHasAStableIdWhatItChecksAndAFix() throws IOException {
        JsonNode rules = CliRun.of("rules", "--format", "json").json();
        Set<String> ids = new HashSet<>();
        for (JsonNode rule : rules) {
            String id = rule.path("id").asText();
            assertTrue(id.matches("(vhd|os|linux|win|manifest)/[a-z0-9-]+"), id);
            assertTrue(ids.add(id), "duplicate " + id);
            assertTrue(!rule.path("checks").asText().isBlank() && !rule.path("fix").asText().isBlank(), id);
        }
        assertTrue(ids.containsAll(Set.of("vhd/not-vhd", "vhd/footer-checksum", "vhd/not-fixed",
                "vhd/size-not-mib-aligned", "vhd/size-limit", "vhd/file-size", "vhd/structure", "os/not-found",
                "win/image-state", "win/state-mismatch", "win/unattend-present", "win/cdrom-disabled", "win/bitlocker",
                "linux/waagent-state", "linux/machine-id", "linux/ssh-host-keys", "linux/shell-history",
                "linux/user-credentials", "linux/cloud-init-state", "linux/agent-missing", "linux/swap",
                "linux/kernel-cmdline", "linux/hyperv-drivers")), ids::toString);
    }
}
