package io.vhdkit.vhd;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.io.Extent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies the non-zero pages of a virtual disk's allocated extents to a {@link VhdWriter.Sink}, chunk by chunk, on up
 * to {@link #MAX_WORKERS} threads (the caller's and helpers), each with its own page-aligned direct buffer: one
 * thread reads and scans a chunk while another writes the one before, as qemu-img keeps several requests in flight.
 * An ordered sink (a dynamic VHD, which allocates blocks in the order data arrives) gets the chunks in disk order;
 * an unordered one (a fixed VHD: positional writes) as soon as each is scanned. The first failure stops every
 * worker and is thrown to the caller as it was raised.
 */
final class ChunkCopy {

    /** The most threads that copy at once: past two, the kernel's page-cache copies share the memory bus. */
    static final int MAX_WORKERS = 4;

    private final VirtualDisk source;
    private final VhdWriter.Sink sink;
    private final boolean ordered;
    private final WriteBehind behind;
    private final long readable;
    private final Iterator<Extent> extents;
    private final AtomicLong written = new AtomicLong();

    // the plan and the turn; guarded by this
    private long pos;
    private long end;
    private long done;       // everything before this has been planned (extents may share a page once aligned)
    private long nextChunk;  // the number the next planned chunk gets
    private long turn;       // the chunk an ordered sink takes next
    private Throwable failure;

    private ChunkCopy(VirtualDisk source, List<Extent> extents, long readable, VhdWriter.Sink sink, boolean ordered,
            WriteBehind behind) {
        this.source = source;
        this.sink = sink;
        this.ordered = ordered;
        this.behind = behind;
        this.readable = readable;
        this.extents = extents.iterator();
    }

    /**
     * Hands every non-zero run of pages of {@code extents} (clipped to {@code readable}) to {@code sink}.
     *
     * @return the bytes handed over
     */
    static long copy(VirtualDisk source, List<Extent> extents, long readable, VhdWriter.Sink sink, boolean ordered,
            WriteBehind behind, int workers) throws IOException {
        if (extents.isEmpty()) {
            return 0;
        }
        ChunkCopy copy = new ChunkCopy(source, extents, readable, sink, ordered, behind);
        int helpers = Math.max(0, Math.min(workers, MAX_WORKERS) - 1);
        if (helpers > 0 && copy.dataSpan(extents) <= VhdWriter.CHUNK) {
            helpers = 0;
        }
        Thread[] threads = new Thread[helpers];
        for (int i = 0; i < helpers; i++) {
            threads[i] = new Thread(copy::work, "vhdkit-copy-" + (i + 1));
            threads[i].setDaemon(true);
            threads[i].start();
        }
        copy.work();
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    copy.fail(new InterruptedIOException("interrupted while copying"));
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = copy.failure();
        if (f instanceof IOException e) {
            throw e;
        }
        if (f instanceof RuntimeException e) {
            throw e;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw new IOException("copying failed: " + f, f);
        }
        return copy.written.get();
    }

    private long dataSpan(List<Extent> all) {
        long span = 0;
        for (Extent e : all) {
            span += Math.min(readable, e.end()) - Math.min(readable, e.offset());
            if (span > VhdWriter.CHUNK) {
                break;
            }
        }
        return span;
    }

    private void work() {
        ByteBuffer buf = ByteBuffer.allocateDirect(VhdWriter.CHUNK + VhdWriter.PAGE).alignedSlice(VhdWriter.PAGE)
                .limit(VhdWriter.CHUNK).slice();
        int[] runs = new int[VhdWriter.CHUNK / VhdWriter.PAGE + 2];
        long[] chunk = new long[3]; // number, disk position, length
        try {
            while (next(chunk)) {
                int n = (int) chunk[2];
                source.read(chunk[1], buf.clear().limit(n));
                int count = scan(buf, n, runs);
                if (ordered && !awaitTurn(chunk[0])) {
                    return;
                }
                try {
                    for (int r = 0; r < count; r += 2) {
                        sink.write(chunk[1] + runs[r], buf.limit(runs[r + 1]).position(runs[r]));
                        long bytes = runs[r + 1] - runs[r];
                        written.addAndGet(bytes);
                        behind.written(bytes);
                    }
                } finally {
                    if (ordered) {
                        passTurn();
                    }
                }
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** Plans the next chunk into {@code chunk}; false when there is none left or the copy failed. */
    private synchronized boolean next(long[] chunk) {
        if (failure != null) {
            return false;
        }
        while (pos >= end) {
            if (!extents.hasNext()) {
                return false;
            }
            Extent e = extents.next();
            pos = Math.max(done, e.offset() / VhdWriter.PAGE * VhdWriter.PAGE);
            end = Math.min(readable, (e.end() + VhdWriter.PAGE - 1) / VhdWriter.PAGE * VhdWriter.PAGE);
            done = Math.max(done, end);
        }
        chunk[0] = nextChunk++;
        chunk[1] = pos;
        chunk[2] = Math.min(VhdWriter.CHUNK, end - pos);
        pos += chunk[2];
        return true;
    }

    /**
     * Finds the runs of non-zero pages in {@code buf[0, n)}: pairs of start and end offsets in {@code runs}.
     *
     * @return how many ints of {@code runs} are used (twice the runs)
     */
    private static int scan(ByteBuffer buf, int n, int[] runs) {
        int count = 0;
        int at = 0;
        while (at < n) {
            int len = Math.min(VhdWriter.PAGE, n - at);
            if (VhdWriter.isZero(buf, at, len)) {
                at += len;
                continue;
            }
            runs[count++] = at;
            while (at < n && !VhdWriter.isZero(buf, at, Math.min(VhdWriter.PAGE, n - at))) {
                at += Math.min(VhdWriter.PAGE, n - at);
            }
            runs[count++] = at;
        }
        return count;
    }

    private synchronized boolean awaitTurn(long number) throws InterruptedIOException {
        while (turn != number && failure == null) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while copying");
            }
        }
        return failure == null;
    }

    private synchronized void passTurn() {
        turn++;
        notifyAll();
    }

    private synchronized void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        } else if (failure != t) {
            failure.addSuppressed(t);
        }
        notifyAll();
    }

    private synchronized Throwable failure() {
        return failure;
    }
}
