package io.vhdkit.validator.manifest;

import io.vhdkit.validator.DiskRole;
import io.vhdkit.validator.Hit;
import io.vhdkit.validator.Overrides;
import io.vhdkit.validator.Profile;
import io.vhdkit.validator.Rule;
import io.vhdkit.validator.RuleFinding;
import io.vhdkit.check.Severity;
import io.vhdkit.validator.ValidationResult;
import io.vhdkit.validator.Validator;
import io.vhdkit.validator.OsState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates the disks of an image manifest, each under the profile its role calls for (the OS disk under
 * azure-generalized or azure-specialized as declared, data disks under azure-data-disk), then checks the manifest's
 * declarations against what the OS disk holds.
 */
public final class ImageSetValidator {

    private final Validator validator;

    public ImageSetValidator(Validator validator) {
        this.validator = validator;
    }

    /**
     * @param results    receives a result per disk that could be read, OS disk first, data disks by LUN
     * @param unreadable receives each disk that could not be read, with the reason
     */
    public void validate(ImageManifest manifest, Overrides overrides, List<ValidationResult> results,
                         Map<Path, IOException> unreadable) {
        Profile osProfile = manifest.osState() == OsState.SPECIALIZED ? Profile.AZURE_SPECIALIZED
                : Profile.AZURE_GENERALIZED;
        try {
            ValidationResult os = validator.validate(manifest.osDisk(), osProfile, overrides);
            results.add(os.inSet(DiskRole.os(), manifestFindings(manifest, os, overrides), ranOn(osProfile,
                    overrides)));
        } catch (IOException e) {
            unreadable.put(manifest.osDisk(), e);
        }
        for (ImageManifest.DataDisk d : manifest.dataDisks()) {
            try {
                ValidationResult r = validator.validate(d.path(), Profile.AZURE_DATA_DISK, overrides);
                results.add(r.inSet(DiskRole.data(d.lun()), List.of(), List.of()));
            } catch (IOException e) {
                unreadable.put(d.path(), e);
            }
        }
    }

    private List<String> ranOn(Profile profile, Overrides overrides) {
        List<String> ran = new ArrayList<>();
        for (Rule r : validator.rules()) {
            if (r instanceof ManifestRule && r.severity(profile) != null && !overrides.disabled().contains(r.id())) {
                ran.add(r.id());
            }
        }
        return ran;
    }

    private List<RuleFinding> manifestFindings(ImageManifest manifest, ValidationResult os, Overrides overrides) {
        List<RuleFinding> out = new ArrayList<>();
        for (Rule r : validator.rules()) {
            if (!(r instanceof ManifestRule rule) || overrides.disabled().contains(r.id())) {
                continue;
            }
            Severity severity = r.severity(os.profile());
            if (severity == null) {
                continue;
            }
            for (Hit h : rule.check(manifest, os)) {
                Severity s = h.severity() != null ? h.severity() : severity;
                if (s == Severity.ERROR && overrides.warn().contains(r.id())) {
                    s = Severity.WARNING;
                }
                out.add(new RuleFinding(r.id(), s, h.message(), h.path(), h.fix() != null ? h.fix() : r.fix()));
            }
        }
        return out;
    }

    /** The disks of a manifest in report order, for callers that list them. */
    public static Map<Path, DiskRole> disks(ImageManifest manifest) {
        Map<Path, DiskRole> m = new LinkedHashMap<>();
        m.put(manifest.osDisk(), DiskRole.os());
        manifest.dataDisks().forEach(d -> m.put(d.path(), DiskRole.data(d.lun())));
        return m;
    }
}
