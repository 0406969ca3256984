package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.testing.Tools;
import io.vhdkit.vhd.DiskType;
import io.vhdkit.vhd.VhdChecker;
import io.vhdkit.vhd.VhdFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code vhdkit resize} and {@code vhdkit repair}, on copies of the qemu-img corpus and its corrupt variants. */
class ResizeRepairCommandTest {

    static final long MIB = 1024L * 1024;
    static final long CHS_SIZE = 67_125_248L; // qemu-img's CHS-rounded size for 64 MiB

    static Path copy(String fixture, Path dir) throws IOException {
        Path to = dir.resolve(Path.of(fixture).getFileName());
        Tools.check("coreutils", "cp", "--sparse=always", ConvertCommandTest.fx(fixture).toString(), to.toString());
        return to;
    }

    static List<Finding> errors(Path vhd) throws IOException {
        return new VhdChecker().check(vhd).stream().filter(f -> f.severity() != Severity.INFO).toList();
    }

    @Test
    void fixedGrowsInPlaceToTheNextMib(@TempDir Path dir) throws IOException {
        Path vhd = copy("fixed-chs.vhd", dir);
        long allocatedBefore = Tools.allocatedBytes(vhd);
        CliRun r = CliRun.of("resize", vhd.toString(), "--align-mib");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("virtual size 67125248 bytes (64.02 MiB) -> 68157440 bytes (65 MiB)"), r::toString);
        assertTrue(r.out().contains("zeroed the old footer at byte 67125248"), r::toString);
        assertEquals(List.of(), errors(vhd));
        assertEquals(65 * MIB + 512, Files.size(vhd));
        try (VhdFile f = VhdFile.open(vhd)) {
            assertEquals(65 * MIB, f.virtualSize());
            assertEquals(DiskType.FIXED, f.diskType());
        }
        // the old content, then zeros
        assertTrue(Tools.qemuCompare(Tools.rawOpts(vhd, 65 * MIB),
                Tools.rawOpts(ConvertCommandTest.fx("fixed-chs.vhd"), CHS_SIZE)));
        assertTrue(Tools.allocatedBytes(vhd) <= allocatedBefore + 8192, "the new space is a hole");
        CliRun again = CliRun.of("resize", vhd.toString(), "--align-mib");
        assertEquals(0, again.exit(), again::toString);
        assertTrue(again.out().contains("already 68157440 bytes; nothing changed"), again::toString);
    }

    @Test
    void dynamicGrowsByItsFootersWhenTheBatCoversIt(@TempDir Path dir) throws IOException {
        Path vhd = copy("dynamic-chs.vhd", dir);
        UUID id;
        try (VhdFile f = VhdFile.open(vhd)) {
            id = f.footer().uniqueId();
        }
        CliRun r = CliRun.of("resize", vhd.toString(), "--align-mib");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("rewrote the footer at byte"), r::toString);
        assertEquals(List.of(), errors(vhd));
        try (VhdFile f = VhdFile.open(vhd)) {
            assertEquals(65 * MIB, f.virtualSize());
            assertEquals(id, f.footer().uniqueId());
        }
        assertTrue(Tools.qemuCompare(Tools.opts("vpc", ConvertCommandTest.qemuReadableCopy(vhd, dir)),
                Tools.opts("raw", ConvertCommandTest.fx("dynamic-chs.qemu.raw"))));
    }

    @Test
    void dynamicIsRewrittenWhenTheBatHasNoRoom(@TempDir Path dir) throws IOException {
        Path vhd = copy("dynamic.vhd", dir);
        UUID id;
        try (VhdFile f = VhdFile.open(vhd)) {
            id = f.footer().uniqueId();
        }
        CliRun r = CliRun.of("resize", vhd.toString(), "--size", "1G");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("rewrote the disk (same unique id and block size of 2097152 bytes)"), r::toString);
        assertEquals(List.of(), errors(vhd));
        try (VhdFile f = VhdFile.open(vhd)) {
            assertEquals(1024 * MIB, f.virtualSize());
            assertEquals(id, f.footer().uniqueId());
            assertEquals(512, f.bat().orElseThrow().size());
        }
        assertTrue(Tools.qemuCompare(Tools.opts("vpc", ConvertCommandTest.qemuReadableCopy(vhd, dir)),
                Tools.opts("vpc", ConvertCommandTest.fx("dynamic.vhd"))));
        assertEquals(List.of(), ConvertCommandTest.partials(dir));
    }

    @Test
    void shrinkingBelowTheLastPartitionIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        Path vhd = dir.resolve("mbr.vhd");
        assertEquals(0, CliRun.of("convert", ConvertCommandTest.fx("other/mbr.raw").toString(), vhd.toString()).exit());
        String before = ConvertCommandTest.sha256(vhd);
        CliRun r = CliRun.of("resize", vhd.toString(), "--size", "8M");
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("refused: partition 1 (Linux, bytes 1048576 to 16777216) ends at byte 16777216, "
                + "past the new size 8388608"), r::toString);
        assertEquals(before, ConvertCommandTest.sha256(vhd), "nothing changed");
        // growing and shrinking back to the partition's end are fine
        assertEquals(0, CliRun.of("resize", vhd.toString(), "--size", "20M").exit());
        CliRun back = CliRun.of("resize", vhd.toString(), "--size", "16777216");
        assertEquals(0, back.exit(), back::toString);
        assertEquals(16 * MIB + 512, Files.size(vhd));
        assertTrue(Tools.qemuCompare(Tools.rawOpts(vhd, 16 * MIB), Tools.opts("raw",
                ConvertCommandTest.fx("other/mbr.raw"))));
    }

    @Test
    void differencingDisksAreNotResized(@TempDir Path dir) {
        CliRun r = CliRun.of("resize", ConvertCommandTest.fx("diff/child.vhd").toString(), "--align-mib");
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("convert it to a fixed VHD first"), r::toString);
    }

    @Test
    void resizeUsageErrors(@TempDir Path dir) throws IOException {
        Path vhd = copy("fixed.vhd", dir);
        assertEquals(2, CliRun.of("resize", vhd.toString()).exit());
        assertEquals(2, CliRun.of("resize", vhd.toString(), "--align-mib", "--size", "1G").exit());
        CliRun r = CliRun.of("resize", vhd.toString(), "--size", "1000");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("not a positive multiple of 512"), r::toString);
        assertEquals(0, CliRun.of("resize", "--help").exit());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dynamic-end-footer-checksum", "dynamic-end-footer-zeroed", "dynamic-footer-copy-mismatch",
            "dynamic-header-checksum", "fixed-footer-checksum", "fixed-trailing", "fixed-511"})
    void repairFixesWhatLosesNothingAndDryRunChangesNothing(String name, @TempDir Path dir) throws IOException {
        Path vhd = copy("corrupt/" + name + ".vhd", dir);
        String before = ConvertCommandTest.sha256(vhd);
        long sizeBefore = Files.size(vhd);
        CliRun dry = CliRun.of("repair", "--dry-run", vhd.toString());
        assertEquals(0, dry.exit(), dry::toString);
        assertTrue(dry.out().contains(": would "), dry::toString);
        assertTrue(dry.out().contains("dry run: nothing was changed"), dry::toString);
        assertEquals(before, ConvertCommandTest.sha256(vhd));
        assertEquals(sizeBefore, Files.size(vhd));
        CliRun r = CliRun.of("repair", vhd.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("repaired (1 change); vhdkit check finds no error"), r::toString);
        assertEquals(List.of(), new VhdChecker().check(vhd).stream()
                .filter(f -> f.severity() == Severity.ERROR).toList());
        // the disk's content is the undamaged image's
        String original = name.startsWith("fixed") ? "fixed.vhd" : "dynamic.vhd";
        assertTrue(Tools.qemuCompare(Tools.opts("vpc", vhd), Tools.opts("vpc", ConvertCommandTest.fx(original))));
        CliRun again = CliRun.of("repair", vhd.toString());
        assertEquals(0, again.exit(), again::toString);
        assertTrue(again.out().contains("nothing to repair"), again::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dynamic-truncated", "dynamic-bat-beyond-eof", "fixed-size-too-big"})
    void repairRefusesWhatWouldLoseData(String name, @TempDir Path dir) throws IOException {
        Path vhd = copy("corrupt/" + name + ".vhd", dir);
        String before = ConvertCommandTest.sha256(vhd);
        CliRun r = CliRun.of("repair", vhd.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue((r.out() + r.err()).contains("cannot repair") || r.err().contains("beyond repair"), r::toString);
        assertEquals(before, ConvertCommandTest.sha256(vhd));
    }
}
