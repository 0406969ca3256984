package io.vhdkit.validator.report;

import io.vhdkit.check.Severity;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.validator.OsFamily;
import io.vhdkit.validator.OsInfo;
import io.vhdkit.validator.OsState;
import io.vhdkit.validator.Overrides;
import io.vhdkit.validator.Profile;
import io.vhdkit.validator.Rule;
import io.vhdkit.validator.RuleFinding;
import io.vhdkit.validator.ValidationResult;
import io.vhdkit.validator.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invocations the report tests render: the real Validator on real fixture images, and one result built by hand
 * with every hostile string a report must survive. Volatile fields are normalized so that the reports can be
 * compared with golden files: image paths become relative to the project root, bytes read and time become 0, and
 * the invocation has fixed start and end times.
 */
final class ReportCases {

    static final Instant START = Instant.parse("2026-01-02T03:04:05.678Z");
    static final Instant END = START.plusMillis(1500);

    /**
     * The rules the golden files are made with: the container and OS rules. The Linux and Windows rules are left out
     * so that adding one does not rewrite every golden file (the schema and structure tests run all of them).
     */
    static List<Rule> goldenRules() {
        return new Validator().rules().stream().filter(r -> r.id().startsWith("vhd/") || r.id().startsWith("os/"))
                .toList();
    }

    /**
     * One invocation: its results, the images that could not be read, and what the command line had.
     *
     * @param name the golden files' base name
     */
    record Case(String name, Profile profile, Overrides overrides, List<ValidationResult> results,
                Map<Path, String> unreadable) {

        int exitCode() {
            if (!unreadable.isEmpty()) {
                return 3;
            }
            return results.stream().allMatch(ValidationResult::passed) ? 0 : 1;
        }

        SarifReport.Invocation invocation() {
            return new SarifReport.Invocation(profile, overrides, unreadable, exitCode(), START, END);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** OS disks under azure-generalized: a blank fixed VHD, a dynamic one, and a whole Debian disk. */
    static Case osDisks(Validator validator) {
        return run(validator, "os-disks", Profile.AZURE_GENERALIZED, Overrides.NONE,
                Fixtures.vhd("fixed.vhd"), Fixtures.vhd("dynamic.vhd"),
                Fixtures.file("linux-disk", "gpt-esp-boot-root.vhd"));
    }

    /**
     * Data disks under azure-data-disk with overrides: the dynamic VHD's error demoted to a warning, one rule
     * disabled, and a disk that holds an OS (a warning of its own).
     */
    static Case dataDisks(Validator validator) {
        return run(validator, "data-disks", Profile.AZURE_DATA_DISK,
                new Overrides(Set.of("vhd/size-limit"), Set.of("vhd/not-fixed")),
                Fixtures.vhd("dynamic.vhd"), Fixtures.file("linux-disk", "gpt-esp-boot-root.vhd"));
    }

    /** Every string a report must carry safely, and an image that could not be read. */
    static Case hostile() {
        return hostile(true);
    }

    /**
     * @param loneSurrogates whether the strings include unpaired surrogates (possible in NTFS names), which the JSON
     *                       report cannot carry yet: it writes them raw, and UTF-8 cannot encode them
     */
    static Case hostile(boolean loneSurrogates) {
        String controls = "ctl[\u0000\u0001\u0008\u000B\u000C\u001B\u001F\u007F\u0085\u009F]";
        String xml = "xml[<tag attr=\"v\" other='w'>&amp; ]]> --> <!-- <![CDATA[x]]>]";
        String space = "ws[a\tb\nc\r\nd\re  ]";
        String unicode = "uni[é ß 中文 😀 " + (loneSurrogates ? "\uD800 lone-high \uDC00 lone-low " : "")
                + "\uFFFE\uFFFF \u2028\u2029 \uFEFF]";
        String path = "/etc/" + controls + "/" + xml + "/" + space + "/" + unicode;
        List<RuleFinding> findings = List.of(
                new RuleFinding("linux/hostile", Severity.ERROR, "first error: " + xml, path, "fix it: " + controls),
                new RuleFinding("linux/hostile", Severity.ERROR, "second error: " + space, null, null),
                new RuleFinding("vhd/not-fixed", Severity.ERROR, "the VHD is dynamic; " + unicode, null,
                        "a fix of this hit only"),
                new RuleFinding("linux/hostile", Severity.WARNING, "a warning: " + unicode, path, "fix: " + xml),
                new RuleFinding("os/not-found", Severity.INFO, "a note: " + controls, null, null));
        OsInfo os = new OsInfo(OsFamily.LINUX, "Hostile Linux " + xml, "1 " + controls, Map.of("ID", "hostile"));
        ValidationResult r = new ValidationResult(Path.of("images", "dir with space", "ïmage:1#?%.vhd"),
                Profile.AZURE_GENERALIZED, os, OsState.SPECIALIZED, findings,
                List.of("vhd/not-vhd", "vhd/not-fixed", "linux/hostile"), 123_456, 1234);
        Map<Path, String> unreadable = new LinkedHashMap<>();
        unreadable.put(Path.of("missing " + xml + ".vhd"), "missing " + xml + ".vhd: no such file");
        return new Case("hostile", Profile.AZURE_GENERALIZED, Overrides.NONE, List.of(r), unreadable);
    }

    static Case run(Validator validator, String name, Profile profile, Overrides overrides, Path... images) {
        List<ValidationResult> results = new ArrayList<>();
        for (Path image : images) {
            try {
                results.add(normalized(validator.validate(image, profile, overrides)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Case(name, profile, overrides, results, Map.of());
    }

    /** The image relative to the project root; no bytes read, no time taken. */
    static ValidationResult normalized(ValidationResult r) {
        Path image = r.image().isAbsolute() ? Fixtures.root().relativize(r.image()) : r.image();
        return new ValidationResult(image, r.profile(), r.os(), r.osState(), r.findings(), r.rulesRun(), 0, 0);
    }
}
