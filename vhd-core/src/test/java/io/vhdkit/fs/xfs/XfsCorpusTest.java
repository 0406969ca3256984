package io.vhdkit.fs.xfs;

import io.vhdkit.disk.RawDisk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.FsInfo;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The images fixtures/xfs/build.sh makes with mkfs.xfs from one source tree (v5 with nine 256 GiB AGs, v4 with
 * 512-byte blocks, v5 ascii-ci with 1 KiB blocks, meta_uuid and nrext64): every file against the manifest of the
 * source tree, and against what xfs_db reads (inode numbers, core fields, extent maps, directory entries, name
 * hashes), and blkid's label and UUID.
 */
class XfsCorpusTest {

    private static Path dir() {
        return Fixtures.dir("xfs");
    }

    private static Set<Long> longs(Path file) throws IOException {
        Set<Long> out = new HashSet<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(Long.parseLong(line.trim()));
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"v5", "v4", "v5-ci"})
    void everyFileMatchesTheSourceAndXfsDb(String image) throws IOException {
        Path d = dir();
        try (RawDisk disk = XfsTestSupport.disk(d.resolve(image + ".img"))) {
            XfsFileSystem fs = XfsFileSystem.open(disk);
            ImageOracle oracle = new ImageOracle(image, XfsTestSupport.tsv(d.resolve("manifest.tsv")),
                    XfsTestSupport.tsv(d.resolve(image + ".inodes.tsv")),
                    XfsTestSupport.tsv(d.resolve(image + ".bmap.tsv")),
                    XfsTestSupport.tsv(d.resolve(image + ".ls.tsv")));
            Set<Long> bad = longs(d.resolve(image + ".bad-symlinks"));
            assertEquals(image.equals("v4") ? 0 : 3, bad.size(), "remote symlinks xfs_repair rejects");
            oracle.verify(fs, bad);
            assertTrue(oracle.checkedFiles() > 3500, "files checked: " + oracle.checkedFiles());
            assertTrue(oracle.checkedLookups() > 3500, "lookups checked: " + oracle.checkedLookups());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v5", "v4", "v5-ci"})
    void pathsResolveThroughSymlinksAndLoopsStop(String image) throws IOException {
        try (RawDisk disk = XfsTestSupport.disk(dir().resolve(image + ".img"))) {
            XfsFileSystem fs = XfsFileSystem.open(disk);
            PathResolver resolver = new PathResolver(fs);
            assertEquals("hello, xfs\n", new String(FsFiles.readAll(fs, resolver.resolve("/links/relative", true)
                    .node(), 100), StandardCharsets.UTF_8));
            assertEquals("/hello.txt", resolver.resolve("/links/absolute", true).path());
            assertEquals("/dirs/sf", resolver.resolve("/links/to-dir/sf", true).path());
            assertEquals("/deep/l01/l02/l03/l04/l05/l06/l07/l08/l09/l10/l11/l12/l13/l14/l15/l16/bottom.txt",
                    resolver.resolve("/deep/l01/l02/l03/l04/l05/l06/l07/l08/l09/l10/l11/l12/l13/l14/l15/l16/"
                            + "bottom.txt", true).path());
            assertThrows(FileSystemLoopException.class, () -> resolver.resolve("/links/loop-a", true));
            assertThrows(NoSuchFileException.class, () -> resolver.resolve("/links/dangling", true));
            assertEquals("/links/loop-a", resolver.resolve("/links/loop-a", false).path());
            if (image.equals("v5-ci")) {   // ascii-ci: names match ignoring case, Latin-1 capitals included
                assertEquals("/hello.txt", resolver.resolve("/HELLO.TXT", true).path());
                assertEquals("/unicode/UPPER-lower", resolver.resolve("/UNICODE/upper-LOWER", true).path());
                assertEquals("/unicode/\u00c0-latin1-upper", resolver.resolve("/unicode/\u00c0-LATIN1-UPPER", true)
                        .path());
            } else {
                assertTrue(resolver.find("/HELLO.TXT", true).isEmpty());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v5", "v4", "v5-ci"})
    void infoMatchesBlkid(String image) throws IOException {
        Path d = dir();
        Map<String, String> blkid = new HashMap<>();
        for (String line : Files.readAllLines(d.resolve(image + ".blkid"))) {
            int eq = line.indexOf('=');
            blkid.put(line.substring(0, eq), line.substring(eq + 1));
        }
        try (RawDisk disk = XfsTestSupport.disk(d.resolve(image + ".img"))) {
            XfsFileSystem fs = XfsFileSystem.open(disk);
            FsInfo info = fs.info();
            assertEquals(blkid.get("TYPE"), info.type());
            assertEquals(blkid.get("LABEL"), info.label());
            assertEquals(blkid.get("UUID"), info.uuid());
            assertEquals(!image.equals("v5-ci"), info.caseSensitive());
            assertEquals(List.of(), info.anomalies());
            assertEquals(Integer.parseInt(blkid.get("BLOCK_SIZE")), fs.superblock().sectSize());
        }
    }
}
