package io.vhdkit.fs.xfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.FsInfo;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.fs.Resolved;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The committed golden images (recipe: fixtures/xfs/mkgolden.sh, see the resources README): golden-v5 written by
 * the kernel through a loop mount, golden-v4 by mkfs.xfs -p. Every file is checked against the kernel's view
 * (manifest with inode numbers and nanosecond mtimes) and xfs_db's, then the structures each was made for.
 */
class XfsGoldenTest {

    static XfsFileSystem v5() throws IOException {
        return XfsTestSupport.open(XfsTestSupport.golden("golden-v5.img.gz"));
    }

    static XfsFileSystem v4() throws IOException {
        return XfsTestSupport.open(XfsTestSupport.golden("golden-v4.img.gz"));
    }

    static XfsInode at(XfsFileSystem fs, String path) throws IOException {
        return (XfsInode) ImageOracle.at(fs, path);
    }

    @Test
    void goldenV5MatchesTheKernelAndXfsDb() throws IOException {
        ImageOracle oracle = ImageOracle.golden("golden-v5");
        oracle.verify(v5(), Set.of());
        assertTrue(oracle.checkedFiles() > 200, "files: " + oracle.checkedFiles());
    }

    @Test
    void goldenV4MatchesTheSourceAndXfsDb() throws IOException {
        ImageOracle oracle = ImageOracle.golden("golden-v4");
        oracle.verify(v4(), Set.of());
        assertTrue(oracle.checkedFiles() > 1200, "files: " + oracle.checkedFiles());
    }

    @Test
    void info() throws IOException {
        FsInfo v5 = v5().info();
        assertEquals("xfs", v5.type());
        assertEquals("golden-v5", v5.label());
        assertEquals("5d0c1e55-0000-4000-8000-00000000901d", v5.uuid());
        assertEquals(32L << 20, v5.size());
        assertEquals(1024, v5.blockSize());
        assertTrue(v5.caseSensitive());
        assertEquals(List.of(), v5.anomalies());
        FsInfo v4 = v4().info();
        assertEquals("golden-v4", v4.label());
        assertEquals("5d0c1e55-0000-4000-8000-00000000904d", v4.uuid());
        assertEquals(512, v4.blockSize());
        assertEquals(4, v4().superblock().version());
        assertEquals(5, v5().superblock().version());
    }

    @Test
    void btreeForksOfOneAndTwoLevels() throws IOException {
        XfsFileSystem fs = v5();
        XfsInode frag = at(fs, "/frag");
        assertEquals(XfsInode.FORMAT_BTREE, frag.format());
        assertEquals(1, ((frag.dataFork()[0] & 0xFF) << 8) | (frag.dataFork()[1] & 0xFF));   // bmdr level 1
        List<XfsExtent> fragExtents = fs.extents(frag);
        assertEquals(frag.nextents(), fragExtents.size());
        assertTrue(fragExtents.size() > 21, "more extents than the inode holds: " + fragExtents.size());
        XfsInode deep = at(fs, "/sparse-btree");
        assertEquals(XfsInode.FORMAT_BTREE, deep.format());
        assertEquals(2, ((deep.dataFork()[0] & 0xFF) << 8) | (deep.dataFork()[1] & 0xFF));   // bmdr level 2
        // writeback turned the speculative preallocation between the pieces into unwritten extents
        List<XfsExtent> deepExtents = fs.extents(deep);
        assertEquals(deep.nextents(), deepExtents.size());
        assertEquals(1300, deepExtents.stream().filter(e -> !e.unwritten()).count());
        assertTrue(deepExtents.stream().anyMatch(XfsExtent::unwritten));
        // every 1 KiB block names itself; the holes between them read as zeros, as does the tail past the last
        byte[] all = FsFiles.readAll(fs, deep, 4 << 20);
        assertEquals(2 * 1024 * 1300 + 512, all.length);
        for (int i = 0; i < 1300; i += 97) {
            String head = new String(all, 2048 * i, 26, StandardCharsets.US_ASCII);
            assertEquals(String.format("sparse-btree block %06d\n", i), head);
            for (int j = 2048 * i + 1024; j < 2048 * i + 2048; j++) {
                assertEquals(0, all[j]);
            }
        }
        XfsInode xattr = at(fs, "/xattr-frag");
        assertEquals(XfsInode.FORMAT_BTREE, xattr.format());
        assertTrue(xattr.forkOff() > 0, "attr fork beside the btree root");
        assertEquals(xattr.forkOff() * 8, xattr.dataFork().length);
    }

    @Test
    void unwrittenExtentsAndHolesReadAsZeros() throws IOException {
        XfsFileSystem fs = v5();
        XfsInode unwritten = at(fs, "/unwritten");
        List<XfsExtent> extents = fs.extents(unwritten);
        assertTrue(extents.stream().anyMatch(XfsExtent::unwritten), extents.toString());
        assertTrue(extents.stream().anyMatch(e -> !e.unwritten()), extents.toString());
        // preallocated past EOF (fallocate -k): mapped, but not part of the file
        long lastEnd = extents.get(extents.size() - 1).fileEnd() * 1024;
        assertTrue(lastEnd > unwritten.stat().size(), "extent past EOF: " + extents);
        byte[] data = FsFiles.readAll(fs, unwritten, 1 << 20);
        assertEquals(65536, data.length);
        for (int i = 0; i < 65536; i++) {
            boolean written = i >= 16384 && i < 20480;    // "unwritten block 000016\n" repeated, no zero byte
            assertEquals(written, data[i] != 0, "byte " + i);
        }
        assertEquals(-1, fs.read(unwritten, 65536, ByteBuffer.allocate(10)));
        XfsInode holeOnly = at(fs, "/hole-only");
        assertEquals(List.of(), fs.extents(holeOnly));
        assertArrayEquals(new byte[1 << 20], FsFiles.readAll(fs, holeOnly, 1 << 20));
    }

    @Test
    void readsAtAnyPositionAndLength() throws IOException {
        XfsFileSystem fs = v5();
        XfsInode frag = at(fs, "/frag");
        byte[] whole = FsFiles.readAll(fs, frag, 1 << 20);
        for (long pos : new long[] {0, 1, 1023, 1024, 1025, 150_000, 307_199}) {
            for (int len : new int[] {1, 2, 1000, 1024, 5000, 400_000}) {
                ByteBuffer b = ByteBuffer.allocate(len);
                int n = fs.read(frag, pos, b);
                int want = (int) Math.min(len, whole.length - pos);
                assertEquals(want, n);
                assertEquals(want, b.position());
                assertArrayEquals(java.util.Arrays.copyOfRange(whole, (int) pos, (int) pos + want),
                        java.util.Arrays.copyOf(b.array(), want));
            }
        }
        ByteBuffer offset = ByteBuffer.allocate(100).position(40);
        assertEquals(60, fs.read(frag, 0, offset));
        assertArrayEquals(java.util.Arrays.copyOf(whole, 60), java.util.Arrays.copyOfRange(offset.array(), 40, 100));
    }

    @Test
    void specialFilesModesTimesAndLinks() throws IOException {
        XfsFileSystem fs = v5();
        assertEquals(FileType.SOCKET, at(fs, "/dir/socket").type());
        assertEquals(FileType.FIFO, at(fs, "/dir/fifo").type());
        XfsInode nvme = at(fs, "/dir/nvme");
        assertEquals(FileType.BLOCK_DEVICE, nvme.type());
        assertEquals(259, nvme.deviceMajor());
        assertEquals(70000, nvme.deviceMinor());
        assertEquals("drwxrwxrwt", at(fs, "/sticky").stat().modeString());
        XfsInode owned = at(fs, "/dir/owned");
        assertEquals(4_000_000_000L, owned.stat().uid());
        assertEquals(3_000_000_000L, owned.stat().gid());
        assertEquals(at(fs, "/hard-a").ino(), at(fs, "/dir/hard-b").ino());
        assertEquals(2, at(fs, "/hard-a").stat().links());
        assertEquals(Instant.parse("1960-01-01T00:00:00.000000005Z"), at(fs, "/times/before-1970").stat().mtime());
        assertEquals(Instant.parse("2038-01-19T03:14:08.999999999Z"), at(fs, "/times/y2038-after").stat().mtime());
        assertEquals(Instant.parse("2100-01-01T00:00:00.123456789Z"), at(fs, "/times/year-2100").stat().mtime());
        assertEquals(Instant.EPOCH, at(fs, "/times/epoch").stat().mtime());
        assertTrue((at(fs, "/times/epoch").flags2() & XfsInode.FLAG2_BIGTIME) != 0);
        assertEquals("spaces\n", new String(FsFiles.readAll(fs, at(fs, "/dir/name with spaces"), 100),
                StandardCharsets.UTF_8));
    }

    @Test
    void remoteSymlinksWithV5Headers() throws IOException {
        XfsFileSystem fs = v5();
        for (int n : new int[] {337, 968, 969, 1000, 1023}) {
            XfsInode link = at(fs, "/links/remote-" + n);
            assertEquals(XfsInode.FORMAT_EXTENTS, link.format());
            String target = fs.readLink(link);
            assertEquals(n, target.length());
            assertTrue(target.startsWith("../0123456789abcdef/") && target.endsWith("z"), target);
            // one 56-byte header per extent: 968 bytes of target fit in one 1 KiB block
            assertEquals(n <= 968 ? 1 : 2, fs.extents(link).stream().mapToLong(XfsExtent::blockCount).sum());
        }
        assertEquals(XfsInode.FORMAT_LOCAL, at(fs, "/links/remote-336").format());
        XfsFileSystem v4 = v4();
        assertEquals("r".repeat(700), v4.readLink(at(v4, "/remote-link")));
        assertEquals("short", v4.readLink(at(v4, "/inline-link")));
    }

    @Test
    void concurrentReadersSeeTheSameFiles() throws Exception {
        XfsFileSystem fs = v5();
        java.util.Map<String, String> expected = new java.util.TreeMap<>();
        for (var e : XfsTestSupport.walk(fs).entrySet()) {
            if (e.getValue().type() == FileType.REGULAR) {
                expected.put(e.getKey(), XfsTestSupport.sha256(fs, e.getValue()));
            }
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<java.util.Map<String, String>>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                runs.add(pool.submit(() -> {
                    java.util.Map<String, String> seen = new java.util.TreeMap<>();
                    for (var e : XfsTestSupport.walk(fs).entrySet()) {
                        if (e.getValue().type() == FileType.REGULAR) {
                            seen.put(e.getKey(), XfsTestSupport.sha256(fs, e.getValue()));
                        }
                    }
                    return seen;
                }));
            }
            for (var run : runs) {
                assertEquals(expected, run.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pathsResolveThroughSymlinks() throws IOException {
        XfsFileSystem fs = v5();
        PathResolver resolver = new PathResolver(fs);
        Resolved r = resolver.resolve("/links/inline", true);
        assertEquals("/frag", r.path());
        assertEquals(at(fs, "/frag").ino(), r.node().id());
        assertEquals("/frag", resolver.resolve("/links/absolute", true).path());
        assertEquals("/dir/hard-b", resolver.resolve("/dir/../links/../dir/hard-b", true).path());
        assertTrue(resolver.find("/links/remote-1000", true).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> fs.read(at(fs, "/dir"), 0, ByteBuffer.allocate(1)));
        assertThrows(IllegalArgumentException.class, () -> fs.list(at(fs, "/frag")));
        assertThrows(IllegalArgumentException.class, () -> fs.readLink(at(fs, "/frag")));
        assertThrows(IllegalArgumentException.class, () -> v4().list(fs.root()));
    }
}
