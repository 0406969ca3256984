package io.vhdkit.registry;

import static io.vhdkit.registry.RegistryTestSupport.bins;
import static io.vhdkit.registry.RegistryTestSupport.fixChecksum;
import static io.vhdkit.registry.RegistryTestSupport.golden;
import static io.vhdkit.registry.RegistryTestSupport.open;
import static io.vhdkit.registry.RegistryTestSupport.put32;
import static io.vhdkit.registry.RegistryTestSupport.put64;
import static io.vhdkit.registry.RegistryTestSupport.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.registry.ReplayStatus.Kind;
import io.vhdkit.registry.ReplayStatus.LogFormat;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Dirty hives and their transaction logs (fixtures/registry: mklogs.py, checked against yarp as the README says):
 * each replay must give exactly the hive state the writer had after the last entry the spec lets recovery apply
 * (byte for byte, hive bins data against the hivex-made state files), and say so in the replay status. In-memory
 * changes of the golden copies cover the damaged cases.
 */
class LogReplayTest {

    static final String STATE_KEY = "Microsoft\\Windows\\CurrentVersion\\Setup\\State";
    static final String[] STATES = {"IMAGE_STATE_COMPLETE", "IMAGE_STATE_UNDEPLOYABLE",
        "IMAGE_STATE_GENERALIZE_RESEAL_TO_AUDIT", "IMAGE_STATE_SPECIALIZE_RESEAL_TO_OOBE",
        "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE"};
    /** mklogs.py's SEQ: the stale primary's secondary sequence number. */
    static final int SEQ = 20;

    static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(Fixtures.file("registry", "dirty/" + name));
    }

    static void assertState(Hive h, int state) throws IOException {
        assertEquals(Optional.of(STATES[state]), h.value(STATE_KEY, "ImageState").orElseThrow().string());
        byte[] expected = bins(fixture("states/state" + state));
        assertEquals(expected.length, h.hiveBinsDataSize(), "hive bins data size of state " + state);
        assertArrayEquals(expected, bins(h), "hive bins data of state " + state);
        RegistryTestSupport.walk(h, 10_000);
    }

    @Test
    void newFormatBothLogsGiveTheLastState() throws IOException {
        for (String scenario : List.of("new", "new-swapped")) {
            Hive h = RegistryTestSupport.open(Fixtures.file("registry", "dirty/" + scenario + "/SOFTWARE"));
            ReplayStatus s = h.replayStatus();
            assertEquals(Kind.REPLAYED, s.kind(), scenario);
            assertEquals(LogFormat.NEW, s.format());
            assertEquals(4, s.entries());
            assertEquals(10, s.pages());
            assertEquals(SEQ + 3, s.sequence());
            assertEquals(scenario.equals("new") ? List.of("LOG1", "LOG2") : List.of("LOG2", "LOG1"),
                    s.logsApplied());
            assertEquals(List.of(), s.notes());
            assertTrue(s.trustworthy());
            assertEquals("its primary sequence number 21 differs from its secondary sequence number 20",
                    s.whyDirty());
            assertState(h, 4);
            assertEquals(SEQ + 3, h.baseBlock().primarySequence());
            assertEquals(SEQ + 1, h.primaryBaseBlock().primarySequence());
            assertEquals(SEQ, h.primaryBaseBlock().secondarySequence());
        }
    }

    @Test
    void missingLog2GivesAPartialReplayThatSaysSo() throws IOException {
        Hive h = open(fixture("new/SOFTWARE"), fixture("new/SOFTWARE.LOG1"), null);
        ReplayStatus s = h.replayStatus();
        assertEquals(Kind.REPLAYED, s.kind());
        assertEquals(2, s.entries());
        assertEquals(SEQ + 1, s.sequence());
        assertEquals(List.of("LOG2 was not given: entries it may hold were not applied"), s.notes());
        assertFalse(s.trustworthy());
        assertState(h, 2);
    }

    @Test
    void missingLog1LeavesAGapThatIsReported() throws IOException {
        Hive h = open(fixture("new/SOFTWARE"), null, fixture("new/SOFTWARE.LOG2"));
        ReplayStatus s = h.replayStatus();
        assertEquals(Kind.REPLAYED, s.kind());
        assertEquals(2, s.entries());
        assertEquals(List.of("LOG1 was not given: entries it may hold were not applied",
                "the first entry applied has sequence 22 but the primary's secondary sequence number is 20: the "
                        + "entries between are missing"), s.notes());
        assertFalse(s.trustworthy());
    }

    @Test
    void aBrokenHashStopsRecoveryAtThePreviousEntry() throws IOException {
        Hive h = RegistryTestSupport.open(Fixtures.file("registry", "dirty/new-bad-hash/SOFTWARE"));
        ReplayStatus s = h.replayStatus();
        assertEquals(Kind.REPLAYED, s.kind());
        assertEquals(1, s.entries());
        assertEquals(SEQ, s.sequence());
        assertEquals(List.of("LOG1"), s.logsApplied());
        assertEquals(2, s.notes().size(), s.notes().toString());
        assertTrue(s.notes().get(0).matches("LOG1 entry @0x3000: Hash-1 is 0x[0-9A-F]{16} - should be 0x[0-9A-F]{16}; "
                + "recovery stopped"), s.notes().get(0));
        assertEquals("LOG2 starts at sequence 22, not 21: it was not applied", s.notes().get(1));
        assertState(h, 1);
    }

    @Test
    void aBrokenFirstEntryMeansNothingIsReplayed() throws IOException {
        byte[] log1 = golden("dirty-new-SOFTWARE.LOG1.gz");
        log1[512 + 32] ^= 1;                                   // Hash-2 of the first entry
        Hive h = open(golden("dirty-new-SOFTWARE.gz"), log1, golden("dirty-new-SOFTWARE.LOG2.gz"));
        ReplayStatus s = h.replayStatus();
        assertEquals(Kind.NOT_REPLAYED, s.kind());
        assertTrue(s.whyNotReplayed().matches("no entry of LOG1 could be applied \\(LOG1 entry @0x200: Hash-2 is "
                + "0x[0-9A-F]{16} - should be 0x[0-9A-F]{16}; recovery stopped\\)"), s.whyNotReplayed());
        assertFalse(s.trustworthy());
        assertEquals(SEQ, s.sequence());
        assertEquals(Optional.of(STATES[0]), h.value(STATE_KEY, "ImageState").orElseThrow().string());
        assertArrayEquals(bins(golden("dirty-state0.gz")), bins(h), "the stale primary is read as it is");
    }

    @Test
    void noLogsMeansNotReplayedAndTheStaleDataIsRead() throws IOException {
        Hive h = open(golden("dirty-new-SOFTWARE.gz"), null, null);
        ReplayStatus s = h.replayStatus();
        assertEquals(Kind.NOT_REPLAYED, s.kind());
        assertEquals("no usable transaction log (LOG1 was not given; LOG2 was not given)", s.whyNotReplayed());
        assertEquals("dirty (its primary sequence number 21 differs from its secondary sequence number 20); not "
                + "replayed: no usable transaction log (LOG1 was not given; LOG2 was not given)", s.describe());
        assertEquals(Optional.of(STATES[0]), h.value(STATE_KEY, "ImageState").orElseThrow().string());
        Hive empty = open(golden("dirty-new-SOFTWARE.gz"), new byte[0], new byte[100]);
        assertEquals("no usable transaction log (LOG1 is empty; LOG2 is 100 bytes: too short for a base block)",
                empty.replayStatus().whyNotReplayed());
    }

    @Test
    void logsOfACleanHiveAreIgnored() throws IOException {
        byte[] state4 = golden("dirty-state4.gz");
        Hive h = open(state4, golden("dirty-new-SOFTWARE.LOG1.gz"), golden("dirty-new-SOFTWARE.LOG2.gz"));
        assertEquals(Kind.CLEAN, h.replayStatus().kind());
        assertTrue(h.replayStatus().trustworthy());
        assertEquals("clean", h.replayStatus().describe());
        assertArrayEquals(bins(state4), bins(h));
    }

    @Test
    void logsOlderThanThePrimaryAreNotApplied() throws IOException {
        byte[] primary = golden("dirty-new-SOFTWARE.gz");
        put32(primary, BaseBlock.OFFSET_PRIMARY_SEQUENCE, 31);
        put32(primary, BaseBlock.OFFSET_SECONDARY_SEQUENCE, 30);     // after every entry in the logs
        fixChecksum(primary, 0);
        Hive h = open(primary, golden("dirty-new-SOFTWARE.LOG1.gz"), golden("dirty-new-SOFTWARE.LOG2.gz"));
        assertEquals(Kind.NOT_REPLAYED, h.replayStatus().kind());
        assertEquals("the logs' entries start at sequence 22, before the primary's secondary sequence number 30: "
                + "they were applied already", h.replayStatus().whyNotReplayed());
    }

    @Test
    void aDamagedPrimaryBaseBlockIsRecoveredFromTheLatestLogOnly() throws IOException {
        byte[] primary = golden("dirty-new-SOFTWARE.gz");
        primary[BaseBlock.OFFSET_FILE_NAME] ^= 1;                       // checksum now wrong
        Hive h = open(primary, golden("dirty-new-SOFTWARE.LOG1.gz"), golden("dirty-new-SOFTWARE.LOG2.gz"));
        ReplayStatus s = h.replayStatus();
        assertTrue(s.whyDirty().startsWith("the base block checksum is 0x"), s.whyDirty());
        assertEquals(Kind.REPLAYED, s.kind());
        assertEquals(List.of("LOG2"), s.logsApplied());
        assertEquals(2, s.entries());
        assertEquals(List.of("the primary's base block is damaged: its fields were taken from LOG2"), s.notes());
        assertFalse(s.trustworthy());
        // as the spec says, LOG1's entries are not applied: the hive bin entry 21 added is missing, and LOG2's
        // entries point into it
        io.vhdkit.format.CorruptFormatException e = assertThrows(io.vhdkit.format.CorruptFormatException.class,
                () -> h.value(STATE_KEY, "ImageState"));
        assertEquals("regf hive bin @0x7000: signature is \"\\x00\\x00\\x00\\x00\" - should be \"hbin\"",
                e.getMessage());
    }

    @Test
    void aLogWithABadBaseBlockIsNotUsed() throws IOException {
        byte[] log2 = golden("dirty-new-SOFTWARE.LOG2.gz");
        log2[100] ^= 1;
        Hive h = open(golden("dirty-new-SOFTWARE.gz"), golden("dirty-new-SOFTWARE.LOG1.gz"), log2);
        ReplayStatus s = h.replayStatus();
        assertEquals(2, s.entries());
        assertEquals(1, s.notes().size());
        assertTrue(s.notes().get(0).startsWith("LOG2 has a bad base block checksum (0x"), s.notes().get(0));
        byte[] dirtyLog = golden("dirty-new-SOFTWARE.LOG1.gz");
        put32(dirtyLog, BaseBlock.OFFSET_SECONDARY_SEQUENCE, 5);
        fixChecksum(dirtyLog, 0);
        Hive d = open(golden("dirty-new-SOFTWARE.gz"), dirtyLog, null);
        assertEquals("no usable transaction log (LOG1 has a dirty base block (sequence numbers 20 and 5); LOG2 was "
                + "not given)", d.replayStatus().whyNotReplayed());
    }

    @Test
    void entryChecksStopRecovery() throws IOException {
        // the second entry of LOG1 starts at 0x3000 (see entries.tsv); each change stops recovery before it
        String[][] cases = {
            {"4", "0x00000000", "size is 0 - should be a multiple of 512 within the file"},
            {"16", "0x00001001", "hive bins data size is 0x00001001 - should be a non-zero multiple of 4096"},
            {"20", "0x7FFFFFFF", "dirty pages count is 2147483647 - more than the entry holds"},
            {"12", "0x00000063", "sequence number is 99 - should be 21"},
        };
        for (String[] c : cases) {
            byte[] log1 = golden("dirty-new-SOFTWARE.LOG1.gz");
            put32(log1, 0x3000 + Integer.parseInt(c[0]), Integer.decode(c[1].replace("0x", "#")));
            Hive h = open(golden("dirty-new-SOFTWARE.gz"), log1, golden("dirty-new-SOFTWARE.LOG2.gz"));
            ReplayStatus s = h.replayStatus();
            assertEquals(1, s.entries(), c[2]);
            assertEquals("LOG1 entry @0x3000: " + c[2] + "; recovery stopped", s.notes().get(0));
            assertState(h, 1);
        }
        // a page reference outside the entry's hive bins data: the hashes are fixed so that the check is reached
        byte[] log1 = golden("dirty-new-SOFTWARE.LOG1.gz");
        put32(log1, 0x3000 + 40, 0x100000);
        rehash(log1, 0x3000);
        Hive h = open(golden("dirty-new-SOFTWARE.gz"), log1, golden("dirty-new-SOFTWARE.LOG2.gz"));
        assertEquals("LOG1 entry @0x3000: dirty page 0 (offset 0x100000, size 0x1000) is not a whole number of 512-byte "
                + "pages inside the hive bins data (0xB000 bytes); recovery stopped", h.replayStatus().notes().get(0));
    }

    /** Recomputes Hash-1 and Hash-2 of the entry at {@code at}. */
    static void rehash(byte[] log, int at) {
        int size = u32(log, at + 4);
        put64(log, at + 24, Marvin32.hash(java.nio.ByteBuffer.wrap(log, at + 40, size - 40), Marvin32.LOG_SEED));
        put64(log, at + 32, Marvin32.hash(java.nio.ByteBuffer.wrap(log, at, 32), Marvin32.LOG_SEED));
    }

    @Test
    void oldFormat() throws IOException {
        Hive h = RegistryTestSupport.open(Fixtures.file("registry", "dirty/old/SOFTWARE"));
        ReplayStatus s = h.replayStatus();
        assertEquals(Kind.REPLAYED, s.kind());
        assertEquals(LogFormat.OLD, s.format());
        assertEquals(List.of("LOG1"), s.logsApplied());
        assertEquals(80, s.pages());
        assertEquals(0, s.entries());
        assertEquals(SEQ + 1, s.sequence());
        assertTrue(s.trustworthy());
        assertState(h, 4);
        assertEquals("dirty (its primary sequence number 21 differs from its secondary sequence number 20); "
                + "replayed 80 dirty pages from LOG1", s.describe());
    }

    @Test
    void oldFormatDamage() throws IOException {
        byte[] primary = golden("dirty-old-SOFTWARE.gz");
        byte[] older = golden("dirty-old-SOFTWARE.LOG1.gz");
        put64(older, BaseBlock.OFFSET_LAST_WRITTEN, 1000);
        fixChecksum(older, 0);
        assertEquals("the logs' timestamps are older than the primary's (0x01DA498AED83C000): they were applied "
                + "already", open(primary, older, new byte[0]).replayStatus().whyNotReplayed());

        byte[] dirt = golden("dirty-old-SOFTWARE.LOG1.gz");
        dirt[512] = 'd';
        assertEquals("LOG1's dirty vector signature is \"dIRT\" - should be \"DIRT\"",
                open(primary, dirt, null).replayStatus().whyNotReplayed());

        byte[] cut = java.util.Arrays.copyOf(golden("dirty-old-SOFTWARE.LOG1.gz"), 1024 + 512 * 10);
        ReplayStatus s = open(primary, cut, null).replayStatus();
        assertEquals(Kind.REPLAYED, s.kind());
        assertEquals(10, s.pages());
        assertEquals(List.of("LOG1 ends before its dirty page for offset 0x4400; recovery stopped"), s.notes());

        byte[] badBin = golden("dirty-old-SOFTWARE.LOG1.gz");
        int firstPage = 1024;                       // the bitmap of 0xD000 / 4096 = 13 bytes fits the first sector
        int firstBit = Integer.numberOfTrailingZeros(badBin[516] & 0xFF);
        assertEquals(0, firstBit * 512 % 4096, "the first dirty page starts a 4 KiB block");
        assertEquals(HiveBinHeader.SIGNATURE, u32(badBin, firstPage), "and holds a hive bin header");
        put32(badBin, firstPage + HiveBinHeader.OFFSET_SIZE, 0x10);
        ReplayStatus b = open(primary, badBin, null).replayStatus();
        assertEquals(Kind.NOT_REPLAYED, b.kind());
        assertTrue(b.whyNotReplayed().startsWith("LOG1's dirty page for offset 0x" + Integer.toHexString(firstBit * 512)
                .toUpperCase() + " holds a bad hive bin header"), b.whyNotReplayed());
    }

    @Test
    void aLogIsNotAHive() throws IOException {
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
                () -> open(golden("dirty-new-SOFTWARE.LOG1.gz"), null, null));
        assertEquals("regf base block @0x1C: file type is 6 - should be 0 (a primary file): this is a transaction log",
                e.getMessage());
    }

    @Test
    void marvin32MatchesTheGeneratorForEveryTailLength() {
        // values from fixtures/registry/regflib.py's marvin32, whose log hashes match logs written by Windows 10
        byte[] data = new byte[8];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (0x10 * i + 1);
        }
        long[] expected = {0xB39EFCA403966E08L, 0xA38E1A34A85617BDL, 0xAABF5FA5E958B82BL, 0xE32E688D97A7C199L,
            0x7D0110A964FC4FBCL, 0x133653AD4CBA68E8L, 0x6A5E1D4D8A4EC133L, 0xFE353C2F11FE77B7L,
            0x63C3D47E6724F8ACL};
        for (int n = 0; n <= 8; n++) {
            assertEquals(expected[n], Marvin32.hash(java.nio.ByteBuffer.wrap(data, 0, n), Marvin32.LOG_SEED),
                    n + " bytes");
        }
    }

    @Test
    void recoveredStatesReadWholly(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        // the replayed hive is a hive like any other: every key and value of state 4, as hivex reads state 4
        Hive h = RegistryTestSupport.open(Fixtures.file("registry", "dirty/new/SOFTWARE"));
        List<String> expected = Files.readAllLines(Fixtures.file("registry", "dirty/states/state4.hivex.tsv"));
        assertEquals(expected, RegistryTestSupport.dump(h));
    }
}
