package io.vhdkit.upload;

import java.util.concurrent.atomic.LongAdder;

/** Live counters of an upload, read by the progress display from another thread. */
public final class UploadStats {

    final LongAdder read = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder holes = new LongAdder();
    final LongAdder zeros = new LongAdder();
    final LongAdder cleared = new LongAdder();
    final LongAdder resumed = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder throttles = new LongAdder();
    volatile long total;
    volatile long startNanos = System.nanoTime();
    volatile int limit;

    /**
     * A snapshot.
     *
     * @param total    the fixed VHD's length
     * @param read     bytes read from the source
     * @param sent     bytes sent in Put Page bodies (acknowledged)
     * @param skipped  bytes not sent because they are zeros: holes never read plus all-zero chunks read
     * @param holes    of those, bytes never read (BAT and SEEK_HOLE holes)
     * @param cleared  bytes cleared on a destination that held data there
     * @param resumed  bytes an earlier run had already written
     * @param requests Put Page and clear requests acknowledged
     * @param retries  requests tried again
     * @param throttles 503/500 answers
     * @param limit    the current in-flight limit
     * @param seconds  since the start
     */
    public record Snapshot(long total, long read, long sent, long skipped, long holes, long cleared, long resumed,
                           long requests, long retries, long throttles, int limit, double seconds) {
        /** Bytes of the fixed VHD dealt with: sent, skipped, cleared or already there. */
        public long done() {
            return sent + skipped + cleared + resumed;
        }

        /** The sum of two uploads' counters (several images at once); the longer time, the limits added. */
        public Snapshot plus(Snapshot o) {
            return new Snapshot(total + o.total, read + o.read, sent + o.sent, skipped + o.skipped, holes + o.holes,
                    cleared + o.cleared, resumed + o.resumed, requests + o.requests, retries + o.retries,
                    throttles + o.throttles, limit + o.limit, Math.max(seconds, o.seconds));
        }

        /** The same counters over another span of time (the wall time of several uploads). */
        public Snapshot withSeconds(double s) {
            return new Snapshot(total, read, sent, skipped, holes, cleared, resumed, requests, retries, throttles,
                    limit, s);
        }
    }

    public Snapshot snapshot() {
        long h = holes.sum();
        return new Snapshot(total, read.sum(), sent.sum(), h + zeros.sum(), h, cleared.sum(), resumed.sum(),
                requests.sum(), retries.sum(), throttles.sum(), limit, (System.nanoTime() - startNanos) / 1e9);
    }
}
