package io.vhdkit.vhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Severity;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Finding parents and refusing bad chains, on the differencing disks of the fixture corpus. */
class VhdChainTest {

    @ParameterizedTest
    @CsvSource({
            "diff/child.vhd,                 diff/base.vhd,                    W2ru locator",
            "diff/child-of-fixed.vhd,        diff/base-fixed.vhd,              W2ru locator",
            "diff/relative/child.vhd,        diff/parents/base.vhd,            W2ru locator",
            "diff/name-only/child.vhd,       diff/name-only/base.vhd,          parent name beside the child",
            "diff/absolute-only/child.vhd,   diff/absolute-only/parent/base.vhd, W2ku locator",
            "diff/macx/child.vhd,            diff/macx/base dir/base.vhd,      MacX locator"})
    void parentIsFound(String child, String parent, String via) throws IOException {
        try (VhdImage image = VhdImage.open(Fixtures.vhd(child))) {
            List<VhdImage.Link> chain = image.chain();
            assertEquals(2, chain.size());
            assertNull(chain.get(0).via());
            assertEquals(Fixtures.vhd(parent).toRealPath(), chain.get(1).path().toRealPath());
            assertEquals(via, chain.get(1).via());
            assertEquals(chain.get(0).file().header().orElseThrow().parentUniqueId(),
                    chain.get(1).file().footer().uniqueId());
        }
    }

    @Test
    void threeLevels() throws IOException {
        try (VhdImage image = VhdImage.open(Fixtures.vhd("diff/grandchild.vhd"))) {
            assertEquals(List.of(DiskType.DIFFERENCING, DiskType.DIFFERENCING, DiskType.DYNAMIC),
                    image.chain().stream().map(l -> l.file().diskType()).toList());
        }
    }

    @Test
    void locatorsAreDecoded() throws IOException {
        try (VhdFile f = VhdFile.open(Fixtures.vhd("diff/child.vhd"))) {
            List<ParentLocator> locs = f.parentLocators();
            assertEquals(2, locs.size());
            assertEquals(PlatformCode.W2RU, locs.get(0).platform().orElseThrow());
            assertEquals(".\\base.vhd", locs.get(0).path());
            assertEquals(PlatformCode.W2KU, locs.get(1).platform().orElseThrow());
            assertEquals("C:\\images\\base.vhd", locs.get(1).path());
            assertEquals("base.vhd", f.header().orElseThrow().parentName());
        }
        try (VhdFile f = VhdFile.open(Fixtures.vhd("diff/macx/child.vhd"))) {
            ParentLocator l = f.parentLocators().get(0);
            assertEquals(PlatformCode.MACX, l.platform().orElseThrow());
            assertTrue(l.path().startsWith("file://") && l.path().endsWith("/macx/base%20dir/base.vhd"), l.path());
            assertEquals(1, l.entry().dataSpace(), "data space in sectors");
        }
    }

    @Test
    void wrongParentIdIsRefused() {
        CorruptFormatException e = assertThrows(CorruptFormatException.class,
                () -> VhdImage.open(Fixtures.vhd("diff/bad-parent-uuid.vhd")));
        assertEquals("differencing-chain.parent-unique-id", e.where().code());
        assertTrue(e.getMessage().contains("- should be 5d0c1e55-0bad-4bad-8bad-00000000bad0: it is not the disk this "
                + "child was made from"), e.getMessage());
    }

    @Test
    void missingParentListsWhereItLooked() {
        ParentNotFoundException e = assertThrows(ParentNotFoundException.class,
                () -> VhdImage.open(Fixtures.vhd("diff/missing-parent.vhd")));
        assertTrue(e.getMessage().contains("the parent \"nonexistent.vhd\""), e.getMessage());
        assertTrue(e.getMessage().contains("(W2ru locator)"), e.getMessage());
        assertTrue(e.tried().stream().anyMatch(c -> c.path().endsWith("nonexistent.vhd")));
    }

    @Test
    void cycleIsDetected() {
        CorruptFormatException e = assertThrows(CorruptFormatException.class,
                () -> VhdImage.open(Fixtures.vhd("diff/cycle-a.vhd")));
        assertEquals("differencing-chain.cycle", e.where().code());
        assertTrue(e.getMessage().contains("differencing chain cycle"), e.getMessage());
    }

    @Test
    void checkerWalksTheChain() throws IOException {
        VhdChecker checker = new VhdChecker(VhdTestSupport.CLOCK);
        VhdTestSupport.assertNoErrors(checker.check(Fixtures.vhd("diff/grandchild.vhd")));
        VhdTestSupport.assertFinding(checker.check(Fixtures.vhd("diff/missing-parent.vhd")),
                "differencing-chain.parent-not-found", Severity.ERROR, "nonexistent.vhd");
        VhdTestSupport.assertFinding(checker.check(Fixtures.vhd("diff/cycle-b.vhd")), "differencing-chain.cycle",
                Severity.ERROR, "cycle");
        VhdTestSupport.assertFinding(checker.check(Fixtures.vhd("diff/bad-parent-uuid.vhd")),
                "differencing-chain.parent-unique-id", Severity.ERROR, "should be");
    }

    @Test
    void windowsPathsBecomeLocalPaths() {
        assertEquals(Path.of("../parents/base.vhd"), ParentResolver.windowsPath("..\\parents\\base.vhd").orElseThrow());
        assertTrue(ParentResolver.windowsPath("C:\\images\\base.vhd").isEmpty(), "a drive path is not local on Linux");
        assertEquals("base.vhd", ParentResolver.fileName("C:\\images\\base.vhd").orElseThrow());
        assertEquals("base.vhd", ParentResolver.fileName("/abs/base.vhd").orElseThrow());
        assertTrue(ParentResolver.fileName("C:\\images\\").isEmpty());
        assertTrue(ParentResolver.fileName("..").isEmpty());
        assertEquals(Path.of("/a b/p.vhd"), ParentResolver.fileUrl("file:///a%20b/p.vhd").orElseThrow());
        assertEquals(Path.of("/x/p.vhd"), ParentResolver.fileUrl("file://localhost/x/p.vhd").orElseThrow());
        assertTrue(ParentResolver.fileUrl("http://example/p.vhd").isEmpty());
        assertTrue(ParentResolver.fileUrl("not a url").isEmpty());
    }
}
