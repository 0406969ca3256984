package io.vhdkit.fs.ntfs;

import static io.vhdkit.fs.ntfs.NtfsTestSupport.assertContains;
import static io.vhdkit.fs.ntfs.NtfsTestSupport.assertFinding;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Severity;
import io.vhdkit.disk.RawDisk;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileStat;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.FsInfo;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.io.FileByteSource;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The images of {@code fixtures/ntfs} (mkntfs, filled through libntfs-3g; see its README), read in full and compared
 * with the manifest of what the recipe put in them, and cross-checked with what ntfs-3g's own tools ({@code ntfsls},
 * {@code ntfscat}, {@code ntfsinfo}) and blkid say of the same images.
 */
class NtfsCorpusTest {

    private static Path file(String name) {
        return Fixtures.file("ntfs", name);
    }

    /** One line of a manifest. */
    private record Expected(String type, long size, int mode, long mtime, int links, String sha256, String target,
                            List<String> flags) {

        FileType fileType() {
            return switch (type) {
                case "dir" -> FileType.DIRECTORY;
                case "symlink" -> FileType.SYMLINK;
                default -> FileType.REGULAR;
            };
        }

        String flag(String prefix) {
            for (String f : flags) {
                if (f.startsWith(prefix)) {
                    return f;
                }
            }
            return null;
        }
    }

    private static Map<String, Expected> manifest(String image) throws IOException {
        Map<String, Expected> out = new TreeMap<>();
        for (String line : Files.readAllLines(file(image + ".manifest.tsv"), StandardCharsets.UTF_8)) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            out.put(f[0], new Expected(f[1], f[2].equals("-") ? -1 : Long.parseLong(f[2]), Integer.parseInt(f[3], 8),
                    Long.parseLong(f[6]), Integer.parseInt(f[7]), f[8], f[9], f[10].equals("-") ? List.of()
                    : List.of(f[10].split(","))));
        }
        return out;
    }

    private static NtfsFileSystem open(RawDisk disk) throws IOException {
        return NtfsFileSystem.open(disk);
    }

    private static RawDisk disk(String image) throws IOException {
        return new RawDisk(FileByteSource.open(file(image + ".img")));
    }

    /** Every file of the filesystem by path, depth-first, and the type each listing gave. */
    private static Map<String, NtfsNode> walk(NtfsFileSystem fs, Map<String, FileType> listed) throws IOException {
        Map<String, NtfsNode> out = new LinkedHashMap<>();
        out.put("/", fs.root());
        walk(fs, fs.root(), "", out, listed, 0);
        return out;
    }

    private static void walk(NtfsFileSystem fs, NtfsNode dir, String path, Map<String, NtfsNode> out,
                             Map<String, FileType> listed, int depth) throws IOException {
        assertTrue(depth < 32, "deeper than the fixture: " + path);
        for (DirEntry e : fs.list(dir)) {
            NtfsNode n = fs.node(e.id());
            String p = path + "/" + e.name();
            assertEquals(null, out.put(p, n), "listed twice: " + p);
            listed.put(p, e.type());
            if (n.type() == FileType.DIRECTORY) {
                walk(fs, n, p, out, listed, depth + 1);
            }
        }
    }

    private static String sha256(NtfsFileSystem fs, FsNode n) throws IOException {
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
    @ValueSource(strings = {"ntfs", "c512", "s4k-c64k", "c128k", "dirty"})
    void everyFileMatchesTheManifest(String image) throws IOException {
        Map<String, Expected> want = manifest(image);
        try (RawDisk disk = disk(image)) {
            NtfsFileSystem fs = open(disk);
            Map<String, FileType> listed = new HashMap<>();
            Map<String, NtfsNode> got = walk(fs, listed);
            assertEquals(want.keySet(), new TreeMap<>(got).keySet(), image + ": the paths");
            for (Map.Entry<String, Expected> e : want.entrySet()) {
                String path = e.getKey();
                Expected x = e.getValue();
                NtfsNode n = got.get(path);
                FileStat st = n.stat();
                assertEquals(x.fileType(), st.type(), path);
                if (!path.equals("/")) {
                    assertEquals(x.fileType(), listed.get(path), path + ": the type the listing gives");
                }
                assertEquals(x.mode(), st.mode(), path);
                assertEquals(0, st.uid(), path);
                assertEquals(0, st.gid(), path);
                assertEquals(NtfsTime.decode(x.mtime()), st.mtime(), path);
                assertEquals(x.links(), st.links(), path);
                if (x.size() >= 0) {
                    assertEquals(x.size(), st.size(), path);
                }
                switch (x.type()) {
                    case "file" -> assertEquals(x.sha256(), sha256(fs, n), path);
                    case "symlink" -> {
                        if (x.target().equals("!")) {
                            UnsupportedFormatException u = assertThrows(UnsupportedFormatException.class,
                                    () -> fs.readLink(n), path);
                            assertContains(u.getMessage(), "cannot be followed inside this volume");
                        } else {
                            assertEquals(x.target(), fs.readLink(n), path);
                        }
                    }
                    case "reparse" -> {
                        UnsupportedFormatException u = assertThrows(UnsupportedFormatException.class,
                                () -> FsFiles.readAll(fs, n, 1 << 20), path);
                        assertContains(u.getMessage(), x.flag("reparse=").substring("reparse=".length()));
                    }
                    case "encrypted" -> {
                        UnsupportedFormatException u = assertThrows(UnsupportedFormatException.class,
                                () -> FsFiles.readAll(fs, n, 1 << 20), path);
                        assertContains(u.getMessage(), "encrypted with EFS");
                    }
                    case "dir" -> {
                        if (x.flag("reparse=") != null) {
                            assertEquals(Long.decode(x.flag("reparse=").substring(8)).intValue(), n.reparseTag());
                        }
                    }
                    default -> throw new AssertionError(x.type());
                }
                checkFlags(fs, path, x, n);
            }
            if (image.equals("dirty")) {
                assertEquals(1, fs.info().anomalies().size(), fs.info().anomalies().toString());
                assertFinding(fs.info().anomalies(), "volume.volume-information-flags", Severity.WARNING,
                        "the volume was not cleanly unmounted; chkdsk pending");
            } else {
                assertEquals(List.of(), fs.info().anomalies(), image);
            }
        }
    }

    private static void checkFlags(NtfsFileSystem fs, String path, Expected x, NtfsNode n) throws IOException {
        for (String flag : x.flags()) {
            String[] kv = flag.split("=", 2);
            switch (kv[0]) {
                case "compressed" -> assertTrue(n.compressed(), path + " is compressed");
                case "sparse" -> assertTrue(n.dataRuns() > 1, path + " has sparse runs");
                case "attrlist" -> assertTrue(n.hasAttributeList(), path + " has an attribute list");
                case "fragmented" -> assertTrue(n.dataRuns() >= 8, path + " is fragmented: " + n.dataRuns());
                case "streams" -> assertEquals(Integer.parseInt(kv[1]), n.streamNames().size(), path);
                case "reparse" -> assertEquals(Long.decode(kv[1]).intValue(), n.reparseTag(), path);
                case "encrypted" -> assertTrue((n.dosAttributes() & Ntfs.FILE_ATTR_ENCRYPTED) != 0, path);
                case "dosname" -> {
                    // the DOS alias finds the file and gives its long name
                    String parent = path.substring(0, path.lastIndexOf('/'));
                    NtfsNode dir = (NtfsNode) new PathResolver(fs).resolve(parent.isEmpty() ? "/" : parent, true)
                            .node();
                    DirEntry e = fs.lookup(dir, kv[1]).orElseThrow();
                    assertEquals(path.substring(path.lastIndexOf('/') + 1), e.name());
                    assertEquals(n.id(), e.id());
                }
                default -> throw new AssertionError("unknown flag " + flag);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ntfs", "c512", "s4k-c64k", "c128k", "dirty"})
    void infoAgreesWithBlkidAndNtfsinfo(String image) throws IOException {
        Map<String, String> blkid = new HashMap<>();
        for (String line : Files.readAllLines(file(image + ".blkid.txt"), StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            blkid.put(line.substring(0, eq), line.substring(eq + 1).replace("\\ ", " "));
        }
        String volume = Files.readString(file(image + ".ntfsinfo-volume.txt"), StandardCharsets.UTF_8);
        try (RawDisk disk = disk(image)) {
            NtfsFileSystem fs = open(disk);
            FsInfo info = fs.info();
            assertEquals("ntfs", info.type());
            assertEquals(blkid.get("TYPE"), info.type());
            assertEquals(blkid.get("UUID"), info.uuid());
            assertEquals(blkid.get("LABEL"), info.label());
            assertEquals(Integer.parseInt(blkid.get("BLOCK_SIZE")), fs.bootSector().bytesPerSector());
            assertFalse(info.caseSensitive());
            assertEquals(field(volume, "Cluster Size"), info.blockSize());
            assertEquals(field(volume, "MFT Record Size"), fs.geometry().mftRecordSize());
            assertEquals(field(volume, "Index Block Size"), fs.geometry().indexRecordSize());
            assertEquals(field(volume, "Volume Size in Clusters"), fs.geometry().totalClusters());
            assertContains(volume, "Volume Version: " + fs.version());
            assertEquals(disk.size() - fs.bootSector().bytesPerSector(), info.size(), "the backup boot sector "
                    + "follows the filesystem");
        }
    }

    /** A number after {@code name:} in ntfsinfo's output. */
    private static long field(String text, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + ":\\s*(\\d+)").matcher(text);
        assertTrue(m.find(), name + " in ntfsinfo's output");
        return Long.parseLong(m.group(1));
    }

    /** {@code ntfsls -l}: {@code SIZE Mon dd HH:MM YYYY NAME}. */
    private static final Pattern NTFSLS = Pattern.compile("^\\s*(\\d+) (\\w{3}) +(\\d+) (\\d\\d):(\\d\\d) (\\d{4}) (.*)$");
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM", Locale.ENGLISH);

    @ParameterizedTest
    @ValueSource(strings = {"ntfs", "c512", "s4k-c64k", "c128k"})
    void listingsAgreeWithNtfsls(String image) throws IOException {
        Map<String, Set<String>> theirs = new TreeMap<>();
        String dir = null;
        for (String line : Files.readAllLines(file(image + ".ntfsls.txt"), StandardCharsets.UTF_8)) {
            if (line.endsWith(":") && line.startsWith("/")) {
                dir = line.substring(0, line.length() - 1);
                theirs.put(dir, new TreeSet<>());
                continue;
            }
            Matcher m = NTFSLS.matcher(line);
            if (!m.matches() || m.group(7).equals(".") || m.group(7).equals("..")) {
                continue;
            }
            int month = MONTH.parse(m.group(2)).get(java.time.temporal.ChronoField.MONTH_OF_YEAR);
            LocalDateTime t = LocalDateTime.of(Integer.parseInt(m.group(6)), month, Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
            theirs.get(dir).add(m.group(7) + " | " + m.group(1) + " | " + t.toInstant(ZoneOffset.UTC));
        }
        try (RawDisk disk = disk(image)) {
            NtfsFileSystem fs = open(disk);
            Map<String, Set<String>> ours = new TreeMap<>();
            Map<String, NtfsNode> all = walk(fs, new HashMap<>());
            for (Map.Entry<String, NtfsNode> e : all.entrySet()) {
                if (e.getValue().type() != FileType.DIRECTORY || e.getValue().reparseTag() != 0
                        && !theirs.containsKey(e.getKey())) {
                    continue;
                }
                Set<String> names = new TreeSet<>();
                for (DirEntry d : fs.list(e.getValue())) {
                    NtfsNode n = fs.node(d.id());
                    // ntfsls shows the size of the unnamed $DATA, 0 for directories and links
                    long size = n.type() == FileType.REGULAR ? n.stat().size() : 0;
                    names.add(d.name() + " | " + size + " | " + n.stat().mtime().truncatedTo(ChronoUnit.MINUTES));
                }
                ours.put(e.getKey(), names);
            }
            // ntfsls shows the times of the $FILE_NAME copy, which ntfs-3g does not refresh when it sets the times
            // of a file with an attribute list (ntfs_inode_set_times): compare those files without their times
            for (Map.Entry<String, NtfsNode> e : all.entrySet()) {
                if (!e.getValue().hasAttributeList() || e.getKey().equals("/")) {
                    continue;
                }
                String parent = e.getKey().substring(0, e.getKey().lastIndexOf('/'));
                String name = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
                for (Map<String, Set<String>> side : List.of(theirs, ours)) {
                    Set<String> names = side.get(parent.isEmpty() ? "/" : parent);
                    if (names != null) {
                        names.removeIf(x -> x.startsWith(name + " | "));
                        names.add(name + " | (attribute list)");
                    }
                }
            }
            // ntfsls does not descend into reparse points (links, the cloud folder): neither side lists them
            assertEquals(theirs.keySet(), ours.keySet(), image + ": the directories");
            for (String d : theirs.keySet()) {
                assertEquals(theirs.get(d), ours.get(d), image + ": " + d);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ntfs", "c512", "s4k-c64k", "c128k"})
    void contentsAgreeWithNtfscat(String image) throws IOException {
        List<String> lines = Files.readAllLines(file(image + ".ntfscat.tsv"), StandardCharsets.UTF_8);
        assertTrue(lines.size() > 50, "ntfscat checked " + lines.size() + " files");
        try (RawDisk disk = disk(image)) {
            NtfsFileSystem fs = open(disk);
            PathResolver r = new PathResolver(fs);
            for (String line : lines) {
                String[] f = line.split("\t");
                assertEquals(f[1], sha256(fs, r.resolve(f[0], false).node()), f[0]);
            }
        }
    }

    /** A runlist row of ntfsinfo -v: {@code VCN LCN length} in hex, or a hole / unmapped marker for the LCN. */
    private static final Pattern RUN = Pattern.compile("^\\t+0x([0-9a-f]+)\\t+(0x[0-9a-f]+|<[A-Z_]+>)\\t+0x([0-9a-f]+)$");

    @Test
    void runlistsAgreeWithNtfsinfo() throws IOException {
        // the unnamed $DATA runs ntfsinfo -v prints for each path the recipe checked, all segments together
        Map<String, List<String>> theirs = new LinkedHashMap<>();
        String path = null;
        boolean inData = false;
        for (String line : Files.readAllLines(file("ntfs.ntfsinfo.txt"), StandardCharsets.UTF_8)) {
            if (line.startsWith("=== ")) {
                path = line.substring(4, line.lastIndexOf(" ("));
                theirs.put(path, new ArrayList<>());
                inData = false;
            } else if (line.startsWith("Dumping attribute ")) {
                inData = line.startsWith("Dumping attribute $DATA ");
            } else if (inData && line.contains("Name length:") && !line.trim().endsWith("0 (0x0)")) {
                inData = false;    // a named stream
            } else if (inData) {
                Matcher m = RUN.matcher(line);
                if (m.matches() && m.group(2).startsWith("0x")) {
                    theirs.get(path).add(Long.parseLong(m.group(1), 16) + ":" + Long.decode(m.group(2)) + ":"
                            + Long.parseLong(m.group(3), 16));
                }
            }
        }
        try (RawDisk disk = disk("ntfs")) {
            NtfsFileSystem fs = open(disk);
            PathResolver r = new PathResolver(fs);
            int compared = 0;
            for (Map.Entry<String, List<String>> e : theirs.entrySet()) {
                NtfsNode n = (NtfsNode) r.resolve(e.getKey(), false).node();
                Runlist runs = n.dataRunlist();
                if (runs == null) {
                    continue;    // a directory
                }
                List<String> ours = new ArrayList<>();
                for (int i = 0; i < runs.count(); i++) {
                    if (runs.lcn(i) != Runlist.SPARSE) {
                        ours.add(runs.vcn(i) + ":" + runs.lcn(i) + ":" + runs.length(i));
                    }
                }
                assertEquals(e.getValue(), ours, e.getKey());
                compared++;
            }
            assertTrue(compared >= 10, "runlists compared: " + compared);
            NtfsNode vf = (NtfsNode) r.resolve("/frag/very fragmented.bin", false).node();
            assertEquals(800, vf.dataRuns());
            assertTrue(vf.dataSegments() > 1, "the runlist of 800 runs spans MFT records: " + vf.dataSegments());
        }
    }

    @Test
    void pathsResolveAsOnWindows() throws IOException {
        try (RawDisk disk = disk("ntfs")) {
            NtfsFileSystem fs = open(disk);
            PathResolver r = new PathResolver(fs);
            // case-insensitive through $UpCase, the spelling on disk returned
            assertEquals("/Program Files/Common Files/readme.txt",
                    r.resolve("/PROGRAM FILES/common files/README.TXT", true).path());
            assertEquals("/Ünïcödé/Straße.txt", r.resolve("/üNÏCÖDÉ/STRAßE.TXT", true).path());
            assertTrue(r.find("/Ünïcödé/STRASSE.TXT", true).isEmpty(), "no full case folding: ß is not SS");
            assertEquals("/Ünïcödé/Ωmega ΣΊΣΥΦΟΣ.txt", r.resolve("/Ünïcödé/ωMEGA σίσυφοσ.TXT", true).path());
            // code unit by code unit through the volume's table, which maps σ to Σ but leaves the final ς alone
            assertTrue(r.find("/Ünïcödé/ωMEGA σίσυφος.TXT", true).isEmpty());
            assertEquals("/Ünïcödé/emoji 😀 outside the BMP.txt",
                    r.resolve("/ünïcödé/EMOJI 😀 OUTSIDE THE BMP.TXT", true).path());
            // DOS aliases find the long name
            assertEquals("/Program Files/Common Files", r.resolve("/PROGRA~1/Common Files", true).path());
            assertEquals("/A long file name with spaces.txt", r.resolve("/alongf~1.txt", true).path());
            // names that differ only in case, in different directories
            assertEquals("/case-one/ReadMe.Md", r.resolve("/case-one/readme.md", true).path());
            assertEquals("/case-two/README.MD", r.resolve("/case-two/readme.md", true).path());
            // metafiles are neither listed nor found
            assertTrue(r.find("/$MFT", true).isEmpty());
            assertTrue(r.find("/$Extend", true).isEmpty());
            // symlinks and junctions resolve inside the volume
            assertEquals("/hello.txt", r.resolve("/symlinks/absolute file", true).path());
            assertEquals("/hello.txt", r.resolve("/symlinks/relative file", true).path());
            assertEquals("/hello.txt", r.resolve("/symlinks/wsl link", true).path());
            assertEquals("/links/original.txt", r.resolve("/symlinks/root relative", true).path());
            assertEquals("/Program Files/Common Files/readme.txt",
                    r.resolve("/symlinks/junction/Common Files/readme.txt", true).path());
            assertEquals("/deep/level 01/level 02", r.resolve("/symlinks/relative dir/level 02", true).path());
            assertEquals("/hello.txt", r.resolve("/symlinks/drive root junction/hello.txt", true).path());
            assertThrows(NoSuchFileException.class, () -> r.resolve("/symlinks/dangling", true));
            assertThrows(UnsupportedFormatException.class, () -> r.resolve("/symlinks/other volume", true));
            assertEquals(FileType.SYMLINK, r.resolve("/symlinks/junction", false).node().type());
            // hard links: one file, three names
            long id = r.resolve("/links/original.txt", true).node().id();
            assertEquals(id, r.resolve("/links/second link.txt", true).node().id());
            assertEquals(id, r.resolve("/other/third link.txt", true).node().id());
            // the unnamed stream alone
            assertArrayEquals(FsFiles.readAll(fs, r.resolve("/streams/with streams.txt", true).node(), 1 << 20),
                    FsFiles.readAll(fs, r.resolve("/streams/WITH STREAMS.TXT", true).node(), 1 << 20));
            assertEquals(Set.of("Zone.Identifier", "big stream"),
                    Set.copyOf(((NtfsNode) r.resolve("/streams/with streams.txt", true).node()).streamNames()));
        }
    }

    @Test
    void theBigDirectoryIsAMultiLevelTreeAndEveryNameIsFoundThroughIt() throws IOException {
        try (RawDisk disk = disk("ntfs")) {
            NtfsFileSystem fs = open(disk);
            NtfsNode big = (NtfsNode) new PathResolver(fs).resolve("/big dir", true).node();
            DirectoryIndex.Shape shape = fs.index(big).shape();
            assertTrue(shape.levels() >= 2, "levels below the root: " + shape.levels());
            assertTrue(shape.blocks() > 50, "INDX blocks: " + shape.blocks());
            List<DirEntry> entries = fs.list(big);
            assertEquals(3000, entries.size());
            // the listing is in collation order
            for (int i = 1; i < entries.size(); i++) {
                assertTrue(fs.upcase().collate(entries.get(i - 1).name(), entries.get(i).name()) < 0,
                        entries.get(i - 1).name() + " before " + entries.get(i).name());
            }
            for (DirEntry e : entries) {
                assertEquals(e.id(), fs.lookup(big, e.name()).orElseThrow().id(), e.name());
                assertEquals(e.name(), fs.lookup(big, e.name().toUpperCase(Locale.ROOT)).orElseThrow().name());
            }
            assertTrue(fs.lookup(big, "file number 3000 in a directory of many entries.txt").isEmpty());
            assertTrue(fs.lookup(big, "a").isEmpty());
            assertTrue(fs.lookup(big, "zzz").isEmpty());
        }
    }

    /**
     * {@code /deep index}: 50 names of 255 characters, an index three levels deep below its root in 16 INDX blocks,
     * which ntfsinfo -v dumps whole (each block's node VCN and each entry's subnode VCN): the tree vhdkit walks is
     * the tree ntfsinfo shows, and every name is found through it.
     */
    @Test
    void theDeepIndexHasTheShapeNtfsinfoShows() throws IOException {
        String dump = Files.readString(file("ntfs.ntfsinfo.txt"), StandardCharsets.UTF_8);
        String section = dump.substring(dump.indexOf("=== /deep index (index-depth)"));
        section = section.substring(0, section.indexOf("\n=== ") < 0 ? section.length() : section.indexOf("\n=== "));
        String[] parts = section.split("Dumping attribute \\$INDEX_ALLOCATION");
        assertEquals(2, parts.length, "one $INDEX_ALLOCATION dump");
        List<Long> rootChildren = numbers(parts[0].substring(parts[0].indexOf("Dumping attribute $INDEX_ROOT")),
                "Subnode VCN");
        Map<Long, List<Long>> blocks = new TreeMap<>();
        for (String block : parts[1].split("Dumping index block:")) {
            List<Long> own = numbers(block, "Node VCN");
            if (!own.isEmpty()) {
                blocks.put(own.get(0), numbers(block, "Subnode VCN"));
            }
        }
        int levels = 0;
        for (long child : rootChildren) {
            levels = Math.max(levels, levels(blocks, child));
        }
        assertEquals(3, levels, "ntfsinfo: levels below the root");
        try (RawDisk disk = disk("ntfs")) {
            NtfsFileSystem fs = open(disk);
            NtfsNode dir = (NtfsNode) new PathResolver(fs).resolve("/deep index", true).node();
            DirectoryIndex index = fs.index(dir);
            DirectoryIndex.Shape shape = index.shape();
            assertEquals(levels, shape.levels());
            assertEquals(blocks.size(), shape.blocks());
            List<Long> ours = new ArrayList<>();
            for (IndexNode.Entry e : index.root().entries()) {
                if (e.hasChild()) {
                    ours.add(e.child());
                }
            }
            assertEquals(rootChildren, ours, "the root's children");
            for (Map.Entry<Long, List<Long>> b : blocks.entrySet()) {
                List<Long> children = new ArrayList<>();
                for (IndexNode.Entry e : index.block(b.getKey(), null).entries()) {
                    if (e.hasChild()) {
                        children.add(e.child());
                    }
                }
                assertEquals(b.getValue(), children, "the children of the block at VCN " + b.getKey());
            }
            List<DirEntry> entries = fs.list(dir);
            assertEquals(50, entries.size());
            for (DirEntry e : entries) {
                assertEquals(255, e.name().length());
                assertEquals(e.id(), fs.lookup(dir, e.name().toUpperCase(Locale.ROOT)).orElseThrow().id());
            }
            // with a lower depth bound, the same tree is refused, naming the bound
            io.vhdkit.format.CorruptFormatException tooDeep = assertThrows(
                    io.vhdkit.format.CorruptFormatException.class, () -> fs.index(dir, 3).entries());
            assertContains(tooDeep.getMessage(), "the index is deeper than 3 levels");
        }
    }

    private static List<Long> numbers(String text, String label) {
        List<Long> out = new ArrayList<>();
        Matcher m = Pattern.compile(Pattern.quote(label) + ":\\s+(\\d+)").matcher(text);
        while (m.find()) {
            out.add(Long.parseLong(m.group(1)));
        }
        return out;
    }

    private static int levels(Map<Long, List<Long>> blocks, long vcn) {
        assertTrue(blocks.containsKey(vcn), "ntfsinfo dumped the block at VCN " + vcn);
        int deepest = 0;
        for (long child : blocks.get(vcn)) {
            deepest = Math.max(deepest, levels(blocks, child));
        }
        return 1 + deepest;
    }

    /**
     * Volumes with BitLocker's boot sector (Windows 7 and later, and Vista), which blkid recognises as BitLocker:
     * vhdkit refuses them as encrypted, at the OEM id, saying how to get at the NTFS inside.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bitlocker", "bitlocker-vista"})
    void bitLockerVolumesAreReportedAsEncrypted(String image) throws IOException {
        assertTrue(Files.readAllLines(file(image + ".blkid.txt")).contains("TYPE=BitLocker"), "blkid: BitLocker");
        try (RawDisk disk = disk(image)) {
            UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> open(disk));
            assertContains(e.getMessage(), "NTFS boot sector @0x3: the volume is encrypted with BitLocker (OEM id "
                    + "\"-FVE-FS-\"): its NTFS filesystem cannot be read without the BitLocker key");
            assertContains(e.getMessage(), "manage-bde");
            assertEquals("boot-sector.oem-id", e.where().code());
            assertEquals(3, e.where().offset());
            assertEquals("-FVE-FS-", e.actual().orElseThrow());
        }
    }

    @Test
    void readsAtAnyOffsetAgreeWithTheWholeFile() throws IOException {
        try (RawDisk disk = disk("ntfs")) {
            NtfsFileSystem fs = open(disk);
            PathResolver r = new PathResolver(fs);
            java.util.Random random = new java.util.Random(7);
            for (String path : List.of("/compressed/mixed.bin", "/compressed/text.txt", "/compressed/tail.txt",
                    "/sparse/sparse.bin", "/frag/very fragmented.bin", "/sizes/size-65537.bin")) {
                FsNode n = r.resolve(path, true).node();
                byte[] whole = FsFiles.readAll(fs, n, 32 << 20);
                for (int i = 0; i < 40; i++) {
                    int at = random.nextInt(whole.length);
                    int len = Math.min(whole.length - at, 1 + random.nextInt(200_000));
                    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(len);
                    assertEquals(len, fs.read(n, at, buf), path);
                    assertArrayEquals(java.util.Arrays.copyOfRange(whole, at, at + len), buf.array(), path + "@" + at);
                }
                assertEquals(-1, fs.read(n, whole.length, java.nio.ByteBuffer.allocate(10)));
            }
        }
    }

    @Test
    void concurrentReadsGiveTheSameBytes() throws Exception {
        try (RawDisk disk = disk("ntfs")) {
            NtfsFileSystem fs = open(disk);
            Map<String, Expected> want = manifest("ntfs");
            List<String> files = new ArrayList<>();
            for (Map.Entry<String, Expected> e : want.entrySet()) {
                if (e.getValue().type().equals("file") && e.getValue().size() > 0 && !e.getKey().startsWith("/big")) {
                    files.add(e.getKey());
                }
            }
            List<java.util.concurrent.Future<String>> results = new ArrayList<>();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                for (String f : files) {
                    results.add(pool.submit(() -> sha256(fs, new PathResolver(fs).resolve(f, false).node())));
                }
                for (int i = 0; i < files.size(); i++) {
                    assertEquals(want.get(files.get(i)).sha256(), results.get(i).get(), files.get(i));
                }
            } finally {
                pool.shutdownNow();
            }
            Set<String> none = new HashSet<>();
            assertNotNull(none);
        }
    }

    @Test
    void geometriesAreDecodedFromTheirEncodings() throws IOException {
        record G(String image, int sector, int cluster, int spcByte, int mft, int mftByte, int index, int indexByte) {
        }
        for (G g : List.of(new G("ntfs", 512, 4096, 8, 1024, 0xF6, 4096, 1),
                new G("c512", 512, 512, 1, 1024, 2, 4096, 8),
                new G("s4k-c64k", 4096, 65536, 16, 4096, 0xF4, 4096, 0xF4),
                new G("c128k", 512, 131072, 0xF8, 1024, 0xF6, 4096, 0xF4))) {
            try (RawDisk disk = disk(g.image())) {
                NtfsFileSystem fs = open(disk);
                NtfsBootSector bs = fs.bootSector();
                assertEquals(g.sector(), bs.bytesPerSector(), g.image());
                assertEquals(g.spcByte(), bs.sectorsPerCluster(), g.image());
                assertEquals(g.cluster(), fs.geometry().clusterSize(), g.image());
                assertEquals((byte) g.mftByte(), (byte) bs.clustersPerMftRecord(), g.image());
                assertEquals(g.mft(), fs.geometry().mftRecordSize(), g.image());
                assertEquals((byte) g.indexByte(), (byte) bs.clustersPerIndexRecord(), g.image());
                assertEquals(g.index(), fs.geometry().indexRecordSize(), g.image());
                assertEquals("3.1", fs.version());
            }
        }
    }

    @Test
    void directoryTimesAndInstantsKeepTheirHundredNanoseconds() throws IOException {
        Map<String, Expected> want = manifest("ntfs");
        try (RawDisk disk = disk("ntfs")) {
            NtfsFileSystem fs = open(disk);
            Instant t = new PathResolver(fs).resolve("/hello.txt", true).node().stat().mtime();
            assertEquals(NtfsTime.decode(want.get("/hello.txt").mtime()), t);
            assertTrue(t.getNano() % 100 == 0 && t.getNano() % 1_000_000 != 0, "100 ns precision: " + t);
        }
    }
}
