package io.vhdkit.upload;

/**
 * The number of Put Page requests allowed in flight, adapted to throttling (AIMD, as TCP does): each 503 Server Busy
 * or 500 Operation Timeout multiplies the limit by {@link #DECREASE} (at most once per {@link #DEAD_BAND_NANOS}, so a
 * burst of errors from one overload counts once); each success adds {@code 1/limit}, that is one more request per
 * round of successes, back up to the maximum.
 */
final class AdaptiveLimit {

    static final double DECREASE = 0.65;
    static final long DEAD_BAND_NANOS = 1_000_000_000L;

    private final int max;
    private double limit;
    private int inFlight;
    private long lastDecrease = System.nanoTime() - DEAD_BAND_NANOS;
    private int lowest;

    AdaptiveLimit(int max) {
        this.max = max;
        this.limit = max;
        this.lowest = max;
    }

    synchronized void acquire() throws InterruptedException {
        while (inFlight >= (int) limit) {
            wait();
        }
        inFlight++;
    }

    synchronized void release() {
        inFlight--;
        notifyAll();
    }

    synchronized void onSuccess() {
        if (limit < max) {
            limit = Math.min(max, limit + 1.0 / limit);
            notifyAll();
        }
    }

    synchronized void onThrottle() {
        long now = System.nanoTime();
        if (now - lastDecrease >= DEAD_BAND_NANOS) {
            limit = Math.max(1.0, limit * DECREASE);
            lastDecrease = now;
            lowest = Math.min(lowest, (int) limit);
        }
    }

    synchronized int current() {
        return (int) limit;
    }

    /** The lowest the limit went: how hard the service throttled. */
    synchronized int lowest() {
        return lowest;
    }
}
