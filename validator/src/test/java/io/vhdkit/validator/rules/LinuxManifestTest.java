package io.vhdkit.validator.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.validator.Profile;
import io.vhdkit.validator.RuleFinding;
import io.vhdkit.validator.ValidationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every image of fixtures/linux-validate against the corpus's manifest ({@code expected.tsv}): the verdict, the OS
 * state and the set of rule:severity pairs under each profile named there. Every image the recipe made is named in
 * the manifest, and every Linux rule is triggered by at least one image and absent from at least one other.
 */
class LinuxManifestTest {

    record Expected(String image, Profile profile, String verdict, String state, TreeSet<String> findings) {
    }

    static List<Expected> manifest() throws IOException {
        List<Expected> out = new ArrayList<>();
        for (String line : Files.readAllLines(LinuxImages.dir().resolve("expected.tsv"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            assertEquals(5, f.length, line);
            TreeSet<String> findings = new TreeSet<>();
            if (!f[4].equals("-")) {
                findings.addAll(List.of(f[4].split(" ")));
            }
            out.add(new Expected(f[0], Profile.fromId(f[1]).orElseThrow(), f[2], f[3], findings));
        }
        return out;
    }

    static TreeSet<String> pairs(ValidationResult r) {
        TreeSet<String> out = new TreeSet<>();
        for (RuleFinding f : r.findings()) {
            out.add(f.rule() + ":" + f.severity().label());
        }
        return out;
    }

    @Test
    void everyImageSaysWhatTheManifestSays() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Expected e : manifest()) {
            ValidationResult r = LinuxImages.validate(e.image(), e.profile());
            String got = r.verdict() + " " + r.osState().label() + " " + pairs(r);
            String want = e.verdict() + " " + e.state() + " " + e.findings();
            if (!got.equals(want)) {
                wrong.add(e.image() + " (" + e.profile() + "): expected " + want + ", got " + got + " " + r.findings());
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void theManifestNamesEveryImageAndEveryLinuxRuleBothWays() throws IOException {
        TreeSet<String> images = new TreeSet<>();
        try (Stream<Path> s = Files.list(LinuxImages.dir())) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".vhd"))
                    .forEach(n -> images.add(n.substring(0, n.length() - 4)));
        }
        List<Expected> m = manifest();
        assertEquals(images, new TreeSet<>(m.stream().map(Expected::image).toList()));
        for (var rule : Rules.all()) {
            if (!rule.id().startsWith("linux/")) {
                continue;
            }
            String id = rule.id();
            assertTrue(m.stream().anyMatch(e -> e.findings().stream().anyMatch(f -> f.startsWith(id + ":")
                    && !f.endsWith(":info"))), id + " is triggered by no image");
            assertTrue(m.stream().anyMatch(e -> e.profile() == Profile.AZURE_GENERALIZED
                    && e.findings().stream().noneMatch(f -> f.startsWith(id + ":"))), id + " passes on no image");
        }
    }
}
