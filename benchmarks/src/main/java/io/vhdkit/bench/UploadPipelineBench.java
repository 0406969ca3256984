package io.vhdkit.bench;

import io.vhdkit.upload.Target;
import io.vhdkit.upload.Targets;
import io.vhdkit.upload.UploadOptions;
import io.vhdkit.upload.UploadResult;
import io.vhdkit.upload.UploadSource;
import io.vhdkit.upload.UploadSources;
import io.vhdkit.upload.UploadStats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The upload client pipeline alone, in steady state: one operation uploads a 512 MiB fixed VHD from the page cache
 * through {@link io.vhdkit.upload.Uploader} (read, zero scan, CRC-64 of every Put Page, the SDK's request path and
 * vhdkit's HTTP transport, 8 threads) to {@code benchmarks/upload/DiscardServer.java}, which reads each body and
 * drops it. The server runs in a process of its own on the same machine, as {@code upload-vs-az.sh} runs it: on
 * this 2-core machine it takes about 0.4 s of CPU per GiB from the client.
 *
 * <p>Inputs (built once under {@code bench-data/upload-pipeline} by qemu-img, {@code -S 0} so that zeros are
 * written, not left as holes): {@code random} is 512 MiB of seeded random data, every byte sent; {@code zeros80} is
 * the same size with a random 4 MiB chunk in five, the rest zeros that are read and skipped after the zero scan;
 * {@code zeros} is all zeros, written out: only the footer is sent, so it measures the zero skipping alone.
 * MB/s of disk = 536.9 / (s per operation); the targets are 1 GB/s for non-zero data and several GB/s for
 * zeros.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx1g"})
@Warmup(iterations = 8, time = 3)   // the JIT and the server's JIT settle after about 20 s
@Measurement(iterations = 6, time = 3)
public class UploadPipelineBench {

    static final long SIZE = 512L << 20;
    private static final int CHUNK = 4 << 20;

    @Param({"random", "zeros80", "zeros"})
    public String content;

    Process server;
    Target target;
    UploadOptions options;
    Path vhd;
    Path journal;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path dir = BenchData.prepare("upload-pipeline", UploadPipelineBench::build,
                d -> isInput(d.resolve("random.vhd")) && isInput(d.resolve("zeros80.vhd"))
                        && isInput(d.resolve("zeros.vhd")));
        vhd = dir.resolve(content + ".vhd");
        BenchData.warm(vhd);
        server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                discardServer().toString(), "0")
                .redirectErrorStream(true).start();
        String endpoint = endpoint(server);
        target = Targets.open(new Targets.Spec(endpoint + "/bench/" + content + ".vhd?sv=2021-06-08&sp=rw&sig=bench",
                null, null, null, null, Targets.Auth.AUTO, false), Duration.ofSeconds(60), 8);
        journal = Files.createTempDirectory("vhdkit-bench-journal").resolve("journal");
        options = UploadOptions.defaults().withThreads(8).withResume(false, true).withJournal(journal);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (server != null) {
            server.destroy();
        }
        Files.deleteIfExists(journal);
        Files.deleteIfExists(journal.getParent());
    }

    @Benchmark
    public UploadResult upload() throws IOException, InterruptedException {
        try (UploadSource source = UploadSources.openVhd(vhd)) {
            return io.vhdkit.upload.Uploader.upload(source, target, options, new UploadStats());
        }
    }

    private static boolean isInput(Path vhd) throws IOException {
        return Files.isRegularFile(vhd) && Files.size(vhd) == SIZE + 512;
    }

    private static void build(Path dir) throws IOException {
        Path random = dir.resolve("random.raw");
        BenchData.writeRandom(random, SIZE, 20261122L);
        Path zeros = dir.resolve("zeros80.raw");
        try (RandomAccessFile f = new RandomAccessFile(zeros.toFile(), "rw")) {
            f.setLength(SIZE);
        }
        SplittableRandom pick = new SplittableRandom(5);
        for (long at = 0; at < SIZE; at += CHUNK) {
            if (pick.nextInt(5) == 0) {
                BenchData.writeRandomAt(zeros, at, CHUNK, at);
            }
        }
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("zeros.raw").toFile(), "rw")) {
            f.setLength(SIZE);
        }
        BenchData.requireQemuImg();
        for (String name : List.of("random", "zeros80", "zeros")) {
            // -S 0: the zeros are written out, so the uploader reads and scans them (no holes to skip)
            BenchData.run(List.of("qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o",
                    "subformat=fixed,force_size=on", "-S", "0", dir.resolve(name + ".raw").toString(),
                    dir.resolve(name + ".vhd").toString()), Map.of(), "qemu-utils");
            Files.delete(dir.resolve(name + ".raw"));
        }
    }

    /** benchmarks/upload/DiscardServer.java, looked for from the working directory upwards. */
    private static Path discardServer() throws IOException {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("benchmarks/upload/DiscardServer.java");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("benchmarks/upload/DiscardServer.java not found above " + Path.of("").toAbsolutePath()
                + "; run the benchmarks from the vhdkit checkout");
    }

    /** The "discard endpoint URL" line the server prints when it listens. */
    private static String endpoint(Process p) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith("discard endpoint ")) {
                return line.substring("discard endpoint ".length()).trim();
            }
        }
        throw new IOException("DiscardServer exited before listening");
    }
}
