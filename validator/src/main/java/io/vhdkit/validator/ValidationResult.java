package io.vhdkit.validator;

import io.vhdkit.check.Severity;
import java.nio.file.Path;
import java.util.List;

/**
 * The verdict on one image.
 *
 * @param image     the path given
 * @param profile   the profile it was checked against
 * @param os        the OS found
 * @param osState   generalized, specialized or unknown
 * @param findings  what the rules found, errors first
 * @param rulesRun  the ids of the rules that ran (for JUnit and SARIF: a rule that ran and found nothing passed)
 * @param bytesRead bytes read from the image
 * @param millis    time taken
 * @param role      the disk's place in an image manifest, or null when validated on its own
 */
public record ValidationResult(Path image, Profile profile, OsInfo os, OsState osState, List<RuleFinding> findings,
                               List<String> rulesRun, long bytesRead, long millis, DiskRole role) {

    public ValidationResult {
        findings = List.copyOf(findings);
        rulesRun = List.copyOf(rulesRun);
    }

    /** A disk validated on its own. */
    public ValidationResult(Path image, Profile profile, OsInfo os, OsState osState, List<RuleFinding> findings,
                            List<String> rulesRun, long bytesRead, long millis) {
        this(image, profile, os, osState, findings, rulesRun, bytesRead, millis, null);
    }

    /** The same result for a disk of an image manifest, with the manifest's own findings and rules added. */
    public ValidationResult inSet(DiskRole diskRole, List<RuleFinding> more, List<String> moreRulesRun) {
        List<RuleFinding> all = new java.util.ArrayList<>(findings);
        all.addAll(more);
        all.sort(java.util.Comparator.comparing(RuleFinding::severity));
        List<String> ran = new java.util.ArrayList<>(rulesRun);
        ran.addAll(moreRulesRun);
        return new ValidationResult(image, profile, os, osState, all, ran, bytesRead, millis, diskRole);
    }

    /** The same result reported under another name (a compressed image's, validated through its plain copy). */
    public ValidationResult withImage(Path shownAs) {
        return new ValidationResult(shownAs, profile, os, osState, findings, rulesRun, bytesRead, millis, role);
    }

    /** Pass unless there is an error finding; warnings are allowed. */
    public boolean passed() {
        return findings.stream().noneMatch(f -> f.severity() == Severity.ERROR);
    }

    public String verdict() {
        return passed() ? "pass" : "fail";
    }
}
