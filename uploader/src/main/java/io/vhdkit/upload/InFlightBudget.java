package io.vhdkit.upload;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A number of requests in flight shared by several uploads ({@code vhdkit upload --manifest}): every Put Page, clear
 * and verification read holds one slot while it is in flight, on top of its own upload's adaptive limit, so that
 * images uploaded at the same time never have more than {@link #size()} requests in flight together. The slots are
 * handed out in arrival order (a fair semaphore), so no image starves another.
 */
public final class InFlightBudget {

    private static final InFlightBudget UNLIMITED = new InFlightBudget();

    private final Semaphore slots;
    private final int size;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    private InFlightBudget() {
        this.slots = null;
        this.size = Integer.MAX_VALUE;
    }

    /** A budget of {@code size} requests in flight, 1 to 4096. */
    public InFlightBudget(int size) {
        if (size < 1 || size > 4096) {
            throw new IllegalArgumentException("an in-flight budget must be 1 to 4096 requests, not " + size);
        }
        this.slots = new Semaphore(size, true);
        this.size = size;
    }

    /** No budget beyond each upload's own limit (one upload alone). */
    public static InFlightBudget unlimited() {
        return UNLIMITED;
    }

    /** Runs {@code request} (a call to the service) while holding one slot, waiting for a free one first. */
    public void run(Runnable request) throws InterruptedException {
        if (slots != null) {
            slots.acquire();
        }
        try {
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            request.run();
        } finally {
            inFlight.decrementAndGet();
            if (slots != null) {
                slots.release();
            }
        }
    }

    /** The most requests that may be in flight together ({@link Integer#MAX_VALUE} when unlimited). */
    public int size() {
        return size;
    }

    /** The most requests that were in flight together so far. */
    public int peak() {
        return peak.get();
    }

    @Override
    public String toString() {
        return slots == null ? "InFlightBudget[unlimited]" : "InFlightBudget[" + size + "]";
    }
}
