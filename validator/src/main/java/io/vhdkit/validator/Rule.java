package io.vhdkit.validator;

import io.vhdkit.check.Severity;
import java.io.IOException;
import java.util.List;

/**
 * One check of an image, with a stable id. A rule is told the whole context (the VHD, the volumes, the mounted
 * filesystems, the OS, the profile) and reports hits; the engine gives each hit the rule's severity under the
 * profile, then applies the user's overrides.
 */
public interface Rule {

    /** Stable id: {@code area/name}, such as {@code vhd/not-fixed}. */
    String id();

    /** What the rule checks, in one line. */
    String title();

    /** How to fix what it finds. */
    String fix();

    /** Which images it looks at. */
    Scope scope();

    /** The severity of a hit under {@code profile}, or null when the rule does not apply to it. */
    Severity severity(Profile profile);

    /**
     * Whether a hit of this rule is evidence that the OS is specialized (still carries its machine's identity). The
     * engine derives {@code osState} from it; it runs such rules under every OS profile.
     */
    default boolean specializationEvidence() {
        return false;
    }

    List<Hit> check(ImageContext context) throws IOException;

    /** The images a rule looks at. */
    enum Scope {
        /** Every image: the VHD container. */
        CONTAINER,
        /** Images with an operating system, whatever it is. */
        OS,
        /** Linux roots. */
        LINUX,
        /** Windows roots. */
        WINDOWS,
        /**
         * What an image manifest ({@code validate --manifest}) declares of its OS disk, checked against what the disk
         * holds once its own rules have run ({@link io.vhdkit.validator.manifest.ManifestRule}).
         */
        MANIFEST
    }
}
