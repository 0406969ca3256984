package io.vhdkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdkit.compress.CompressedInput;
import io.vhdkit.format.FormatException;
import io.vhdkit.validator.Overrides;
import io.vhdkit.validator.Profile;
import io.vhdkit.validator.Rule;
import io.vhdkit.validator.ValidationResult;
import io.vhdkit.validator.Validator;
import io.vhdkit.validator.manifest.ImageManifest;
import io.vhdkit.validator.manifest.ImageSetValidator;
import io.vhdkit.validator.report.JUnitReport;
import io.vhdkit.validator.report.JsonReport;
import io.vhdkit.validator.report.SarifReport;
import io.vhdkit.validator.report.TextReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vhdkit validate}: the generalization and Azure-readiness gate. */
@Command(name = "validate",
        mixinStandardHelpOptions = true,
        description = {"Checks whether VHDs will work in Azure, without booting them: the container (fixed, whole "
                + "MiB, footer, size limits), and for OS disks whether the OS was generalized (Sysprep, waagent "
                + "-deprovision, cloud-init clean) and is ready for Azure.",
                "Run 'vhdkit rules' for every rule with its id, severity per profile and fix."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  pass (warnings allowed)", "  1  at least one error finding (a corrupt or non-VHD image is one)",
                "  2  usage error (an unknown profile or rule id)", "  3  an image could not be read"})
final class ValidateCommand implements Callable<Integer> {

    enum Format { text, json, junit, sarif }

    @Parameters(arity = "0..*", paramLabel = "IMAGE", description = "VHDs to validate.")
    List<Path> images = new ArrayList<>();

    @Option(names = "--manifest", paramLabel = "FILE", description = "Validate the disks of an Azure image as a set: "
            + "a JSON file {\"kind\": \"os-image\"|\"vm-image\", \"osType\": \"linux\"|\"windows\", \"osState\": "
            + "\"generalized\"|\"specialized\", \"osDisk\": \"os.vhd\", \"dataDisks\": [{\"lun\": 0, \"path\": "
            + "\"data.vhd\"}]} (paths relative to the file). The OS disk is checked under the profile its osState "
            + "calls for, data disks under azure-data-disk, and the declared osType and osState against what the OS "
            + "disk holds.")
    Path manifest;

    @Option(names = "--profile", paramLabel = "PROFILE", description = "azure-generalized (default), "
            + "azure-specialized or azure-data-disk.")
    String profile;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). junit: JUnit XML for "
                    + "CI test reports (a suite per image, a test case per rule); sarif: SARIF 2.1.0 for code scanning.")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report to FILE (written to a "
            + "temporary file, then renamed into place).")
    Path output;

    @Option(names = "--temp-dir", paramLabel = "DIR",
            description = "Where a compressed IMAGE (.gz, .xz, .bz2, .zst, a tar of one image) is decompressed to a "
                    + "sparse temporary copy (default: java.io.tmpdir).")
    Path tempDir;

    @Option(names = "--disable", paramLabel = "RULE", description = "Do not run this rule (repeatable).")
    List<String> disable = new ArrayList<>();

    @Option(names = "--warn", paramLabel = "RULE", description = "Report this rule's errors as warnings (repeatable).")
    List<String> warn = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "A JSON file with \"profile\", \"disable\" and "
            + "\"warn\" (the options add to it).")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Validator validator = new Validator();
        Set<String> known = validator.rules().stream().map(Rule::id).collect(Collectors.toSet());
        Set<String> disabled = new HashSet<>(disable);
        Set<String> warned = new HashSet<>(warn);
        String profileId = profile;
        if (config != null) {
            try {
                JsonNode c = Json.MAPPER.readTree(config.toFile());
                if (profileId == null && c.hasNonNull("profile")) {
                    profileId = c.get("profile").asText();
                }
                c.path("disable").forEach(n -> disabled.add(n.asText()));
                c.path("warn").forEach(n -> warned.add(n.asText()));
            } catch (IOException e) {
                err.println("vhdkit validate: cannot read the config " + config + ": " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        if (manifest != null && (!images.isEmpty() || profile != null)) {
            err.println("vhdkit validate: --manifest names the disks and their profiles: give no IMAGE and no "
                    + "--profile with it");
            return ExitCodes.USAGE;
        }
        if (manifest == null && images.isEmpty()) {
            err.println("vhdkit validate: give at least one IMAGE, or --manifest FILE");
            return ExitCodes.USAGE;
        }
        Profile p = Profile.fromId(profileId == null ? "azure-generalized" : profileId).orElse(null);
        if (p == null) {
            err.println("vhdkit validate: unknown profile " + profileId
                    + " (azure-generalized, azure-specialized or azure-data-disk)");
            return ExitCodes.USAGE;
        }
        for (String id : union(disabled, warned)) {
            if (!known.contains(id)) {
                err.println("vhdkit validate: unknown rule " + id + " (see vhdkit rules)");
                return ExitCodes.USAGE;
            }
        }
        Overrides overrides = new Overrides(disabled, warned);
        int exit = ExitCodes.OK;
        Instant start = Instant.now();
        List<ValidationResult> results = new ArrayList<>();
        Map<Path, String> unreadable = new LinkedHashMap<>();
        if (manifest != null) {
            ImageManifest m;
            try {
                m = ImageManifest.read(manifest);
            } catch (ImageManifest.InvalidManifestException e) {
                err.println("vhdkit validate: invalid manifest " + e.getMessage());
                return ExitCodes.USAGE;
            } catch (IOException e) {
                err.println("vhdkit validate: cannot read the manifest " + Inputs.reason(e));
                return ExitCodes.UNREADABLE;
            }
            Map<Path, IOException> failed = new LinkedHashMap<>();
            new ImageSetValidator(validator).validate(m, overrides, results, failed);
            failed.forEach((image, e) -> {
                err.println("vhdkit validate: cannot read " + Inputs.reason(e));
                unreadable.put(image, Inputs.reason(e));
            });
            exit = failed.isEmpty() ? ExitCodes.OK : ExitCodes.UNREADABLE;
            for (ValidationResult r : results) {
                exit = ExitCodes.worst(exit, r.passed() ? ExitCodes.OK : ExitCodes.FINDINGS);
            }
        }
        for (Path image : images) {
            try {
                Inputs.requireReadable(image);
                ValidationResult r;
                try (CompressedInput packed = Decompressed.openInPlace(image, tempDir)) {
                    r = packed.inPlace().isPresent() ? validator.validate(image, packed::source, p, overrides)
                            : validator.validate(packed.path(), p, overrides);
                    if (packed.compressed()) {
                        r = r.withImage(image);
                    }
                }
                results.add(r);
                exit = ExitCodes.worst(exit, r.passed() ? ExitCodes.OK : ExitCodes.FINDINGS);
            } catch (FormatException e) {
                err.println("vhdkit validate: " + image + ": " + e.getMessage());
                unreadable.put(image, e.getMessage());
                exit = ExitCodes.worst(exit, ExitCodes.FINDINGS);
            } catch (IOException e) {
                err.println("vhdkit validate: cannot read " + Inputs.reason(e));
                unreadable.put(image, Inputs.reason(e));
                exit = ExitCodes.worst(exit, ExitCodes.UNREADABLE);
            }
        }
        String report = render(results, validator, new SarifReport.Invocation(p, overrides, unreadable, exit, start,
                Instant.now()));
        if (output == null) {
            spec.commandLine().getOut().print(report);
            spec.commandLine().getOut().flush();
        } else {
            try {
                writeAtomically(output, report);
            } catch (IOException e) {
                err.println("vhdkit validate: cannot write " + output + ": " + Inputs.reason(e));
                return ExitCodes.worst(exit, ExitCodes.UNREADABLE);
            }
        }
        return exit;
    }

    private String render(List<ValidationResult> results, Validator validator, SarifReport.Invocation invocation) {
        return switch (format) {
            case json -> JsonReport.write(results) + System.lineSeparator();
            case junit -> JUnitReport.write(results, invocation.unreadable(), invocation.start());
            case sarif -> new SarifReport(validator.rules()).write(results, invocation) + System.lineSeparator();
            case text -> {
                StringWriter sw = new StringWriter();
                PrintWriter pw = new PrintWriter(sw);
                TextReport text = new TextReport(output == null && Terminal.colour());
                results.forEach(r -> text.write(r, pw));
                pw.flush();
                yield sw.toString();
            }
        };
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }

    /** Writes beside the target, then renames into place: a reader never sees half a report. */
    static void writeAtomically(Path target, String content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
