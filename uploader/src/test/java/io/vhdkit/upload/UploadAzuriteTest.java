package io.vhdkit.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpRange;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.models.PageRangeItem;
import com.azure.storage.blob.options.BlobDownloadContentOptions;
import io.vhdkit.io.Extent;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.upload.testing.Azurite;
import io.vhdkit.upload.testing.FaultProxy;
import io.vhdkit.upload.testing.FaultProxy.Fault;
import io.vhdkit.vhd.VhdFile;
import io.vhdkit.vhd.VhdFooter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads against Azurite. Every blob is downloaded with an independent client (the SDK's plain download, default
 * settings) and compared by SHA-256 with the fixed VHD it should equal: the file itself for a fixed VHD; for a
 * converted or raw source, the virtual disk as qemu-img or libvhdi read it (the fixtures' oracles) followed by a
 * footer that vhd-core decodes as a fixed footer of the same disk, and {@code qemu-img compare} agrees.
 */
@ExtendWith(Azurite.Extension.class)
class UploadAzuriteTest {

    private static final int MIB = 1 << 20;

    private final Azurite azurite;
    @TempDir
    Path tmp;

    UploadAzuriteTest(Azurite azurite) {
        this.azurite = azurite;
    }

    private static UploadOptions fast() {
        return UploadOptions.defaults().withThreads(8)
                .withRetries(6, Duration.ofSeconds(20), Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private UploadOptions opts() {
        return fast().withJournal(tmp.resolve("journal-" + System.nanoTime()));
    }

    private Target target(BlobClient blob, String endpoint, Boolean managed) throws UploadException {
        String cs = Azurite.connectionString(endpoint == null ? azurite.endpoint() : endpoint);
        return Targets.open(new Targets.Spec(null, cs, null, blob.getContainerName(), blob.getBlobName(),
                Targets.Auth.AUTO, managed), Duration.ofSeconds(20), 8);
    }

    private UploadResult upload(UploadSource src, BlobClient blob, UploadOptions o) throws Exception {
        return Uploader.upload(src, target(blob, null, null), o, new UploadStats());
    }

    static String sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = new byte[1 << 20];
            for (int n; (n = in.read(b)) > 0; ) {
                d.update(b, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** SHA-256 of the first {@code length} bytes of a file. */
    static String sha256(Path file, long length) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = new byte[1 << 20];
            long left = length;
            while (left > 0) {
                int n = in.read(b, 0, (int) Math.min(b.length, left));
                if (n < 0) {
                    throw new IOException("short file " + file);
                }
                d.update(b, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** Downloads the blob and checks it is the oracle's virtual disk followed by a fixed footer of {@code source}. */
    private void assertConverted(BlobClient blob, Path oracle, Path source) throws Exception {
        Path got = tmp.resolve("download-" + System.nanoTime() + ".vhd");
        Azurite.download(blob, got);
        long v = Files.size(oracle);
        assertEquals(v + 512, Files.size(got));
        assertEquals(sha256(oracle), sha256(got, v), "the virtual disk differs from the oracle " + oracle);
        VhdFooter f;
        try (FileChannel c = FileChannel.open(got, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(512);
            c.read(b, v);
            f = VhdFooter.decode(b.flip());
        }
        assertTrue(f.cookieValid());
        assertTrue(f.checksumValid());
        assertEquals(2, f.diskTypeCode());
        assertEquals(-1L, f.dataOffset());
        assertEquals(v, f.currentSize());
        if (source != null) {
            try (VhdFile in = VhdFile.open(source)) {
                assertEquals(in.footer().uniqueId(), f.uniqueId());
            }
        }
        try (VhdFile out = VhdFile.open(got)) {
            assertTrue(out.anomalies().isEmpty(), out.anomalies().toString());
        }
        // force_size_calc: qemu sizes a VHD by its CHS geometry unless the creator is one it knows (qem2, win ...)
        Process p = new ProcessBuilder("qemu-img", "compare", "--image-opts",
                "driver=raw,file.filename=" + oracle, "driver=vpc,force_size_calc=current_size,file.filename=" + got)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        Files.delete(got);
    }

    @Test
    void fixedVhdIsUploadedAsItIsSkippingHoles() throws Exception {
        Path vhd = Fixtures.vhd("fixed.vhd");
        BlobClient blob = azurite.newContainer().getBlobClient("fixed.vhd");
        try (UploadSource src = UploadSources.openVhd(vhd)) {
            assertEquals("fixed VHD", src.description());
            UploadResult r = upload(src, blob, opts());
            assertEquals(Files.size(vhd), r.stats().total());
            assertTrue(r.stats().holes() > 0, "holes are not read: " + r.stats());
            assertTrue(r.stats().read() < Files.size(vhd), r.stats().toString());
            assertEquals(r.stats().total(), r.stats().done());
        }
        assertEquals(sha256(vhd), Azurite.sha256(blob));
    }

    @Test
    void dynamicVhdIsConvertedToFixedOnTheFly() throws Exception {
        for (String name : List.of("dynamic.vhd", "dynamic-odd.vhd", "dynamic-chs.vhd")) {
            Path vhd = Fixtures.vhd(name);
            BlobClient blob = azurite.newContainer().getBlobClient(name);
            try (UploadSource src = UploadSources.openVhd(vhd)) {
                UploadResult r = upload(src, blob, opts().withChunkSize(MIB));
                assertTrue(r.stats().holes() > 0, "BAT holes are not read: " + r.stats());
            }
            assertConverted(blob, Fixtures.vhd(name.replace(".vhd", ".qemu.raw")), vhd);
        }
    }

    @Test
    void differencingChainIsConvertedToFixed() throws Exception {
        for (String name : List.of("child", "grandchild", "child-of-fixed")) {
            Path vhd = Fixtures.vhd("diff/" + name + ".vhd");
            BlobClient blob = azurite.newContainer().getBlobClient(name + ".vhd");
            try (UploadSource src = UploadSources.openVhd(vhd)) {
                assertTrue(src.description().contains("differencing"), src.description());
                upload(src, blob, opts());
            }
            assertConverted(blob, Fixtures.vhd("diff/" + name + ".expected.raw"), vhd);
        }
    }

    @Test
    void rawImageGetsAFooter() throws Exception {
        Path raw = Fixtures.vhd("src/data-64m.raw");
        BlobClient blob = azurite.newContainer().getBlobClient("raw.vhd");
        try (UploadSource src = UploadSources.openRaw(raw)) {
            upload(src, blob, opts());
        }
        assertConverted(blob, raw, null);
        Path odd = tmp.resolve("odd.raw");
        Files.write(odd, new byte[1000]);
        UploadException e = assertThrows(UploadException.class, () -> UploadSources.openRaw(odd));
        assertTrue(e.getMessage().contains("512-byte sectors"), e.getMessage());
    }

    /**
     * Chunks that start and end on a page are viewed in the input file's mapping instead of read (1 MiB chunks, the
     * last one read: it holds footer bytes); chunks that do not are read (6 KiB). Both give the same blob, and a zero
     * chunk seen through a view is skipped like a read one.
     */
    @Test
    void mappedViewsAndReadsGiveTheSameBlob() throws Exception {
        Path raw = tmp.resolve("random.raw");
        byte[] data = new byte[4 * MIB + 3 * 512];
        new Random(11).nextBytes(data);
        java.util.Arrays.fill(data, 2 * MIB, 3 * MIB, (byte) 0);
        Files.write(raw, data);
        for (int chunk : new int[] {MIB, 6 * 1024}) {
            BlobClient blob = azurite.newContainer().getBlobClient("raw-" + chunk + ".vhd");
            try (UploadSource src = UploadSources.openRaw(raw)) {
                assertNotNull(src.view(0, MIB), "a raw file on Linux is viewed");
                src.release(src.view(0, MIB));
                UploadResult r = upload(src, blob, opts().withChunkSize(chunk));
                assertEquals(data.length + 512, r.stats().total());
                long zeroChunks = 3L * MIB / chunk - (2L * MIB + chunk - 1) / chunk;   // inside [2 MiB, 3 MiB)
                assertEquals(zeroChunks * chunk, r.stats().skipped(), r.stats().toString());
                assertEquals(data.length + 512, r.stats().read(), r.stats().toString());
            }
            assertConverted(blob, raw, null);
        }
    }

    /** The input shrinks while the upload reads it through a mapping: a clear error, not a crash of the JVM. */
    @Test
    void anInputThatShrinksUnderItsMappingFailsCleanly() throws Exception {
        Path raw = tmp.resolve("shrinks.raw");
        byte[] data = new byte[8 * MIB];
        new Random(12).nextBytes(data);
        Files.write(raw, data);
        BlobClient blob = azurite.newContainer().getBlobClient("shrinks.vhd");
        try (UploadSource src = UploadSources.openRaw(raw)) {
            UploadSource shrinking = new ShrinksOnFirstView(src, raw);
            UploadException e = assertThrows(UploadException.class,
                    () -> upload(shrinking, blob, opts().withThreads(1).withChunkSize(MIB)));
            assertTrue(e.getMessage().contains("the file changed while it was read"), e.getMessage());
        }
    }

    /** A source that truncates its file to nothing right after it hands out its first view. */
    private record ShrinksOnFirstView(UploadSource d, Path file) implements UploadSource {
        @Override
        public ByteBuffer view(long position, int length) throws IOException {
            ByteBuffer v = d.view(position, length);
            assertNotNull(v);
            try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                c.truncate(0);
            }
            return v;
        }

        @Override
        public void release(ByteBuffer view) {
            d.release(view);
        }

        @Override
        public String name() {
            return d.name();
        }

        @Override
        public String description() {
            return d.description();
        }

        @Override
        public long size() {
            return d.size();
        }

        @Override
        public List<Extent> dataExtents() throws IOException {
            return d.dataExtents();
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            d.read(position, dst);
        }

        @Override
        public long bytesRead() {
            return d.bytesRead();
        }

        @Override
        public SourceIdentity identity() {
            return d.identity();
        }

        @Override
        public void close() throws IOException {
            d.close();
        }
    }

    /** A fixed VHD of 100 GiB virtual size holding 5 MiB of data: only the data is read and sent. */
    @Test
    void sparseHundredGibFixedVhdTakesSeconds() throws Exception {
        long size = 100L << 30;
        Path raw = tmp.resolve("sparse100g.raw");
        Random rnd = new Random(100);
        List<Extent> regions = List.of(new Extent(0, MIB), new Extent(1L << 30, 3 * MIB),
                new Extent((90L << 30) + 4096, MIB));
        try (FileChannel c = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (Extent r : regions) {
                byte[] b = new byte[(int) r.length()];
                rnd.nextBytes(b);
                c.write(ByteBuffer.wrap(b), r.offset());
            }
            c.truncate(size);
            c.write(ByteBuffer.wrap(new byte[] {0}), size - 1);
        }
        Path vhd = tmp.resolve("sparse100g.vhd");
        run("qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o", "subformat=fixed,force_size=on", raw.toString(),
                vhd.toString());
        Files.delete(raw);
        assertEquals(size + 512, Files.size(vhd));
        BlobClient blob = azurite.newContainer().getBlobClient("sparse100g.vhd");
        long start = System.nanoTime();
        UploadResult r;
        try (UploadSource src = UploadSources.openVhd(vhd)) {
            r = upload(src, blob, opts());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 30, "took " + seconds + " s: " + r.stats());
        assertTrue(r.stats().read() < 64L * MIB, "holes were read: " + r.stats());
        assertEquals(size + 512, blob.getProperties().getBlobSize());
        // what the blob holds: exactly the chunks with data, each equal to the file's bytes; the rest reads as zeros
        List<Extent> written = new ArrayList<>();
        for (PageRangeItem i : blob.getPageBlobClient().listPageRanges(new BlobRange(0, size + 512))) {
            HttpRange h = i.getRange();
            written.add(new Extent(h.getOffset(), h.getLength()));
        }
        long writtenBytes = written.stream().mapToLong(Extent::length).sum();
        assertTrue(writtenBytes <= 12L * MIB + 512, "written " + writtenBytes);
        for (Extent w : written) {
            byte[] got = blob.downloadContentWithResponse(new BlobDownloadContentOptions()
                    .setRange(new BlobRange(w.offset(), w.length())), null, null).getValue().toBytes();
            byte[] want = new byte[(int) w.length()];
            try (FileChannel c = FileChannel.open(vhd, StandardOpenOption.READ)) {
                c.read(ByteBuffer.wrap(want), w.offset());
            }
            assertArrayEquals(want, got, "bytes at " + w);
        }
        for (Extent region : regions) {
            assertTrue(written.stream().anyMatch(w -> w.offset() <= region.offset() && w.end() >= region.end()),
                    region + " not written: " + written);
        }
    }

    /** A random raw image, so that every chunk has to be sent. */
    private Path randomRaw(String name, int mib) throws IOException {
        Path raw = tmp.resolve(name);
        byte[] b = new byte[mib * MIB];
        new Random(mib).nextBytes(b);
        Files.write(raw, b);
        return raw;
    }

    @Test
    void faultsAreRetriedAndThrottlingSlowsDown() throws Exception {
        Path raw = randomRaw("faults.raw", 24);
        BlobClient blob = azurite.newContainer().getBlobClient("faults.vhd");
        Set<Integer> busy = Set.of(2, 5, 9, 10, 14);
        try (FaultProxy proxy = new FaultProxy(azurite.port(), (req, n) -> {
            if (!req.isPageWrite()) {
                return Fault.PASS;
            }
            if (busy.contains(n)) {
                return Fault.BUSY;
            }
            return switch (n) {
                case 3, 12 -> Fault.TIMEOUT_500;
                case 4, 11 -> Fault.RESET;
                case 6 -> new Fault.Delay(400);
                case 7 -> new Fault.Delay(2500); // over the per-try timeout below
                default -> Fault.PASS;
            };
        }); UploadSource src = UploadSources.openRaw(raw)) {
            Target t = Targets.open(new Targets.Spec(null, Azurite.connectionString(proxy.endpoint()), null,
                    blob.getContainerName(), blob.getBlobName(), Targets.Auth.AUTO, null), Duration.ofSeconds(1), 8);
            UploadResult r = Uploader.upload(src, t, opts().withChunkSize(MIB)
                    .withRetries(8, Duration.ofSeconds(1), Duration.ofMillis(20), Duration.ofMillis(200)),
                    new UploadStats());
            assertTrue(r.stats().retries() >= 10, r.stats().toString());
            assertTrue(r.stats().throttles() >= 7, r.stats().toString());
            assertTrue(r.lowestLimit() < 8, "throttling did not lower the limit: " + r.lowestLimit());
            assertTrue(proxy.faults() >= 11);
        }
        assertConverted(blob, raw, null);
    }

    @Test
    void failedUploadResumesWithoutResendingAcknowledgedChunks() throws Exception {
        Path raw = randomRaw("resume.raw", 20);
        BlobClient blob = azurite.newContainer().getBlobClient("resume.vhd");
        Path journal = tmp.resolve("resume.journal");
        try (FaultProxy proxy = new FaultProxy(azurite.port(), (req, n) ->
                req.isPageWrite() && n > 8 ? Fault.BUSY : Fault.PASS);
             UploadSource src = UploadSources.openRaw(raw)) {
            Target t = Targets.open(new Targets.Spec(null, Azurite.connectionString(proxy.endpoint()), null,
                    blob.getContainerName(), blob.getBlobName(), Targets.Auth.AUTO, null), Duration.ofSeconds(5), 4);
            UploadOptions o = opts().withThreads(4).withChunkSize(MIB).withJournal(journal)
                    .withRetries(3, Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(50));
            UploadException e = assertThrows(UploadException.class,
                    () -> Uploader.upload(src, t, o, new UploadStats()));
            assertEquals(UploadException.Kind.TRANSFER, e.kind());
            assertTrue(e.getMessage().contains("--resume"), e.getMessage());
            Journal.State state = Journal.read(journal);
            assertEquals(8, state.done().cardinality());

            // without --resume the existing blob is refused; with it, only the rest is sent
            proxy.rule((req, n) -> Fault.PASS);
            UploadException exists = assertThrows(UploadException.class,
                    () -> Uploader.upload(src, t, o, new UploadStats()));
            assertEquals(UploadException.Kind.REFUSED, exists.kind());
            assertTrue(exists.getMessage().contains("--resume"), exists.getMessage());
            int before = proxy.forwardedPageWrites();
            UploadResult r = Uploader.upload(src, t, o.withResume(true, false), new UploadStats());
            assertEquals(8L * MIB, r.stats().resumed());
            assertEquals(21 - 8, proxy.forwardedPageWrites() - before);
            assertFalse(Files.exists(journal), "a finished upload removes its journal");
        }
        assertConverted(blob, raw, null);
    }

    @Test
    void resumeOfAnotherSourceIsRefused() throws Exception {
        Path a = randomRaw("a.raw", 2);
        Path b = randomRaw("b.raw", 3);
        BlobClient blob = azurite.newContainer().getBlobClient("ab.vhd");
        try (UploadSource src = UploadSources.openRaw(a)) {
            upload(src, blob, opts());
        }
        try (UploadSource src = UploadSources.openRaw(b)) {
            UploadException e = assertThrows(UploadException.class,
                    () -> upload(src, blob, opts().withResume(true, false)));
            assertEquals(UploadException.Kind.REFUSED, e.kind());
            assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
            upload(src, blob, opts().withResume(false, true));
        }
        assertConverted(blob, b, null);
    }

    @Test
    void managedDiskSizeMustMatchBeforeAnythingIsSent() throws Exception {
        Path vhd = Fixtures.vhd("fixed.vhd");
        long size = Files.size(vhd);
        BlobContainerClient c = azurite.newContainer();
        BlobClient wrong = c.getBlobClient("wrong");
        wrong.getPageBlobClient().create(size + 512 * 2048);
        try (FaultProxy proxy = new FaultProxy(azurite.port(), (req, n) -> Fault.PASS);
             UploadSource src = UploadSources.openVhd(vhd)) {
            Target t = Targets.open(new Targets.Spec(null, Azurite.connectionString(proxy.endpoint()), null,
                    c.getBlobContainerName(), "wrong", Targets.Auth.AUTO, true), Duration.ofSeconds(20), 8);
            UploadException e = assertThrows(UploadException.class,
                    () -> Uploader.upload(src, t, opts(), new UploadStats()));
            assertEquals(UploadException.Kind.REFUSED, e.kind());
            assertTrue(e.getMessage().contains("--upload-size-bytes " + size), e.getMessage());
            assertEquals(0, proxy.pageWrites());

            Target missing = Targets.open(new Targets.Spec(null, Azurite.connectionString(proxy.endpoint()), null,
                    c.getBlobContainerName(), "missing", Targets.Auth.AUTO, true), Duration.ofSeconds(20), 8);
            UploadException m = assertThrows(UploadException.class,
                    () -> Uploader.upload(src, missing, opts(), new UploadStats()));
            assertTrue(m.getMessage().contains("grant-access"), m.getMessage());
        }
    }

    /** A managed disk that already holds data: zero chunks over data are cleared, not skipped. */
    @Test
    void managedDiskWithOldDataIsClearedWhereTheSourceIsZero() throws Exception {
        Path vhd = Fixtures.vhd("fixed.vhd");
        long size = Files.size(vhd);
        BlobContainerClient c = azurite.newContainer();
        BlobClient disk = c.getBlobClient("disk");
        disk.getPageBlobClient().create(size);
        byte[] junk = new byte[MIB];
        java.util.Arrays.fill(junk, (byte) 0x5A);
        // 20-21 MiB and 50-51 MiB are in 4 MiB chunks that are holes of data-64m
        disk.getPageBlobClient().uploadPages(new PageRange().setStart(50L * MIB).setEnd(51L * MIB - 1),
                BinaryData.fromBytes(junk).toStream());
        disk.getPageBlobClient().uploadPages(new PageRange().setStart(20L * MIB).setEnd(21L * MIB - 1),
                BinaryData.fromBytes(junk).toStream());
        try (FaultProxy proxy = new FaultProxy(azurite.port(), (req, n) -> Fault.PASS);
             UploadSource src = UploadSources.openVhd(vhd)) {
            Target t = Targets.open(new Targets.Spec(null, Azurite.connectionString(proxy.endpoint()), null,
                    c.getBlobContainerName(), "disk", Targets.Auth.AUTO, true), Duration.ofSeconds(20), 8);
            UploadResult r = Uploader.upload(src, t, opts(), new UploadStats());
            assertTrue(r.stats().cleared() >= 2L * MIB, r.stats().toString());
            assertTrue(proxy.clears() >= 2, "clears " + proxy.clears());
        }
        assertEquals(sha256(vhd), Azurite.sha256(disk));
    }

    @Test
    void md5AndVerify() throws Exception {
        Path vhd = Fixtures.vhd("dynamic.vhd");
        BlobClient blob = azurite.newContainer().getBlobClient("md5.vhd");
        UploadResult r;
        try (UploadSource src = UploadSources.openVhd(vhd)) {
            r = upload(src, blob, opts().withChecks(true, true));
        }
        assertTrue(r.verified() > 0);
        Path got = tmp.resolve("md5.vhd");
        Azurite.download(blob, got);
        MessageDigest d = MessageDigest.getInstance("MD5");
        d.update(Files.readAllBytes(got));
        String md5 = Base64.getEncoder().encodeToString(d.digest());
        assertEquals(md5, r.md5());
        assertEquals(md5, Base64.getEncoder().encodeToString(blob.getProperties().getContentMd5()));
        assertEquals("application/octet-stream", blob.getProperties().getContentType());
    }

    @Test
    void badSasIsAnAuthErrorWithoutTheSignature() throws Exception {
        BlobClient blob = azurite.newContainer().getBlobClient("auth.vhd");
        String url = Azurite.sasUrl(blob, null);
        String forged = url.replaceAll("sig=[^&]+", "sig=Zm9yZ2VkU2lnbmF0dXJlVmFsdWU%3D");
        try (UploadSource src = UploadSources.openVhd(Fixtures.vhd("fixed.vhd"))) {
            Target t = Targets.open(new Targets.Spec(forged, null, null, null, null, Targets.Auth.AUTO, null),
                    Duration.ofSeconds(20), 4);
            UploadException e = assertThrows(UploadException.class,
                    () -> Uploader.upload(src, t, opts(), new UploadStats()));
            assertEquals(UploadException.Kind.AUTH, e.kind(), e.getMessage());
            StringBuilder all = new StringBuilder(e.toString());
            for (Throwable x = e.getCause(); x != null; x = x.getCause()) {
                all.append(x);
            }
            assertFalse(all.toString().contains("Zm9yZ2Vk"), all.toString());

            // and the real SAS works
            Target ok = Targets.open(new Targets.Spec(url, null, null, null, null, Targets.Auth.AUTO, null),
                    Duration.ofSeconds(20), 4);
            Uploader.upload(src, ok, opts(), new UploadStats());
        }
        assertEquals(sha256(Fixtures.vhd("fixed.vhd")), Azurite.sha256(blob));
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }
}
