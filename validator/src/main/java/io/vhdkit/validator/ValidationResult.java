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
 */
public record ValidationResult(Path image, Profile profile, OsInfo os, OsState osState, List<RuleFinding> findings,
                               List<String> rulesRun, long bytesRead, long millis) {

    public ValidationResult {
        findings = List.copyOf(findings);
        rulesRun = List.copyOf(rulesRun);
    }

    /** Pass unless there is an error finding; warnings are allowed. */
    public boolean passed() {
        return findings.stream().noneMatch(f -> f.severity() == Severity.ERROR);
    }

    public String verdict() {
        return passed() ? "pass" : "fail";
    }
}
