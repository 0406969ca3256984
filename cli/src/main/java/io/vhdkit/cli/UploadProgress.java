package io.vhdkit.cli;

import io.vhdkit.upload.UploadStats;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The progress of {@code vhdkit upload} on standard error: on a terminal one line redrawn in place four times a
 * second (carriage return, the line, erase to the end of the line); elsewhere a {@code progress:} line every few
 * seconds. Every other message goes through {@link #println}, which first erases the live line so that it never
 * mixes with the text.
 */
final class UploadProgress implements AutoCloseable {

    /** A carriage return: the live line is drawn again from its start. */
    static final String REDRAW = "\r";
    /** ANSI "erase in line" (to its end). */
    static final String ERASE = "\033[K";

    /** What one tick shows. */
    record View(UploadStats.Snapshot stats, String prefix) {
    }

    private final boolean tty;
    private final PrintWriter err;
    private final Supplier<View> view;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean lineShown;

    private UploadProgress(boolean tty, long periodMillis, Supplier<View> view, PrintWriter err, boolean enabled) {
        this.tty = tty;
        this.err = err;
        this.view = view;
        this.thread = new Thread(() -> loop(periodMillis), "vhdkit-progress");
        thread.setDaemon(true);
        if (enabled) {
            thread.start();
        }
    }

    /** Whether standard input and output are a terminal (Java 17: System.console()) and TERM is not dumb. */
    static boolean onTerminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    static UploadProgress start(UploadCommand.Progress mode, double intervalSeconds, Supplier<View> view,
                                PrintWriter err) {
        boolean tty = switch (mode) {
            case tty -> true;
            case auto -> onTerminal();
            default -> false;
        };
        long period = tty ? 250 : (long) Math.max(50, intervalSeconds * 1000);
        return new UploadProgress(tty, period, view, err, mode != UploadCommand.Progress.none);
    }

    boolean tty() {
        return tty;
    }

    private void loop(long periodMillis) {
        while (running) {
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
            if (!running) {
                return;
            }
            View v = view.get();
            if (v == null || v.stats().total() == 0) {
                continue;
            }
            synchronized (this) {
                if (!running) {
                    return;
                }
                if (tty) {
                    err.print(REDRAW + v.prefix() + line(v.stats(), true) + ERASE);
                    lineShown = true;
                } else {
                    err.println("progress: " + v.prefix() + line(v.stats(), false));
                }
                err.flush();
            }
        }
    }

    /**
     * One progress line: share done, bytes done of the total, sent and skipped bytes, the sending rate and the time
     * left (from the rate at which the disk gets done: skipped zeros count, which is why a sparse disk finishes
     * early).
     */
    static String line(UploadStats.Snapshot s, boolean compact) {
        double seconds = Math.max(1e-3, s.seconds());
        double rate = s.sent() / 1e6 / seconds;
        double doneRate = (s.done() - s.resumed()) / seconds;
        long left = Math.max(0, s.total() - s.done());
        String eta = doneRate > 0 ? clock(left / doneRate) : "?";
        double pct = s.total() == 0 ? 0 : 100.0 * s.done() / s.total();
        if (compact) { // short enough for an 80-column terminal, which a redrawn line must not wrap
            return String.format(Locale.ROOT, "%5.1f%% %s/%s sent %s skipped %s %.1f MB/s ETA %s", pct,
                    UploadCommand.human(s.done()), UploadCommand.human(s.total()), UploadCommand.human(s.sent()),
                    UploadCommand.human(s.skipped()), rate, eta);
        }
        return String.format(Locale.ROOT, "%5.1f%%  %s of %s  sent %s  skipped %s  %.1f MB/s  ETA %s", pct,
                UploadCommand.human(s.done()), UploadCommand.human(s.total()), UploadCommand.human(s.sent()),
                UploadCommand.human(s.skipped()), rate, eta);
    }

    static String clock(double seconds) {
        long s = (long) Math.ceil(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Prints a message line to {@code w} (standard output or error), erasing the live line first. */
    synchronized void println(PrintWriter w, String text) {
        eraseLine();
        w.println(text);
        w.flush();
    }

    private void eraseLine() {
        if (lineShown) {
            err.print(REDRAW + ERASE);
            err.flush();
            lineShown = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            eraseLine();
        }
    }
}
