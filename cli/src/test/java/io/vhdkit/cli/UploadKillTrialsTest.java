package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobClient;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.upload.testing.Azurite;
import io.vhdkit.upload.testing.FaultProxy;
import io.vhdkit.upload.testing.FaultProxy.Fault;
import io.vhdkit.vhd.VhdFooter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill-and-resume trials: a real {@code vhdkit upload} process (a child JVM running {@link Main}, what
 * {@code java -jar cli/target/vhdkit.jar} runs) uploads a fixed VHD to Azurite through {@link FaultProxy}, which
 * resets 10% of the Put Page requests, answers 8% with 503 Server Busy and 5% with 500 Operation Timeout, and stalls
 * 4% for 1.5 s; the process
 * is killed with SIGKILL at random points (during start-up, between and during Put Page requests) and started again
 * with {@code --resume}, at least ten times a trial, until it finishes. The blob must then be byte-identical to the
 * VHD (SHA-256 of an independent SDK download).
 *
 * <p>Knobs: {@code vhdkit.kill.trials} / {@code VHDKIT_KILL_TRIALS} (default 2), {@code vhdkit.kill.kills} /
 * {@code VHDKIT_KILL_KILLS} (kills per trial, default 10), {@code vhdkit.kill.seed} / {@code VHDKIT_KILL_SEED}. The
 * figures of the last run are written to {@code cli/target/hostile/kill-trials.txt}.
 */
@ExtendWith(Azurite.Extension.class)
class UploadKillTrialsTest {

    private static final int MIB = 1 << 20;
    /** A kill after a random delay comes at the latest once the journal has grown by this many chunks. */
    private static final int MAX_JOURNAL_GROWTH = 6;
    /**
     * The most chunks one run can complete before its kill: {@link #MAX_JOURNAL_GROWTH} plus those acknowledged
     * while the test polls or sleeps its last 60 ms (3 threads, at least 60 ms per Put Page) and while the kill lands.
     */
    static final int MAX_CHUNKS_PER_KILL = 12;

    private final Azurite azurite;
    @TempDir
    Path tmp;

    UploadKillTrialsTest(Azurite azurite) {
        this.azurite = azurite;
    }

    /**
     * A fixed VHD of random data with four zero runs of 1 MiB (which the uploader skips), 80 MiB: 152 chunks of
     * 512 KiB to send. Every kill lets at most {@link #MAX_CHUNKS_PER_KILL} chunks through, so ten kills always
     * land before the upload can finish, however fast the machine.
     */
    private Path fixedVhd(Random rnd) throws Exception {
        Path vhd = tmp.resolve("source-" + rnd.nextInt(1000) + ".vhd");
        int mibs = 80;
        java.util.Set<Integer> zeroMibs = new java.util.HashSet<>();
        while (zeroMibs.size() < 4) {
            zeroMibs.add(rnd.nextInt(mibs));
        }
        byte[] b = new byte[MIB];
        try (FileChannel ch = FileChannel.open(vhd, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int m = 0; m < mibs; m++) {
                if (zeroMibs.contains(m)) {
                    java.util.Arrays.fill(b, (byte) 0);
                } else {
                    rnd.nextBytes(b);
                }
                ch.write(ByteBuffer.wrap(b));
            }
            ch.write(ByteBuffer.wrap(VhdFooter.fixed((long) mibs * MIB, UUID.randomUUID(), 0).encode()));
        }
        return vhd;
    }

    @Test
    void killedAtRandomAndResumedUnderFaults() throws Exception {
        int trials = Integer.parseInt(HostileImagesTest.knob("vhdkit.kill.trials", "VHDKIT_KILL_TRIALS", "2"));
        int killsPerTrial = Integer.parseInt(HostileImagesTest.knob("vhdkit.kill.kills", "VHDKIT_KILL_KILLS", "10"));
        Random rnd = new Random(Long.parseLong(HostileImagesTest.knob("vhdkit.kill.seed", "VHDKIT_KILL_SEED", "9")));
        int kills = 0;
        int faults = 0;
        int runs = 0;
        int[] byKind = new int[4];
        List<String> lines = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            Path vhd = fixedVhd(rnd);
            BlobClient blob = azurite.newContainer().getBlobClient("trial" + t + ".vhd");
            Path journal = tmp.resolve("trial" + t + ".journal");
            long faultSeed = rnd.nextLong();
            int[] injected = new int[4];   // resets, 503s, 500s, stalls
            try (FaultProxy proxy = new FaultProxy(azurite.port(), (req, n) -> {
                if (!req.isPutPage()) {
                    return Fault.PASS;
                }
                int dice = new Random(faultSeed + n).nextInt(100);
                int kind = dice < 10 ? 0 : dice < 18 ? 1 : dice < 23 ? 2 : dice < 27 ? 3 : -1;
                if (kind >= 0) {
                    synchronized (injected) {
                        injected[kind]++;
                    }
                }
                return switch (kind) {
                    case 0 -> Fault.RESET;
                    case 1 -> Fault.BUSY;
                    case 2 -> Fault.TIMEOUT_500;
                    case 3 -> new Fault.Delay(1500);
                    default -> new Fault.Delay(60);   // pacing, so that kills land mid-upload: not a fault
                };
            })) {
                String url = Azurite.sasUrl(blob, proxy.endpoint());
                int trialKills = 0;
                int exit = -1;
                long journaledBeforeLast = 0;
                while (exit != 0) {
                    Path log = tmp.resolve("t" + t + "-" + runs + ".log");
                    journaledBeforeLast = Math.max(0, lines(journal) - 1);   // less the header line
                    Process child = upload(vhd, url, journal, log);
                    runs++;
                    if (trialKills < killsPerTrial) {
                        killAtRandom(child, journal, log, rnd);
                        assertTrue(child.waitFor(20, TimeUnit.SECONDS));
                        if (child.exitValue() == 137) {
                            trialKills++;
                            assertNoSecretIn(log, url);
                            if (Files.exists(journal)) {
                                assertNoSecretIn(journal, url);
                            }
                            continue;
                        }
                    }
                    assertTrue(child.waitFor(180, TimeUnit.SECONDS), "the last run did not finish");
                    exit = child.exitValue();
                    assertTrue(exit == 0 || exit == 5, "exit " + exit + ": " + Files.readString(log));   // 5: resume
                    assertNoSecretIn(log, url);
                }
                kills += trialKills;
                int trialFaults;
                synchronized (injected) {
                    trialFaults = injected[0] + injected[1] + injected[2] + injected[3];
                    for (int k = 0; k < 4; k++) {
                        byKind[k] += injected[k];
                    }
                }
                faults += trialFaults;
                lines.add(String.format(Locale.ROOT, "trial %d: %d SIGKILLs, %d faults injected (%d resets, %d "
                        + "503s, %d 500s, %d stalls of 1.5 s) in %d Put Page requests, %d upload processes so far; "
                        + "%d chunks journaled before the last run", t, trialKills, trialFaults, injected[0],
                        injected[1], injected[2], injected[3], proxy.pageWrites(), runs, journaledBeforeLast));
                assertTrue(trialKills >= Math.min(killsPerTrial, 10), lines.get(lines.size() - 1));
            }
            assertEquals(UploadCommandTest.sha256(vhd, Files.size(vhd)), Azurite.sha256(blob),
                    "trial " + t + ": the blob differs from the VHD");
            assertFalse(Files.exists(journal), "the journal is removed when the upload finishes");
        }
        String summary = String.format(Locale.ROOT, "kill-and-resume: %d trials, %d SIGKILLs, %d faults injected "
                + "(%d resets, %d 503s, %d 500s, %d stalls), %d upload processes; every blob byte-identical "
                + "(SHA-256)%n%s%n", trials, kills, faults, byKind[0], byKind[1], byKind[2], byKind[3], runs,
                String.join("\n", lines));
        Files.writeString(HostileImagesTest.reportDir().resolve("kill-trials.txt"), summary);
        System.out.print(summary);
    }

    private static Process upload(Path vhd, String url, Path journal, Path log) throws Exception {
        return new ProcessBuilder(HostileImagesTest.java().toString(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "upload", vhd.toString(), "--to", url,
                "--resume", "--threads", "3", "--chunk-size", "512K", "--progress", "none", "--retry-delay-ms",
                "20", "--max-tries", "8", "--journal", journal.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * Kills the child at a random point: during start-up (one kill in four); or once it has begun uploading (its
     * first line is printed) after a random delay of up to 1.5 s, but before the journal has grown by
     * {@link #MAX_JOURNAL_GROWTH} chunks; or once the journal has grown by 1 to 4 chunks, within 60 ms (between and
     * during Put Page requests). Progress per kill is thus bounded by chunks, not by time, so a fast upload cannot
     * finish before its kill.
     */
    private static void killAtRandom(Process child, Path journal, Path log, Random rnd) throws Exception {
        int how = rnd.nextInt(4);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        if (how == 0) {
            Thread.sleep(rnd.nextInt(400));
        } else {
            while (Files.size(log) == 0 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long start = lines(journal);
            if (how == 1) {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(rnd.nextInt(1500));
                while (System.nanoTime() < until && lines(journal) < start + MAX_JOURNAL_GROWTH && child.isAlive()) {
                    Thread.sleep(2);
                }
            } else {
                long target = start + 1 + rnd.nextInt(4);
                while (lines(journal) < target && child.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
                Thread.sleep(rnd.nextInt(60));
            }
        }
        child.destroyForcibly();   // SIGKILL on Linux
    }

    private static void assertNoSecretIn(Path file, String url) throws Exception {
        String sig = java.net.URLDecoder.decode(url.replaceAll(".*[?&]sig=([^&]+).*", "$1"),
                java.nio.charset.StandardCharsets.UTF_8);
        String text = Files.readString(file);
        assertFalse(text.contains(sig) || text.contains(url.replaceAll(".*[?&]sig=([^&]+).*", "$1"))
                || text.contains(Azurite.KEY), file.getFileName() + " holds a secret: " + text);
    }

    private static long lines(Path p) throws Exception {
        if (!Files.exists(p)) {
            return 0;
        }
        long n = 0;
        for (byte x : Files.readAllBytes(p)) {
            if (x == '\n') {
                n++;
            }
        }
        return n;
    }

    static {
        Fixtures.root();   // fail early, with the reason, outside the project
    }
}
