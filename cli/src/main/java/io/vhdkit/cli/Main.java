package io.vhdkit.cli;

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/**
 * The {@code vhdkit} entry point: the only place that exits. It names no picocli type, so that a {@code convert}
 * taken by {@link QuickConvert} never loads picocli ({@link CommandTree} holds the rest).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        io.vhdkit.upload.StartupTiming.mark("main");
        // JNA's first use runs `ldconfig -p` to learn the system's library directories (a child process, about 20 ms
        // of a conversion); the only library vhdkit opens is libc, which JNA loads by its soname through the
        // dynamic linker's own search, so that list is never needed
        if (System.getProperty("jna.platform.library.path") == null) {
            System.setProperty("jna.platform.library.path", "");
        }
        if (args.length > 0 && args[0].equals("upload")) {
            prewarmUpload();
        }
        System.exit(run(args));
    }

    /**
     * Starts loading the Azure SDK's clients on a background thread (see {@code Targets.prewarm}): they take about
     * as long as parsing the command line and validating the image, which the main thread does meanwhile.
     */
    private static void prewarmUpload() {
        io.vhdkit.upload.Targets.ensureCommonPoolThreads();
        Thread t = new Thread(() -> {
            io.vhdkit.upload.Targets.prewarm();
            io.vhdkit.upload.StartupTiming.mark("prewarmed");
        }, "vhdkit-prewarm");
        t.setDaemon(true);
        t.start();
    }

    /** Runs the command line on the standard streams and returns the exit code. */
    public static int run(String... args) {
        return run(System.out, writer(System.out, "sun.stdout.encoding"), writer(System.err, "sun.stderr.encoding"),
                args);
    }

    /** A text writer on a standard stream in the encoding picocli would choose for it. */
    private static PrintWriter writer(OutputStream stream, String encodingProperty) {
        String name = System.getProperty(encodingProperty);
        Charset cs = Charset.defaultCharset();
        try {
            if (name != null && Charset.isSupported(name)) {
                cs = Charset.forName(name);
            }
        } catch (IllegalArgumentException e) {
            // an illegal charset name: the default
        }
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, cs)), true);
    }

    /**
     * Runs the command line and returns the exit code: text goes to {@code out} and {@code err}, binary output
     * ({@code vhdkit cat}) to {@code data}. A well-formed {@code convert} runs without picocli ({@link QuickConvert});
     * everything else through picocli, with only the named subcommand's model built.
     */
    static int run(OutputStream data, PrintWriter out, PrintWriter err, String... args) {
        ConvertCommand quick = QuickConvert.parse(args);
        if (quick != null) {
            try {
                return quick.run(out, err);
            } catch (RuntimeException e) {
                return internalError(e, err);
            } finally {
                out.flush();
                err.flush();
            }
        }
        return CommandTree.execute(data, out, err, args);
    }

    /** What a command's unexpected exception prints, and its exit code. */
    static int internalError(Exception e, PrintWriter err) {
        err.println("vhdkit: internal error: " + e);
        if (System.getenv("VHDKIT_DEBUG") != null) {
            e.printStackTrace(err);
        } else {
            err.println("vhdkit: set VHDKIT_DEBUG=1 for the stack trace, and please report it");
        }
        return ExitCodes.INTERNAL;
    }
}
