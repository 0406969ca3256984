package io.vhdkit.upload;

import com.azure.core.http.HttpRange;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlobType;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.models.PageRangeItem;
import com.azure.storage.blob.options.ListPageRangesOptions;
import com.azure.storage.blob.options.PageBlobCreateOptions;
import com.azure.storage.blob.options.PageBlobUploadPagesOptions;
import io.vhdkit.io.Extent;
import io.vhdkit.io.Extents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Uploads an {@link UploadSource} to a page blob or managed disk.
 *
 * <p>One reader walks the chunk plan in file order: a chunk no data extent touches is never read; a chunk read as
 * all zeros is not sent; on a destination that may already hold data (an existing blob, a managed disk) such a chunk
 * is cleared instead where {@code listPageRanges} shows data. Every other chunk goes, from one of a fixed set of
 * buffers, to a sender thread that sends it as one Put Page ({@link BinaryData} over the buffer, never an
 * InputStream) with its transactional Content-MD5. Requests are retried with exponential backoff and jitter; 503 and
 * 500 answers shrink the number of requests in flight (see {@link AdaptiveLimit}). Each acknowledged chunk is
 * journaled. At the end the blob's length is checked.
 */
public final class Uploader {

    /** Blob metadata naming the source of an upload (not on managed disks, which take none). */
    public static final String META_SOURCE = "vhdkitsource";
    /** Get Page Ranges is asked in windows this large, so that a fragmented blob does not time out the call. */
    static final long RANGE_WINDOW = 64L << 30;

    private final UploadSource source;
    private final Target target;
    private final UploadOptions options;
    private final UploadStats stats;
    private final AdaptiveLimit limit;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Journal journal;
    private Path journalPath;

    private Uploader(UploadSource source, Target target, UploadOptions options, UploadStats stats) {
        this.source = source;
        this.target = target;
        this.options = options;
        this.stats = stats;
        this.limit = new AdaptiveLimit(options.threads());
    }

    /**
     * Uploads {@code source} to {@code target}.
     *
     * @param stats counters to update as the upload goes (for progress); may be a fresh {@code new UploadStats()}
     * @throws UploadException when the destination refuses or does not fit, or the transfer fails after retries
     */
    public static UploadResult upload(UploadSource source, Target target, UploadOptions options, UploadStats stats)
            throws IOException, InterruptedException {
        return new Uploader(source, target, options, stats).run();
    }

    private UploadResult run() throws IOException, InterruptedException {
        long size = source.size();
        stats.total = size;
        stats.startNanos = System.nanoTime();
        stats.limit = options.threads();
        if (size > ChunkPlan.MAX_BLOB) {
            throw refused(source.name() + " is " + size + " bytes; a page blob holds at most 8 TiB ("
                    + ChunkPlan.MAX_BLOB + " bytes)");
        }
        int chunkSize = options.chunkSize();
        String identity = source.identity().compact(chunkSize);
        journalPath = options.journal() != null ? options.journal() : Journal.defaultPath(target.display());
        StartupTiming.mark("upload starting");
        BlobProperties props = properties();
        boolean fresh = prepareBlob(props, size, identity);
        StartupTiming.mark("destination checked");

        Journal.State prior = options.resume() && !fresh ? Journal.read(journalPath) : null;
        if (prior != null && !(prior.source().equals(source.identity()) && prior.chunkSize() == chunkSize
                && prior.destination().equals(target.display()))) {
            if (!options.overwrite()) {
                throw refused("the resume journal " + journalPath + " is of another upload (source "
                        + prior.source().path() + ", " + prior.source().size() + " bytes, chunk " + prior.chunkSize()
                        + ", to " + prior.destination() + "); the source or the chunk size changed since. Give "
                        + "--overwrite to upload everything again");
            }
            prior = null;
        }
        BitSet done = prior != null ? prior.done() : new BitSet();
        journal = prior != null ? Journal.append(journalPath)
                : Journal.create(journalPath, source.identity(), target.display(), chunkSize);

        ChunkPlan plan = ChunkPlan.of(size, chunkSize, source.dataExtents());
        List<Extent> existing = fresh ? List.of() : existingRanges(size);
        if (options.resume() && !fresh && prior == null && !target.managedDisk() && existing != null) {
            // no journal here (another machine?), but the blob names this source: trust its written ranges
            for (Chunk c : plan.chunks()) {
                if (covered(existing, c)) {
                    done.set(c.index());
                }
            }
        }

        MessageDigest whole = options.md5() ? md5() : null;
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "vhdkit-upload");
            t.setDaemon(true);
            return t;
        });
        BufferPool buffers = new BufferPool(options.threads() + 2, chunkSize);
        Phaser outstanding = new Phaser(1);
        try {
            for (Chunk c : plan.chunks()) {
                if (failure.get() != null) {
                    break;
                }
                boolean already = done.get(c.index());
                if (c.hole()) {
                    if (whole != null) {
                        hashZeros(whole, c.length());
                    }
                    if (already) {
                        stats.resumed.add(c.length());
                    } else if (overlaps(existing, c)) {
                        submit(pool, outstanding, () -> clear(c));
                    } else {
                        stats.holes.add(c.length());
                    }
                    continue;
                }
                if (already && whole == null) {   // a sequential source skips forward over it
                    stats.resumed.add(c.length());
                    continue;
                }
                if (whole == null && !source.sequentialOnly()) {
                    // read, zero scan, checksum and send all in a worker: the reads run in parallel too
                    BufferPool.Lease lease = buffers.lease();
                    submit(pool, outstanding, () -> readAndSend(c, lease, existing), lease);
                    continue;
                }
                BufferPool.Lease lease = buffers.lease();
                boolean handedOver = false;
                try {
                    ByteBuffer buf = lease.buffer();
                    readChunk(c, buf);
                    if (whole != null) {
                        whole.update(buf.duplicate());
                    }
                    if (already) {
                        stats.resumed.add(c.length());
                    } else if (Zeros.isAllZero(buf)) {
                        if (overlaps(existing, c)) {
                            submit(pool, outstanding, () -> clear(c));
                        } else {
                            stats.zeros.add(c.length());
                        }
                    } else {
                        handedOver = true;
                        submit(pool, outstanding, () -> put(c, buf), lease);
                    }
                } finally {
                    if (!handedOver) {
                        lease.close();
                    }
                }
            }
            outstanding.arriveAndAwaitAdvance();
        } catch (IOException | RuntimeException | InterruptedException e) {
            failure.compareAndSet(null, e);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        Throwable f = failure.get();
        if (f != null) {
            journal.close();
            throw transferFailure(f, journalPath);
        }

        checkLength(size);
        String md5 = null;
        if (whole != null) {
            md5 = Base64.getEncoder().encodeToString(whole.digest());
            storeMd5(md5);
        }
        long verified = -1;
        if (options.verify()) {
            try {
                verified = Verifier.verify(source, target, plan, existingRanges(size), options);
            } catch (IOException | InterruptedException | RuntimeException e) {
                journal.close(); // kept: what it records was acknowledged; --overwrite starts over
                throw e;
            }
        }
        journal.finish();
        return new UploadResult(target.display(), stats.snapshot(), md5, verified, limit.lowest());
    }

    // ------------------------------------------------------------------------------------------ destination

    private BlobProperties properties() throws UploadException {
        try {
            return target.control().getProperties();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return null;
            }
            throw serviceError("cannot read the destination's properties", e);
        } catch (RuntimeException e) {
            throw new UploadException(UploadException.Kind.TRANSFER, "cannot reach " + target.display() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Creates or checks the blob; returns whether it is new (holds no data). */
    private boolean prepareBlob(BlobProperties props, long size, String identity) throws UploadException {
        if (target.managedDisk()) {
            if (props == null) {
                throw refused("there is no managed disk to upload to at " + target.display() + ": the SAS may "
                        + "have expired or been revoked; run az disk grant-access --access-level Write again");
            }
            if (props.getBlobSize() != size) {
                throw refused("the managed disk at " + target.display() + " was created for " + props.getBlobSize()
                        + " bytes, but the fixed VHD is " + size + " bytes; they must be equal. Create the disk with "
                        + "az disk create --for-upload --upload-size-bytes " + size + " (the VHD's file size, "
                        + "footer included)");
            }
            return false;
        }
        if (props == null) {
            create(size, identity, false);
            return true;
        }
        if (props.getBlobType() != BlobType.PAGE_BLOB) {
            if (!options.overwrite()) {
                throw refused(target.display() + " exists and is a " + props.getBlobType() + ", not a page blob; "
                        + "give --overwrite to replace it");
            }
            deleteQuietly();
            create(size, identity, true);
            return true;
        }
        if (options.resume()) {
            String was = props.getMetadata() == null ? null : props.getMetadata().get(META_SOURCE);
            if (identity.equals(was) && props.getBlobSize() == size) {
                return false;
            }
            if (!options.overwrite()) {
                throw refused(target.display() + " was not started from this source (its record: "
                        + (was == null ? "none" : was) + "; this source: " + identity + "); give --overwrite to "
                        + "upload it from scratch");
            }
            create(size, identity, true);
            return true;
        }
        if (!options.overwrite()) {
            throw refused(target.display() + " already exists (" + props.getBlobSize() + " bytes); give --resume "
                    + "to continue an interrupted upload of the same source, or --overwrite to replace it");
        }
        create(size, identity, true);
        return true;
    }

    private void deleteQuietly() {
        try {
            target.control().delete();
        } catch (RuntimeException ignored) {
            // create with overwrite reports the real problem
        }
    }

    private void create(long size, String identity, boolean overwrite) throws UploadException {
        // a journal of an earlier blob at this place must never vouch for chunks of the new one, even if we die here
        try {
            Journal.discard(journalPath);
        } catch (IOException e) {
            throw new UploadException(UploadException.Kind.TRANSFER, "cannot remove the old resume journal "
                    + journalPath + ": " + e.getMessage(), e);
        }
        PageBlobCreateOptions o = new PageBlobCreateOptions(size)
                .setHeaders(new BlobHttpHeaders().setContentType("application/octet-stream"))
                .setMetadata(Map.of(META_SOURCE, identity));
        if (!overwrite) {
            o.setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*"));
        }
        try {
            target.control().createWithResponse(o, null, Context.NONE);
        } catch (BlobStorageException e) {
            throw serviceError("cannot create the page blob", e);
        }
    }

    /** The written ranges of the destination, or null when they cannot be listed (then assume data everywhere). */
    private List<Extent> existingRanges(long size) {
        List<Extent> out = new ArrayList<>();
        try {
            for (long off = 0; off < size; off += RANGE_WINDOW) {
                long len = Math.min(RANGE_WINDOW, size - off);
                for (PageRangeItem item : target.control().listPageRanges(new ListPageRangesOptions(
                        new BlobRange(off, len)), null, Context.NONE)) {
                    if (!item.isClear()) {
                        HttpRange r = item.getRange();
                        long l = r.getLength() != null ? r.getLength() : size - r.getOffset();
                        if (l > 0) {
                            out.add(new Extent(r.getOffset(), l));
                        }
                    }
                }
            }
            return Extents.normalize(out);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean overlaps(List<Extent> ranges, Chunk c) {
        if (ranges == null) {
            return true;
        }
        for (Extent e : ranges) {
            if (e.offset() < c.end() && e.end() > c.offset()) {
                return true;
            }
        }
        return false;
    }

    private static boolean covered(List<Extent> ranges, Chunk c) {
        for (Extent e : ranges) {
            if (e.offset() <= c.offset() && e.end() >= c.end()) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------ transfer

    private interface Task {
        void run() throws Exception;
    }

    private void submit(ExecutorService pool, Phaser outstanding, Task task) {
        submit(pool, outstanding, task, null);
    }

    /**
     * Runs a task in the pool unless the upload has failed already; {@code lease} (when not null) is given back
     * whether the task ran, failed or was skipped, so that the producer never waits for a lease that a skipped task
     * holds.
     */
    private void submit(ExecutorService pool, Phaser outstanding, Task task, BufferPool.Lease lease) {
        outstanding.register();
        try {
            pool.execute(() -> {
                try {
                    if (failure.get() == null) {
                        task.run();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (lease != null) {
                        lease.close();
                    }
                    outstanding.arriveAndDeregister();
                }
            });
        } catch (RuntimeException e) {
            if (lease != null) {
                lease.close();
            }
            outstanding.arriveAndDeregister();
            throw e;
        }
    }

    /** Sends a chunk's bytes: {@code buf} from 0 to its limit (read-only views of it go to the transport). */
    private void put(Chunk c, ByteBuffer buf) throws Exception {
        PageBlobUploadPagesOptions o = new PageBlobUploadPagesOptions(range(c),
                BinaryData.fromByteBuffer(buf.asReadOnlyBuffer()));
        Context context = Context.NONE;
        if (options.checksum() == PageChecksum.MD5) {
            o.setContentMd5(PageChecksum.md5(buf));
        } else {
            context = new Context(PageChecksum.CONTEXT_KEY, PageChecksum.crc64(buf));
        }
        Context ctx = context;
        StartupTiming.firstPutPage();
        request(c, () -> target.data().uploadPagesWithResponse(o, options.tryTimeout(), ctx));
        stats.sent.add(c.length());
    }

    /**
     * Reads a chunk (or views it in the input file's mapping, without a copy) and sends it, clears it, or skips it
     * when it is all zeros (in a worker thread).
     */
    private void readAndSend(Chunk c, BufferPool.Lease lease, List<Extent> existing) throws Exception {
        ByteBuffer view = source.view(c.offset(), c.length());
        try {
            ByteBuffer bytes = view;
            if (view == null) {
                bytes = lease.buffer();
                readChunk(c, bytes);
            } else {
                stats.read.add(c.length());
            }
            if (!Zeros.isAllZero(bytes)) {
                put(c, bytes);
            } else if (overlaps(existing, c)) {
                clear(c);
            } else {
                stats.zeros.add(c.length());
            }
        } catch (InternalError e) {
            if (view == null || !String.valueOf(e.getMessage()).contains("unsafe memory access")) {
                throw e;
            }
            // the JVM's answer to SIGBUS in a mapping: the input file shrank under it
            throw new IOException("the file changed while it was read (it is shorter than when the upload started);"
                    + " upload a copy that nothing writes to", e);
        } finally {
            if (view != null) {
                source.release(view);
            }
        }
    }

    /** Fills {@code buf} with the chunk's bytes: afterwards its position is 0 and its limit the chunk's length. */
    private void readChunk(Chunk c, ByteBuffer buf) throws IOException {
        buf.clear().limit(c.length());
        source.read(c.offset(), buf);
        buf.flip();
        if (buf.limit() != c.length()) {
            throw new IOException("short read of " + source.name() + " at " + c.offset() + ": " + buf.limit()
                    + " of " + c.length() + " bytes");
        }
        stats.read.add(c.length());
    }

    private void clear(Chunk c) throws Exception {
        request(c, () -> target.data().clearPagesWithResponse(range(c), null, options.tryTimeout(), Context.NONE));
        stats.cleared.add(c.length());
    }

    private static PageRange range(Chunk c) {
        return new PageRange().setStart(c.offset()).setEnd(c.end() - 1);
    }

    /** One request with retries, backoff and pacing; the chunk is journaled once acknowledged. */
    private void request(Chunk c, Runnable call) throws Exception {
        for (int attempt = 1; ; attempt++) {
            limit.acquire();
            try {
                options.budget().run(call); // bulk upload: a slot of the budget shared by every image
                limit.onSuccess();
                stats.requests.increment();
                stats.limit = limit.current();
                journal.done(c.index());
                return;
            } catch (BlobStorageException e) {
                int s = e.getStatusCode();
                if (s == 503 || s == 500) {
                    stats.throttles.increment();
                    limit.onThrottle();
                    stats.limit = limit.current();
                }
                if (!retryable(e) || attempt >= options.maxTries()) {
                    throw new ChunkFailure(c, attempt, e);
                }
            } catch (RuntimeException e) {
                // connection reset, timeout, I/O error below the SDK
                if (attempt >= options.maxTries()) {
                    throw new ChunkFailure(c, attempt, e);
                }
            } finally {
                limit.release();
            }
            if (failure.get() != null) {
                throw new InterruptedException("another chunk failed");
            }
            stats.retries.increment();
            Thread.sleep(backoff(attempt));
        }
    }

    private static boolean retryable(BlobStorageException e) {
        int s = e.getStatusCode();
        return s == 408 || s == 429 || s >= 500 || "Md5Mismatch".equals(String.valueOf(e.getErrorCode()));
    }

    private long backoff(int attempt) {
        long base = options.retryBase().toMillis();
        long max = options.retryMax().toMillis();
        long d = attempt >= 30 ? max : Math.min(max, base << (attempt - 1));
        return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
    }

    /** A chunk that failed for good. */
    static final class ChunkFailure extends Exception {
        final Chunk chunk;
        final int tries;

        ChunkFailure(Chunk chunk, int tries, RuntimeException cause) {
            super(cause);
            this.chunk = chunk;
            this.tries = tries;
        }
    }

    private UploadException transferFailure(Throwable f, Path journalPath) {
        String resume = "; nothing acknowledged is lost: run the same command with --resume to continue (journal "
                + journalPath + ")";
        if (f instanceof ChunkFailure cf) {
            Throwable cause = cf.getCause();
            String what = "Put Page of bytes " + cf.chunk.offset() + "-" + (cf.chunk.end() - 1) + " failed after "
                    + cf.tries + (cf.tries == 1 ? " try" : " tries");
            if (cause instanceof BlobStorageException e) {
                if (e.getStatusCode() == 403 || e.getStatusCode() == 401) {
                    return new UploadException(UploadException.Kind.AUTH, what + ": " + authHint(e) + resume, e);
                }
                return new UploadException(UploadException.Kind.TRANSFER, what + ": HTTP " + e.getStatusCode() + " "
                        + e.getErrorCode() + resume, e);
            }
            return new UploadException(UploadException.Kind.TRANSFER, what + ": " + cause + resume, cause);
        }
        if (f instanceof UploadException u) {
            return u;
        }
        if (f instanceof IOException io) {
            return new UploadException(UploadException.Kind.TRANSFER, "reading " + source.name() + " failed: "
                    + io.getMessage() + resume, io);
        }
        return new UploadException(UploadException.Kind.TRANSFER, "the upload failed: " + f + resume, f);
    }

    private static String authHint(BlobStorageException e) {
        return "HTTP " + e.getStatusCode() + " " + e.getErrorCode() + ": the credentials were refused; a SAS must "
                + "be unexpired and allow write (sp=rw or more), a managed disk needs az disk grant-access "
                + "--access-level Write";
    }

    // ------------------------------------------------------------------------------------------ the end

    private void checkLength(long size) throws UploadException {
        BlobProperties p = properties();
        long actual = p == null ? -1 : p.getBlobSize();
        if (actual != size) {
            throw new UploadException(UploadException.Kind.TRANSFER, target.display() + " is " + actual
                    + " bytes after the upload, but the fixed VHD is " + size + " bytes");
        }
    }

    /** Sets Content-MD5, re-sending the other headers: Set Blob Properties clears every header it is not given. */
    private void storeMd5(String md5) throws UploadException {
        if (target.managedDisk()) {
            return; // refused by the caller; md-impexp takes no Content-MD5
        }
        BlobProperties p = properties();
        BlobHttpHeaders h = new BlobHttpHeaders().setContentType(p.getContentType())
                .setContentEncoding(p.getContentEncoding()).setContentLanguage(p.getContentLanguage())
                .setContentDisposition(p.getContentDisposition()).setCacheControl(p.getCacheControl())
                .setContentMd5(Base64.getDecoder().decode(md5));
        try {
            target.control().setHttpHeaders(h);
        } catch (BlobStorageException e) {
            throw serviceError("cannot store the Content-MD5", e);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static void hashZeros(MessageDigest d, long length) {
        byte[] z = Zeros.zeros();
        for (long left = length; left > 0; ) {
            int n = (int) Math.min(z.length, left);
            d.update(z, 0, n);
            left -= n;
        }
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private UploadException refused(String message) {
        return new UploadException(UploadException.Kind.REFUSED, message);
    }

    private UploadException serviceError(String what, BlobStorageException e) {
        if (e.getStatusCode() == 403 || e.getStatusCode() == 401) {
            return new UploadException(UploadException.Kind.AUTH, what + " at " + target.display() + ": "
                    + authHint(e), e);
        }
        if (e.getStatusCode() == 404 && "ContainerNotFound".equals(String.valueOf(e.getErrorCode()))) {
            return new UploadException(UploadException.Kind.REFUSED, what + " at " + target.display() + ": the "
                    + "container does not exist; create it first (az storage container create --name CONTAINER "
                    + "--account-name ACCOUNT), or check the URL", e);
        }
        return new UploadException(UploadException.Kind.TRANSFER, what + " at " + target.display() + ": HTTP "
                + e.getStatusCode() + " " + e.getErrorCode(), e);
    }
}
