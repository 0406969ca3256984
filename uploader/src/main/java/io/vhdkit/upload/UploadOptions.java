package io.vhdkit.upload;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to upload.
 *
 * @param threads    Put Page requests in flight at most (the AIMD limit starts here and never exceeds it)
 * @param chunkSize  bytes per Put Page: a multiple of 512, at most 4 MiB
 * @param resume     continue an interrupted upload to an existing blob
 * @param overwrite  replace an existing blob, or continue from a journal that does not match
 * @param md5        compute the whole-file MD5 in file order and store it as the blob's Content-MD5
 * @param verify     read back every chunk that may hold data and compare it with the source
 * @param journal    the resume journal, or null for {@link Journal#defaultPath}
 * @param maxTries   tries per request
 * @param tryTimeout the time one request may take
 * @param retryBase  the first retry's delay, doubled at each further try
 * @param retryMax   the longest delay between tries
 * @param checksum   the transactional check sent with every Put Page
 * @param budget     the requests in flight shared with other uploads running at the same time (bulk upload), or
 *                   {@link InFlightBudget#unlimited()}: every request holds one slot of it while in flight
 */
public record UploadOptions(int threads, int chunkSize, boolean resume, boolean overwrite, boolean md5,
                            boolean verify, Path journal, int maxTries, Duration tryTimeout, Duration retryBase,
                            Duration retryMax, PageChecksum checksum, InFlightBudget budget) {

    public static final int DEFAULT_THREADS = 16;

    public UploadOptions {
        if (threads < 1 || threads > 512) {
            throw new IllegalArgumentException("threads must be 1 to 512, not " + threads);
        }
        ChunkPlan.checkChunkSize(chunkSize);
        if (checksum == null) {
            throw new IllegalArgumentException("a Put Page always carries a checksum");
        }
        if (maxTries < 1) {
            throw new IllegalArgumentException("max tries must be at least 1");
        }
        if (budget == null) {
            throw new IllegalArgumentException("no in-flight budget: give InFlightBudget.unlimited()");
        }
    }

    public static UploadOptions defaults() {
        return new UploadOptions(DEFAULT_THREADS, ChunkPlan.MAX_CHUNK, false, false, false, false, null, 20,
                Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofSeconds(60), PageChecksum.CRC64,
                InFlightBudget.unlimited());
    }

    public UploadOptions withThreads(int n) {
        return new UploadOptions(n, chunkSize, resume, overwrite, md5, verify, journal, maxTries, tryTimeout,
                retryBase, retryMax, checksum, budget);
    }

    public UploadOptions withChunkSize(int n) {
        return new UploadOptions(threads, n, resume, overwrite, md5, verify, journal, maxTries, tryTimeout,
                retryBase, retryMax, checksum, budget);
    }

    public UploadOptions withResume(boolean r, boolean o) {
        return new UploadOptions(threads, chunkSize, r, o, md5, verify, journal, maxTries, tryTimeout, retryBase,
                retryMax, checksum, budget);
    }

    public UploadOptions withChecks(boolean m, boolean v) {
        return new UploadOptions(threads, chunkSize, resume, overwrite, m, v, journal, maxTries, tryTimeout,
                retryBase, retryMax, checksum, budget);
    }

    public UploadOptions withJournal(Path j) {
        return new UploadOptions(threads, chunkSize, resume, overwrite, md5, verify, j, maxTries, tryTimeout,
                retryBase, retryMax, checksum, budget);
    }

    public UploadOptions withRetries(int tries, Duration timeout, Duration base, Duration max) {
        return new UploadOptions(threads, chunkSize, resume, overwrite, md5, verify, journal, tries, timeout, base,
                max, checksum, budget);
    }

    public UploadOptions withChecksum(PageChecksum c) {
        return new UploadOptions(threads, chunkSize, resume, overwrite, md5, verify, journal, maxTries, tryTimeout,
                retryBase, retryMax, c, budget);
    }

    /** Shares {@code b} with the other uploads running at the same time (see {@link InFlightBudget}). */
    public UploadOptions withBudget(InFlightBudget b) {
        return new UploadOptions(threads, chunkSize, resume, overwrite, md5, verify, journal, maxTries, tryTimeout,
                retryBase, retryMax, checksum, b);
    }
}
