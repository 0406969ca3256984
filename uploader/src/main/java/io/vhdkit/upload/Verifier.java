package io.vhdkit.upload;

import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobDownloadContentOptions;
import io.vhdkit.io.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code --verify}: reads the uploaded blob back and compares it with the source, chunk by chunk, with up to
 * {@link UploadOptions#threads()} reads in flight (each also holds a slot of the shared {@link InFlightBudget}).
 *
 * <p>A chunk the blob's page ranges (Get Page Ranges) do not touch reads as zeros without being downloaded: the source
 * must be all zeros there (a hole of the plan is, by construction; any other chunk is read and scanned). Every other
 * chunk is downloaded (Get Blob with a range) and compared byte for byte with the source; the first difference is
 * reported with its offset. When the page ranges cannot be listed, every chunk is downloaded.
 */
final class Verifier {

    private final UploadSource source;
    private final Target target;
    private final UploadOptions options;
    private final List<Extent> ranges;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong readBack = new AtomicLong();

    private Verifier(UploadSource source, Target target, UploadOptions options, List<Extent> ranges) {
        this.source = source;
        this.target = target;
        this.options = options;
        this.ranges = ranges;
    }

    /**
     * @param ranges the blob's written ranges, normalized, or null when they could not be listed
     * @return the number of chunks downloaded and found equal to the source
     * @throws UploadException when the blob differs from the source or cannot be read back
     */
    static long verify(UploadSource source, Target target, ChunkPlan plan, List<Extent> ranges, UploadOptions options)
            throws IOException, InterruptedException {
        return new Verifier(source, target, options, ranges).run(plan);
    }

    private long run(ChunkPlan plan) throws IOException, InterruptedException {
        int threads = options.threads();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "vhdkit-verify");
            t.setDaemon(true);
            return t;
        });
        // at most two queued chunks per thread: the plan of an 8 TiB blob has two million
        Semaphore queued = new Semaphore(threads * 2);
        ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[plan.chunkSize()]);
        try {
            for (Chunk c : plan.chunks()) {
                if (failure.get() != null) {
                    break;
                }
                boolean stored = ranges == null || overlaps(c);
                if (c.hole() && !stored) {
                    continue; // known zeros on both sides
                }
                queued.acquire();
                pool.execute(() -> {
                    try {
                        if (failure.get() == null) {
                            check(c, stored, buffers.get());
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    } finally {
                        queued.release();
                    }
                });
            }
        } finally {
            pool.shutdown();
            if (!pool.awaitTermination(1, TimeUnit.DAYS)) {
                pool.shutdownNow();
            }
        }
        Throwable f = failure.get();
        if (f instanceof UploadException u) {
            throw u;
        }
        if (f instanceof IOException io) {
            throw new UploadException(UploadException.Kind.TRANSFER, "verification could not read "
                    + source.name() + ": " + io.getMessage(), io);
        }
        if (f instanceof InterruptedException ie) {
            throw ie;
        }
        if (f != null) {
            throw new UploadException(UploadException.Kind.TRANSFER, "verification of " + target.display()
                    + " failed: " + f, f);
        }
        return readBack.get();
    }

    private void check(Chunk c, boolean stored, byte[] want) throws IOException, InterruptedException {
        if (c.hole()) {
            Arrays.fill(want, 0, c.length(), (byte) 0);
        } else {
            source.read(c.offset(), ByteBuffer.wrap(want, 0, c.length()));
        }
        if (!stored) {
            // the blob reads as zeros here: so must the source
            if (!Zeros.isAllZero(want, 0, c.length())) {
                throw differs(c, c.offset() + firstNonZero(want, c.length()), "the image holds data there but the "
                        + "blob has no pages written");
            }
            return;
        }
        byte[][] got = new byte[1][];
        try {
            options.budget().run(() -> got[0] = target.control().downloadContentWithResponse(
                    new BlobDownloadContentOptions().setRange(new BlobRange(c.offset(), (long) c.length())), null,
                    Context.NONE).getValue().toBytes());
        } catch (BlobStorageException e) {
            throw new UploadException(e.getStatusCode() == 403 || e.getStatusCode() == 401
                    ? UploadException.Kind.AUTH : UploadException.Kind.TRANSFER, "verification cannot read back "
                    + "bytes " + c.offset() + "-" + (c.end() - 1) + " of " + target.display() + ": HTTP "
                    + e.getStatusCode() + " " + e.getErrorCode(), e);
        }
        if (got[0].length != c.length()) {
            throw differs(c, c.offset() + Math.min(got[0].length, c.length()), "the blob returned " + got[0].length
                    + " bytes for a " + c.length() + "-byte range");
        }
        int at = Arrays.mismatch(want, 0, c.length(), got[0], 0, c.length());
        if (at >= 0) {
            throw differs(c, c.offset() + at, String.format(java.util.Locale.ROOT, "the image has 0x%02x, the "
                    + "blob 0x%02x", want[at] & 0xFF, got[0][at] & 0xFF));
        }
        readBack.incrementAndGet();
    }

    private UploadException differs(Chunk c, long offset, String detail) {
        return new UploadException(UploadException.Kind.TRANSFER, "verification failed: byte " + offset + " (in the "
                + "chunk of bytes " + c.offset() + "-" + (c.end() - 1) + ") of " + target.display() + " differs from "
                + "the image: " + detail + "; upload it again with --overwrite");
    }

    private static int firstNonZero(byte[] b, int length) {
        for (int i = 0; i < length; i++) {
            if (b[i] != 0) {
                return i;
            }
        }
        return length;
    }

    /** Whether a written range overlaps the chunk: a binary search of the sorted, disjoint ranges. */
    private boolean overlaps(Chunk c) {
        int lo = 0;
        int hi = ranges.size() - 1;
        while (lo <= hi) { // the first range that ends after the chunk's start
            int mid = (lo + hi) >>> 1;
            if (ranges.get(mid).end() <= c.offset()) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return lo < ranges.size() && ranges.get(lo).offset() < c.end();
    }
}
