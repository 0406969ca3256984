package io.vhdkit.bench;

import io.vhdkit.registry.Hive;
import io.vhdkit.registry.RegistryKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
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
 * Key lookups in a registry hive made by hivex: the tests' registry corpus (fixtures/registry, built here by its
 * recipe or taken from {@code -Dvhdkit.fixtures=target/fixtures}), hive {@code TEST} (23 MB). The hive is opened
 * once from memory ({@code Hive.open(byte[])}); one operation is one {@code Hive.key(path)}. {@code @Param path}:
 * {@code mixed} = {@code case\mixedcase\subkey} (3 names, matched case-insensitively),
 * {@code many} = {@code Many\k01999} (a key among 2,100 subkeys: an index root over lh lists), {@code deep} = 20
 * levels of {@code Deep\L001\...}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HiveLookupBench {

    @Param({"mixed", "many", "deep"})
    public String path;

    Hive hive;
    String key;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path file = ValidateBench.corpus("registry", Map.of()).resolve("TEST");
        hive = Hive.open(Files.readAllBytes(file));
        key = switch (path) {
            case "mixed" -> "case\\mixedcase\\subkey";
            case "many" -> "Many\\k01999";
            case "deep" -> {
                StringBuilder b = new StringBuilder("Deep");
                for (int i = 1; i <= 20; i++) {
                    b.append(String.format("\\L%03d", i));
                }
                yield b.toString();
            }
            default -> throw new IllegalArgumentException("path must be mixed, many or deep");
        };
        if (hive.key(key).isEmpty()) {
            throw new IllegalStateException(file + ": no key " + key);
        }
    }

    @Benchmark
    public Optional<RegistryKey> lookup() throws IOException {
        return hive.key(key);
    }
}
