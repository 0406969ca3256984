package io.vhdkit.cli;

import io.vhdkit.io.Extent;
import io.vhdkit.io.SparseFiles;
import io.vhdkit.vhd.VhdFooter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs {@code vhdkit validate} (and {@code vhdkit ls -l IMAGE /}) over many mutants in one JVM (started by {@link HostileImagesTest} with
 * {@code -Xmx256m}), as {@link Main} runs it: the picocli command line with vhdkit's exit codes and error handler,
 * its output captured. Each mutant is applied to one sparse working copy of its image and undone after the run, so a
 * thousand mutants of a 1.6 GB disk cost a thousand small writes, not a thousand copies; a truncation gets its own
 * sparse copy of the prefix. Each run has a time limit; a run that exceeds it is recorded as a hang.
 *
 * <p>Plan file: a line {@code #base<TAB>PATH<TAB>WRAP[<TAB>PARENT...]} starts an image ({@code WRAP} 1 for a raw
 * filesystem or disk image, which gets a fixed VHD footer so that validation reads inside it; the parents of a
 * differencing disk are copied beside it), followed by {@link Mutant#encode()}
 * lines. Result file: a line per mutant, {@code name<TAB>exit<TAB>millis<TAB>verdict<TAB>detail}, where verdict is
 * {@code ok} (exit 0 or 1, something printed, no internal error) or {@code hang}, {@code crash} or {@code bad-exit}.
 * The failing mutants are also written whole to {@code failures.tsv} beside it ({@code BASE-PATH<TAB>MUTANT-LINE}).
 *
 * <p>Usage: {@code MutantBatch PLAN RESULTS WORKDIR TIMEOUT_MS}.
 */
public final class MutantBatch {

    private MutantBatch() {
    }

    public static void main(String[] args) throws Exception {
        Path plan = Path.of(args[0]);
        Path results = Path.of(args[1]);
        Path work = Path.of(args[2]);
        long timeout = Long.parseLong(args[3]);
        int hangs = 0;
        int bases = 0;
        Path failuresFile = results.resolveSibling("failures.tsv");
        try (BufferedReader in = Files.newBufferedReader(plan); Writer out = Files.newBufferedWriter(results);
             Writer failures = Files.newBufferedWriter(failuresFile)) {
            Path base = null;
            Path copy = null;
            byte[] footer = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("#base\t")) {
                    String[] f = line.split("\t");
                    base = Path.of(f[1]);
                    footer = f[2].equals("1") ? VhdFooter.fixed(Files.size(base), UUID.nameUUIDFromBytes(
                            f[1].getBytes(StandardCharsets.UTF_8)), 0).encode() : null;
                    if (copy != null) {
                        Files.deleteIfExists(copy);
                    }
                    Path dir = Files.createDirectories(work.resolve("base" + (++bases)));
                    copy = dir.resolve(base.getFileName() + (footer != null ? ".vhd" : ""));
                    sparseCopy(base, copy, Files.size(base), footer);
                    for (int k = 3; k < f.length; k++) {   // a differencing disk's parents, beside it
                        Path parent = Path.of(f[k]);
                        sparseCopy(parent, dir.resolve(parent.getFileName()), Files.size(parent), null);
                    }
                    continue;
                }
                Mutant m = Mutant.decode(line);
                Outcome o;
                if (m.truncate() >= 0) {
                    Path cut = copy.resolveSibling("cut-" + copy.getFileName());
                    sparseCopy(base, cut, Math.min(m.truncate(), Files.size(base)), footer);
                    o = runBoth(cut, timeout);
                    if (!o.verdict.equals("hang")) {
                        Files.deleteIfExists(cut);
                    }
                } else {
                    List<Mutant.Patch> undo = apply(copy, m.patches());
                    o = runBoth(copy, timeout);
                    apply(copy, undo);
                }
                out.write(m.name() + "\t" + o.exit + "\t" + o.millis + "\t" + o.verdict + "\t"
                        + o.detail.replaceAll("[\t\r\n]+", " | ") + "\n");
                out.flush();
                if (!o.verdict.equals("ok")) {   // the base and the whole mutant, to keep as a regression case
                    failures.write(base + "\t" + line + "\n");
                    failures.flush();
                }
                if (o.verdict.equals("hang") && ++hangs >= 3) {
                    out.write("#aborted after 3 hangs\n");
                    break;
                }
            }
            if (copy != null) {
                Files.deleteIfExists(copy);
            }
        }
        System.exit(0);   // hung runs may still hold threads
    }

    /** Writes the patches and returns the patches that undo them. */
    static List<Mutant.Patch> apply(Path file, List<Mutant.Patch> patches) throws IOException {
        List<Mutant.Patch> undo = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (Mutant.Patch p : patches) {
                ByteBuffer old = ByteBuffer.allocate(p.bytes().length);
                ch.read(old, p.offset());
                undo.add(0, new Mutant.Patch(p.offset(), old.array()));
                ch.write(ByteBuffer.wrap(p.bytes()), p.offset());
            }
        }
        return undo;
    }

    /** Copies the data of {@code [0, length)} of {@code from}, leaving holes as holes, then appends {@code tail}. */
    static void sparseCopy(Path from, Path to, long length, byte[] tail) throws IOException {
        Files.deleteIfExists(to);
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (Extent e : SparseFiles.dataExtents(from, 0, length)) {
                long pos = e.offset();
                long end = e.offset() + e.length();
                while (pos < end) {
                    long n = in.transferTo(pos, end - pos, out.position(pos));
                    if (n <= 0) {
                        break;
                    }
                    pos += n;
                }
            }
            if (tail != null) {
                out.write(ByteBuffer.wrap(tail), length);
            } else if (out.size() < length) {
                out.write(ByteBuffer.allocate(1), length - 1);   // the tail is a hole: one zero byte sets the size
            }
        }
    }

    record Outcome(int exit, long millis, String verdict, String detail) {
    }

    /** {@code vhdkit validate FILE}, then {@code vhdkit ls -l FILE /} (which stats every entry of the root). */
    static Outcome runBoth(Path file, long timeoutMillis) {
        Outcome v = run(timeoutMillis, "validate", file.toString());
        if (!v.verdict.equals("ok")) {
            return v;
        }
        Outcome l = run(timeoutMillis, "ls", "-l", file.toString(), "/");
        if (!l.verdict.equals("ok")) {
            return new Outcome(l.exit, v.millis + l.millis, l.verdict, "ls: " + l.detail);
        }
        return new Outcome(v.exit, v.millis + l.millis, "ok", v.detail + " / ls exit " + l.exit);
    }

    /** One vhdkit command in this JVM with a time limit. */
    static Outcome run(long timeoutMillis, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        FutureTask<Integer> task = new FutureTask<>(() -> {
            return Main.run(OutputStream.nullOutputStream(), new PrintWriter(out, true), new PrintWriter(err, true),
                    args);
        });
        Thread t = new Thread(task, "mutant");
        t.setDaemon(true);
        long start = System.nanoTime();
        t.start();
        try {
            int exit = task.get(timeoutMillis, TimeUnit.MILLISECONDS);
            long ms = (System.nanoTime() - start) / 1_000_000;
            String e = err.toString();
            String o = out.toString();
            boolean crash = e.contains("internal error") || e.contains("\tat ") || e.contains("Exception in");
            String verdict = crash ? "crash" : (exit == 0 || exit == 1) && !(o.isBlank() && e.isBlank()) ? "ok"
                    : "bad-exit";
            String detail = verdict.equals("ok") ? firstLine(e.isBlank() ? o : e) : e + " / " + o;
            return new Outcome(exit, ms, verdict, detail.length() > 2000 ? detail.substring(0, 2000) : detail);
        } catch (TimeoutException e) {
            StringBuilder stack = new StringBuilder();
            for (StackTraceElement s : t.getStackTrace()) {
                stack.append(s).append(" <- ");
                if (stack.length() > 1500) {
                    break;
                }
            }
            return new Outcome(-1, timeoutMillis, "hang", stack.toString());
        } catch (ExecutionException e) {
            return new Outcome(-1, (System.nanoTime() - start) / 1_000_000, "crash", String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
