package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.testing.Tools;
import io.vhdkit.upload.Journal;
import io.vhdkit.upload.testing.Azurite;
import io.vhdkit.upload.testing.FaultProxy;
import io.vhdkit.upload.testing.FaultProxy.Fault;
import io.vhdkit.vhd.VhdFooter;
import java.io.File;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code vhdkit upload} end to end against Azurite, including a child JVM killed with SIGKILL and resumed. */
@ExtendWith(Azurite.Extension.class)
class UploadCommandTest {

    private static final int MIB = 1 << 20;

    private final Azurite azurite;
    @TempDir
    Path tmp;

    UploadCommandTest(Azurite azurite) {
        this.azurite = azurite;
    }

    static String sha256(Path file, long length) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = new byte[1 << 20];
            long left = length;
            while (left > 0) {
                int n = in.read(b, 0, (int) Math.min(b.length, left));
                d.update(b, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** Downloads the blob: the raw image's bytes followed by a valid fixed footer for them. */
    private void assertRawUploaded(BlobClient blob, Path raw) throws Exception {
        Path got = tmp.resolve("got-" + System.nanoTime());
        Azurite.download(blob, got);
        long n = Files.size(raw);
        assertEquals(n + 512, Files.size(got));
        assertEquals(sha256(raw, n), sha256(got, n));
        byte[] all = Files.readAllBytes(got);
        VhdFooter f = VhdFooter.decode(ByteBuffer.wrap(all, (int) n, 512));
        assertTrue(f.checksumValid());
        assertEquals(2, f.diskTypeCode());
        assertEquals(n, f.currentSize());
        Files.delete(got);
    }

    private Path randomRaw(String name, int mib) throws Exception {
        Path raw = tmp.resolve(name);
        byte[] b = new byte[mib * MIB];
        new Random(mib * 31L).nextBytes(b);
        // a few zero chunks too
        java.util.Arrays.fill(b, 4 * MIB, 8 * MIB, (byte) 0);
        Files.write(raw, b);
        return raw;
    }

    private static void assertNoSecret(CliRun r, String url) {
        String sig = url.replaceAll(".*sig=([^&]+).*", "$1");
        assertFalse(r.out().contains(sig) || r.err().contains(sig), "the SAS signature was printed: " + r);
        assertFalse(r.out().contains(Azurite.KEY) || r.err().contains(Azurite.KEY), "the key was printed: " + r);
    }

    @Test
    void help() {
        CliRun r = CliRun.of("upload", "--help");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("--resume"));
        assertTrue(r.out().contains("serial"), "--md5's cost is explained");
        assertTrue(r.out().contains("Exit codes"));
        assertTrue(CliRun.of("--help").out().contains("upload"));
    }

    @Test
    void aUrlThatIsNoBlobUrlIsAUsageErrorAtOnce() {
        String[][] cases = {
            {"ftp://host/c/b.vhd?sv=1&sig=SECRETSIG", "is not an https://"},
            {"https://host?sig=SECRETSIG", "names no host, container and blob"},
            {"https://host/c b/x.vhd?sig=SECRETSIG", "is not a URL"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.of("upload", Fixtures.root().resolve("samples/data-disk-20m.vhd").toString(), "--to", c[0], "--progress", "none");
            assertEquals(ExitCodes.USAGE, r.exit(), r.toString());
            assertTrue(r.err().contains(c[1]), r.toString());
            assertFalse((r.out() + r.err()).contains("SECRETSIG"), "the SAS was printed: " + r);
        }
    }

    @Test
    void fixedVhdToASasUrl() throws Exception {
        Path vhd = Fixtures.vhd("fixed.vhd");
        BlobClient blob = azurite.newContainer().getBlobClient("fixed.vhd");
        String url = Azurite.sasUrl(blob, null);
        CliRun r = CliRun.of("upload", vhd.toString(), "--to", url, "--progress", "none", "--journal",
                tmp.resolve("j").toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("uploaded "), r.out());
        assertTrue(r.out().contains("never read"), r.out());
        assertNoSecret(r, url);
        assertEquals(sha256(vhd, Files.size(vhd)), Azurite.sha256(blob));

        // the blob exists now: refused without --resume or --overwrite, nothing sent
        CliRun again = CliRun.of("upload", vhd.toString(), "--to", url, "--progress", "none");
        assertEquals(1, again.exit(), again.toString());
        assertTrue(again.err().contains("--overwrite"), again.err());
        assertNoSecret(again, url);
    }

    @Test
    void containerRulesRefuseBeforeSending() throws Exception {
        BlobContainerClient c = azurite.newContainer();
        CliRun r = CliRun.of("upload", Fixtures.vhd("dynamic-odd.vhd").toString(), "--connection-string",
                azurite.connectionString(), "--container", c.getBlobContainerName(), "--name", "odd.vhd");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("[vhd/size-not-mib-aligned]"), r.err());
        assertTrue(r.err().contains("nothing was sent"), r.err());
        assertFalse(c.getBlobClient("odd.vhd").exists());
        assertNoSecret(r, "sig=none");
    }

    @Test
    void managedDiskChecks() throws Exception {
        Path vhd = Fixtures.vhd("fixed.vhd");
        BlobContainerClient c = azurite.newContainer();
        BlobClient disk = c.getBlobClient("disk");
        disk.getPageBlobClient().create(Files.size(vhd) + 1024 * 1024);
        String url = Azurite.sasUrl(disk, null);
        CliRun wrong = CliRun.of("upload", vhd.toString(), "--to", url, "--managed-disk", "--progress", "none");
        assertEquals(1, wrong.exit(), wrong.toString());
        assertTrue(wrong.err().contains("--upload-size-bytes " + Files.size(vhd)), wrong.err());
        CliRun md5 = CliRun.of("upload", vhd.toString(), "--to", url, "--managed-disk", "--md5");
        assertEquals(2, md5.exit(), md5.toString());
        assertTrue(md5.err().contains("managed disk"), md5.err());

        BlobClient right = c.getBlobClient("right");
        right.getPageBlobClient().create(Files.size(vhd));
        CliRun ok = CliRun.of("upload", vhd.toString(), "--to", Azurite.sasUrl(right, null), "--managed-disk",
                "--progress", "none", "--verify", "--journal", tmp.resolve("jm").toString());
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().contains("verified"), ok.out());
        assertEquals(sha256(vhd, Files.size(vhd)), Azurite.sha256(right));
    }

    @Test
    void rawImageWithPlainProgressLines() throws Exception {
        Path raw = randomRaw("disk.raw", 21);
        BlobContainerClient c = azurite.newContainer();
        try (FaultProxy slow = new FaultProxy(azurite.port(), (req, n) ->
                req.isPageWrite() ? new Fault.Delay(100) : Fault.PASS)) {
            CliRun r = CliRun.of("upload", raw.toString(), "--from-raw", "--connection-string",
                    Azurite.connectionString(slow.endpoint()), "--container", c.getBlobContainerName(), "--name",
                    "raw.vhd", "--threads", "2", "--chunk-size", "1M", "--progress", "auto",
                    "--progress-interval", "0.2", "--journal", tmp.resolve("jr").toString());
            assertEquals(0, r.exit(), r.toString());
            // not a terminal (the test's pipes): periodic plain lines, never a redrawn line
            assertTrue(r.err().contains("progress: "), r.err());
            assertTrue(r.err().contains("ETA"), r.err());
            assertFalse(r.err().contains("\r") || r.err().contains(UploadProgress.ERASE), r.err());
            assertTrue(r.out().contains("skipped 4.0 MiB"), r.out());
            assertNoSecret(r, "sig=none");
        }
        assertRawUploaded(c.getBlobClient("raw.vhd"), raw);
    }

    /** A chunk size the option accepts but that is not a whole number of pages: its buffers are allocated and read. */
    @Test
    void chunkSizeThatIsNotAWholeNumberOfPages() throws Exception {
        Path raw = randomRaw("odd-chunks.raw", 21);
        BlobContainerClient c = azurite.newContainer();
        CliRun r = CliRun.of("upload", raw.toString(), "--from-raw", "--connection-string",
                Azurite.connectionString(azurite.endpoint()), "--container", c.getBlobContainerName(), "--name",
                "odd.vhd", "--chunk-size", "1049088", "--progress", "none", "--journal", tmp.resolve("jo").toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("skipped 3.0 MiB"), r.out());   // the 3 chunks of 1 MiB + 512 inside the zeros
        assertRawUploaded(c.getBlobClient("odd.vhd"), raw);
    }

    @Test
    void manifestWithShards() throws Exception {
        BlobContainerClient c = azurite.newContainer();
        List<Path> raws = new ArrayList<>();
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 3; i++) {
            raws.add(randomRaw("m" + i + ".raw", 20 + i));
            json.append(i > 0 ? "," : "").append("{\"image\": \"m").append(i).append(".raw\", \"to\": \"")
                    .append(Azurite.sasUrl(c.getBlobClient("m" + i + ".vhd"), null)).append("\", \"fromRaw\": true}");
        }
        Path manifest = tmp.resolve("uploads.json");
        Files.writeString(manifest, json.append("]").toString());
        CliRun two = CliRun.of("upload", "--manifest", manifest.toString(), "--shard", "2/3", "--progress", "none");
        assertEquals(0, two.exit(), two.toString());
        assertFalse(c.getBlobClient("m0.vhd").exists());
        assertRawUploaded(c.getBlobClient("m1.vhd"), raws.get(1));
        assertFalse(c.getBlobClient("m2.vhd").exists());
        CliRun rest = CliRun.of("upload", "--manifest", manifest.toString(), "--shard", "1/2", "--progress", "none");
        assertEquals(0, rest.exit(), rest.toString());
        assertTrue(rest.out().contains("2 images, all uploaded"), rest.out());
        assertRawUploaded(c.getBlobClient("m0.vhd"), raws.get(0));
        assertRawUploaded(c.getBlobClient("m2.vhd"), raws.get(2));
        assertEquals(2, CliRun.of("upload", "--manifest", manifest.toString(), "--shard", "4/3").exit());
    }

    /**
     * A manifest of 40 images of 24 MiB in a child JVM: its resident memory stays bounded by the images in flight
     * (two at a time, each with its chunk buffers), not by the images done. The buffers are direct memory that only
     * a collection returns; before the CLI collected after each image, the JVM held on to every finished image's
     * buffers (here about 24 MiB each) until its direct-memory limit, a quarter of the machine's memory.
     */
    @Test
    void manifestMemoryIsBoundedByTheImagesInFlight() throws Exception {
        BlobContainerClient c = azurite.newContainer();
        Path raw = tmp.resolve("same.raw");
        byte[] b = new byte[24 * MIB];
        new Random(24).nextBytes(b);
        Files.write(raw, b);
        StringBuilder json = new StringBuilder("[");
        int images = 40;
        for (int i = 0; i < images; i++) {
            json.append(i > 0 ? "," : "").append("{\"image\": \"same.raw\", \"to\": \"")
                    .append(Azurite.sasUrl(c.getBlobClient("r" + i + ".vhd"), null)).append("\", \"fromRaw\": true}");
        }
        Path manifest = tmp.resolve("many.json");
        Files.writeString(manifest, json.append("]").toString());
        Path out = tmp.resolve("many.out");
        // the direct-memory limit as with a default heap on a 4 GiB machine (it defaults to -Xmx; the JDK collects
        // when it is reached)
        ProcessBuilder pb = new ProcessBuilder(HostileImagesTest.java().toString(), "-Xmx256m",
                "-XX:MaxDirectMemorySize=1g", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "upload", "--manifest",
                manifest.toString(), "--threads", "8", "--parallel-images", "2", "--progress", "none")
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("XDG_STATE_HOME", tmp.resolve("state").toString());   // the journals
        Process p = pb.start();
        long peakKib = 0;
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        while (!p.waitFor(50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        peakKib = Math.max(peakKib, Long.parseLong(line.replaceAll("\\D", "")));
                    }
                }
            } catch (java.io.IOException gone) {
                // the process ended between the two calls
            }
        }
        String log = Files.readString(out);
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains(images + " images, all uploaded"), log);
        System.out.println("manifest of " + images + " images: peak RSS " + peakKib / 1024 + " MiB");
        // the JVM itself takes about 150 MiB here; 2 images in flight hold at most 2 x 10 chunk buffers of 4 MiB
        assertTrue(peakKib > 0 && peakKib < 400 * 1024, "peak RSS " + peakKib / 1024 + " MiB for " + images
                + " images of 24 MiB, 2 in flight");
        assertRawUploaded(c.getBlobClient("r" + (images - 1) + ".vhd"), raw);
    }

    /** A child JVM uploading through a slow proxy is killed with SIGKILL mid-upload; --resume finishes the job. */
    @Test
    void resumeAfterSigkill() throws Exception {
        Path raw = randomRaw("kill.raw", 24);
        BlobClient blob = azurite.newContainer().getBlobClient("kill.vhd");
        Path journal = tmp.resolve("kill.journal");
        try (FaultProxy proxy = new FaultProxy(azurite.port(), (req, n) ->
                req.isPageWrite() ? new Fault.Delay(150) : Fault.PASS)) {
            String url = Azurite.sasUrl(blob, proxy.endpoint());
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                    "io.vhdkit.cli.Main", "upload", raw.toString(), "--from-raw", "--to", url, "--threads", "2",
                    "--chunk-size", "512K", "--progress", "none", "--journal", journal.toString())
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lines(journal) < 12 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(child.isAlive(), "the child finished before it could be killed: "
                    + Files.readString(tmp.resolve("child.log")));
            child.destroyForcibly(); // SIGKILL on Linux
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, child.exitValue());
            int doneBefore = lines(journal) - 1;
            assertTrue(doneBefore >= 11, "journaled " + doneBefore);
            // every chunk the journal claims is in the blob: a line is written only once its Put Page was answered
            Journal.State state = Journal.read(journal);
            assertEquals(doneBefore, state.done().cardinality());
            byte[] image = Files.readAllBytes(raw);
            for (int i = state.done().nextSetBit(0); i >= 0; i = state.done().nextSetBit(i + 1)) {
                long off = (long) i * 512 * 1024;
                int len = (int) Math.min(512 * 1024, image.length - off);
                if (len <= 0) {
                    continue; // the footer's chunk
                }
                byte[] got = blob.downloadContentWithResponse(new com.azure.storage.blob.options
                        .BlobDownloadContentOptions().setRange(new com.azure.storage.blob.models.BlobRange(off,
                        (long) len)), null, null).getValue().toBytes();
                assertTrue(Arrays.equals(image, (int) off, (int) off + len, got, 0, len),
                        "the journal claims chunk " + i + " but the blob does not hold it");
            }
            // and a write torn by a crash: never read as a claim, cut before the next run appends
            Files.write(journal, "4".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);

            // the proxy still forwards what the dead child had sent it (each held 150 ms): let those drain
            Thread.sleep(1000);
            proxy.rule((req, n) -> Fault.PASS);
            int before = proxy.forwardedPageWrites();
            CliRun r = CliRun.of("upload", raw.toString(), "--from-raw", "--to", url, "--resume", "--progress",
                    "none", "--chunk-size", "512K", "--journal", journal.toString());
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("already there (resumed)"), r.out());
            int chunks = 24 * 2 + 1;
            int zeroChunks = 8; // 4-8 MiB of the raw is zero
            int sentNow = proxy.forwardedPageWrites() - before;
            assertTrue(sentNow <= chunks - zeroChunks - doneBefore, "sent " + sentNow + " after " + doneBefore
                    + " journaled: " + r.out());
            assertNoSecret(r, url);
        }
        assertRawUploaded(blob, raw);
        assertFalse(Files.exists(journal));
    }

    /** A manifest entry. */
    private static String entry(Path image, String url, boolean raw) {
        return "{\"image\": \"" + image + "\", \"to\": \"" + url + "\"" + (raw ? ", \"fromRaw\": true" : "") + "}";
    }

    /** SHA-256 of a fixed VHD made by qemu-img from {@code source}, without its last 512 bytes (the footer). */
    private String qemuFixedDataSha(Path source, String format) throws Exception {
        Path fixed = tmp.resolve("qemu-" + System.nanoTime() + ".vhd");
        Tools.check("qemu-utils", "qemu-img", "convert", "-f", format, "-O", "vpc", "-o",
                "subformat=fixed,force_size=on", source.toString(), fixed.toString());
        String sha = sha256(fixed, Files.size(fixed) - 512);
        Files.delete(fixed);
        return sha;
    }

    /** The blob, downloaded with the plain SDK download: its data is the one given, then a valid fixed footer. */
    private void assertBlobIsFixedVhd(BlobClient blob, String dataSha, long dataSize) throws Exception {
        Path got = tmp.resolve("got-" + System.nanoTime());
        Azurite.download(blob, got);
        assertEquals(dataSize + 512, Files.size(got), blob.getBlobName());
        assertEquals(dataSha, sha256(got, dataSize), blob.getBlobName());
        byte[] footer = new byte[512];
        try (var c = java.nio.channels.FileChannel.open(got)) {
            c.read(ByteBuffer.wrap(footer), dataSize);
        }
        VhdFooter f = VhdFooter.decode(ByteBuffer.wrap(footer));
        assertTrue(f.checksumValid() && f.cookieValid(), blob.getBlobName());
        assertEquals(2, f.diskTypeCode());
        assertEquals(dataSize, f.currentSize());
        Files.delete(got);
    }

    /**
     * A manifest of five entries: a fixed VHD, a dynamic VHD, a raw image, an image that does not exist and a VHD
     * the container rules refuse. Shards 1/2 and 2/2 together take each entry once; the images of a shard go up at
     * the same time (the proxy sees their Put Pages interleave) under one budget of 3 requests in flight; each blob
     * equals the fixed VHD qemu-img makes of its image; the two bad entries fail alone.
     */
    @Test
    void manifestOfMixedImagesInShardsUnderOneBudget() throws Exception {
        BlobContainerClient c = azurite.newContainer();
        Path fixed = Fixtures.vhd("fixed.vhd");
        Path dynamic = Fixtures.vhd("dynamic.vhd");
        Path raw = Fixtures.vhd("src/data-64m.raw");
        Path odd = Fixtures.vhd("dynamic-odd.vhd");
        Path missing = tmp.resolve("missing.vhd");
        AtomicInteger now = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        try (FaultProxy proxy = new FaultProxy(azurite.port(), (req, n) -> {
            if (!req.isPageWrite()) {
                return Fault.PASS;
            }
            order.add(req.target().replaceAll("\\?.*", ""));
            peak.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                now.decrementAndGet();
            }
            return Fault.PASS;
        })) {
            String json = "[" + String.join(",\n",
                    entry(fixed, Azurite.sasUrl(c.getBlobClient("fixed.vhd"), proxy.endpoint()), false),
                    entry(dynamic, Azurite.sasUrl(c.getBlobClient("dynamic.vhd"), proxy.endpoint()), false),
                    entry(raw, Azurite.sasUrl(c.getBlobClient("raw.vhd"), proxy.endpoint()), true),
                    entry(missing, Azurite.sasUrl(c.getBlobClient("missing.vhd"), proxy.endpoint()), false),
                    entry(odd, Azurite.sasUrl(c.getBlobClient("odd.vhd"), proxy.endpoint()), false)) + "]";
            Path manifest = tmp.resolve("uploads.json");
            Files.writeString(manifest, json);
            List<String> common = List.of("upload", "--manifest", manifest.toString(), "--threads", "3",
                    "--parallel-images", "3", "--chunk-size", "512K", "--progress", "none");

            List<String> one = new ArrayList<>(common);
            one.addAll(List.of("--shard", "1/2", "--format", "json"));
            CliRun first = CliRun.of(one.toArray(String[]::new));
            assertEquals(ExitCodes.FINDINGS, first.exit(), "worst of ok, ok, refused: " + first);
            assertNoSecret(first, Azurite.sasUrl(c.getBlobClient("fixed.vhd"), null));
            assertFalse(first.out().contains("sig="), first.out());
            JsonNode a = first.json();
            assertEquals(3, a.size(), first.out());
            Map<String, JsonNode> byImage = new HashMap<>();
            a.forEach(o -> byImage.put(Path.of(o.get("image").asText()).getFileName().toString(), o));
            assertEquals(Set.of("fixed.vhd", "data-64m.raw", "dynamic-odd.vhd"), byImage.keySet());
            for (String ok : List.of("fixed.vhd", "data-64m.raw")) {
                JsonNode o = byImage.get(ok);
                assertEquals("ok", o.get("status").asText(), o.toString());
                assertEquals(0, o.get("exit").asInt());
                assertTrue(o.get("sent").asLong() > 0 && o.get("skipped").asLong() > 0, o.toString());
                assertTrue(o.get("read").asLong() >= o.get("sent").asLong(), o.toString());
                assertTrue(o.get("seconds").asDouble() > 0 && o.get("mbPerSecond").asDouble() > 0, o.toString());
                assertTrue(o.get("error").isNull());
                assertTrue(o.get("destination").asText().startsWith(proxy.endpoint()), o.toString());
            }
            JsonNode refused = byImage.get("dynamic-odd.vhd");
            assertEquals("refused", refused.get("status").asText());
            assertEquals(ExitCodes.FINDINGS, refused.get("exit").asInt());
            assertTrue(refused.get("error").asText().contains("vhd/size-not-mib-aligned"), refused.toString());
            assertFalse(c.getBlobClient("odd.vhd").exists(), "a refused image sends nothing");
            // one budget: never more than 3 Put Pages at the service; two images at once: their writes interleave
            assertTrue(peak.get() <= 3, "peak " + peak.get());
            assertTrue(peak.get() >= 2, "peak " + peak.get());
            int switches = 0;
            for (int i = 1; i < order.size(); i++) {
                switches += order.get(i).equals(order.get(i - 1)) ? 0 : 1;
            }
            assertTrue(switches > 1, "the two images were not uploaded at the same time: " + order);

            List<String> two = new ArrayList<>(common);
            two.addAll(List.of("--shard", "2/2"));
            CliRun second = CliRun.of(two.toArray(String[]::new));
            assertEquals(ExitCodes.UNREADABLE, second.exit(), second.toString());
            assertTrue(second.out().contains("2 images, 1 uploaded, 1 failed, 0 refused"), second.out());
            assertTrue(second.out().lines().anyMatch(l -> l.startsWith("ok ") && l.contains("dynamic.vhd -> ")
                    && l.contains("MB/s")), second.out());
            assertTrue(second.out().lines().anyMatch(l -> l.startsWith("failed ") && l.contains("missing.vhd")),
                    second.out());
            assertNoSecret(second, Azurite.sasUrl(c.getBlobClient("fixed.vhd"), null));

            // together the shards took every entry exactly once
            Set<String> taken = new HashSet<>(byImage.keySet());
            assertTrue(taken.add("dynamic.vhd") && taken.add("missing.vhd"));
            assertEquals(5, taken.size());
        }
        assertEquals(sha256(fixed, Files.size(fixed)), Azurite.sha256(c.getBlobClient("fixed.vhd")),
                "fixed.vhd (made by qemu-img) is sent as it is");
        assertBlobIsFixedVhd(c.getBlobClient("dynamic.vhd"), qemuFixedDataSha(dynamic, "vpc"),
                Files.size(Fixtures.vhd("dynamic.qemu.raw")));
        assertBlobIsFixedVhd(c.getBlobClient("raw.vhd"), qemuFixedDataSha(raw, "raw"), Files.size(raw));
        assertFalse(c.getBlobClient("missing.vhd").exists());
    }

    /** A result of a child JVM. */
    record Child(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** Runs vhdkit in a child JVM with the environment changed (null values remove a variable). */
    private Child child(Map<String, String> env, String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "io.vhdkit.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("AZURE_") || k.startsWith("IDENTITY_")
                || k.startsWith("MSI_"));
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Path out = tmp.resolve("child-" + System.nanoTime() + ".out");
        Path err = tmp.resolve("child-" + System.nanoTime() + ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "vhdkit " + String.join(" ", args) + " did not finish");
        return new Child(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void assertNoSecret(Child r) {
        assertFalse(r.out().contains(Azurite.KEY) || r.err().contains(Azurite.KEY), "the key was printed: " + r);
    }

    /** AZURE_STORAGE_KEY (Azurite's published devstoreaccount1 key) with a URL without SAS. */
    @Test
    void accountKeyFromTheEnvironment() throws Exception {
        Path vhd = Fixtures.vhd("fixed.vhd");
        BlobContainerClient c = azurite.newContainer();
        String url = azurite.endpoint() + "/" + c.getBlobContainerName() + "/key.vhd";
        Child r = child(Map.of("AZURE_STORAGE_KEY", Azurite.KEY), "upload", vhd.toString(), "--to", url,
                "--progress", "none", "--journal", tmp.resolve("jk").toString());
        assertEquals(0, r.exit(), r.toString());
        assertNoSecret(r);
        assertEquals(sha256(vhd, Files.size(vhd)), Azurite.sha256(c.getBlobClient("key.vhd")));

        // without the key: no credentials, said before anything is sent
        Child none = child(Map.of(), "upload", vhd.toString(), "--to", url + "2", "--progress", "none");
        assertEquals(ExitCodes.FINDINGS, none.exit(), none.toString());
        assertTrue(none.err().contains("AZURE_STORAGE_KEY") && none.err().contains("SAS"), none.err());
        // --container/--name without a connection string need the account
        Child noAccount = child(Map.of("AZURE_STORAGE_KEY", Azurite.KEY), "upload", vhd.toString(), "--container",
                c.getBlobContainerName(), "--name", "x.vhd", "--progress", "none");
        assertEquals(ExitCodes.USAGE, noAccount.exit(), noAccount.toString());
        assertTrue(noAccount.err().contains("AZURE_STORAGE_ACCOUNT"), noAccount.err());
        assertNoSecret(noAccount);
    }

    @Test
    void connectionStringFromTheEnvironment() throws Exception {
        Path vhd = Fixtures.vhd("dynamic.vhd");
        BlobContainerClient c = azurite.newContainer();
        Child r = child(Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString()), "upload",
                vhd.toString(), "--container", c.getBlobContainerName(), "--name", "cs.vhd", "--progress", "none",
                "--journal", tmp.resolve("jc").toString(), "--format", "json");
        assertEquals(0, r.exit(), r.toString());
        assertNoSecret(r);
        JsonNode o = Json.MAPPER.readTree(r.out()).get(0);
        assertEquals("ok", o.get("status").asText());
        assertTrue(o.get("destination").asText().endsWith("/" + c.getBlobContainerName() + "/cs.vhd"), r.out());
        assertBlobIsFixedVhd(c.getBlobClient("cs.vhd"), qemuFixedDataSha(vhd, "vpc"),
                Files.size(Fixtures.vhd("dynamic.qemu.raw")));
    }

    /** --auth aad where no Azure AD credential exists: a message naming what to set, no stack trace, nothing sent. */
    @Test
    void azureAdWithoutAnyCredentialSaysWhatToSet() throws Exception {
        BlobContainerClient c = azurite.newContainer();
        Path home = Files.createDirectories(tmp.resolve("home"));
        Child r = child(Map.of("HOME", home.toString()), "upload", Fixtures.vhd("fixed.vhd").toString(), "--to",
                azurite.endpoint() + "/" + c.getBlobContainerName() + "/aad.vhd", "--auth", "aad", "--progress",
                "none");
        assertEquals(ExitCodes.UPLOAD_CREDENTIALS, r.exit(), r.toString());
        assertTrue(r.err().contains("az login"), r.err());
        assertTrue(r.err().contains("AZURE_CLIENT_ID") && r.err().contains("AZURE_TENANT_ID"), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "a stack trace: " + r.err());
        assertTrue(r.err().lines().count() <= 2, r.err());
        assertFalse(c.getBlobClient("aad.vhd").exists());
    }

    /** On a terminal (a pseudo-terminal from script(1)): one line redrawn in place, then the summary. */
    @Test
    void progressOnATerminalIsRedrawnInPlace() throws Exception {
        Tools.requireTool("script", "bsdutils");
        Path raw = randomRaw("tty.raw", 21);
        BlobContainerClient c = azurite.newContainer();
        try (FaultProxy slow = new FaultProxy(azurite.port(), (req, n) ->
                req.isPageWrite() ? new Fault.Delay(200) : Fault.PASS)) {
            String url = Azurite.sasUrl(c.getBlobClient("tty.vhd"), slow.endpoint());
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> cmd = List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                    "io.vhdkit.cli.Main", "upload", raw.toString(), "--from-raw", "--to", url, "--threads", "2",
                    "--chunk-size", "1M", "--journal", tmp.resolve("jt").toString());
            StringBuilder line = new StringBuilder("exec");
            for (String a : cmd) {
                line.append(" '").append(a.replace("'", "'\\''")).append('\'');
            }
            Process p = new ProcessBuilder("script", "-q", "-e", "-c", line.toString(), "/dev/null")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).start();
            String shown = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), shown);
            String sig = url.replaceAll(".*sig=([^&]+).*", "$1");
            assertFalse(shown.contains(sig), shown);
            long redraws = Pattern.compile("\\r\\s*\\d+\\.\\d% [^\\r\\n]* sent [^\\r\\n]* skipped "
                    + "[^\\r\\n]* MB/s ETA [0-9?]").matcher(shown).results().count();
            assertTrue(redraws >= 2, "the line was not redrawn in place: " + shown.replace("\r", "<CR>"));
            assertTrue(shown.contains(UploadProgress.ERASE), shown);
            assertFalse(shown.contains("progress: "), "plain lines on a terminal: " + shown);
            assertTrue(shown.contains("uploaded ") && shown.contains("MB/s sent"), shown);
            // the summary starts on a clean line: the live line was erased first
            assertTrue(shown.contains(UploadProgress.REDRAW + UploadProgress.ERASE + "uploaded "),
                    shown.replace("\r", "<CR>"));
        }
        assertRawUploaded(c.getBlobClient("tty.vhd"), raw);
    }

    private static int lines(Path p) throws Exception {
        if (!Files.exists(p)) {
            return 0;
        }
        byte[] b = Files.readAllBytes(p);
        int n = 0;
        for (byte x : b) {
            if (x == '\n') {
                n++;
            }
        }
        return n;
    }
}
