package io.vhdkit.validator.rules;

import io.vhdkit.testing.Fixtures;
import io.vhdkit.validator.Overrides;
import io.vhdkit.validator.Profile;
import io.vhdkit.validator.RuleFinding;
import io.vhdkit.validator.ValidationResult;
import io.vhdkit.validator.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The images of fixtures/linux-validate (see its README), validated once per profile and kept for the tests, and the
 * facts the recipe wrote about them (kernel version, fixed identities).
 */
final class LinuxImages {

    static final String CORPUS = "linux-validate";
    private static final Map<String, ValidationResult> RESULTS = new HashMap<>();

    private LinuxImages() {
    }

    static Path dir() {
        return Fixtures.dir(CORPUS);
    }

    static Path image(String name) {
        return Fixtures.file(CORPUS, name + ".vhd");
    }

    static synchronized ValidationResult validate(String name, Profile profile) {
        return RESULTS.computeIfAbsent(name + "@" + profile.id(), k -> {
            try {
                return new Validator().validate(image(name), profile, Overrides.NONE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static ValidationResult validate(String name) {
        return validate(name, Profile.AZURE_GENERALIZED);
    }

    /** The findings of one rule. */
    static List<RuleFinding> findings(ValidationResult r, String rule) {
        return r.findings().stream().filter(f -> f.rule().equals(rule)).toList();
    }

    /** The rules with findings above info. */
    static TreeSet<String> rulesHit(ValidationResult r) {
        TreeSet<String> out = new TreeSet<>();
        r.findings().stream().filter(f -> f.severity() != io.vhdkit.check.Severity.INFO).forEach(f -> out.add(f.rule()));
        return out;
    }

    /** facts.env: KERNEL, ROOT_UUID, SWAP_UUID, MACHINE_ID, PASSWORD_USER, WAAGENT, CLOUD_INIT, INITRAMFS_TOOLS. */
    static Map<String, String> facts() {
        Map<String, String> out = new HashMap<>();
        try {
            for (String line : Files.readAllLines(dir().resolve("facts.env"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    out.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
