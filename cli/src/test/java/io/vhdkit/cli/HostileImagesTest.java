package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile images end to end: structure-aware mutants of every fixture kind (see {@link Mutator}) through
 * {@code vhdkit validate} under {@code -Xmx256m}. Every run must end with exit 0 or 1 and a report, never an internal
 * error, a stack trace, exit 3 or a hang. Thousands of mutants run in one child JVM ({@link MutantBatch}), and a
 * sample through separate {@code java -Xmx256m} processes running {@link Main} (what {@code ./vhdkit} and
 * {@code java -jar cli/target/vhdkit.jar} run).
 *
 * <p>Knobs (system properties or environment variables): {@code vhdkit.hostile.scale} /
 * {@code VHDKIT_HOSTILE_SCALE} multiplies the number of mutants (default 0.5: 1,190 mutants, about 45 s of CPU;
 * scale 1 is 2,380); {@code vhdkit.hostile.seed} / {@code VHDKIT_HOSTILE_SEED} picks other mutants (default: fixed, so that CI runs the same ones);
 * {@code vhdkit.hostile.processes} / {@code VHDKIT_HOSTILE_PROCESSES} is the size of the process sample (default 12).
 * A longer run: {@code VHDKIT_HOSTILE_SCALE=10 VHDKIT_HOSTILE_SEED=$RANDOM ./mvnw -B -pl cli -am verify
 * -Dtest=HostileImagesTest -Dsurefire.failIfNoSpecifiedTests=false}. The figures of the last run are written to
 * {@code cli/target/hostile/summary.txt}, each mutant's outcome to {@code results.tsv} beside it.
 */
class HostileImagesTest {

    /** A fixture image and how many mutants it gets per unit of scale. */
    record Base(String corpus, String file, boolean wrap, int weight, String... parents) {
        Path path() {
            return Fixtures.file(corpus, file);
        }

        String label() {
            return corpus + "/" + file;
        }
    }

    static final List<Base> BASES = List.of(
            new Base("vhd", "fixed.vhd", false, 60),
            new Base("vhd", "dynamic.vhd", false, 150),
            new Base("vhd", "dynamic-odd.vhd", false, 40),
            new Base("vhd", "diff/relative/child.vhd", false, 100, "diff/parents/base.vhd"),
            new Base("vhdx", "small.vhdx", false, 80),
            new Base("vhdx", "dynamic-1m.vhdx", false, 60),
            new Base("partition", "gpt-many.img", true, 100),
            new Base("partition", "mbr-logical.img", true, 80),
            new Base("lvm", "debian-lvm.vhd", false, 120),
            new Base("ext", "ext4.img", true, 200),
            new Base("ext", "ext3.img", true, 60),
            new Base("ext", "ext4-1k-inline.img", true, 60),
            new Base("ext", "ext4-metabg.img", true, 40),
            new Base("xfs", "v4.img", true, 150),
            new Base("xfs", "v5-ci.img", true, 80),
            new Base("fat", "fat12.img", true, 40),
            new Base("fat", "fat16.img", true, 60),
            new Base("fat", "fat32.img", true, 60),
            new Base("ntfs", "c512.img", true, 150),
            new Base("windows-disk", "generalized.vhd", false, 450),
            new Base("windows-disk", "dirty.vhd", false, 120),
            new Base("linux-validate", "deprovisioned.vhd", false, 120));

    /** One run may take this long (the slowest good image validates in about 2 s on a loaded 2-core machine). */
    static final long TIMEOUT_MS = 20_000;

    @TempDir
    Path tmp;

    static double scale() {
        return Double.parseDouble(knob("vhdkit.hostile.scale", "VHDKIT_HOSTILE_SCALE", "0.5"));
    }

    static long seed() {
        return Long.parseLong(knob("vhdkit.hostile.seed", "VHDKIT_HOSTILE_SEED", "20261122"));
    }

    static String knob(String property, String env, String dflt) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? dflt : v.strip();
    }

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    static Path reportDir() throws IOException {
        return Files.createDirectories(Fixtures.root().resolve("cli/target/hostile"));
    }

    @Test
    void thousandsOfMutantsInOneJvm() throws Exception {
        double scale = scale();
        long seed = seed();
        Path plan = tmp.resolve("plan.tsv");
        Map<String, Integer> planned = new LinkedHashMap<>();
        StringBuilder structures = new StringBuilder();
        Files.writeString(reportDir().resolve("classpath.txt"), System.getProperty("java.class.path"));
        int total = writePlan(plan, scale, seed, planned, structures);
        Path results = reportDir().resolve("results.tsv");
        Path work = Files.createDirectories(tmp.resolve("work"));
        long start = System.nanoTime();
        Process child = new ProcessBuilder(java().toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                MutantBatch.class.getName(), plan.toString(), results.toString(), work.toString(),
                String.valueOf(TIMEOUT_MS))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("batch.log").toFile()).start();
        long limit = (long) (10 * 60 * Math.max(1, scale));
        if (!child.waitFor(limit, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("the batch did not finish within " + limit + " s: " + Files.readString(tmp.resolve("batch.log")));
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertEquals(0, child.exitValue(), Files.readString(tmp.resolve("batch.log")));

        List<String> lines = Files.readAllLines(results);
        Map<String, Integer> verdicts = new TreeMap<>();
        List<String> bad = new ArrayList<>();
        long slowest = 0;
        String slowestName = "";
        for (String line : lines) {
            if (line.startsWith("#")) {
                bad.add(line);
                continue;
            }
            String[] f = line.split("\t", 5);
            verdicts.merge(f[3], 1, Integer::sum);
            if (!f[3].equals("ok")) {
                bad.add(line);
            }
            long ms = Long.parseLong(f[2]);
            if (ms > slowest) {
                slowest = ms;
                slowestName = f[0];
            }
        }
        String summary = String.format(Locale.ROOT, "hostile images: %d mutants (%d planned, scale %s, seed %d) in "
                        + "one -Xmx256m JVM in %d s; verdicts %s; slowest %d ms (%s)%nper image: %s%n",
                lines.size(), total, scale, seed, seconds, verdicts, slowest, slowestName, planned);
        Files.writeString(reportDir().resolve("summary.txt"), summary + "structures found:\n" + structures,
                StandardCharsets.UTF_8);
        System.out.print(summary);
        Path failures = results.resolveSibling("failures.tsv");
        if (Files.exists(failures)) {   // ready to append to src/test/resources/hostile/regressions.tsv
            StringBuilder keep = new StringBuilder();
            for (String f : Files.readAllLines(failures)) {
                String[] parts = f.split("\t", 2);
                String label = BASES.stream().filter(b -> b.path().toString().equals(parts[0])).map(Base::label)
                        .findFirst().orElse(parts[0]);
                keep.append(label).append('\t').append(parts[1]).append('\n');
            }
            Files.writeString(reportDir().resolve("new-regressions.tsv"), keep);
        }
        assertEquals(total, lines.size(), "every mutant ran: " + summary);
        assertTrue(bad.isEmpty(), bad.size() + " mutants failed (exit 3, crash, hang; whole lines in "
                + "cli/target/hostile/new-regressions.tsv):\n"
                + String.join("\n", bad.subList(0, Math.min(40, bad.size()))));
    }

    /** Writes the mutants of every base, and the regression mutants, to a {@link MutantBatch} plan. */
    static int writePlan(Path plan, double scale, long seed, Map<String, Integer> planned, StringBuilder structures)
            throws IOException {
        StringBuilder p = new StringBuilder();
        int total = 0;
        for (Base b : BASES) {
            int n = (int) Math.max(1, Math.round(b.weight() * scale));
            Map<String, Integer> census = new TreeMap<>();
            List<Mutant> ms = Mutator.mutants(b.path(), b.label(), n, seed ^ b.label().hashCode(), census);
            structures.append(b.label()).append(": ").append(census).append('\n');
            p.append("#base\t").append(b.path()).append('\t').append(b.wrap() ? 1 : 0);
            for (String parent : b.parents()) {
                p.append('\t').append(Fixtures.file(b.corpus(), parent));
            }
            p.append('\n');
            ms.forEach(m -> p.append(m.encode()).append('\n'));
            planned.put(b.label(), ms.size());
            total += ms.size();
        }
        for (String line : regressions()) {   // crashes found earlier, kept by name
            String[] f = line.split("\t", 2);
            Base b = BASES.stream().filter(x -> x.label().equals(f[0])).findFirst().orElseThrow();
            p.append("#base\t").append(b.path()).append('\t').append(b.wrap() ? 1 : 0);
            for (String parent : b.parents()) {
                p.append('\t').append(Fixtures.file(b.corpus(), parent));
            }
            p.append('\n').append(f[1]).append('\n');
            total++;
        }
        Files.writeString(plan, p);
        return total;
    }

    /** Writes a plan outside JUnit, for a long campaign: {@code HostileImagesTest PLAN SCALE SEED}. */
    public static void main(String[] args) throws IOException {
        StringBuilder structures = new StringBuilder();
        int n = writePlan(Path.of(args[0]), Double.parseDouble(args[1]), Long.parseLong(args[2]),
                new LinkedHashMap<>(), structures);
        System.out.print(structures);
        System.out.println(n + " mutants");
    }

    /** Regression mutants: {@code BASE-LABEL<TAB>MUTANT-LINE}, from {@code hostile/regressions.tsv}. */
    static List<String> regressions() throws IOException {
        try (var in = HostileImagesTest.class.getResourceAsStream("/hostile/regressions.tsv")) {
            if (in == null) {
                return List.of();
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        }
    }

    /** A sample through real processes: {@code java -Xmx256m -cp ... io.vhdkit.cli.Main validate MUTANT}. */
    @Test
    void sampleThroughSeparateProcesses() throws Exception {
        int count = Integer.parseInt(knob("vhdkit.hostile.processes", "VHDKIT_HOSTILE_PROCESSES", "12"));
        Random rnd = new Random(seed());
        List<Base> small = BASES.stream().filter(b -> !b.corpus().equals("linux-validate")
                && !b.corpus().equals("lvm")).toList();
        List<String> bad = new ArrayList<>();
        int ran = 0;
        for (int i = 0; i < count; i++) {
            Base b = small.get(i % small.size());
            Mutant m = Mutator.mutants(b.path(), b.label(), 1, rnd.nextLong()).get(0);
            Path dir = Files.createDirectories(tmp.resolve("p" + i));
            Path copy = dir.resolve(b.path().getFileName() + (b.wrap() ? ".vhd" : ""));
            byte[] footer = b.wrap() ? io.vhdkit.vhd.VhdFooter.fixed(Files.size(b.path()),
                    java.util.UUID.randomUUID(), 0).encode() : null;
            long length = m.truncate() >= 0 ? m.truncate() : Files.size(b.path());
            MutantBatch.sparseCopy(b.path(), copy, length, footer);
            for (String parent : b.parents()) {
                Path pp = Fixtures.file(b.corpus(), parent);
                MutantBatch.sparseCopy(pp, dir.resolve(pp.getFileName()), Files.size(pp), null);
            }
            MutantBatch.apply(copy, m.patches());
            Process proc = new ProcessBuilder(java().toString(), "-Xmx256m", "-cp",
                    System.getProperty("java.class.path"), Main.class.getName(), "validate", copy.toString())
                    .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile()).start();
            boolean done = proc.waitFor(60, TimeUnit.SECONDS);
            ran++;
            String err = Files.readString(dir.resolve("err"));
            String out = Files.readString(dir.resolve("out"));
            if (!done) {
                proc.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                bad.add(m.name() + ": hang");
            } else if (proc.exitValue() > 1 || err.contains("internal error") || err.contains("\tat ")
                    || (out.isBlank() && err.isBlank())) {
                bad.add(m.name() + ": exit " + proc.exitValue() + ": " + err);
            }
            deleteTree(dir);
        }
        Files.writeString(reportDir().resolve("processes.txt"), "hostile images: " + ran
                + " mutants through separate -Xmx256m processes, " + bad.size() + " failed\n");
        assertTrue(bad.isEmpty(), String.join("\n", bad));
    }

    static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
