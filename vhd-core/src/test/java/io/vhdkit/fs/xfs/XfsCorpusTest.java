package io.vhdkit.fs.xfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.fs.FsInfo;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
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
        try (XfsTestSupport.RawDisk disk = XfsTestSupport.disk(d.resolve(image + ".img"))) {
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
    void infoMatchesBlkid(String image) throws IOException {
        Path d = dir();
        Map<String, String> blkid = new HashMap<>();
        for (String line : Files.readAllLines(d.resolve(image + ".blkid"))) {
            int eq = line.indexOf('=');
            blkid.put(line.substring(0, eq), line.substring(eq + 1));
        }
        try (XfsTestSupport.RawDisk disk = XfsTestSupport.disk(d.resolve(image + ".img"))) {
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
