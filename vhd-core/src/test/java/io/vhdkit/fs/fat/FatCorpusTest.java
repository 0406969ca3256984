package io.vhdkit.fs.fat;

import static io.vhdkit.fs.fat.FatTestSupport.assertFinding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.check.Severity;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileStat;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.FsInfo;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The images of {@code fixtures/fat} (mkfs.vfat and mtools; see its README), read in full and compared with the
 * manifest of their source trees, and cross-checked with what mtools ({@code mdir}, {@code mshowfat}) and blkid say
 * of the same image.
 */
class FatCorpusTest {

    private static final String[] POPULATED = {"fat12", "fat16", "fat32", "fat16-4k"};

    private static Path file(String name) {
        return Fixtures.file("fat", name);
    }

    /** What we expect of one file, from the manifest: mode as vhdkit synthesizes it, uid and gid 0. */
    private record Expected(FileType type, long size, int mode, Instant mtime, String sha256) {
    }

    private static Map<String, Expected> manifest(String image) throws IOException {
        Map<String, Expected> out = new TreeMap<>();
        for (String line : Files.readAllLines(file(image + ".manifest.tsv"), StandardCharsets.UTF_8)) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            boolean dir = f[1].equals("dir");
            int sourceMode = Integer.parseInt(f[3], 8);
            int mode = dir ? 040755 : (sourceMode & 0222) == 0 ? 0100444 : 0100644;
            out.put(f[0], new Expected(dir ? FileType.DIRECTORY : FileType.REGULAR, dir ? -1 : Long.parseLong(f[2]),
                    mode, Instant.ofEpochSecond(Long.parseLong(f[6])), dir ? null : f[7]));
        }
        return out;
    }

    /** Every file of the filesystem by path, depth-first. */
    private static Map<String, FatNode> walk(FatFileSystem fs) throws IOException {
        Map<String, FatNode> out = new LinkedHashMap<>();
        walk(fs, (FatNode) fs.root(), "", out, 0);
        return out;
    }

    private static void walk(FatFileSystem fs, FatNode dir, String path, Map<String, FatNode> out, int depth)
            throws IOException {
        assertTrue(depth < 32, "deeper than the fixture: " + path);
        for (DirEntry e : fs.list(dir)) {
            FatNode n = (FatNode) fs.node(e.id());
            assertEquals(n.type(), e.type(), path + "/" + e.name());
            String p = path + "/" + e.name();
            assertEquals(null, out.put(p, n), "listed twice: " + p);
            if (n.type() == FileType.DIRECTORY) {
                walk(fs, n, p, out, depth + 1);
            }
        }
    }

    private static String sha256(FatFileSystem fs, FsNode n) throws IOException {
        try (InputStream in = FsFiles.newInputStream(fs, n)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[8192];
            for (int k; (k = in.read(buf)) > 0; ) {
                md.update(buf, 0, k);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fat12", "fat16", "fat32", "fat16-4k"})
    void everyFileMatchesTheManifest(String image) throws IOException {
        Map<String, Expected> want = manifest(image);
        try (RawDisk disk = RawDisk.open(file(image + ".img"))) {
            FatFileSystem fs = FatFileSystem.open(disk);
            Map<String, FatNode> got = walk(fs);
            assertEquals(want.keySet(), new TreeMap<>(got).keySet(), image + ": the paths");
            for (Map.Entry<String, Expected> e : want.entrySet()) {
                String path = e.getKey();
                Expected x = e.getValue();
                FileStat st = got.get(path).stat();
                assertEquals(x.type(), st.type(), path);
                assertEquals(x.mode(), st.mode(), path);
                assertEquals(0, st.uid(), path);
                assertEquals(0, st.gid(), path);
                assertEquals(x.mtime(), st.mtime(), path);
                assertEquals(1, st.links(), path);
                if (x.type() == FileType.REGULAR) {
                    assertEquals(x.size(), st.size(), path);
                    assertEquals(x.sha256(), sha256(fs, got.get(path)), path);
                } else {
                    assertEquals(0, st.size() % fs.layout().clusterSize(), path);
                    assertTrue(st.size() > 0, path);
                }
            }
            if (image.equals("fat16")) {
                // mlabel wrote "Data16" in the boot sector and "DATA16" in the root directory
                assertEquals(1, fs.info().anomalies().size(), fs.info().anomalies().toString());
                assertFinding(fs.info().anomalies(), "boot-sector.volume-label", Severity.INFO, "\"Data16\"");
            } else {
                assertEquals(List.of(), fs.info().anomalies(), image);
            }
        }
    }

    /** {@code mdir -/ -a}: one line per entry, {@code NAME____ EXT size-or-<DIR> date time [long name]}. */
    private static final Pattern MDIR_ENTRY = Pattern.compile(
            "^(.{8}) (.{3}) +(<DIR>|\\d+) +(\\d{4})-(\\d\\d)-(\\d\\d) +(\\d{1,2}):(\\d\\d)(.*)$");

    @ParameterizedTest
    @ValueSource(strings = {"fat12", "fat16", "fat32", "fat16-4k"})
    void shortNamesSizesAndTimesAgreeWithMdir(String image) throws IOException {
        try (RawDisk disk = RawDisk.open(file(image + ".img"))) {
            FatFileSystem fs = FatFileSystem.open(disk);
            Map<String, FatNode> got = walk(fs);
            String dir = null;
            int checked = 0;
            for (String line : Files.readAllLines(file(image + ".mdir.txt"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Directory for ::")) {
                    dir = line.substring("Directory for ::".length());
                    continue;
                }
                Matcher m = MDIR_ENTRY.matcher(line);
                if (!m.matches() || m.group(1).startsWith(".  ") || m.group(1).startsWith(".. ")) {
                    continue;
                }
                String base = m.group(1).stripTrailing();
                String ext = m.group(2).stripTrailing();
                String shortName = ext.isEmpty() ? base : base + "." + ext;
                String longName = m.group(9).strip();
                String name = longName.isEmpty() ? shortName : longName;
                String path = (dir.equals("/") ? "" : dir) + "/" + name;
                FatNode n = got.get(path);
                assertNotNull(n, image + ": mdir lists " + path);
                assertEquals(shortName, n.shortName(), path);
                if (m.group(3).equals("<DIR>")) {
                    assertEquals(FileType.DIRECTORY, n.type(), path);
                } else {
                    assertEquals(Long.parseLong(m.group(3)), n.stat().size(), path);
                }
                Instant minute = LocalDateTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                        Integer.parseInt(m.group(6)), Integer.parseInt(m.group(7)), Integer.parseInt(m.group(8)))
                        .toInstant(ZoneOffset.UTC);
                assertEquals(minute, n.stat().mtime().truncatedTo(ChronoUnit.MINUTES), path);
                checked++;
            }
            assertEquals(got.size(), checked, image + ": every file in mdir's listing");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fat12", "fat16", "fat32", "fat16-4k"})
    void clusterChainsAgreeWithMshowfat(String image) throws IOException {
        try (RawDisk disk = RawDisk.open(file(image + ".img"))) {
            FatFileSystem fs = FatFileSystem.open(disk);
            PathResolver r = new PathResolver(fs);
            int checked = 0;
            int fragmented = 0;
            for (String line : Files.readAllLines(file(image + ".mshowfat.txt"), StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                String path;
                String chain;
                if (line.endsWith(" Root directory or empty file")) {
                    path = line.substring(2, line.length() - " Root directory or empty file".length());
                    chain = "";
                } else {
                    int at = line.indexOf(" <");
                    path = line.substring(2, at);
                    chain = line.substring(at + 1).strip();
                }
                ClusterChain c = fs.clusters(r.resolve(path, false).node());
                assertEquals(chain, c.describe(), image + ": " + path);
                fragmented += c.runs() > 1 ? 1 : 0;
                checked++;
            }
            assertEquals(manifest(image).values().stream().filter(e -> e.type() == FileType.REGULAR).count(),
                    checked, image + ": every file has a line");
            assertTrue(fragmented >= 1, image + ": frag/fragmented.bin is fragmented");
        }
    }

    private static Map<String, String> blkid(String image) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (String line : Files.readAllLines(file(image + ".blkid.txt"), StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            out.put(line.substring(0, eq), line.substring(eq + 1).replace("\\ ", " "));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"fat12", "fat16", "fat32", "fat16-4k", "fat32-small"})
    void infoAgreesWithBlkid(String image) throws IOException {
        Map<String, String> b = blkid(image);
        try (RawDisk disk = RawDisk.open(file(image + ".img"))) {
            FatFileSystem fs = FatFileSystem.open(disk);
            FsInfo info = fs.info();
            assertEquals(b.get("TYPE"), info.type());
            assertEquals(b.get("UUID"), info.uuid());
            assertEquals(b.getOrDefault("LABEL", b.get("LABEL_FATBOOT")), info.label(), image);
            assertEquals(b.get("VERSION"), fs.fatType().label());
            assertEquals(Integer.parseInt(b.get("BLOCK_SIZE")), fs.layout().bytesPerSector());
            assertEquals(Files.size(file(image + ".img")), info.size());
        }
    }

    @Test
    void labelsFromMlabelAndMkfs() throws IOException {
        try (RawDisk disk = RawDisk.open(file("fat16.img"))) {
            // mlabel writes "DATA16" in the root directory and "Data16" in the boot sector; blkid's LABEL is the first
            FatFileSystem fs = FatFileSystem.open(disk);
            assertEquals("DATA16", fs.info().label());
            assertEquals("Data16", fs.bootSector().labelText());
        }
        try (RawDisk disk = RawDisk.open(file("fat16-4k.img"))) {
            FatFileSystem fs = FatFileSystem.open(disk);
            assertEquals(null, fs.info().label());
            assertEquals(4096, fs.layout().bytesPerSector());
            assertEquals(1, fs.layout().numFats());
        }
    }

    @Test
    void smallFat32IsReadWithAFinding() throws IOException {
        try (RawDisk disk = RawDisk.open(file("fat32-small.img"))) {
            FatFileSystem fs = FatFileSystem.open(disk);
            assertEquals(FatType.FAT32, fs.fatType());
            assertTrue(fs.layout().clusterCount() < FatType.MIN_FAT32_CLUSTERS);
            assertFinding(fs.info().anomalies(), "boot-sector.cluster-count", Severity.WARNING,
                    "UEFI firmware built on edk2's FatPkg refuses to mount it");
            assertEquals(List.of(), fs.list(fs.root()));
            assertEquals("SMALL32", fs.info().label());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fat12", "fat32"})
    void namesAndAttributes(String image) throws IOException {
        try (RawDisk disk = RawDisk.open(file(image + ".img"))) {
            FatFileSystem fs = FatFileSystem.open(disk);
            PathResolver r = new PathResolver(fs);
            // case-insensitive lookups land on the on-disk spelling
            assertEquals("/case-one/ReadMe.Md", r.resolve("/CASE-ONE/readme.md", true).path());
            assertEquals("/case-two/README.MD", r.resolve("/Case-Two/ReadMe.md", true).path());
            assertEquals("/café.txt", r.resolve("/CAFÉ.TXT", true).path());
            assertEquals("/Ünïcödé directory/snowman \u2603 file.txt",
                    r.resolve("/üNÏCÖDÉ DIRECTORY/SNOWMAN \u2603 FILE.TXT", true).path());
            // 8.3 aliases of long names
            assertEquals("/A long file name with spaces.txt", r.resolve("/ALONGF~1.TXT", true).path());
            // short names as stored, with the NT lower-case flags
            assertEquals("lower.txt", node(r, "/lower.txt").shortName());
            assertEquals(0x18, node(r, "/lower.txt").entry().ntFlags());
            assertEquals("UPPER.txt", node(r, "/UPPER.txt").shortName());
            assertEquals("lowbase.TXT", node(r, "/lowbase.TXT").shortName());
            assertEquals("café.txt", node(r, "/café.txt").shortName());
            assertEquals("MIXED.TXT", node(r, "/MiXeD.Txt").shortName());
            assertEquals(21, node(r, "/" + "X".repeat(251) + ".TXT").stat().size(), "a 255-character name");
            // attributes
            assertEquals(ShortEntry.ATTR_HIDDEN, node(r, "/attrs/hidden.txt").attributes() & 0x07);
            assertEquals(ShortEntry.ATTR_SYSTEM, node(r, "/attrs/system.txt").attributes() & 0x07);
            assertEquals(ShortEntry.ATTR_READ_ONLY, node(r, "/attrs/READONLY.TXT").attributes() & 0x07);
            assertEquals("-r--r--r--", node(r, "/attrs/read-only.txt").stat().modeString());
            // the deep tree resolves
            StringBuilder deep = new StringBuilder("/deep");
            for (int i = 1; i <= 12; i++) {
                deep.append(String.format("/LEVEL %02d DIRECTORY", i));
            }
            assertEquals(19, FsFiles.readAll(fs, r.resolve(deep + "/bottom.txt", true).node(), 100).length);
            // the directory of many files spans several clusters
            FatNode many = node(r, "/many");
            assertTrue(fs.clusters(many).clusters() > 1, "many/ spans clusters");
            assertFalse(fs.list(many).isEmpty());
        }
    }

    private static FatNode node(PathResolver r, String path) throws IOException {
        FsNode n = r.resolve(path, true).node();
        if (!(n instanceof FatNode f)) {
            fail("not a FAT node: " + n);
            return null;
        }
        return f;
    }
}
