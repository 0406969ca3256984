package io.vhdkit.bench;

import io.vhdkit.validator.Overrides;
import io.vhdkit.validator.Profile;
import io.vhdkit.validator.ValidationResult;
import io.vhdkit.validator.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole {@code vhdkit validate} of an OS disk under azure-generalized, every rule of the profile, as the command
 * runs it (minus the JVM start and the report): the cost an engineer or a CI gate pays per image. The images are the
 * project's own corpora, built here by their recipes: {@code windows} is fixtures/windows-disk's
 * {@code big-generalized.vhd} (a 127 GiB fixed VHD, GPT, the Windows volume on NTFS with its hives), {@code linux}
 * is fixtures/linux-validate's {@code deprovisioned-127g.vhd} (a 127 GiB fixed VHD, GPT with ESP and an ext4 root:
 * Debian 12 by debootstrap with the cloud kernel, its initramfs, waagent and cloud-init from apt, deprovisioned by
 * the real tools). The setup logs what one validation finds and reads from the image. With
 * {@code -Dvhdkit.fixtures=DIR} the corpora the tests built in DIR (target/fixtures) are used when complete.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ValidateBench {

    @Param({"windows", "linux"})
    public String image;

    private Path path;
    private final Validator validator = new Validator();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        path = switch (image) {
            case "windows" -> corpus("windows-disk", Map.of()).resolve("big-generalized.vhd");
            case "linux" -> corpus("linux-validate", Map.of("FIXTURE_DEBIAN_ROOT",
                    corpus("debian-root", Map.of()).toString())).resolve("deprovisioned-127g.vhd");
            default -> throw new IllegalArgumentException("image must be windows or linux");
        };
        ValidationResult r = validator.validate(path, Profile.AZURE_GENERALIZED, Overrides.NONE);
        BenchData.log(image + ": " + r.os().name() + ", " + r.osState().label() + ", " + r.findings().size()
                + " findings, " + r.bytesRead() + " bytes read, " + Files.size(path) + "-byte file");
    }

    @Benchmark
    public ValidationResult validate() throws IOException {
        return validator.validate(path, Profile.AZURE_GENERALIZED, Overrides.NONE);
    }

    /**
     * A corpus built by its recipe ({@code fixtures/NAME/build.sh OUTDIR}, run from the repository root or found
     * through {@code vhdkit.root}), kept under the benchmark data directory for reuse.
     */
    static Path corpus(String name, Map<String, String> env) throws IOException {
        String built = System.getProperty("vhdkit.fixtures");
        if (built != null && Files.isRegularFile(Path.of(built, name, ".complete"))) {
            BenchData.log("using the corpus the tests built: " + Path.of(built, name));
            return Path.of(built, name);
        }
        Path recipe = repositoryRoot().resolve("fixtures").resolve(name).resolve("build.sh");
        if (!Files.isRegularFile(recipe)) {
            throw new IllegalStateException("no recipe " + recipe + ": run from the repository root or set "
                    + "-Dvhdkit.root=/path/to/vhdkit");
        }
        return BenchData.prepare("corpus-" + name, dir -> {
            Path out = dir.resolve("out");
            BenchData.Result result = BenchData.exec(List.of("bash", recipe.toString(), out.toString()), env,
                    "the packages fixtures/" + name + "/README.md names");
            if (result.exitCode() != 0) {
                throw new IllegalStateException(recipe + " failed:\n" + result.output());
            }
        }, dir -> Files.isRegularFile(dir.resolve("out/.complete"))).resolve("out");
    }

    private static Path repositoryRoot() {
        String configured = System.getProperty("vhdkit.root");
        return Path.of(configured != null && !configured.isBlank() ? configured : ".").toAbsolutePath().normalize();
    }
}
