package io.vhdkit.validator.rules;

import io.vhdkit.validator.Hit;
import io.vhdkit.validator.OsFamily;
import io.vhdkit.validator.OsState;
import io.vhdkit.check.Severity;
import io.vhdkit.validator.ValidationResult;
import io.vhdkit.validator.manifest.ImageManifest;
import io.vhdkit.validator.manifest.ManifestRule;
import java.util.List;

/** What an image manifest declares of its OS disk against what the disk holds. */
final class ManifestRules {

    private ManifestRules() {
    }

    /** Azure takes the OS type from the image definition: a wrong one fails provisioning. */
    static final class OsType extends BaseRule implements ManifestRule {
        OsType() {
            super("manifest/os-type", Scope.MANIFEST, "The manifest's osType is the OS on the OS disk",
                    "correct osType in the manifest (and in the image definition: az sig image-definition create "
                            + "--os-type), or point osDisk at the right disk", Severity.ERROR, Severity.ERROR, null);
        }

        @Override
        public List<Hit> check(ImageManifest m, ValidationResult os) {
            OsFamily found = os.os().family();
            if (found == OsFamily.NONE || found == m.osType()) {
                return List.of();   // no OS at all is os/not-found's finding
            }
            return List.of(new Hit("the manifest declares osType " + m.osType().label() + ", but the OS disk holds "
                    + found.label() + " (" + os.os().name() + ")", null, null, null));
        }
    }

    /**
     * Azure takes the OS state from the image definition: a specialized disk declared generalized fails
     * provisioning; a generalized one declared specialized waits at OOBE or for the agent until it times out.
     */
    static final class OsStateDeclared extends BaseRule implements ManifestRule {
        OsStateDeclared() {
            super("manifest/os-state", Scope.MANIFEST, "The manifest's osState is the state of the OS disk",
                    "generalize the OS disk (Sysprep /generalize; waagent -deprovision+user and cloud-init clean) or "
                            + "declare osState specialized (and --os-state in the image definition)",
                    Severity.ERROR, Severity.ERROR, null);
        }

        @Override
        public List<Hit> check(ImageManifest m, ValidationResult os) {
            if (os.os().family() == OsFamily.NONE || os.osState() == m.osState()) {
                return List.of();
            }
            if (os.osState() == OsState.UNKNOWN) {
                return List.of(new Hit("the manifest declares osState " + m.osState().label() + ", which the OS "
                        + "disk cannot confirm: the evidence on it is missing or contradicts itself (see the other "
                        + "findings)", null, Severity.WARNING, null));
            }
            boolean declaredGeneralized = m.osState() == OsState.GENERALIZED;
            return List.of(new Hit("the manifest declares osState " + m.osState().label() + ", but the OS disk is "
                    + os.osState().label() + (declaredGeneralized ? ": Azure would fail to provision VMs from it"
                    : ": VMs from it would wait at first boot until provisioning times out"), null, null,
                    declaredGeneralized ? null : "declare osState generalized (the disk was generalized), or use "
                    + "the disk of the VM as it ran for a specialized image"));
        }
    }
}
