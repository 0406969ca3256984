package io.vhdkit.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.PageRange;
import io.vhdkit.upload.testing.Azurite;
import io.vhdkit.upload.testing.FaultProxy;
import io.vhdkit.upload.testing.FaultProxy.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several uploads under one {@link InFlightBudget}, and {@code --verify}, against Azurite behind the test proxy. The
 * proxy's rule holds each chosen request for a while and counts how many it holds at once: what the service sees in
 * flight, measured outside the uploader.
 */
@ExtendWith(Azurite.Extension.class)
class BudgetAndVerifyAzuriteTest {

    private static final int MIB = 1 << 20;

    private final Azurite azurite;
    @TempDir
    Path tmp;

    BudgetAndVerifyAzuriteTest(Azurite azurite) {
        this.azurite = azurite;
    }

    /** Counts the requests it holds at once (each held {@code millis}). */
    static final class Concurrency {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();
        final List<String> order = Collections.synchronizedList(new ArrayList<>());

        Fault hold(FaultProxy.Request req, long millis) {
            order.add(req.target().replaceAll("\\?.*", ""));
            peak.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                now.decrementAndGet();
            }
            return Fault.PASS;
        }

        /** How many times the blob changes from one held request to the next. */
        int switches() {
            int n = 0;
            synchronized (order) {
                for (int i = 1; i < order.size(); i++) {
                    n += order.get(i).equals(order.get(i - 1)) ? 0 : 1;
                }
            }
            return n;
        }
    }

    private Path randomRaw(String name, int mib, long seed) throws Exception {
        Path raw = tmp.resolve(name);
        byte[] b = new byte[mib * MIB];
        new Random(seed).nextBytes(b);
        Arrays.fill(b, 2 * MIB, 3 * MIB, (byte) 0); // one zero chunk of 1 MiB
        Files.write(raw, b);
        return raw;
    }

    private static Target target(FaultProxy proxy, BlobClient blob, int connections) throws UploadException {
        return Targets.open(new Targets.Spec(null, Azurite.connectionString(proxy.endpoint()), null,
                blob.getContainerName(), blob.getBlobName(), Targets.Auth.AUTO, null), Duration.ofSeconds(20),
                connections);
    }

    private UploadOptions opts(int threads) {
        return UploadOptions.defaults().withThreads(threads).withChunkSize(MIB)
                .withJournal(tmp.resolve("journal-" + System.nanoTime()))
                .withRetries(6, Duration.ofSeconds(20), Duration.ofMillis(20), Duration.ofMillis(200));
    }

    /** The blob is the raw image followed by a 512-byte footer. */
    private static void assertUploaded(BlobClient blob, Path raw) throws Exception {
        byte[] want = Files.readAllBytes(raw);
        byte[] got = blob.downloadContent().toBytes();
        assertEquals(want.length + 512, got.length);
        assertTrue(Arrays.equals(want, 0, want.length, got, 0, want.length), blob.getBlobName() + " differs");
    }

    /** Three images at once, each allowed 4 requests in flight, share a budget of 3: the service never sees more. */
    @Test
    void imagesUploadedAtOnceShareOneBudget() throws Exception {
        BlobContainerClient c = azurite.newContainer();
        Concurrency seen = new Concurrency();
        InFlightBudget budget = new InFlightBudget(3);
        List<Path> raws = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            raws.add(randomRaw("b" + i + ".raw", 6, i));
        }
        try (FaultProxy proxy = new FaultProxy(azurite.port(), (req, n) ->
                req.isPageWrite() ? seen.hold(req, 60) : Fault.PASS)) {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<Future<UploadResult>> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Path raw = raws.get(i);
                BlobClient blob = c.getBlobClient("b" + i + ".vhd");
                results.add(pool.submit(() -> {
                    try (UploadSource src = UploadSources.openRaw(raw)) {
                        return Uploader.upload(src, target(proxy, blob, 4), opts(4).withBudget(budget),
                                new UploadStats());
                    }
                }));
            }
            for (Future<UploadResult> f : results) {
                assertEquals(6L * MIB + 512, f.get().stats().total());
            }
            pool.shutdown();
        }
        assertTrue(seen.peak.get() <= 3, "the service saw " + seen.peak.get() + " Put Pages at once");
        assertTrue(budget.peak() <= 3, "budget peak " + budget.peak());
        assertTrue(seen.peak.get() >= 2, "nothing ran in parallel: " + seen.order);
        // 3 x 6 writes (5 data chunks + the footer chunk): uploaded one after another they would switch twice
        assertEquals(18, seen.order.size(), seen.order.toString());
        assertTrue(seen.switches() > 2, "the images did not interleave: " + seen.order);
        for (int i = 0; i < 3; i++) {
            assertUploaded(c.getBlobClient("b" + i + ".vhd"), raws.get(i));
        }
    }

    /** --verify reads chunks back several at a time. */
    @Test
    void verifyReadsBackInParallel() throws Exception {
        Path raw = randomRaw("v.raw", 8, 8);
        BlobClient blob = azurite.newContainer().getBlobClient("v.vhd");
        Concurrency reads = new Concurrency();
        UploadResult r;
        try (FaultProxy proxy = new FaultProxy(azurite.port(), (req, n) ->
                isRangeRead(req) ? reads.hold(req, 150) : Fault.PASS);
             UploadSource src = UploadSources.openRaw(raw)) {
            r = Uploader.upload(src, target(proxy, blob, 4), opts(4).withChecks(false, true), new UploadStats());
        }
        // 7 data chunks and the footer's are read back; the zero chunk has no pages, so it is not downloaded
        assertEquals(8, r.verified());
        assertEquals(8, reads.order.size(), reads.order.toString());
        assertTrue(reads.peak.get() >= 2, "the read-back was sequential: peak " + reads.peak.get());
        assertTrue(reads.peak.get() <= 4, "more reads in flight than threads: " + reads.peak.get());
        assertUploaded(blob, raw);
    }

    private static boolean isRangeRead(FaultProxy.Request req) {
        return req.method().equals("GET") && !req.target().contains("comp=")
                && (req.headers().containsKey("x-ms-range") || req.headers().containsKey("range"));
    }

    /**
     * A blob changed after its upload is caught by {@code --resume --verify} (which sends nothing, since the blob's
     * pages are all there): a byte changed in a data chunk, and a zero chunk of the image written over.
     */
    @Test
    void verifyDetectsABlobChangedAfterUpload() throws Exception {
        Path raw = randomRaw("changed.raw", 6, 6);
        BlobClient blob = azurite.newContainer().getBlobClient("changed.vhd");
        try (FaultProxy proxy = new FaultProxy(azurite.port(), (req, n) -> Fault.PASS);
             UploadSource src = UploadSources.openRaw(raw)) {
            Target t = target(proxy, blob, 4);
            Uploader.upload(src, t, opts(4), new UploadStats());
            // each check with a journal of its own: no journal, so the blob's pages vouch for the chunks
            java.util.function.Supplier<UploadOptions> check = () -> opts(4).withResume(true, false)
                    .withChecks(false, true);
            UploadResult fine = Uploader.upload(src, t, check.get(), new UploadStats());
            assertEquals(6, fine.verified());

            // one 512-byte page in the fifth chunk (4-5 MiB) changed: every byte flipped
            byte[] page = new byte[512];
            long at = 4L * MIB + 3 * 512;
            try (var ch = java.nio.channels.FileChannel.open(raw)) {
                ch.read(java.nio.ByteBuffer.wrap(page), at);
            }
            for (int i = 0; i < page.length; i++) {
                page[i] = (byte) ~page[i];
            }
            blob.getPageBlobClient().uploadPages(new PageRange().setStart(at).setEnd(at + 511),
                    BinaryData.fromBytes(page).toStream());
            int before = proxy.forwardedPageWrites();
            UploadException e = assertThrows(UploadException.class,
                    () -> Uploader.upload(src, t, check.get(), new UploadStats()));
            assertEquals(0, proxy.forwardedPageWrites() - before, "a resumed complete upload sends nothing");
            assertEquals(UploadException.Kind.TRANSFER, e.kind());
            assertTrue(e.getMessage().contains("verification failed: byte " + at + " "), e.getMessage());

            // repaired, then the zero chunk (2-3 MiB) written over with data
            Uploader.upload(src, t, opts(4).withResume(false, true), new UploadStats());
            byte[] junk = new byte[MIB];
            Arrays.fill(junk, (byte) 0x5A);
            blob.getPageBlobClient().uploadPages(new PageRange().setStart(2L * MIB).setEnd(3L * MIB - 1),
                    BinaryData.fromBytes(junk).toStream());
            UploadException z = assertThrows(UploadException.class,
                    () -> Uploader.upload(src, t, check.get(), new UploadStats()));
            assertTrue(z.getMessage().contains("byte " + 2 * MIB + " ") && z.getMessage().contains("0x5a"),
                    z.getMessage());
        }
    }
}
