package io.vhdkit.testing;

import io.vhdkit.format.FormatException;
import java.io.IOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The property every fuzz target checks (FUZZING.md): an input gives a result or an exception of the checked family
 * the parser documents ({@link FormatException}, plus the path errors of a filesystem, or the temp-space refusal of
 * the compressed-input layer); anything else - a {@link RuntimeException}, {@link StackOverflowError},
 * {@link OutOfMemoryError}, or an {@link IOException} outside the contract - escapes to Jazzer as a finding.
 *
 * <p>Time: an input may cost at most {@link #BUDGET_NANOS} of the thread's CPU time (CPU time, not wall time, so a
 * loaded machine does not make it flaky; an input that loads classes also pays for loading and instrumenting them and
 * gets {@link #COLD_BUDGET_NANOS}). An input that has not returned after {@link #HANG_NANOS} of wall time is a hang:
 * a watchdog saves it under {@code target/fuzz-hangs/}, prints the stuck thread's stack and halts the JVM, so the
 * build fails instead of waiting.
 */
public final class FuzzContract {

    /** The CPU time one input may cost. */
    public static final long BUDGET_NANOS = 1_000_000_000L;
    /** The CPU time of an input during which classes were loaded (and instrumented by Jazzer). */
    public static final long COLD_BUDGET_NANOS = 10_000_000_000L;
    /** The wall time after which an input is a hang. */
    public static final long HANG_NANOS = 30_000_000_000L;
    /** The exit status of a JVM halted on a hang. */
    public static final int HANG_EXIT = 70;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();
    private static final Watchdog WATCHDOG = new Watchdog();

    /** The code under test, on one input. */
    @FunctionalInterface
    public interface Body {
        void run() throws IOException;
    }

    private FuzzContract() {
    }

    /** Runs {@code body} on {@code input}: only {@link FormatException} may end it. */
    public static void check(String target, byte[] input, Body body) {
        check(target, input, List.of(), body);
    }

    /**
     * Runs {@code body} on {@code input}; a {@link FormatException} or one of {@code alsoAllowed} ends it quietly, any
     * other exception escapes (an {@link IOException} as an {@link AssertionError}, anything else as itself).
     */
    public static void check(String target, byte[] input, List<Class<? extends IOException>> alsoAllowed, Body body) {
        check(target, input, alsoAllowed, BUDGET_NANOS, body);
    }

    /**
     * Like {@link #check(String, byte[], List, Body)} with a CPU budget of {@code budgetNanos} per warm input: for a
     * target whose time is mostly third-party code that fuzzing instruments for coverage too (the decompressors of
     * the compressed-input layer run many times slower instrumented than in the product).
     */
    public static void check(String target, byte[] input, List<Class<? extends IOException>> alsoAllowed,
                             long budgetNanos, Body body) {
        long loaded = CLASSES.getTotalLoadedClassCount();
        long start = cpuNanos();
        WATCHDOG.enter(target, input);
        try {
            body.run();
        } catch (FormatException expected) {
            // the checked family: the input was refused with a structure, field and offset
        } catch (IOException e) {
            if (alsoAllowed.stream().noneMatch(c -> c.isInstance(e))) {
                throw new AssertionError(target + ": an IOException outside the contract: " + e, e);
            }
        } finally {
            WATCHDOG.exit();
        }
        long spent = cpuNanos() - start;
        long budget = CLASSES.getTotalLoadedClassCount() != loaded ? Math.max(COLD_BUDGET_NANOS, budgetNanos)
                : budgetNanos;
        if (spent > budget) {
            throw new AssertionError(target + ": one input took " + spent / 1_000_000 + " ms of CPU time, more than "
                    + "the " + budget / 1_000_000 + " ms budget");
        }
    }

    private static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** One daemon thread watching the input under test. */
    private static final class Watchdog implements Runnable {
        private volatile Thread thread;
        private volatile String target;
        private volatile byte[] input;
        private volatile long since;

        Watchdog() {
            Thread t = new Thread(this, "fuzz-watchdog");
            t.setDaemon(true);
            t.start();
        }

        void enter(String target, byte[] input) {
            this.target = target;
            this.input = input;
            this.since = System.nanoTime();
            this.thread = Thread.currentThread();
        }

        void exit() {
            this.thread = null;
        }

        @Override
        public void run() {
            while (true) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                Thread stuck = thread;
                if (stuck != null && System.nanoTime() - since > HANG_NANOS) {
                    report(stuck);
                    Runtime.getRuntime().halt(HANG_EXIT);
                }
            }
        }

        private void report(Thread stuck) {
            StringBuilder s = new StringBuilder("FuzzContract: " + target + " hung on one input for more than "
                    + HANG_NANOS / 1_000_000_000L + " s");
            try {
                byte[] b = input;
                Path dir = Path.of("target", "fuzz-hangs");
                Files.createDirectories(dir);
                Path file = dir.resolve(target + "-" + HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-1").digest(b)));
                Files.write(file, b);
                s.append("; the input is in ").append(file.toAbsolutePath());
            } catch (IOException | NoSuchAlgorithmException e) {
                s.append("; the input could not be saved: ").append(e);
            }
            s.append('\n');
            for (StackTraceElement e : stuck.getStackTrace()) {
                s.append("\tat ").append(e).append('\n');
            }
            System.err.print(s);
            System.err.flush();
        }
    }
}
