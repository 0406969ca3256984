package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * inspect, validate, convert, ls and cat on a differencing VHDX whose parent is a real Linux disk (qemu-img's VHDX of
 * the linux-disk fixture; the child made by fixtures/vhdx/mkvhdx.py, its contents checked with libvhdi in the vhdx
 * corpus), and on a VHDX with a pending log (fixtures/vhdx/log.vhdx, qemu-img's replay as the oracle).
 */
class VhdxChainAndLogTest {

    static final long MIB = 1 << 20;

    @TempDir
    static Path dir;
    static Path parentVhd;
    static Path child;
    static Path expected;

    @BeforeAll
    static void makeChain() throws IOException {
        parentVhd = Fixtures.file("linux-disk", "mbr-logical.vhd");
        Path parent = dir.resolve("parent.vhdx");
        Tools.check("qemu-utils", "qemu-img", "convert", "-f", "vpc", "-O", "vhdx", "-o", "block_size=1M",
                parentVhd.toString(), parent.toString());
        Path parentRaw = dir.resolve("parent.raw");
        Tools.check("qemu-utils", "qemu-img", "convert", "-f", "vhdx", "-O", "raw", parent.toString(),
                parentRaw.toString());
        long size = Files.size(parentRaw);
        Path template = dir.resolve("template.vhdx");
        Tools.check("qemu-utils", "qemu-img", "create", "-q", "-f", "vhdx", "-o",
                "subformat=dynamic,block_size=1M", template.toString(), Long.toString(size));
        child = dir.resolve("child.vhdx");
        expected = dir.resolve("child.expected.raw");
        // the last MiB (after the partitions) partly written, some sectors of the first MiB (the MBR's gap) zeroed
        Tools.check("python3", "/usr/bin/python3", Fixtures.root().resolve("fixtures/vhdx/mkvhdx.py").toString(),
                "diff", child.toString(), template.toString(), parent.toString(), "--parent-raw", parentRaw.toString(),
                "--expected", expected.toString(), (size - MIB + 4096) + ":8192:cli", "65536:4096:zero");
        Files.delete(template);
    }

    @Test
    void inspectShowsTheChain() throws IOException {
        CliRun r = CliRun.of("inspect", "--format", "json", child.toString());
        assertEquals(0, r.exit(), r::toString);
        JsonNode d = r.json();
        assertTrue(d.get("vhdx").get("differencing").asBoolean(), r::toString);
        JsonNode chain = d.get("vhdx").get("chain");
        assertEquals(2, chain.size());
        assertEquals(".\\parent.vhdx", chain.get(0).get("parentLocator").get("relative_path").asText());
        assertEquals(chain.get(1).get("dataWriteGuid").asText(),
                chain.get(0).get("parentLocator").get("parent_linkage").asText().replaceAll("[{}]", ""));
        JsonNode p = CliRun.of("inspect", "--format", "json", parentVhd.toString()).json();
        assertEquals(p.get("volumes"), d.get("volumes"));
        assertEquals(p.get("os"), d.get("os"));

        CliRun text = CliRun.of("inspect", child.toString());
        assertTrue(text.out().contains("Parent:") && text.out().contains("parent.vhdx"), text::toString);
    }

    @Test
    void validateReadsTheContentThroughTheChain() {
        CliRun r = CliRun.of("validate", child.toString());
        assertTrue(r.out().contains("  OS: "), r::toString);
        assertTrue(r.out().contains("[vhd/not-vhd]"), r::toString);
    }

    @Test
    void lsAndCatReadThroughTheChain() {
        CliRun l1 = CliRun.of("ls", parentVhd.toString(), "/etc");
        CliRun l2 = CliRun.of("ls", child.toString(), "/etc");
        assertEquals(0, l2.exit(), l2::toString);
        assertEquals(l1.out(), l2.out());
        CliRun c1 = CliRun.of("cat", parentVhd.toString(), "/etc/os-release");
        CliRun c2 = CliRun.of("cat", child.toString(), "/etc/os-release");
        assertEquals(0, c2.exit(), c2::toString);
        assertArrayEquals(c1.data(), c2.data());
    }

    @Test
    void convertGivesTheChildsBytes() throws IOException {
        Path out = dir.resolve("child.vhd");
        CliRun r = CliRun.of("convert", child.toString(), out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("differencing (chain of 2 files)"), r::toString);
        long size = Files.size(expected);
        assertTrue(Tools.qemuCompare(Tools.rawOpts(out, size), Tools.rawOpts(expected, size)));
    }

    @Test
    void aMissingParentIsAFinding() throws IOException {
        Path alone = dir.resolve("alone");
        Files.createDirectories(alone);
        Path c = Files.copy(child, alone.resolve("child.vhdx"));
        CliRun i = CliRun.of("inspect", c.toString());
        assertEquals(ExitCodes.FINDINGS, i.exit(), i::toString);
        assertTrue(i.out().contains("was not found"), i::toString);
        Path out = dir.resolve("alone.vhd");
        CliRun v = CliRun.of("convert", c.toString(), out.toString());
        assertEquals(ExitCodes.FINDINGS, v.exit(), v::toString);
        assertTrue(Files.notExists(out));
    }

    @Test
    void aPendingLogIsReplayedAndSaidSo() throws IOException {
        Path log = Fixtures.file("vhdx", "log.vhdx");
        CliRun i = CliRun.of("inspect", log.toString());
        assertEquals(0, i.exit(), i::toString);
        assertTrue(i.out().contains("INFO") && i.out().contains("replayed them in memory"), i::toString);
        Path out = dir.resolve("log.vhd");
        CliRun c = CliRun.of("convert", log.toString(), out.toString());
        assertEquals(0, c.exit(), c::toString);
        assertTrue(c.out().contains("log replayed in memory"), c::toString);
        Path raw = Fixtures.file("vhdx", "log.raw");
        assertTrue(Tools.qemuCompare(Tools.rawOpts(out, Files.size(raw)), Tools.rawOpts(raw, Files.size(raw))));
    }
}
