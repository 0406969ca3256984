package io.vhdkit.vhd;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Starts the write-back of a file being written while the writer goes on, so that the {@code fsync} that makes it
 * durable at the end waits only for the last part. Without it the kernel leaves everything dirty until that
 * {@code fsync} (its background write-back starts at a tenth of memory or after 30 s), and the disk writes nothing
 * while the copy runs. Every {@link #EVERY} bytes written, one background {@link FileChannel#force(boolean)} is
 * started unless one is still running. A failure is kept and thrown by {@link #finish()}: on Linux a write-back
 * error is reported once per open file, so swallowing it here would let the final {@code fsync} succeed.
 */
final class WriteBehind {

    /** Bytes written between two background flushes. */
    static final long EVERY = 64L << 20;

    /** The one that does nothing (non-durable writes). */
    static final WriteBehind NONE = new WriteBehind(null);

    private final FileChannel out;
    private long since;
    private Thread pending;
    private volatile IOException failure;

    private WriteBehind(FileChannel out) {
        this.out = out;
    }

    static WriteBehind of(FileChannel out) {
        return new WriteBehind(out);
    }

    /** Counts {@code bytes} more written; may start a background flush. */
    synchronized void written(long bytes) {
        if (out == null) {
            return;
        }
        since += bytes;
        if (since < EVERY || pending != null && pending.isAlive()) {
            return;
        }
        since = 0;
        pending = new Thread(this::flush, "vhdkit-write-behind");
        pending.setDaemon(true);
        pending.start();
    }

    private void flush() {
        try {
            out.force(false);
        } catch (IOException e) {
            failure = e;
        }
    }

    /** Waits for the background flush, if any, and throws what it failed with. */
    void finish() throws IOException {
        Thread t;
        synchronized (this) {
            t = pending;
        }
        if (t != null) {
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        IOException e = failure;
        if (e != null) {
            throw new IOException("writing the output back to disk failed: " + e.getMessage(), e);
        }
    }
}
