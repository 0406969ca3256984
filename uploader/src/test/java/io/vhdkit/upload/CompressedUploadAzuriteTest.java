package io.vhdkit.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobClient;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.testing.Tools;
import io.vhdkit.upload.testing.Azurite;
import io.vhdkit.vhd.VhdFile;
import io.vhdkit.vhd.VhdFooter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compressed images (made at test time by gzip, zstd, tar and xz) uploaded to Azurite without a temporary copy:
 * each blob, downloaded with the SDK's plain client, equals the fixed VHD qemu-img makes from the same input (the
 * disk bytes; the footer is the source's own, rewritten as fixed), and the temporary directory given (where a copy
 * would go: the fallback cases show it does) gains no file.
 */
@ExtendWith(Azurite.Extension.class)
class CompressedUploadAzuriteTest {

    private final Azurite azurite;
    @TempDir
    Path tmp;

    CompressedUploadAzuriteTest(Azurite azurite) {
        this.azurite = azurite;
    }

    private Path pack(Path plain, String kind) {
        Path in = tmp.resolve("in");
        Path copy = in.resolve(plain.getFileName());
        if (!Files.exists(copy)) {
            Tools.check("coreutils", "mkdir", "-p", in.toString());
            Tools.check("coreutils", "cp", "--sparse=always", plain.toString(), copy.toString());
        }
        String n = copy.getFileName().toString();
        String c = "'" + copy + "'";
        String[] spec = switch (kind) {
            case "gz" -> new String[] {".gz", "gzip", "gzip", "gzip -1 -c " + c};
            case "zst" -> new String[] {".zst", "zstd", "zstd", "zstd -1 -q -c " + c};
            case "tar.gz" -> new String[] {".tar.gz", "tar", "tar", "tar -C '" + in + "' -cf - '" + n + "' | gzip -1"};
            case "xz-blocks" -> new String[] {".xz", "xz", "xz-utils", "xz -0 -T1 --block-size=1MiB -c " + c};
            case "xz" -> new String[] {".1.xz", "xz", "xz-utils", "xz -0 -T1 -c " + c};
            default -> throw new IllegalArgumentException(kind);
        };
        Path out = tmp.resolve(n + spec[0]);
        Tools.requireTool(spec[1], spec[2]);
        Tools.requireTool("gzip", "gzip");
        Tools.check("bash", "bash", "-c", "set -o pipefail; " + spec[3] + " > '" + out + "'");
        return out;
    }

    private static void assertEmpty(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.toList(), "no temporary file in " + dir);
        }
    }

    private UploadResult upload(UploadSource src, BlobClient blob) throws Exception {
        UploadOptions o = UploadOptions.defaults().withThreads(4).withJournal(tmp.resolve("journal-" + System.nanoTime()))
                .withRetries(6, Duration.ofSeconds(20), Duration.ofMillis(20), Duration.ofMillis(200));
        Target t = Targets.open(new Targets.Spec(null, Azurite.connectionString(azurite.endpoint()), null,
                blob.getContainerName(), blob.getBlobName(), Targets.Auth.AUTO, null), Duration.ofSeconds(20), 4);
        return Uploader.upload(src, t, o, new UploadStats());
    }

    /** The fixed VHD qemu-img makes from {@code input}. */
    private Path qemuFixed(Path input, String format) {
        Path out = tmp.resolve(input.getFileName() + ".qemu-fixed-" + System.nanoTime() + ".vhd");
        Tools.check("qemu-utils", "qemu-img", "convert", "-f", format, "-O", "vpc", "-o",
                "subformat=fixed,force_size=on", input.toString(), out.toString());
        return out;
    }

    /**
     * The blob is qemu-img's fixed VHD of the same input: the same disk bytes, then a sound fixed footer of the same
     * size (carrying {@code uniqueIdOf}'s unique id when given: the source's own footer, rewritten as fixed).
     */
    private void assertQemuFixed(BlobClient blob, Path qemu, Path uniqueIdOf) throws Exception {
        Path got = tmp.resolve("download-" + System.nanoTime() + ".vhd");
        Azurite.download(blob, got);
        assertEquals(Files.size(qemu), Files.size(got));
        long v = Files.size(qemu) - 512;
        assertEquals(UploadAzuriteTest.sha256(qemu, v), UploadAzuriteTest.sha256(got, v), "the disk bytes differ");
        VhdFooter f;
        try (FileChannel c = FileChannel.open(got, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(512);
            c.read(b, v);
            f = VhdFooter.decode(b.flip());
        }
        assertTrue(f.checksumValid());
        assertEquals(2, f.diskTypeCode());
        assertEquals(v, f.currentSize());
        if (uniqueIdOf != null) {
            try (VhdFile in = VhdFile.open(uniqueIdOf)) {
                assertEquals(in.footer().uniqueId(), f.uniqueId());
            }
        }
        Files.delete(got);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gz", "zst", "tar.gz", "xz-blocks", "xz"})
    void dynamicVhdIsUploadedWithoutATemporaryCopy(String kind) throws Exception {
        Path vhd = Fixtures.vhd("dynamic.vhd");   // made by qemu-img
        Path packed = pack(vhd, kind);
        Path temp = Files.createDirectories(tmp.resolve("temp-" + kind));
        BlobClient blob = azurite.newContainer().getBlobClient("dynamic.vhd");
        UploadResult r;
        try (UploadSource src = UploadSources.open(packed, false, temp)) {
            if (kind.equals("xz-blocks")) {
                assertTrue(src.description().contains("read in place"), src.description());
                assertTrue(!src.sequentialOnly());
            } else {
                assertTrue(src.description().contains("streamed and converted to fixed on the fly (no temporary "
                        + "copy)"), src.description());
                assertTrue(src.sequentialOnly());
            }
            r = upload(src, blob);
            assertEmpty(temp);
        }
        assertTrue(r.stats().holes() > 0, "BAT holes are not decompressed for nothing: " + r.stats());
        assertEmpty(temp);
        assertQemuFixed(blob, qemuFixed(vhd, "vpc"), vhd);
    }

    @Test
    void fixedVhdIsStreamedAsItIs() throws Exception {
        Path vhd = Fixtures.vhd("fixed.vhd");
        Path packed = pack(vhd, "gz");
        Path temp = Files.createDirectories(tmp.resolve("temp-fixed"));
        BlobClient blob = azurite.newContainer().getBlobClient("fixed.vhd");
        try (UploadSource src = UploadSources.open(packed, false, temp)) {
            assertTrue(src.sequentialOnly());
            assertTrue(src.description().startsWith("fixed VHD in gzip, streamed"), src.description());
            upload(src, blob);
        }
        assertEmpty(temp);
        assertEquals(UploadAzuriteTest.sha256(vhd), Azurite.sha256(blob));
        // a raw image in a stream is not taken for a VHD: --from-raw says what it is
        Path raw = pack(Fixtures.vhd("src/data-64m.raw"), "zst");
        io.vhdkit.format.FormatException e = assertThrows(io.vhdkit.format.FormatException.class,
                () -> UploadSources.open(raw, false, temp).close());
        assertTrue(e.getMessage().contains("--from-raw"), e.getMessage());
    }

    @Test
    void rawImageInAStreamGetsAFooter() throws Exception {
        Path rawFile = Fixtures.vhd("src/data-64m.raw");
        Path packed = pack(rawFile, "zst");
        Path temp = Files.createDirectories(tmp.resolve("temp-raw"));
        BlobClient blob = azurite.newContainer().getBlobClient("raw.vhd");
        try (UploadSource src = UploadSources.open(packed, true, temp)) {
            assertTrue(src.description().startsWith("raw image in zstd"), src.description());
            upload(src, blob);
        }
        assertEmpty(temp);
        assertQemuFixed(blob, qemuFixed(rawFile, "raw"), null);
    }

    /**
     * A differencing VHD in a tar.gz beside its plain parent: its parent is found beside the archive (through a
     * temporary copy of the child, deleted after); with only a compressed parent there, a clear refusal.
     */
    @Test
    void differencingVhdInAnArchiveFindsItsParentBesideIt() throws Exception {
        Path child = Fixtures.vhd("diff/child.vhd");
        Path packed = pack(child, "tar.gz");   // tmp/child.vhd.tar.gz; the plain child stays in tmp/in
        Path parent = tmp.resolve("base.vhd");
        Tools.check("coreutils", "cp", "--sparse=always", Fixtures.vhd("diff/base.vhd").toString(),
                parent.toString());
        Path temp = Files.createDirectories(tmp.resolve("temp-diff"));
        BlobClient blob = azurite.newContainer().getBlobClient("child.vhd");
        try (UploadSource src = UploadSources.open(packed, false, temp)) {
            assertTrue(src.description().contains("differencing"), src.description());
            assertTrue(src.description().contains("temporary copy"), src.description());
            upload(src, blob);
        }
        assertEmpty(temp);
        Path expected = tmp.resolve("child-expected.vhd");
        Tools.check("qemu-utils", "qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o",
                "subformat=fixed,force_size=on", Fixtures.vhd("diff/child.expected.raw").toString(),
                expected.toString());
        assertQemuFixed(blob, expected, child);

        Tools.check("gzip", "gzip", parent.toString());   // now only base.vhd.gz is there
        UploadException e = assertThrows(UploadException.class, () -> UploadSources.open(packed, false, temp));
        assertTrue(e.getMessage().contains("base.vhd.gz") && e.getMessage().contains("gzip -dk"), e.getMessage());
        assertEmpty(temp);
    }

    /**
     * A dynamic VHD whose first two allocated blocks are swapped in the file (BAT entries swapped too: the same
     * disk, blocks out of virtual order): it cannot be streamed, so it goes through the sparse temporary copy,
     * deleted after, and the blob is still the same disk.
     */
    @Test
    void blocksOutOfOrderFallBackToATemporaryCopy() throws Exception {
        Path vhd = Fixtures.vhd("dynamic.vhd");
        Path swapped = Files.createDirectories(tmp.resolve("swap")).resolve("swapped.vhd");
        byte[] b = Files.readAllBytes(vhd);
        ByteBuffer bb = ByteBuffer.wrap(b);
        long header;
        long table;
        int entries;
        long perBlock;
        try (VhdFile f = VhdFile.open(vhd)) {
            header = f.headerOffset();
            table = f.header().orElseThrow().tableOffset();
            entries = (int) f.header().orElseThrow().maxTableEntries();
            perBlock = f.header().orElseThrow().blockSize() + f.header().orElseThrow().bitmapBytes();
        }
        assertTrue(header > 0);
        int first = -1;
        int second = -1;
        for (int i = 0; i < entries && second < 0; i++) {
            if (bb.getInt((int) table + 4 * i) != -1) {
                if (first < 0) {
                    first = i;
                } else {
                    second = i;
                }
            }
        }
        assertTrue(second > 0, "two allocated blocks");
        int e1 = bb.getInt((int) table + 4 * first);
        int e2 = bb.getInt((int) table + 4 * second);
        byte[] region1 = java.util.Arrays.copyOfRange(b, e1 * 512, (int) (e1 * 512L + perBlock));
        byte[] region2 = java.util.Arrays.copyOfRange(b, e2 * 512, (int) (e2 * 512L + perBlock));
        System.arraycopy(region2, 0, b, e1 * 512, region2.length);
        System.arraycopy(region1, 0, b, e2 * 512, region1.length);
        bb.putInt((int) table + 4 * first, e2);
        bb.putInt((int) table + 4 * second, e1);
        Files.write(swapped, b);
        Path packed = pack(swapped, "gz");
        Path temp = Files.createDirectories(tmp.resolve("temp-swapped"));
        BlobClient blob = azurite.newContainer().getBlobClient("swapped.vhd");
        try (UploadSource src = UploadSources.open(packed, false, temp)) {
            assertTrue(src.description().contains("temporary copy"), src.description());
            assertTrue(!src.sequentialOnly());
            upload(src, blob);
        }
        assertEmpty(temp);
        assertQemuFixed(blob, qemuFixed(vhd, "vpc"), vhd);
    }
}
