package io.vhdkit.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The benchmarks' inputs: made by the benchmarks' own setup code, never committed. Each input set lives in its own
 * directory under {@link #root()} ({@code benchmarks/target/bench-data} by default). A set is built in a temporary
 * directory next to it, marked complete, then renamed into place, so an interrupted build is never reused; a
 * complete set is reused by later runs and forks as long as it still passes the caller's check.
 */
final class BenchData {

    /** Overrides where the inputs are kept: {@code -Dvhdkit.bench.data=/some/dir}. */
    static final String DIR_PROPERTY = "vhdkit.bench.data";
    /** Written last into a finished input directory. */
    static final String COMPLETE_MARKER = ".complete";

    private static final int SECTOR = 512;

    private BenchData() {
    }

    /** Builds the files of an input set into an empty directory. */
    interface Builder {
        void build(Path dir) throws IOException;
    }

    /** Tells whether an existing, complete input set is still the one wanted. */
    interface Check {
        boolean ok(Path dir) throws IOException;
    }

    /**
     * The input root: {@code -Dvhdkit.bench.data} if set, else {@code bench-data} in the {@code target} directory
     * holding this code (benchmarks.jar or classes/), else {@code benchmarks/target/bench-data} under the working
     * directory.
     */
    static Path root() throws IOException {
        String configured = System.getProperty(DIR_PROPERTY);
        Path root = configured != null && !configured.isBlank() ? Path.of(configured) : defaultRoot();
        root = root.toAbsolutePath().normalize();
        Files.createDirectories(root);
        return root;
    }

    private static Path defaultRoot() {
        try {
            Path code = Path.of(BenchData.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = code.getParent();
            if (target != null && target.getFileName() != null && target.getFileName().toString().equals("target")) {
                return target.resolve("bench-data");
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the working directory
        }
        return Path.of("benchmarks", "target", "bench-data");
    }

    /**
     * The input directory {@code name} under {@link #root()}: reused when it is complete and passes {@code check},
     * else (re)built with {@code builder}.
     */
    static Path prepare(String name, Builder builder, Check check) throws IOException {
        Path root = root();
        Path dir = root.resolve(name);
        if (Files.isRegularFile(dir.resolve(COMPLETE_MARKER)) && check.ok(dir)) {
            log("reusing " + dir);
            return dir;
        }
        if (Files.exists(dir)) {
            log("discarding stale or incomplete " + dir);
            deleteTree(root, dir);
        }
        Path tmp = Files.createTempDirectory(root, name + ".tmp-");
        try {
            long start = System.nanoTime();
            log("building " + dir + " (in " + tmp.getFileName() + ")");
            builder.build(tmp);
            if (!check.ok(tmp)) {
                throw new IllegalStateException("the freshly built inputs in " + tmp + " fail their own check");
            }
            Files.writeString(tmp.resolve(COMPLETE_MARKER), "built by " + BenchData.class.getName() + "\n");
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                Files.move(tmp, dir);
            }
            log(String.format("built %s in %.1f s", dir, (System.nanoTime() - start) / 1e9));
            return dir;
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(root, tmp);
            }
        }
    }

    /** Deletes a directory tree inside {@link #root()} (a build's scratch space). */
    static void deleteTree(Path dir) throws IOException {
        deleteTree(root(), dir.toAbsolutePath().normalize());
    }

    private static void deleteTree(Path root, Path dir) throws IOException {
        if (!dir.toAbsolutePath().normalize().startsWith(root) || dir.equals(root)) {
            throw new IllegalStateException("refusing to delete " + dir + ", which is not inside " + root);
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Writes {@code size} bytes (a multiple of 512) of seeded random data to a new file. The first byte of every
     * 512-byte sector is made odd, so no sector - and so no block of any size qemu-img may test - is all zeros.
     */
    static void writeRandom(Path file, long size, long seed) throws IOException {
        if (size <= 0 || size % SECTOR != 0) {
            throw new IllegalArgumentException("size " + size + " is not a positive multiple of " + SECTOR);
        }
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(buf.capacity(), left);
                buf.clear();
                for (int i = 0; i < n; i += Long.BYTES) {
                    buf.putLong(i, random.nextLong());
                }
                for (int s = 0; s < n; s += SECTOR) {
                    buf.put(s, (byte) (buf.get(s) | 1));
                }
                buf.limit(n);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                left -= n;
            }
        }
    }

    /** Writes seeded random bytes at {@code offset} of an existing file, leaving everything else untouched. */
    static void writeRandomAt(Path file, long offset, int length, long seed) throws IOException {
        byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        for (int s = 0; s < length; s += SECTOR) {
            bytes[s] |= 1;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long pos = offset;
            while (b.hasRemaining()) {
                pos += ch.write(b, pos);
            }
        }
    }

    /** Reads the whole file once so that it sits in the page cache; returns the bytes read. */
    static long warm(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20);
        long total = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long pos = 0; ; ) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n < 0) {
                    break;
                }
                pos += n;
                total += n;
            }
        }
        return total;
    }

    /** {@code qemu-img --version}'s first line; fails with a clear message when qemu-img cannot be run. */
    static String requireQemuImg() throws IOException {
        return requireTool("qemu-img", "qemu-utils", "--version");
    }

    /**
     * The first line {@code tool versionArgs...} prints; fails with a message naming the Debian package when the
     * tool cannot be found or run.
     */
    static String requireTool(String tool, String debianPackage, String... versionArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(tool(tool, debianPackage));
        command.addAll(List.of(versionArgs));
        String out = exec(command, Map.of(), debianPackage).output();
        return out.lines().filter(l -> !l.isBlank()).findFirst().orElse(tool).trim();
    }

    /**
     * The path of the tool to run: the first {@code name} on PATH, else {@code /usr/sbin/name} or {@code /sbin/name}
     * (mkfs and partitioning tools live there, outside a normal user's PATH on Debian).
     *
     * @throws IllegalStateException naming the Debian package when the tool is nowhere
     */
    static String tool(String name, String debianPackage) {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                if (!d.isEmpty()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        dirs.add(Path.of("/usr/sbin"));
        dirs.add(Path.of("/sbin"));
        for (Path d : dirs) {
            Path candidate = d.resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " is missing: it is on neither PATH nor /usr/sbin. The benchmark "
                + "inputs are made with it: install it (Debian/Ubuntu: apt-get install " + debianPackage + ").");
    }

    /** Converts a raw image to a dynamic VHD whose virtual size is exactly the raw file's size. */
    static void convertToDynamicVhd(Path raw, Path vhd) throws IOException {
        run(List.of("qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o", "subformat=dynamic,force_size=on",
                raw.toString(), vhd.toString()));
    }

    /** Converts a raw image to a fixed VHD whose virtual size is exactly the raw file's size. */
    static void convertToFixedVhd(Path raw, Path vhd) throws IOException {
        run(List.of("qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o", "subformat=fixed,force_size=on",
                raw.toString(), vhd.toString()));
    }

    private static String run(List<String> command) throws IOException {
        return run(command, Map.of(), "qemu-utils");
    }

    /**
     * Runs a tool to completion and returns its output (stdout and stderr); fails with the output when it exits
     * with a non-zero code.
     *
     * @param env           variables added to the environment
     * @param debianPackage named in the message when the tool cannot be started
     */
    static String run(List<String> command, Map<String, String> env, String debianPackage) throws IOException {
        Result r = exec(command, env, debianPackage);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + r.exitCode()
                    + ":\n" + r.output());
        }
        return r.output();
    }

    /** What a tool printed (stdout and stderr) and its exit code. */
    record Result(int exitCode, String output) {
    }

    /** Runs a tool to completion, whatever its exit code. */
    static Result exec(List<String> command, Map<String, String> env, String debianPackage) throws IOException {
        Process process;
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + " (" + e.getMessage() + "). The "
                    + "benchmark inputs are made with it: install it (Debian/Ubuntu: apt-get install "
                    + debianPackage + ") and make sure it is on PATH.", e);
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            return new Result(process.waitFor(), output);
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Closes every non-null resource, even when one fails. */
    static void closeAll(Closeable... resources) throws IOException {
        IOException first = null;
        for (Closeable c : resources) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Setup progress goes to stderr, which JMH shows next to the iteration lines. */
    static void log(String message) {
        System.err.println("[bench-data] " + message);
    }
}
