package io.vhdkit.validator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The text report's fixes carry the image's own path in the commands they quote. */
class TextReportFixTest {

    @Test
    void aVhdPathReplacesInVhdInsideVhdkitCommandsOnly() {
        assertEquals("run `vhdkit resize disks/a.vhd --align-mib` (grows it), or `vhdkit convert disks/a.vhd OUT.vhd "
                        + "--align-mib`; see IN.vhd in the docs",
                TextReport.concreteFix("run `vhdkit resize IN.vhd --align-mib` (grows it), or `vhdkit convert IN.vhd "
                        + "OUT.vhd --align-mib`; see IN.vhd in the docs", Path.of("disks/a.vhd")));
    }

    @Test
    void inStandsForAnImageOfAnyFormatAndInVhdForAVhdOrInAConvert() {
        assertEquals("`vhdkit convert disk.vhdx OUT.vhd`",
                TextReport.concreteFix("`vhdkit convert IN OUT.vhd`", Path.of("disk.vhdx")));
        assertEquals("`vhdkit resize IN.vhd --align-mib`, or `vhdkit convert disk.vhd.xz OUT.vhd --align-mib`",
                TextReport.concreteFix("`vhdkit resize IN.vhd --align-mib`, or `vhdkit convert IN.vhd OUT.vhd "
                        + "--align-mib`", Path.of("disk.vhd.xz")));
        assertEquals("`truncate -s 0 IN`", TextReport.concreteFix("`truncate -s 0 IN`", Path.of("a.vhd")));
        assertEquals("no command here", TextReport.concreteFix("no command here", Path.of("a.vhd")));
        assertEquals("an open `vhdkit repair IN.vhd", TextReport.concreteFix("an open `vhdkit repair IN.vhd",
                Path.of("a.vhd")));
    }

    @Test
    void pathsThatAShellWouldSplitAreQuoted() {
        assertEquals("`vhdkit repair '/tmp/my disk.vhd'`",
                TextReport.concreteFix("`vhdkit repair IN.vhd`", Path.of("/tmp/my disk.vhd")));
        assertEquals("'it'\\''s.vhd'", TextReport.shellQuoted("it's.vhd"));
        assertEquals("'$(rm -rf x).vhd'", TextReport.shellQuoted("$(rm -rf x).vhd"));
        assertEquals("'caf\u00e9.vhd'", TextReport.shellQuoted("caf\u00e9.vhd"));
        assertEquals("a-b_c/d.vhd", TextReport.shellQuoted("a-b_c/d.vhd"));
    }
}
