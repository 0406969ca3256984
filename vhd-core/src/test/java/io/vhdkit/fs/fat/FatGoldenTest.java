package io.vhdkit.fs.fat;

import static io.vhdkit.fs.fat.FatTestSupport.FAT12;
import static io.vhdkit.fs.fat.FatTestSupport.FAT12_ROOT;
import static io.vhdkit.fs.fat.FatTestSupport.FAT16;
import static io.vhdkit.fs.fat.FatTestSupport.FAT32;
import static io.vhdkit.fs.fat.FatTestSupport.content;
import static io.vhdkit.fs.fat.FatTestSupport.golden;
import static io.vhdkit.fs.fat.FatTestSupport.node;
import static io.vhdkit.fs.fat.FatTestSupport.open;
import static io.vhdkit.fs.fat.FatTestSupport.sha256;
import static io.vhdkit.fs.fat.FatTestSupport.shared;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileStat;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.FsInfo;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.fs.Resolved;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The golden images read field by field and file by file: what mkfs.vfat and mtools wrote (see the README). */
class FatGoldenTest {

    @Test
    void decodesTheFat12BootSector() {
        BootSector bs = BootSector.decode(ByteBuffer.wrap(shared(FAT12)));
        assertEquals(0xEB, bs.jump());
        assertEquals("mkfs.fat", bs.oemName());
        assertEquals(512, bs.bytesPerSector());
        assertEquals(1, bs.sectorsPerCluster());
        assertEquals(1, bs.reservedSectors());
        assertEquals(2, bs.numFats());
        assertEquals(512, bs.rootEntries());
        assertEquals(2048, bs.totalSectors16());
        assertEquals(0xF8, bs.media());
        assertEquals(6, bs.fatSize16());
        assertEquals(0, bs.totalSectors32());
        assertFalse(bs.fat32Layout());
        assertEquals(2048, bs.totalSectors());
        assertEquals(0x29, bs.bootSignature());
        assertEquals(0x1234ABCD, bs.volumeId());
        assertEquals("GOLDEN12   ", bs.volumeLabel());
        assertEquals("FAT12   ", bs.fsTypeText());
        assertEquals(0xAA55, bs.signature());
        assertEquals("1234-ABCD", bs.serialText());
        assertEquals("GOLDEN12", bs.labelText());
        assertFalse(bs.dirty());
    }

    @Test
    void decodesTheFat32BootSector() {
        BootSector bs = BootSector.decode(ByteBuffer.wrap(shared(FAT32)));
        assertTrue(bs.fat32Layout());
        assertEquals(0, bs.fatSize16());
        assertEquals(0, bs.rootEntries());
        assertEquals(0, bs.totalSectors16());
        assertEquals(68608, bs.totalSectors32());
        assertEquals(32, bs.reservedSectors());
        assertEquals(528, bs.fatSize32());
        assertEquals(0, bs.extFlags());
        assertEquals(0, bs.fsVersion());
        assertEquals(2, bs.rootCluster());
        assertEquals(1, bs.fsInfoSector());
        assertEquals(6, bs.backupBootSector());
        assertEquals(0x29, bs.bootSignature());
        assertEquals(0x3232ABCD, bs.volumeId());
        assertEquals("GOLDEN32   ", bs.volumeLabel());
        assertEquals("FAT32   ", bs.fsTypeText());
        assertEquals(BootSector.OFFSET_EXTENDED_32, bs.extendedOffset());
    }

    @Test
    void laysOutEachType() throws IOException {
        FatLayout l12 = open(shared(FAT12)).layout();
        assertEquals(new FatLayout(FatType.FAT12, 512, 512, 512, 3072, 2, 0, FAT12_ROOT, 16384, 0, 23040, 2003,
                1 << 20), l12);
        FatLayout l16 = open(shared(FAT16)).layout();
        assertEquals(new FatLayout(FatType.FAT16, 512, 512, 512, 10240, 2, 0, 20992, 16384, 0, 37376, 5047,
                2560 * 1024), l16);
        FatLayout l32 = open(shared(FAT32)).layout();
        assertEquals(new FatLayout(FatType.FAT32, 512, 512, 16384, 270336, 2, 0, 557056, 0, 2, 557056, 67520,
                68608L * 512), l32);
        assertEquals(557056 + 5 * 512, l32.clusterOffset(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {FAT12, FAT16, FAT32})
    void infoIsWhatBlkidPrints(String image) throws IOException {
        FsInfo info = open(shared(image)).info();
        String n = image.substring(3, 5);
        assertEquals("vfat", info.type());
        assertEquals("GOLDEN" + n, info.label());
        assertEquals((n.equals("12") ? "1234" : n + n) + "-ABCD", info.uuid());
        assertEquals(512, info.blockSize());
        assertFalse(info.caseSensitive());
        assertEquals(List.of(), info.anomalies());
    }

    @ParameterizedTest
    @ValueSource(strings = {FAT12, FAT16, FAT32})
    void listsEveryFileWithItsStat(String image) throws IOException {
        FatFileSystem fs = open(shared(image));
        List<String> root = fs.list(fs.root()).stream().map(DirEntry::name).toList();
        // on-disk order; the label, the deleted file and no "." or ".." are listed
        assertEquals(List.of("hello.txt", "Long File Name.txt", "README.TXT", "SubDir", "frag"), root);
        assertEquals(List.of("nested.bin", "Deeper"), names(fs, "/SubDir"));
        assertEquals(List.of("empty"), names(fs, "/SubDir/Deeper"));
        assertEquals(List.of("a.bin", "frag.bin", "b.bin"), names(fs, "/frag"));

        FatNode hello = node(fs, "/hello.txt");
        assertEquals("hello.txt", hello.shortName());
        // 2020-01-02T03:04:05Z in the source: FAT keeps even seconds
        assertEquals(new FileStat(FileType.REGULAR, 13, 0100644, 0, 0, Instant.parse("2020-01-02T03:04:04Z"), 1),
                hello.stat());
        assertEquals(ShortEntry.ATTR_ARCHIVE, hello.attributes());
        FatNode readme = node(fs, "/README.TXT");
        assertEquals(0100444, readme.stat().mode(), "read-only attribute");
        assertEquals("-r--r--r--", readme.stat().modeString());
        assertEquals("LONGFI~1.TXT", node(fs, "/Long File Name.txt").shortName());
        FatNode sub = node(fs, "/SubDir");
        assertEquals(new FileStat(FileType.DIRECTORY, 512, 040755, 0, 0, Instant.ofEpochSecond(1600000102), 1),
                sub.stat());
        assertEquals("SUBDIR", sub.shortName());
        assertEquals("frag", node(fs, "/frag").shortName(), "NT flag 0x08 on a name without extension");
        FsNode root0 = fs.root();
        assertEquals(new FileStat(FileType.DIRECTORY, fs.fatType() == FatType.FAT32 ? 512 : 16384, 040755, 0, 0,
                Instant.EPOCH, 1), root0.stat());
        assertEquals(FatFileSystem.ROOT_ID, root0.id());
        for (Map.Entry<String, String> e : FatTestSupport.SHA256.entrySet()) {
            assertEquals(e.getValue(), sha256(content(fs, e.getKey())), e.getKey());
        }
    }

    private static List<String> names(FatFileSystem fs, String path) throws IOException {
        return fs.list(node(fs, path)).stream().map(DirEntry::name).toList();
    }

    @Test
    void directoryEntriesTellTheType() throws IOException {
        FatFileSystem fs = open(shared(FAT16));
        for (DirEntry e : fs.list(fs.root())) {
            assertEquals(fs.node(e.id()).type(), e.type(), e.name());
        }
    }

    @Test
    void idsAreTheOffsetsOfShortEntries() throws IOException {
        FatFileSystem fs = open(shared(FAT12));
        assertEquals(FAT12_ROOT + 32, FatTestSupport.id(fs, "/hello.txt"));
        assertEquals(FAT12_ROOT + 128, FatTestSupport.id(fs, "/Long File Name.txt"));
        assertEquals(FAT12_ROOT + 224, FatTestSupport.id(fs, "/SubDir"));
        // nested.bin: the third entry (after "." and "..") of SubDir's cluster 6
        assertEquals(23040 + 4 * 512 + 64, FatTestSupport.id(fs, "/SubDir/nested.bin"));
    }

    @ParameterizedTest
    @ValueSource(strings = {FAT12, FAT16, FAT32})
    void followsFragmentedChains(String image) throws IOException {
        FatFileSystem fs = open(shared(image));
        FatNode frag = node(fs, "/frag/frag.bin");
        ClusterChain c = fs.clusters(frag);
        int base = fs.fatType() == FatType.FAT32 ? 15 : 14;  // FAT32's root takes cluster 2
        assertEquals("<" + base + "-" + (base + 1) + "> <" + (base + 4) + "-" + (base + 6) + ">", c.describe());
        assertEquals(5, c.clusters());
        assertEquals(2, c.runs());
        assertEquals(base + 4, c.cluster(2));
        byte[] whole = content(fs, "/frag/frag.bin");
        // every read position and length across the run boundary gives the same bytes
        for (int pos = 0; pos < whole.length; pos += 97) {
            for (int len : new int[]{1, 511, 512, 513, 1500, 4096}) {
                ByteBuffer dst = ByteBuffer.allocate(len);
                int n = fs.read(frag, pos, dst);
                int want = Math.min(len, whole.length - pos);
                assertEquals(want, n);
                assertArrayEquals(Arrays.copyOfRange(whole, pos, pos + want), Arrays.copyOf(dst.array(), n));
                assertEquals(n, dst.position());
            }
        }
        assertEquals(-1, fs.read(frag, whole.length, ByteBuffer.allocate(10)));
        assertEquals(-1, fs.read(frag, whole.length + 100, ByteBuffer.allocate(10)));
        assertEquals(0, fs.read(frag, 0, ByteBuffer.allocate(0)));
    }

    @Test
    void readsIntoTheBuffersPositionAndRespectsItsLimit() throws IOException {
        FatFileSystem fs = open(shared(FAT12));
        FatNode f = node(fs, "/SubDir/nested.bin");
        byte[] whole = content(fs, "/SubDir/nested.bin");
        ByteBuffer dst = ByteBuffer.allocate(100);
        dst.position(10).limit(60);
        assertEquals(50, fs.read(f, 700, dst));
        assertEquals(60, dst.position());
        assertArrayEquals(Arrays.copyOfRange(whole, 700, 750), Arrays.copyOfRange(dst.array(), 10, 60));
        assertEquals(0, dst.array()[9]);
        assertEquals(0, dst.array()[60]);
    }

    @Test
    void emptyFileHasNoClusters() throws IOException {
        FatFileSystem fs = open(shared(FAT16));
        FatNode empty = node(fs, "/SubDir/Deeper/empty");
        assertEquals(0, empty.firstCluster());
        assertEquals(0, fs.clusters(empty).clusters());
        assertEquals("", fs.clusters(empty).describe());
        assertEquals(-1, fs.read(empty, 0, ByteBuffer.allocate(4)));
    }

    @Test
    void lookupIgnoresCaseAndMatchesShortAliases() throws IOException {
        FatFileSystem fs = open(shared(FAT32));
        FsNode root = fs.root();
        assertEquals("Long File Name.txt", fs.lookup(root, "LONG FILE NAME.TXT").orElseThrow().name());
        assertEquals("Long File Name.txt", fs.lookup(root, "longfi~1.txt").orElseThrow().name());
        assertEquals("hello.txt", fs.lookup(root, "HELLO.TXT").orElseThrow().name());
        assertEquals("SubDir", fs.lookup(root, "subdir").orElseThrow().name());
        assertTrue(fs.lookup(root, "Deleted Long Name.txt").isEmpty());
        assertTrue(fs.lookup(root, "DELETE~1.TXT").isEmpty());
        assertTrue(fs.lookup(root, "GOLDEN32").isEmpty(), "the label is not a file");
        assertTrue(fs.lookup(root, "hello.tx").isEmpty());
    }

    @Test
    void foldsBySimpleCaseMapping() {
        assertEquals("ÉTÉ", FatFileSystem.fold("été"));
        assertEquals("ΣΊΣΥΦΟΣ", FatFileSystem.fold("σίσυφος"));
        // simple mapping: sharp s stays one character (String.toUpperCase would make it "SS")
        assertEquals("STRAßE", FatFileSystem.fold("straße"));
        assertEquals("\uD801\uDC00", FatFileSystem.fold("\uD801\uDC28"), "Deseret: outside the BMP");
    }

    @Test
    void resolvesPathsWithThePathResolver() throws IOException {
        FatFileSystem fs = open(shared(FAT12));
        PathResolver r = new PathResolver(fs);
        Resolved res = r.resolve("/subdir/DEEPER/./../deeper/EMPTY", true);
        assertEquals("/SubDir/Deeper/empty", res.path());
        assertEquals(FatTestSupport.id(fs, "/SubDir/Deeper/empty"), res.node().id());
        assertTrue(r.find("/nope/x", true).isEmpty());
    }

    @Test
    void rejectsForeignNodesAndWrongTypes() throws IOException {
        FatFileSystem fs = open(shared(FAT12));
        FatFileSystem other = open(shared(FAT12));
        FatNode file = node(fs, "/hello.txt");
        assertThrows(IllegalArgumentException.class, () -> fs.list(file));
        assertThrows(IllegalArgumentException.class, () -> fs.read(fs.root(), 0, ByteBuffer.allocate(1)));
        assertThrows(IllegalArgumentException.class, () -> fs.read(other.root(), 0, ByteBuffer.allocate(1)));
        assertThrows(IllegalArgumentException.class, () -> other.list(fs.root()));
        assertThrows(IllegalArgumentException.class, () -> fs.read(file, -1, ByteBuffer.allocate(1)));
        assertThrows(IllegalArgumentException.class, () -> fs.readLink(file));
    }

    @Test
    void concurrentReadsAgree() throws Exception {
        FatFileSystem fs = open(shared(FAT32));
        byte[] want = content(fs, "/frag/frag.bin");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> {
                    FatNode n = (FatNode) fs.node(FatTestSupport.id(fs, "/frag/frag.bin"));
                    return FsFiles.readAll(fs, n, 1 << 20);
                }));
            }
            for (Future<byte[]> f : results) {
                assertArrayEquals(want, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeLeavesTheVolumeOpen() throws IOException {
        RawDisk disk = RawDisk.of(golden(FAT12));
        FatFileSystem fs = FatFileSystem.open(disk);
        fs.close();
        assertNull(fs.clusters(fs.root()), "the FAT12 root is not in clusters");
        assertEquals(5, fs.list(fs.root()).size());
    }
}
