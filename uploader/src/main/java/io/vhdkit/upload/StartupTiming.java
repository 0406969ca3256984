package io.vhdkit.upload;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Start-up timestamps for measuring (benchmarks/README.md): with {@code -Dvhdkit.timing} each {@link #mark} prints
 * "vhdkit: timing: WHAT at N ms" on stderr, N counted from the JVM's start; without it, marks cost one property read.
 */
public final class StartupTiming {

    private static final boolean ON = System.getProperty("vhdkit.timing") != null;
    private static volatile boolean firstPutPage;

    private StartupTiming() {
    }

    /** Prints a timestamp when timing is on. */
    public static void mark(String what) {
        if (ON) {
            long ms = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            System.err.println(String.format(Locale.ROOT, "vhdkit: timing: %s at %d ms (%s)", what, ms,
                    Thread.currentThread().getName()));
        }
    }

    /** Marks the first Put Page of the process (once). */
    static void firstPutPage() {
        if (ON && !firstPutPage) {
            synchronized (StartupTiming.class) {
                if (!firstPutPage) {
                    firstPutPage = true;
                    mark("first Put Page sent");
                }
            }
        }
    }
}
