package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.upload.testing.Azurite;
import io.vhdkit.vhd.VhdFooter;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security properties end to end, through the command line: no secret in any output of {@code upload}'s error paths;
 * the read-only commands leave images byte-identical with their mtime; symlinks inside an image never lead out of
 * it; a decompression bomb neither fills the disk nor runs away.
 */
@ExtendWith(Azurite.Extension.class)
class SecurityTest {

    private final Azurite azurite;
    @TempDir
    Path tmp;

    SecurityTest(Azurite azurite) {
        this.azurite = azurite;
    }

    // ------------------------------------------------------------------ (a) no secret in any output

    /** A distinctive base64 secret, never a real one. */
    private static String secret(Random rnd) {
        byte[] b = new byte[32];
        rnd.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** Every form a secret could be printed in: as given, URL-encoded, URL-decoded, and its first 16 characters. */
    private static List<String> forms(String secret) {
        List<String> f = new ArrayList<>(List.of(secret, URLEncoder.encode(secret, StandardCharsets.UTF_8),
                URLDecoder.decode(secret, StandardCharsets.UTF_8)));
        f.add(secret.substring(0, Math.min(16, secret.length())));
        return f;
    }

    private static void assertNoSecret(String where, String text, List<String> secrets) {
        for (String s : secrets) {
            for (String form : forms(s)) {
                assertFalse(text.contains(form), where + " printed a secret (" + form.substring(0, 6) + "...): "
                        + text);
            }
        }
    }

    private static String sig(String url) {
        return URLDecoder.decode(url.replaceAll(".*[?&]sig=([^&]+).*", "$1"), StandardCharsets.UTF_8);
    }

    /** A URL with its signature replaced by {@code sig}. */
    private static String withSig(String url, String sig) {
        return url.replaceAll("([?&]sig=)[^&]+", "$1" + URLEncoder.encode(sig, StandardCharsets.UTF_8)
                .replace("$", "\\$"));
    }

    private Path vhd() throws Exception {
        Path v = tmp.resolve("disk.vhd");
        if (!Files.exists(v)) {
            int size = 20 << 20;
            byte[] b = new byte[size];
            new Random(1).nextBytes(b);
            Files.write(v, b);
            Files.write(v, VhdFooter.fixed(size, UUID.randomUUID(), 0).encode(), java.nio.file.StandardOpenOption.APPEND);
        }
        return v;
    }

    /** One error path: what ran, its output, and its journal if one was left. */
    private record Case(String name, int exit, String out, String err, String journal, long millis) {
    }

    private Case inProcess(String name, String... args) throws Exception {
        Path journal = tmp.resolve(name.replaceAll("\\W", "_") + ".journal");
        List<String> a = new ArrayList<>(List.of(args));
        if (a.get(0).equals("upload") && !a.contains("--help")) {
            a.addAll(List.of("--journal", journal.toString(), "--progress", "none", "--max-tries", "2",
                    "--try-timeout", "5", "--retry-delay-ms", "10"));
        }
        long start = System.nanoTime();
        CliRun r = CliRun.of(a.toArray(String[]::new));
        return new Case(name, r.exit(), r.out(), r.err(), Files.exists(journal) ? Files.readString(journal) : "",
                (System.nanoTime() - start) / 1_000_000);
    }

    /** A separate process with the environment given, and VHDKIT_DEBUG=1 so that stack traces would be printed. */
    private Case process(String name, Map<String, String> env, String... args) throws Exception {
        Path journal = tmp.resolve(name.replaceAll("\\W", "_") + ".journal");
        List<String> cmd = new ArrayList<>(List.of(HostileImagesTest.java().toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--journal", journal.toString(), "--progress", "none", "--max-tries", "2",
                "--try-timeout", "5", "--retry-delay-ms", "10"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(tmp.resolve(name + ".out").toFile())
                .redirectError(tmp.resolve(name + ".err").toFile());
        pb.environment().putAll(env);
        pb.environment().put("VHDKIT_DEBUG", "1");
        long start = System.nanoTime();
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), name + " did not finish");
        return new Case(name, p.exitValue(), Files.readString(tmp.resolve(name + ".out")),
                Files.readString(tmp.resolve(name + ".err")), Files.exists(journal) ? Files.readString(journal) : "",
                (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void noSecretInAnyOutputOfUpload() throws Exception {
        Random rnd = new Random(42);
        String image = vhd().toString();
        BlobContainerClient c = azurite.newContainer();
        String good = Azurite.sasUrl(c.getBlobClient("a.vhd"), null);
        String goodSig = sig(good);
        String wrongSig = secret(rnd);
        String fakeKey = secret(rnd);
        String expired = c.getBlobClient("expired.vhd").getBlobUrl() + "?" + c.getBlobClient("expired.vhd")
                .generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().minusHours(1),
                        new BlobSasPermission().setWritePermission(true).setCreatePermission(true)));
        BlobClient missing = azurite.service().getBlobContainerClient("no-such-container" + rnd.nextInt(1000))
                .getBlobClient("m.vhd");
        String missingUrl = Azurite.sasUrl(missing, null);
        BlobClient disk = c.getBlobClient("disk");
        disk.getPageBlobClient().create(Files.size(vhd()) + 1024 * 1024);
        String diskUrl = Azurite.sasUrl(disk, null);
        String unreachable = "http://127.0.0.1:1/" + Azurite.ACCOUNT + "/c/x.vhd?sv=2021-08-06&sr=b&sp=cw&sig="
                + URLEncoder.encode(wrongSig, StandardCharsets.UTF_8);
        List<String> secrets = new ArrayList<>(List.of(goodSig, wrongSig, fakeKey, Azurite.KEY, sig(expired),
                sig(missingUrl), sig(diskUrl)));

        List<Case> cases = new ArrayList<>();
        cases.add(inProcess("bad-url", "upload", image, "--to", "not a url?sv=1&sig=" + wrongSig));
        cases.add(inProcess("bad-scheme", "upload", image, "--to", "ftp://h/c/b.vhd?sv=1&sig=" + wrongSig));
        cases.add(inProcess("bad-host", "upload", image, "--to", "http://[zz/c/b.vhd?sv=1&sig=" + wrongSig));
        cases.add(inProcess("wrong-signature-403", "upload", image, "--to", withSig(good, wrongSig)));
        cases.add(inProcess("expired-sas", "upload", image, "--to", expired));
        cases.add(inProcess("wrong-signature-403-json", "upload", image, "--to", withSig(good, wrongSig), "--format",
                "json"));
        cases.add(inProcess("missing-container-json", "upload", image, "--to", missingUrl, "--format", "json"));
        cases.add(inProcess("unreachable-host", "upload", image, "--to", unreachable));
        cases.add(inProcess("missing-container", "upload", image, "--to", missingUrl));
        cases.add(inProcess("managed-disk-size-mismatch", "upload", image, "--to", diskUrl, "--managed-disk"));
        cases.add(inProcess("bad-connection-string", "upload", image, "--connection-string",
                "DefaultEndpointsProtocol=http;AccountKey=" + fakeKey + ";;garbage", "--container", "c", "--name",
                "b.vhd"));
        cases.add(inProcess("connection-string-bad-endpoint", "upload", image, "--connection-string",
                "DefaultEndpointsProtocol=http;AccountName=" + Azurite.ACCOUNT + ";AccountKey=" + fakeKey
                        + ";BlobEndpoint=::not-a-url::", "--container", "c", "--name", "b.vhd"));
        cases.add(inProcess("bad-account-key", "upload", image, "--connection-string",
                Azurite.connectionString(azurite.endpoint()).replace(Azurite.KEY, fakeKey), "--container",
                c.getBlobContainerName(), "--name", "k.vhd"));
        cases.add(inProcess("help-with-secrets", "upload", "--to", withSig(good, wrongSig), "--connection-string",
                "AccountKey=" + fakeKey, "--help"));
        cases.add(inProcess("usage-error-with-secrets", "upload", image, "--to", withSig(good, wrongSig),
                "--threads", "many"));
        cases.add(inProcess("not-a-vhd", "upload", tmp.toString(), "--to", withSig(good, wrongSig)));
        // a journal left by another upload of another source to the same blob
        Path other = tmp.resolve("other.vhd");
        Files.copy(vhd(), other);
        Files.write(other, new byte[] {1}, java.nio.file.StandardOpenOption.WRITE);
        Path journal = tmp.resolve("shared.journal");
        CliRun first = CliRun.of("upload", other.toString(), "--to", Azurite.sasUrl(c.getBlobClient("j.vhd"), null),
                "--journal", journal.toString(), "--progress", "none");
        assertEquals(0, first.exit(), first.toString());
        Files.writeString(journal, "{\"not\": \"the journal of this upload\", \"sig\": \"x\"}\n1\n");
        CliRun mismatch = CliRun.of("upload", image, "--to", Azurite.sasUrl(c.getBlobClient("j.vhd"), null),
                "--resume", "--journal", journal.toString(), "--progress", "none");
        cases.add(new Case("journal-mismatch", mismatch.exit(), mismatch.out(), mismatch.err(),
                Files.exists(journal) ? Files.readString(journal) : "", -1));
        // credentials from the environment, in separate processes that print stack traces (VHDKIT_DEBUG=1)
        String plainUrl = c.getBlobClient("env.vhd").getBlobUrl();
        cases.add(process("env-bad-account-key", Map.of("AZURE_STORAGE_KEY", fakeKey), "upload", image, "--to",
                plainUrl));
        cases.add(process("env-bad-connection-string", Map.of("AZURE_STORAGE_CONNECTION_STRING",
                "DefaultEndpointsProtocol=http;AccountName=x;AccountKey=" + fakeKey + ";BlobEndpoint=http://127.0.0.1:1/x"),
                "upload", image, "--container", "c", "--name", "b.vhd"));
        cases.add(process("debug-403-stack-trace", Map.of(), "upload", image, "--to", withSig(good, wrongSig)));

        StringBuilder seen = new StringBuilder();
        for (Case k : cases) {
            assertNoSecret(k.name() + " stdout", k.out(), secrets);
            assertNoSecret(k.name() + " stderr", k.err(), secrets);
            assertNoSecret(k.name() + " journal", k.journal(), secrets);
            assertTrue(k.exit() != 0 || k.name().startsWith("help"), k.name() + " succeeded: " + k.err());
            assertFalse(k.err().contains("internal error"), k.name() + ": " + k.err());
            assertFalse(k.err().contains("IllegalStateException"), k.name() + " lost its reason: " + k.err());
            seen.append(k.name()).append(" -> exit ").append(k.exit()).append(" in ").append(k.millis())
                    .append(" ms\n");
            if (k.name().contains("unreachable") || k.name().equals("env-bad-connection-string")) {
                // --max-tries 2 bounds the destination checks too (they took 6 tries and about 58 s before)
                assertTrue(k.millis() < 30_000, k.name() + " took " + k.millis() + " ms with --max-tries 2");
            }
        }
        // the JSON output of a successful upload, and its journal while it runs, carry no secret either
        Path j2 = tmp.resolve("ok.journal");
        CliRun ok = CliRun.of("upload", image, "--to", good, "--journal", j2.toString(), "--progress", "none");
        assertEquals(0, ok.exit(), ok.toString());
        assertNoSecret("successful upload", ok.out() + ok.err(), secrets);
        CliRun json = CliRun.of("upload", image, "--to", Azurite.sasUrl(c.getBlobClient("json.vhd"), null),
                "--format", "json", "--progress", "none", "--journal", tmp.resolve("json.journal").toString());
        assertEquals(0, json.exit(), json.toString());
        assertTrue(json.out().strip().startsWith("{") || json.out().strip().startsWith("["), json.toString());
        assertFalse(json.out().contains("sig="), "the JSON result names the blob without its SAS: " + json);
        assertNoSecret("JSON output", json.out() + json.err(), secrets);
        Files.writeString(HostileImagesTest.reportDir().resolve("secret-paths.txt"), seen);
    }

    // ------------------------------------------------------------------ (b) read-only means read-only

    private record Snapshot(String sha256, FileTime mtime, String perms) {
    }

    private static Snapshot snapshot(Path p) throws Exception {
        return new Snapshot(UploadCommandTest.sha256(p, Files.size(p)), Files.getLastModifiedTime(p),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    }

    /** A read-only copy: mode 0444, and immutable (chattr +i) where the filesystem allows, so that even root fails to open it for writing. */
    private Path readOnlyCopy(Path source, String name) throws Exception {
        Path copy = tmp.resolve(name);
        MutantBatch.sparseCopy(source, copy, Files.size(source), null);
        Files.setLastModifiedTime(copy, FileTime.fromMillis(1_600_000_000_000L));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("r--r--r--"));
        new ProcessBuilder("chattr", "+i", copy.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        return copy;
    }

    private static void mutable(Path p) throws Exception {
        new ProcessBuilder("chattr", "-i", p.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void readOnlyCommandsLeaveImagesAsTheyWere() throws Exception {
        Path win = readOnlyCopy(Fixtures.file("windows-disk", "generalized.vhd"), "win.vhd");
        Path vhdx = readOnlyCopy(Fixtures.file("vhdx", "small.vhdx"), "small.vhdx");
        Path gz = readOnlyCopy(Fixtures.file("vhd", "other/data.vhd.gz"), "data.vhd.gz");
        Path dyn = readOnlyCopy(Fixtures.file("vhd", "dynamic.vhd"), "dynamic.vhd");
        try {
            for (Path image : List.of(win, vhdx, gz, dyn)) {
                Snapshot before = snapshot(image);
                List<String[]> runs = new ArrayList<>(List.of(new String[] {"validate", image.toString()},
                        new String[] {"validate", "--format", "json", image.toString()},
                        new String[] {"inspect", image.toString()}, new String[] {"check", image.toString()},
                        new String[] {"ls", image.toString(), "/"}, new String[] {"cat", image.toString(),
                                "/Windows/System32/config/SOFTWARE"},
                        new String[] {"reg", image.toString(), "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"}));
                for (String[] args : runs) {
                    CliRun r = CliRun.of(args);
                    assertTrue(r.exit() <= 3, String.join(" ", args) + ": " + r);
                    assertFalse(r.err().contains("internal error"), String.join(" ", args) + ": " + r);
                    assertEquals(before, snapshot(image), String.join(" ", args) + " changed the image");
                }
                if (image == win) {   // the commands did read the image
                    assertEquals(0, CliRun.of("reg", image.toString(), "HKLM\\SYSTEM\\Select").exit());
                    assertTrue(CliRun.of("cat", image.toString(), "/Windows/System32/config/SOFTWARE").data().length
                            > 4096);
                }
            }
        } finally {
            for (Path p : List.of(win, vhdx, gz, dyn)) {
                mutable(p);
            }
        }
    }

    // ------------------------------------------------------------------ (c) symlinks never escape

    /** Writes the host file the escapes would reach, so that reaching it is seen. */
    private static final String HOST_MARK = "host-file-outside-the-image";

    /** An ext4 image made by mke2fs and debugfs with symlinks that try to escape, loop and chain. */
    private Path ext4WithHostileLinks(Path hostDir) throws Exception {
        Path img = tmp.resolve("links.img");
        run("mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", img.toString(), "16M");
        String[] cmds = {
            "mkdir /etc", "cd /etc", "write " + hostDir.resolve("inside") + " hostname", "cd /",
            "mkdir /usr", "mkdir /usr/lib", "cd /usr/lib", "write " + hostDir.resolve("inside-os-release")
                    + " os-release", "cd /",
            "symlink /etc/os-release ../../../../../../../../" + hostDir.toString().substring(1) + "/os-release",
            "symlink /abs " + hostDir.resolve("secret"),
            "symlink /escape ../../../../../../../../" + hostDir.toString().substring(1) + "/secret",
            "symlink /dotdot-etc ../../../../../../../etc",
            "symlink /hostname-via-chain ../../../../etc/../../etc/hostname",
            "symlink /loop1 /loop2", "symlink /loop2 /loop1", "symlink /self /self",
            "symlink /etc/dir-loop /etc", "symlink /long " + "../".repeat(900) + "etc/hostname"};
        StringBuilder script = new StringBuilder();
        for (String c : cmds) {
            script.append(c).append('\n');
        }
        for (int k = 0; k < 30; k++) {   // 31 links: within the 40 Linux (and vhdkit) follow
            script.append("symlink /chain").append(k).append(" /chain").append(k + 1).append('\n');
        }
        script.append("symlink /chain30 /etc/hostname\n");
        for (int k = 0; k < 45; k++) {   // 46 links: refused as a loop
            script.append("symlink /long-chain").append(k).append(" long-chain").append(k + 1).append('\n');
        }
        script.append("symlink /long-chain45 /etc/hostname\n");
        Path s = tmp.resolve("debugfs.cmds");
        Files.writeString(s, script);
        run("debugfs", "-w", "-f", s.toString(), img.toString());
        Path vhd = tmp.resolve("links.vhd");
        MutantBatch.sparseCopy(img, vhd, Files.size(img), VhdFooter.fixed(Files.size(img), UUID.randomUUID(), 0)
                .encode());
        return vhd;
    }

    private static void run(String... cmd) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(cmd[0] + " is missing: apt-get install e2fsprogs", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }

    @Test
    void symlinksNeverLeaveTheImage() throws Exception {
        Path host = Files.createDirectories(tmp.resolve("host"));
        Files.writeString(host.resolve("secret"), HOST_MARK);
        Files.writeString(host.resolve("os-release"), "NAME=\"" + HOST_MARK + "\"\nID=escaped\n");
        Files.writeString(host.resolve("inside"), "inside-the-image\n");
        // the image's OS: /usr/lib/os-release (its /etc/os-release is a link that tries to escape to the host's)
        Files.writeString(host.resolve("inside-os-release"), "NAME=\"InsideOS\"\nID=inside\nVERSION_ID=1\n");
        Path img = ext4WithHostileLinks(host);

        assertEquals("inside-the-image\n", new String(CliRun.of("cat", img.toString(), "/hostname-via-chain").data(),
                StandardCharsets.UTF_8));
        assertEquals("inside-the-image\n", new String(CliRun.of("cat", img.toString(), "/chain0").data(),
                StandardCharsets.UTF_8), "a 31-link chain inside the image is followed");
        CliRun tooLong = CliRun.of("cat", img.toString(), "/long-chain0");
        assertEquals(1, tooLong.exit(), "a 46-link chain is a loop: " + tooLong);
        assertTrue(tooLong.err().contains("too many levels of symbolic links"), tooLong.toString());
        for (String link : List.of("/abs", "/escape", "/etc/os-release", "/loop1", "/self", "/long", "/etc/dir-loop/x",
                "/dotdot-etc/os-release")) {
            CliRun r = CliRun.of("cat", img.toString(), link);
            String all = r.out() + r.err() + new String(r.data(), StandardCharsets.UTF_8);
            assertFalse(all.contains(HOST_MARK), "cat " + link + " read outside the image: " + r);
            assertTrue(r.exit() == 0 || r.exit() == 1, "cat " + link + ": " + r);
            assertFalse(r.err().contains("internal error"), r.toString());
        }
        for (String dir : List.of("/", "/dotdot-etc", "/etc/dir-loop", "/loop1")) {
            CliRun r = CliRun.of("ls", img.toString(), dir);
            assertTrue(r.exit() == 0 || r.exit() == 1, "ls " + dir + ": " + r);
            assertFalse(r.out().contains("inside") || r.out().contains(HOST_MARK), "ls " + dir + " listed the host: "
                    + r);
        }
        CliRun ls = CliRun.of("ls", img.toString(), "/dotdot-etc");
        assertTrue(ls.out().contains("hostname"), "../../etc resolves to the image's /etc: " + ls);
        CliRun v = CliRun.of("validate", img.toString(), "--format", "json");
        assertTrue(v.exit() == 0 || v.exit() == 1, v.toString());
        assertFalse(v.out().contains(HOST_MARK) || v.out().contains("escaped"), "validate read the host's "
                + "os-release through a link: " + v);
        assertTrue(v.out().contains("InsideOS"), "the image's own os-release is read: " + v);
    }

    @Test
    void ntfsLinksToOtherVolumesAndTheDriveRootStayInside() throws Exception {
        Path img = tmp.resolve("c512.vhd");
        Path raw = Fixtures.file("ntfs", "c512.img");
        MutantBatch.sparseCopy(raw, img, Files.size(raw), VhdFooter.fixed(Files.size(raw), UUID.randomUUID(), 0)
                .encode());
        for (String link : List.of("absolute file", "dangling", "drive root junction", "junction", "network share",
                "other volume", "relative dir", "relative file", "root relative", "wsl link")) {
            CliRun c = CliRun.of("cat", img.toString(), "/symlinks/" + link);
            assertTrue(c.exit() == 0 || c.exit() == 1, link + ": " + c);
            assertFalse(c.err().contains("internal error"), link + ": " + c);
            CliRun l = CliRun.of("ls", img.toString(), "/symlinks/" + link);
            assertTrue(l.exit() == 0 || l.exit() == 1, link + ": " + l);
            assertFalse(l.err().contains("internal error"), link + ": " + l);
            assertFalse(l.out().contains("/etc/passwd") || l.out().contains("/root"), link + ": " + l);
        }
    }

    // ------------------------------------------------------------------ (d) decompression bombs

    @Test
    void gzipBombOfZerosCostsNoDiskAndEnds() throws Exception {
        Path bomb = tmp.resolve("bomb.vhd.gz");
        byte[] zeros = new byte[1 << 20];
        try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(bomb), 1 << 16)) {
            for (int k = 0; k < 1024; k++) {   // 1 GiB of zeros in about 1 MB
                gz.write(zeros);
            }
        }
        assertTrue(Files.size(bomb) < 4 << 20, "the bomb is small: " + Files.size(bomb));
        Path temp = Files.createDirectories(tmp.resolve("decompress"));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(HostileImagesTest.java().toString(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "validate", bomb.toString(),
                "--temp-dir", temp.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("bomb.log")
                .toFile()).start();
        long peak = 0;
        while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
            peak = Math.max(peak, diskUsage(temp));
            if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(170)) {
                p.destroyForcibly();
                throw new AssertionError("the bomb ran for 3 minutes");
            }
        }
        String log = Files.readString(tmp.resolve("bomb.log"));
        assertEquals(1, p.exitValue(), log);
        assertTrue(peak < 16 << 20, "the zeros were written: " + peak + " bytes on disk");
        try (var s = Files.list(temp)) {
            assertEquals(0, s.count(), "the temporary copy is removed");
        }
    }

    /** Bytes allocated on disk under a directory (not the apparent size), by du. */
    private static long diskUsage(Path dir) throws Exception {
        Process p = new ProcessBuilder("du", "-B1", "-s", dir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out.isEmpty() ? 0 : Long.parseLong(out.split("\\s+")[0]);
    }
}
