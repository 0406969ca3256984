package io.vhdkit.validator;

import io.vhdkit.check.Severity;
import io.vhdkit.format.FormatException;
import io.vhdkit.validator.rules.Rules;
import java.io.IOException;
import io.vhdkit.io.SourceOpener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs the rules over an image under a profile. A rule that cannot read what it needs because a structure is
 * damaged does not stop the others: its failure becomes a warning finding saying what could not be checked.
 */
public final class Validator {

    private final List<Rule> rules;

    public Validator() {
        this(Rules.all());
    }

    public Validator(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * Validates one image.
     *
     * @throws IOException when the image cannot be read at all (missing, permission, I/O error)
     */
    public ValidationResult validate(Path image, Profile profile, Overrides overrides) throws IOException {
        return validate(image, null, profile, overrides);
    }

    /**
     * Validates the image whose bytes {@code opener} gives (a compressed image read in place), named {@code image};
     * a null {@code opener} reads the file {@code image}.
     */
    public ValidationResult validate(Path image, SourceOpener opener, Profile profile, Overrides overrides)
            throws IOException {
        long start = System.nanoTime();
        try (ImageContext ctx = ImageContext.open(image, opener, profile)) {
            OsInfo os = ctx.os();
            List<RuleFinding> findings = new ArrayList<>();
            List<String> ran = new ArrayList<>();
            boolean specialized = false;
            for (Rule rule : rules) {
                if (overrides.disabled().contains(rule.id()) || !inScope(rule, os)) {
                    continue;
                }
                Severity severity = rule.severity(profile);
                boolean evidence = rule.specializationEvidence() && profile.expectsOs();
                if (severity == null && !evidence) {
                    continue;
                }
                List<Hit> hits;
                try {
                    hits = rule.check(ctx);
                } catch (FormatException e) {
                    hits = List.of(new Hit("could not check: " + e.getMessage(), null, Severity.WARNING, null));
                    ctx.indeterminate(rule.id() + ": " + e.getMessage());
                }
                if (evidence && hits.stream().anyMatch(h -> h.severity() != Severity.INFO)) {
                    specialized = true;
                }
                if (severity == null) {
                    continue;
                }
                ran.add(rule.id());
                for (Hit h : hits) {
                    Severity s = h.severity() != null ? h.severity() : severity;
                    if (s == Severity.ERROR && overrides.warn().contains(rule.id())) {
                        s = Severity.WARNING;
                    }
                    findings.add(new RuleFinding(rule.id(), s, h.message(), h.path(),
                            h.fix() != null ? h.fix() : rule.fix()));
                }
            }
            findings.sort(Comparator.comparing(RuleFinding::severity));
            OsState state = os.family() == OsFamily.NONE || !ctx.indeterminateReasons().isEmpty() ? OsState.UNKNOWN
                    : WindowsState.decided(ctx).orElse(specialized ? OsState.SPECIALIZED : OsState.GENERALIZED);
            return new ValidationResult(image, profile, os, state, findings, ran, ctx.bytesRead(),
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    /**
     * The operating system on an image, as validation reports it (for {@code vhdkit inspect}).
     *
     * @throws IOException when the image cannot be read, or a FormatException when a structure on the way is damaged
     */
    public static OsInfo detectOs(Path image) throws IOException {
        try (ImageContext ctx = ImageContext.open(image, Profile.AZURE_GENERALIZED)) {
            return ctx.os();
        }
    }

    private static boolean inScope(Rule rule, OsInfo os) {
        return switch (rule.scope()) {
            case CONTAINER -> true;
            case OS -> os.family() != OsFamily.NONE;
            case LINUX -> os.family() == OsFamily.LINUX;
            case WINDOWS -> os.family() == OsFamily.WINDOWS;
            case MANIFEST -> false;   // run over a whole image set, after the disks' own rules
        };
    }

    public List<Rule> rules() {
        return rules;
    }
}
