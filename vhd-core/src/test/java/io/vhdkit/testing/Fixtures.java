package io.vhdkit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The test images built by real tools at test time: each {@code fixtures/NAME/build.sh} (for example
 * {@code fixtures/vhd}: qemu-img, our differencing-VHD generator checked against libvhdi) writes its corpus under
 * {@code target/fixtures/NAME} of the project root. A corpus is built once and rebuilt when its recipe changes. A
 * missing tool fails the build loudly, never skips a test.
 */
public final class Fixtures {

    private static final long BUILD_TIMEOUT_MINUTES = 20;   // linux-validate runs apt in a chroot: 4-6 min on a slow mirror
    private static final Map<String, Path> BUILT = new HashMap<>();

    private Fixtures() {
    }

    /** The project root: the {@code vhdkit.root} system property (set by the build), else found from here upwards. */
    public static Path root() {
        String prop = System.getProperty("vhdkit.root");
        if (prop != null && !prop.isBlank() && Files.isRegularFile(Path.of(prop, "mvnw"))) {
            return Path.of(prop).toAbsolutePath();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the project root (no mvnw above " + Path.of("").toAbsolutePath() + ")");
        }
        return dir;
    }

    /**
     * The directory of a fixture corpus, built on first use by {@code fixtures/NAME/build.sh} into
     * {@code target/fixtures/NAME}.
     */
    public static synchronized Path dir(String name) {
        Path built = BUILT.get(name);
        if (built == null) {
            Path recipe = root().resolve("fixtures").resolve(name);
            Map<String, String> env = new HashMap<>();
            for (String dep : dependencies(recipe)) {
                env.put("FIXTURE_" + dep.toUpperCase(Locale.ROOT).replace('-', '_'), dir(dep).toString());
            }
            built = build(recipe, root().resolve("target/fixtures").resolve(name), env);
            BUILT.put(name, built);
        }
        return built;
    }

    /** The corpora a recipe builds on, one name a line in its {@code DEPENDS} file. */
    private static List<String> dependencies(Path recipe) {
        Path deps = recipe.resolve("DEPENDS");
        try {
            return Files.isRegularFile(deps) ? Files.readAllLines(deps).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of a corpus, which must exist. */
    public static Path file(String corpus, String relative) {
        Path p = dir(corpus).resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("fixture " + p + " was not built: see fixtures/" + corpus + "/README.md");
        }
        return p;
    }

    /** The directory of VHD fixtures, built on first use. */
    public static Path vhd() {
        return dir("vhd");
    }

    /** A file of the VHD corpus, which must exist. */
    public static Path vhd(String relative) {
        return file("vhd", relative);
    }

    /**
     * Runs {@code recipe/build.sh out} unless {@code out/.complete} records the hash of the recipe's files and of
     * the corpora it depends on (passed to it as {@code FIXTURE_<NAME>} environment variables). A file lock keeps
     * concurrent test JVMs from building twice.
     */
    static Path build(Path recipe, Path out, Map<String, String> env) {
        try {
            Files.createDirectories(out.getParent());
            String hash = hash(recipe);
            for (String dep : new java.util.TreeMap<>(env).values()) {
                hash = hash + "+" + stampOf(Path.of(dep));
            }
            Path stamp = out.resolve(".complete");
            Path lockFile = out.getParent().resolve(out.getFileName() + ".lock");
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                if (Files.isRegularFile(stamp) && Files.readString(stamp).contains(hash)) {
                    return out;
                }
                Path log = out.getParent().resolve(out.getFileName() + ".log");
                ProcessBuilder pb = new ProcessBuilder("bash", recipe.resolve("build.sh").toString(), out.toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("fixture recipe " + recipe + " timed out; log: " + log);
                }
                if (p.exitValue() != 0 || !Files.isRegularFile(stamp)) {
                    throw new IllegalStateException("fixture recipe " + recipe + " failed (exit " + p.exitValue()
                            + "):\n" + tail(log));
                }
                Files.writeString(stamp, hash + "\n", StandardOpenOption.APPEND);
                return out;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The hash line a built corpus's stamp records. */
    private static String stampOf(Path built) throws IOException {
        List<String> lines = Files.readAllLines(built.resolve(".complete"));
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /**
     * The recipe's own files, the helpers all recipes share ({@code fixtures/lib.sh}) and the files of other recipes
     * it names in its {@code SOURCES} file.
     */
    private static String hash(Path recipe) throws IOException {
        try (Stream<Path> files = Files.list(recipe)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Path> inputs = new java.util.ArrayList<>(files.filter(Files::isRegularFile).sorted().toList());
            Path shared = recipe.getParent().resolve("lib.sh");
            if (Files.isRegularFile(shared)) {
                inputs.add(shared);
            }
            // files of other recipes this one uses, one path relative to fixtures/ a line
            Path sources = recipe.resolve("SOURCES");
            if (Files.isRegularFile(sources)) {
                for (String line : Files.readAllLines(sources)) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        inputs.add(recipe.getParent().resolve(line.strip()));
                    }
                }
            }
            for (Path f : inputs) {
                md.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
