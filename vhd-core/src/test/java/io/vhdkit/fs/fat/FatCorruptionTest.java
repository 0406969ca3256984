package io.vhdkit.fs.fat;

import static io.vhdkit.fs.fat.FatTestSupport.FAT12;
import static io.vhdkit.fs.fat.FatTestSupport.FAT16;
import static io.vhdkit.fs.fat.FatTestSupport.FAT32;
import static io.vhdkit.fs.fat.FatTestSupport.assertContains;
import static io.vhdkit.fs.fat.FatTestSupport.assertFinding;
import static io.vhdkit.fs.fat.FatTestSupport.content;
import static io.vhdkit.fs.fat.FatTestSupport.golden;
import static io.vhdkit.fs.fat.FatTestSupport.node;
import static io.vhdkit.fs.fat.FatTestSupport.open;
import static io.vhdkit.fs.fat.FatTestSupport.put16;
import static io.vhdkit.fs.fat.FatTestSupport.put32;
import static io.vhdkit.fs.fat.FatTestSupport.put8;
import static io.vhdkit.fs.fat.FatTestSupport.setFat;
import static io.vhdkit.fs.fat.FatTestSupport.shared;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vhdkit.check.Severity;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.NotThisFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** One field at a time corrupted in the golden images, and what is reported. */
class FatCorruptionTest {

    /** fat12.img: where things are (see {@link FatTestSupport}). */
    private static final long ROOT = FatTestSupport.FAT12_ROOT;
    private static final long HELLO = ROOT + 32;
    private static final long LFN_FIRST = ROOT + 64;
    private static final long LFN_SECOND = ROOT + 96;
    private static final long LONG_SHORT = ROOT + 128;
    private static final long SUBDIR = ROOT + 224;
    private static final long DELETED_SHORT = ROOT + 352;
    private static final long END = ROOT + 384;
    private static final long DATA = 23040;
    private static final long SUBDIR_CLUSTER_AT = DATA + 4 * 512;   // cluster 6
    private static final long DEEPER_CLUSTER_AT = DATA + 8 * 512;   // cluster 10
    private static final long EMPTY = DEEPER_CLUSTER_AT + 64;

    private static <T extends FormatException> T fails(Class<T> type, Executable e, String message, long offset) {
        T ex = assertThrows(type, e);
        assertContains(ex.getMessage(), message);
        if (offset >= -1) {
            assertEquals(offset, ex.where().offset(), ex.getMessage());
        }
        return ex;
    }

    private static NotThisFormatException notFat(byte[] b, String message, long offset) {
        NotThisFormatException e = fails(NotThisFormatException.class, () -> open(b), message, offset);
        assertEquals("FAT", e.where().format());
        assertEquals("boot sector", e.where().structure());
        return e;
    }

    private static CorruptFormatException corrupt(Executable e, String message, long offset) {
        return fails(CorruptFormatException.class, e, message, offset);
    }

    private static FatLayout layout(String image) throws IOException {
        return open(shared(image)).layout();
    }

    // ------------------------------------------------------------ is it FAT at all

    @Test
    void jumpInstruction() {
        byte[] b = golden(FAT12);
        put8(b, 0, 0);
        notFat(b, "FAT boot sector @0x0: not a FAT boot sector: jump is 0x00 - should be 0xEB or 0xE9", 0);
    }

    @Test
    void e9JumpIsAccepted() throws IOException {
        byte[] b = golden(FAT12);
        put8(b, 0, 0xE9);
        assertEquals("GOLDEN12", open(b).info().label());
    }

    @Test
    void signature() {
        byte[] b = golden(FAT12);
        put16(b, 510, 0x55AA);
        notFat(b, "signature is 0x55AA - should be 0xAA55 (bytes 55 AA)", 510);
    }

    @Test
    void bytesPerSector() {
        for (int bps : new int[]{0, 256, 1000, 8192}) {
            byte[] b = golden(FAT12);
            put16(b, 11, bps);
            notFat(b, "bytes per sector is " + bps + " - should be 512, 1024, 2048 or 4096", 11);
        }
    }

    @Test
    void sectorsPerCluster() {
        for (int spc : new int[]{0, 3, 96}) {
            byte[] b = golden(FAT12);
            put8(b, 13, spc);
            notFat(b, "sectors per cluster is " + spc + " - should be a power of two", 13);
        }
    }

    @Test
    void reservedSectorsAndFatCount() {
        byte[] b = golden(FAT12);
        put16(b, 14, 0);
        notFat(b, "reserved sectors is 0 - should be at least 1", 14);
        byte[] c = golden(FAT12);
        put8(c, 16, 0);
        notFat(c, "number of FATs is 0 - should be at least 1", 16);
    }

    @Test
    void mediaByte() throws IOException {
        byte[] b = golden(FAT12);
        put8(b, 21, 0xF7);
        notFat(b, "media is 0xF7 - should be 0xF0 or 0xF8-0xFF", 21);
        put8(b, 21, 0xF0);
        // accepted; FAT[0] no longer matches it, which is only a finding
        assertFinding(open(b).info().anomalies(), "fat.entry-0", Severity.WARNING, "should be 0xFF0 (the media "
                + "byte 0xF0");
    }

    @Test
    void fatSize() {
        byte[] b = golden(FAT12);
        put16(b, 22, 0);
        put32(b, 36, 0);
        notFat(b, "FAT size is 0 - should be sectors per FAT in BPB_FATSz16 or BPB_FATSz32", 22);
    }

    @Test
    void zerosAndShortVolumes() {
        notFat(new byte[4096], "jump is 0x00", 0);
        byte[] small = Arrays.copyOf(shared(FAT12), 511);
        NotThisFormatException e = assertThrows(NotThisFormatException.class, () -> open(small));
        assertContains(e.getMessage(), "the volume (511 bytes) is too small to hold a FAT boot sector");
    }

    // ------------------------------------------------------------ numbers that do not fit

    @Test
    void totalSectorsZero() {
        byte[] b = golden(FAT12);
        put16(b, 19, 0);
        corrupt(() -> open(b), "total sectors is 0 - should be the sectors of the volume", 32);
    }

    @Test
    void totalSectors32UsedWhen16IsZero() throws IOException {
        byte[] b = golden(FAT12);
        put16(b, 19, 0);
        put32(b, 32, 2048);
        assertEquals(1 << 20, open(b).info().size());
    }

    @Test
    void rootEntries() {
        byte[] b = golden(FAT12);
        put16(b, 17, 0);
        corrupt(() -> open(b), "root entries is 0 - should be a non-zero count of 32-byte entries filling whole "
                + "sectors of 512 bytes", 17);
        put16(b, 17, 17);
        corrupt(() -> open(b), "root entries is 17", 17);
    }

    @Test
    void metadataLargerThanTheVolume() {
        byte[] b = golden(FAT12);
        put16(b, 22, 2000);
        corrupt(() -> open(b), "the reserved sectors, 2 FATs and the root directory take 4033 sectors, more than "
                + "the 2048 sectors of the volume", 32);
    }

    @Test
    void fat16LayoutWithTooManyClusters() {
        byte[] b = golden(FAT16);
        put16(b, 19, 0);
        put32(b, 32, 80000);
        corrupt(() -> open(b), "a FAT12/16 layout (BPB_FATSz16 = 20) with 79927 clusters, more than 16-bit FAT "
                + "entries can number (65524)", 22);
    }

    @Test
    void fat32WithTooManyClusters() {
        byte[] b = golden(FAT32);
        put32(b, 32, 0xFFFF_FFFFL);
        corrupt(() -> open(b), "clusters are more than FAT32's 28-bit entries can number", 32);
    }

    @Test
    void fat32RootCluster() {
        for (long c : new long[]{0, 1, 67522, 0xFFFF_FFFFL}) {
            byte[] b = golden(FAT32);
            put32(b, 44, c);
            corrupt(() -> open(b), "root cluster is " + c + " - should be a cluster from 2 to 67521", 44);
        }
    }

    @Test
    void fat32RootEntriesAreOnlyAFinding() throws IOException {
        byte[] b = golden(FAT32);
        put16(b, 17, 16);
        // fatgen103's formula then puts the data area one sector later (as Linux computes it too)
        java.util.List<io.vhdkit.check.Finding> findings = new java.util.ArrayList<>();
        FatLayout l = FatLayout.of(BootSector.decode(ByteBuffer.wrap(b)), b.length, findings);
        assertEquals(layout(FAT32).dataOffset() + 512, l.dataOffset());
        assertFinding(findings, "boot-sector.root-entries", Severity.WARNING, "root entries is 16 - should be 0 on "
                + "FAT32");
    }

    @Test
    void truncatedVolume() throws IOException {
        byte[] cut = Arrays.copyOf(shared(FAT12), 20000);
        corrupt(() -> FatFileSystem.open(RawDisk.of(cut)), "the reserved sectors, FATs and root directory end at "
                + "byte 23040, past the end of the volume (20000 bytes)", 32);
        // the data area cut short: opens with an error finding; reading past the end fails
        FatFileSystem fs = FatFileSystem.open(RawDisk.of(Arrays.copyOf(shared(FAT12), 23040 + 5 * 512)));
        assertFinding(fs.info().anomalies(), "boot-sector.total-sectors", Severity.ERROR,
                "the filesystem spans 1048576 bytes but its volume has only 25600");
        assertEquals(13, content(fs, "/hello.txt").length);
        CorruptFormatException e = assertThrows(CorruptFormatException.class,
                () -> content(fs, "/SubDir/nested.bin"));
        assertContains(e.getMessage(), "lie outside the volume");
    }

    @Test
    void fatTooSmallForTheClusters() throws IOException {
        byte[] b = golden(FAT12);
        put16(b, 22, 1);
        FatFileSystem fs = open(b);
        assertEquals(339, fs.layout().clusterCount());
        assertFinding(fs.info().anomalies(), "boot-sector.fat-size", Severity.WARNING,
                "the FAT (1 sectors) has entries for 339 clusters, fewer than the");
    }

    @Test
    void fat32VersionAndMirroring() throws IOException {
        byte[] b = golden(FAT32);
        put16(b, 42, 0x0100);
        assertFinding(open(b).info().anomalies(), "boot-sector.fs-version", Severity.WARNING,
                "FAT32 version 1.0: fatgen103 says not to mount a newer version");
        byte[] c = golden(FAT32);
        put16(c, 40, 0x82);
        corrupt(() -> open(c), "ext flags is 0x0082 - should be an active FAT below the 2 FATs", 40);
    }

    @Test
    void activeFatIsReadWhenMirroringIsOff() throws IOException {
        byte[] b = golden(FAT32);
        FatLayout l = layout(FAT32);
        put16(b, 40, 0x81);
        // break frag.bin's chain in FAT 0 only: FAT 1 is the one read
        put32(b, l.fatOffset() + 16 * 4, 0);
        FatFileSystem fs = open(b);
        assertEquals(1, fs.layout().activeFat());
        assertEquals(FatTestSupport.SHA256.get("/frag/frag.bin"), FatTestSupport.sha256(content(fs,
                "/frag/frag.bin")));
        assertFinding(fs.info().anomalies(), "boot-sector.ext-flags", Severity.WARNING, "FAT mirroring is off and "
                + "FAT 1 is the active one");
        assertFinding(fs.info().anomalies(), "fat.copy-0", Severity.WARNING, "FAT copy 0 differs from FAT copy 1 "
                + "(the one read) first at byte 64");
    }

    // ------------------------------------------------------------ findings that do not stop reading

    @Test
    void dirtyFlag() throws IOException {
        byte[] b = golden(FAT16);
        put8(b, 37, 1);
        assertFinding(open(b).info().anomalies(), "boot-sector.flags", Severity.WARNING, "the dirty flag is set");
        byte[] c = golden(FAT32);
        put8(c, 65, 1);
        assertEquals(65, assertFinding(open(c).info().anomalies(), "boot-sector.flags", Severity.WARNING,
                "Volume was not properly unmounted").where().offset());
    }

    @Test
    void fatEntryOneBits() throws IOException {
        byte[] b = golden(FAT16);
        put16(b, 512 + 2, 0x7FFF);
        assertFinding(open(b).info().anomalies(), "fat.entry-1", Severity.WARNING, "clean-shutdown bit");
        byte[] c = golden(FAT32);
        FatLayout l = layout(FAT32);
        put32(c, l.fatOffset() + 4, 0x0BFF_FFFFL);
        assertFinding(open(c).info().anomalies(), "fat.entry-1", Severity.WARNING, "hard-error bit");
    }

    @Test
    void fatCopiesDiffer() throws IOException {
        byte[] b = golden(FAT12);
        put8(b, 512 + 3072 + 30, 0x55);
        assertEquals(512 + 3072 + 30, assertFinding(open(b).info().anomalies(), "fat.copy-1", Severity.WARNING,
                "FAT copy 1 differs from FAT copy 0 (the one read) first at byte 30").where().offset());
    }

    @Test
    void labels() throws IOException {
        // the root directory's label entry deleted: the boot sector's label is used
        byte[] b = golden(FAT12);
        put8(b, ROOT, 0xE5);
        assertEquals("GOLDEN12", open(b).info().label());
        // and "NO NAME" is no label
        System.arraycopy("NO NAME    ".getBytes(), 0, b, 43, 11);
        assertNull(open(b).info().label());
        // boot sector and root directory disagree: the root directory wins, as in blkid
        byte[] c = golden(FAT12);
        System.arraycopy("OTHER      ".getBytes(), 0, c, 43, 11);
        FatFileSystem fs = open(c);
        assertEquals("GOLDEN12", fs.info().label());
        assertFinding(fs.info().anomalies(), "boot-sector.volume-label", Severity.INFO,
                "the boot sector's label \"OTHER\" differs from the root directory's \"GOLDEN12\"");
        // no extended boot signature: no boot-sector label and, on FAT12/16, no serial (as blkid)
        byte[] d = golden(FAT12);
        put8(d, 38, 0);
        put8(d, ROOT, 0xE5);
        assertNull(open(d).info().label());
        assertNull(open(d).info().uuid());
        put8(d, 38, 0x28);
        assertEquals("1234-ABCD", open(d).info().uuid());
        assertNull(open(d).info().label());
    }

    // ------------------------------------------------------------ cluster chains of files

    private static void chainFails(long cluster, long value, String message) throws IOException {
        chainFails(cluster, value, message, cluster);
    }

    /** Sets FAT[cluster] := value and expects {@code message} about the FAT entry of {@code at}. */
    private static void chainFails(long cluster, long value, String message, long at) throws IOException {
        byte[] b = golden(FAT12);
        FatLayout l = layout(FAT12);
        setFat(b, l, cluster, value);
        FatFileSystem fs = open(b);
        FatNode f = node(fs, "/frag/frag.bin");   // chain <14-15> <18-20>, 2058 bytes
        CorruptFormatException e = corrupt(() -> fs.read(f, 0, ByteBuffer.allocate(10)), message, -2);
        assertEquals("FAT", e.where().structure());
        assertEquals(512 + at + at / 2, e.where().offset());
    }

    @Test
    void chainThatLoops() throws IOException {
        chainFails(20, 14, "file \"frag.bin\" (entry @27744): the cluster chain loops back to cluster 14 after "
                + "the 5 clusters that 2058 bytes need");
        chainFails(15, 14, "the cluster chain loops back to cluster 15", 14);
    }

    @Test
    void chainLongerThanTheFile() throws IOException {
        chainFails(20, 21, "the cluster chain goes on to cluster 21 after the 5 clusters that 2058 bytes need");
    }

    @Test
    void chainShorterThanTheFile() throws IOException {
        chainFails(19, 0xFFF, "the cluster chain ends at the FAT entry of cluster 19 (0xFFF) after 4 of the 5 "
                + "clusters the file size needs");
    }

    @Test
    void chainIntoFreeBadReservedOrOutOfRange() throws IOException {
        chainFails(15, 0, "runs into a free cluster at the FAT entry of cluster 15 (0x0) after 2 of the 5");
        chainFails(15, 0xFF7, "runs into a bad-cluster marker");
        chainFails(15, 0xFF0, "runs into a reserved value");
        chainFails(15, 2005, "points outside the clusters 2 to 2004");
        chainFails(15, 1, "points outside the clusters 2 to 2004");
        chainFails(20, 0, "runs into a free cluster at the FAT entry of cluster 20 (0x0), where the chain should "
                + "end (the file size needs 5 clusters)");
    }

    @Test
    void everyEndOfChainValueEnds() throws IOException {
        for (int eoc = 0xFF8; eoc <= 0xFFF; eoc++) {
            byte[] b = golden(FAT12);
            setFat(b, layout(FAT12), 20, eoc);
            assertEquals(2058, content(open(b), "/frag/frag.bin").length);
        }
    }

    @Test
    void fileSizeAndFirstCluster() throws IOException {
        byte[] b = golden(FAT12);
        put16(b, EMPTY + 26, 5);
        FatFileSystem fs = open(b);
        corrupt(() -> fs.read(node(fs, "/SubDir/Deeper/empty"), 0, ByteBuffer.allocate(1)), "file \"empty\" (entry @27200) is "
                + "empty but its entry names cluster 5: the chain is longer than the file needs", EMPTY);
        byte[] c = golden(FAT12);
        put16(c, HELLO + 26, 0);
        FatFileSystem fs2 = open(c);
        corrupt(() -> content(fs2, "/hello.txt"), "has no clusters (first cluster 0) but is 13 bytes", HELLO + 26);
        byte[] d = golden(FAT12);
        put16(d, HELLO + 26, 3000);
        FatFileSystem fs3 = open(d);
        corrupt(() -> fs3.node(HELLO), "first cluster is 3000 - should be a cluster from 2 to 2004", HELLO + 26);
        byte[] e = golden(FAT12);
        put32(e, HELLO + 28, 0x7FFF_FFFFL);
        FatFileSystem fs4 = open(e);
        corrupt(() -> fs4.read(fs4.node(HELLO), 0, ByteBuffer.allocate(1)), "is 2147483647 bytes, more than the "
                + "2003 clusters of 512 bytes of the volume", HELLO + 28);
    }

    @Test
    void clusterHighWordIsUsedOnFat32Only() throws IOException {
        byte[] b = golden(FAT12);
        put16(b, HELLO + 20, 1);
        assertEquals(FatTestSupport.SHA256.get("/hello.txt"), FatTestSupport.sha256(content(open(b), "/hello.txt")));
        byte[] c = golden(FAT32);
        FatFileSystem fs = open(c);
        long hello = FatTestSupport.id(fs, "/hello.txt");
        put16(c, hello + 20, 1);
        FatFileSystem fs2 = open(c);
        assertEquals(65536 + 3, ((FatNode) fs2.node(hello)).firstCluster());
        corrupt(() -> content(fs2, "/hello.txt"), "runs into a free cluster at the FAT entry of cluster 65539", -2);
    }

    // ------------------------------------------------------------ directories

    @Test
    void directoryChainLoops() throws IOException {
        byte[] b = golden(FAT12);
        setFat(b, layout(FAT12), 6, 6);
        FatFileSystem fs = open(b);
        corrupt(() -> fs.node(SUBDIR), "directory \"SUBDIR\" (entry @6880): the directory's cluster chain loops "
                + "back to cluster 6", 512 + 9);
    }

    @Test
    void directoryChainIntoAFreeCluster() throws IOException {
        byte[] b = golden(FAT12);
        setFat(b, layout(FAT12), 6, 0);
        FatFileSystem fs = open(b);
        corrupt(() -> fs.node(SUBDIR), "the cluster chain runs into a free cluster at the FAT entry of cluster 6 "
                + "(0x0) after 1 clusters", 512 + 9);
    }

    @Test
    void directoryLongerThan65536Entries() throws IOException {
        byte[] b = golden(FAT16);
        FatLayout l = layout(FAT16);
        setFat(b, l, 6, 30);
        for (long c = 30; c < 30 + 4095; c++) {
            setFat(b, l, c, c + 1);
        }
        setFat(b, l, 30 + 4095, 0xFFFF);
        FatFileSystem fs = open(b);
        long subdir = FatTestSupport.id(open(shared(FAT16)), "/SubDir");
        corrupt(() -> fs.node(subdir), "the directory's cluster chain is longer than 4096 clusters (2097152 bytes, "
                + "65536 entries", -2);
        // one cluster fewer is still a directory
        setFat(b, l, 30 + 4094, 0xFFFF);
        assertEquals(4096L * 512, open(b).node(subdir).stat().size());
    }

    @Test
    void directoryWithoutClusters() throws IOException {
        byte[] b = golden(FAT12);
        put16(b, SUBDIR + 26, 0);
        FatFileSystem fs = open(b);
        corrupt(() -> fs.node(SUBDIR), "directory \"SUBDIR\" (entry @6880) has no clusters (first cluster 0) but "
                + "is a directory", SUBDIR + 26);
    }

    @Test
    void subdirectoryPointingAtItsParentOrTheRoot() throws IOException {
        byte[] b = golden(FAT32);
        FatFileSystem fs = open(b);
        long deeper = FatTestSupport.id(fs, "/SubDir/Deeper");
        put16(b, deeper + 26, 7);   // SubDir's own cluster
        FatFileSystem fs2 = open(b);
        FatNode sub = node(fs2, "/SubDir");
        corrupt(() -> fs2.list(sub), "subdirectory \"Deeper\" starts at cluster 7, the first cluster of the "
                + "directory that holds it: the directory tree loops", deeper + 26);
        put16(b, deeper + 26, 2);   // the root's
        FatFileSystem fs3 = open(b);
        corrupt(() -> fs3.list(node(fs3, "/SubDir")), "the first cluster of the root directory", deeper + 26);
    }

    @Test
    void fat32RootChainLoops() {
        byte[] b = golden(FAT32);
        put32(b, 16384 + 8, 2);
        put32(b, 16384 + 270336 + 8, 2);
        corrupt(() -> open(b), "the root directory: the directory's cluster chain loops back to cluster 2",
                16384 + 8);
    }

    @Test
    void entriesAfterTheEndMarkerAreIgnored() throws IOException {
        byte[] b = golden(FAT12);
        System.arraycopy(b, (int) HELLO, b, (int) END + 32, 32);
        System.arraycopy("AFTER   TXT".getBytes(), 0, b, (int) END + 32, 11);
        FatFileSystem fs = open(b);
        assertEquals(5, fs.list(fs.root()).size());
    }

    // ------------------------------------------------------------ hostile ids

    @Test
    void nodeIdsAreChecked() throws IOException {
        FatFileSystem fs = open(shared(FAT12));
        corrupt(() -> fs.node(HELLO + 1), "FAT node @0x1A21: id is 6689 - should be a multiple of 32 (the offset of a directory entry)", HELLO + 1);
        corrupt(() -> fs.node(-32), "id is -32 - should be a multiple of 32", 0);
        corrupt(() -> fs.node(512), "node id 512 is not inside the root directory or the data clusters", 512);
        corrupt(() -> fs.node(1L << 40), "is not inside the root directory or the data clusters", 1L << 40);
        long free = DATA + 19 * 512;   // cluster 21: the deleted file's, free again
        corrupt(() -> fs.node(free), "node id " + free + " lies in cluster 21, which the FAT marks free", free);
        corrupt(() -> fs.node(LFN_FIRST), "is a long-name slot, not a file", LFN_FIRST);
        corrupt(() -> fs.node(DELETED_SHORT), "is a deleted entry, not a file", DELETED_SHORT);
        corrupt(() -> fs.node(ROOT), "is a volume label, not a file", ROOT);
        corrupt(() -> fs.node(SUBDIR_CLUSTER_AT), "is a \".\" or \"..\" entry, not a file", SUBDIR_CLUSTER_AT);
        corrupt(() -> fs.node(SUBDIR_CLUSTER_AT + 32), "is a \".\" or \"..\" entry", SUBDIR_CLUSTER_AT + 32);
        corrupt(() -> fs.node(END), "is a free entry, not a file", END);
        assertEquals("hello.txt", ((FatNode) fs.node(HELLO)).shortName());
        assertEquals("empty", ((FatNode) fs.node(EMPTY)).shortName());
    }

    @Test
    void nodeInABadCluster() throws IOException {
        byte[] b = golden(FAT12);
        setFat(b, layout(FAT12), 10, 0xFF7);
        corrupt(() -> open(b).node(EMPTY), "lies in cluster 10, which the FAT marks 0xFF7", EMPTY);
    }

    @Test
    void patchedDiskHelperOverlaysBytes() throws IOException {
        // the hostile-input test relies on it: a patch changes the byte read, nothing else
        byte[] base = shared(FAT12);
        RawDisk d = RawDisk.patched(base, Map.of(2L, (byte) 0x77), base.length + 10);
        ByteBuffer got = ByteBuffer.allocate(8);
        d.read(0, got);
        byte[] want = Arrays.copyOf(base, 8);
        want[2] = 0x77;
        assertArrayEquals(want, got.array());
        ByteBuffer tail = ByteBuffer.allocate(10);
        d.read(base.length, tail);
        assertArrayEquals(new byte[10], tail.array());
    }
}
