package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.upload.testing.Azurite;
import io.vhdkit.upload.testing.FaultProxy;
import io.vhdkit.upload.testing.FaultProxy.Fault;
import io.vhdkit.vhd.VhdFooter;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
                    "raw.vhd", "--threads", "2", "--chunk-size", "1M", "--progress", "plain",
                    "--progress-interval", "0.2", "--journal", tmp.resolve("jr").toString());
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.err().contains("progress: "), r.err());
            assertTrue(r.out().contains("skipped 4.0 MiB"), r.out());
            assertNoSecret(r, "sig=none");
        }
        assertRawUploaded(c.getBlobClient("raw.vhd"), raw);
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
