package io.vhdkit.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real tools tests compare against. A missing tool fails the test and names its Debian package; tests never
 * skip.
 */
public final class Tools {

    /**
     * What a tool printed.
     *
     * @param exit   its exit code
     * @param output standard output and standard error, interleaved
     */
    public record Run(int exit, String output) {
    }

    private Tools() {
    }

    /** Runs {@code command}, whose program comes from Debian package {@code debianPackage}; any exit code. */
    public static Run run(String debianPackage, List<String> command) {
        requireTool(command.get(0), debianPackage);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.getInputStream().transferTo(out);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out");
            }
            return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code command} and fails unless it exits 0; returns what it printed. */
    public static String check(String debianPackage, String... command) {
        Run r = run(debianPackage, List.of(command));
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exit() + ":\n" + r.output());
        }
        return r.output();
    }

    /** Fails unless {@code program} is on the PATH, naming the package to install. */
    public static void requireTool(String program, String debianPackage) {
        if (program.contains("/")) {
            if (Files.isExecutable(Path.of(program))) {
                return;
            }
        } else {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                    return;
                }
            }
        }
        throw new AssertionError("the test needs '" + program + "' (Debian package " + debianPackage
                + "): apt-get install " + debianPackage + ", or run scripts/install-test-deps.sh");
    }

    /** The bytes the filesystem allocates for {@code file} ({@code stat}'s blocks times block unit). */
    public static long allocatedBytes(Path file) {
        String out = check("coreutils", "stat", "-c", "%b %B", file.toString()).strip();
        String[] f = out.split(" ");
        return Long.parseLong(f[0]) * Long.parseLong(f[1]);
    }

    /**
     * {@code qemu-img compare} of two images given as {@code --image-opts} strings (for example
     * {@code driver=raw,size=N,file.driver=file,file.filename=F}); true when their contents are equal (a size
     * difference is allowed when the larger one's extra part reads as zeros, as qemu-img compare does).
     */
    public static boolean qemuCompare(String imageOpts1, String imageOpts2) {
        Run r = run("qemu-utils", List.of("qemu-img", "compare", "--image-opts", imageOpts1, imageOpts2));
        if (r.exit() > 1) {
            throw new AssertionError("qemu-img compare failed (" + r.exit() + "): " + r.output());
        }
        return r.exit() == 0;
    }

    /** The {@code --image-opts} of a fixed VHD (or any file) read as raw: its first {@code size} bytes. */
    public static String rawOpts(Path file, long size) {
        return "driver=raw,size=" + size + ",file.driver=file,file.filename=" + escape(file);
    }

    /** The {@code --image-opts} of a file read as {@code driver} (vpc, vhdx, raw, ...). */
    public static String opts(String driver, Path file) {
        return "driver=" + driver + ",file.driver=file,file.filename=" + escape(file);
    }

    /** qemu's option syntax doubles commas. */
    private static String escape(Path file) {
        return file.toAbsolutePath().toString().replace(",", ",,");
    }

    /** Arguments as a list, for {@link #run}. */
    public static List<String> args(String... a) {
        return new ArrayList<>(List.of(a));
    }
}
