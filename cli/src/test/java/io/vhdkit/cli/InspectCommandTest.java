package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class InspectCommandTest {

    private static String fx(String name) {
        return Fixtures.vhd(name).toString();
    }

    @Test
    void fixedJson() throws IOException {
        CliRun r = CliRun.of("inspect", "--format", "json", fx("fixed-chs.vhd"));
        assertEquals(0, r.exit(), r::toString);
        JsonNode d = r.json();
        assertEquals("vhd", d.get("format").asText());
        assertEquals("fixed", d.get("diskType").asText());
        assertEquals(67125248, d.get("virtualSize").asLong());
        assertEquals(67125248 + 512, d.get("fileSize").asLong());
        JsonNode f = d.get("footer");
        assertEquals("end", f.get("location").asText());
        assertEquals("conectix", f.get("cookie").asText());
        assertEquals("qemu", f.get("creatorApplication").asText());
        assertEquals("Wi2k", f.get("creatorHostOs").asText());
        assertTrue(f.get("dataOffset").isNull());
        assertEquals(964, f.get("geometry").get("cylinders").asInt());
        assertEquals(8, f.get("geometry").get("heads").asInt());
        assertEquals(17, f.get("geometry").get("sectorsPerTrack").asInt());
        assertTrue(f.get("checksumValid").asBoolean());
        assertTrue(f.get("timestamp").asText().endsWith("Z"));
        assertTrue(d.get("dynamicHeader").isNull());
        assertTrue(d.get("bat").isNull());
        assertTrue(d.get("chain").isNull());
        assertTrue(StreamSupport.stream(d.get("findings").spliterator(), false)
                .noneMatch(x -> x.get("severity").asText().equals("error")));
    }

    @Test
    void dynamicJson() throws IOException {
        JsonNode d = CliRun.of("inspect", "--format", "json", fx("dynamic.vhd")).json();
        assertEquals("dynamic", d.get("diskType").asText());
        assertEquals(512, d.get("footer").get("dataOffset").asLong());
        JsonNode h = d.get("dynamicHeader");
        assertEquals(512, h.get("offset").asLong());
        assertEquals(1536, h.get("tableOffset").asLong());
        assertEquals(2097152, h.get("blockSize").asLong());
        assertEquals(32, h.get("maxTableEntries").asLong());
        assertTrue(h.get("parentUniqueId").isNull());
        JsonNode bat = d.get("bat");
        assertEquals(32, bat.get("entries").asInt());
        assertEquals(6, bat.get("allocatedBlocks").asInt());
        assertEquals(6L * 2097152, bat.get("allocatedBytes").asLong());
        assertEquals(0, bat.get("badEntries").asInt());
    }

    @Test
    void chainJson() throws IOException {
        CliRun r = CliRun.of("inspect", "--format", "json", fx("diff/grandchild.vhd"));
        assertEquals(0, r.exit(), r::toString);
        JsonNode d = r.json();
        assertEquals("differencing", d.get("diskType").asText());
        JsonNode h = d.get("dynamicHeader");
        assertEquals("child.vhd", h.get("parentName").asText());
        assertEquals("W2ru", h.get("parentLocators").get(0).get("platform").asText());
        assertEquals(".\\child.vhd", h.get("parentLocators").get(0).get("path").asText());
        JsonNode chain = d.get("chain");
        assertEquals(3, chain.size());
        assertTrue(chain.get(0).get("via").isNull());
        assertEquals("W2ru locator", chain.get(1).get("via").asText());
        assertEquals("dynamic", chain.get(2).get("diskType").asText());
        assertEquals(h.get("parentUniqueId").asText(), chain.get(1).get("uniqueId").asText());
    }

    @Test
    void brokenChainIsAFinding() throws IOException {
        CliRun r = CliRun.of("inspect", "--format", "json", fx("diff/missing-parent.vhd"));
        assertEquals(1, r.exit());
        JsonNode d = r.json();
        assertTrue(d.get("chain").isNull());
        assertEquals("differencing-chain.parent-not-found", d.get("findings").get(0).get("code").asText());
    }

    @Test
    void notAVhd() throws IOException {
        // a VHDX is inspected (its header and metadata, its volumes), with a warning that says to convert it
        CliRun r = CliRun.of("inspect", "--format", "json", fx("other/disk.vhdx"));
        assertEquals(0, r.exit(), r::toString);
        JsonNode d = r.json();
        assertEquals("vhdx", d.get("format").asText());
        assertEquals("warning", d.get("findings").get(0).get("severity").asText());
        assertTrue(d.get("findings").get(0).get("message").asText().contains("vhdkit convert"), d::toString);
        CliRun text = CliRun.of("inspect", fx("other/mbr.raw"));
        assertEquals(1, text.exit());
        assertTrue(text.out().contains("raw-mbr"), text::toString);
    }

    @Test
    void backupFooterIsShownAndReported() throws IOException {
        CliRun r = CliRun.of("inspect", fx("corrupt/dynamic-end-footer-zeroed.vhd"));
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("Location:          copy at offset 0 @0x0"), r::toString);
        assertTrue(r.out().contains("[footer.cookie]"), r::toString);
    }

    @Test
    void textShowsTheFields() {
        CliRun r = CliRun.of("inspect", fx("diff/child.vhd"));
        assertEquals(0, r.exit(), r::toString);
        for (String s : new String[] {"Format:              VHD, differencing", "Creator:           \"vtst\"",
                "Parent name:       base.vhd", "Locator 0:         W2ru \".\\base.vhd\"", "found by W2ru locator"}) {
            assertTrue(r.out().contains(s), () -> "missing \"" + s + "\" in\n" + r);
        }
    }

    @Test
    void showsTheDetectedOperatingSystem() throws IOException {
        String linux = Fixtures.file("linux-disk", "gpt-esp-boot-root.vhd").toString();
        CliRun text = CliRun.of("inspect", linux);
        assertEquals(0, text.exit(), text::toString);
        assertTrue(text.out().contains("Operating system:    Debian GNU/Linux 12 (bookworm) (version 12)\n"),
                text::toString);
        assertTrue(text.out().contains("  init:              systemd\n"), text::toString);
        JsonNode os = CliRun.of("inspect", "--format", "json", linux).json().get("os");
        assertEquals("linux", os.get("family").asText());
        assertEquals("12", os.get("version").asText());
        assertEquals("debian", os.get("details").get("id").asText());
        JsonNode none = CliRun.of("inspect", "--format", "json", fx("fixed.vhd")).json().get("os");
        assertTrue(none.isNull(), "a blank disk has no OS: " + none);
    }
}
