package io.vhdkit.validator;

import java.util.Locale;
import java.util.Optional;

/** What the image is meant to become in Azure, which decides which rules apply and how much they matter. */
public enum Profile {
    /** An OS disk to capture as a generalized image: sysprepped or deprovisioned. The default. */
    AZURE_GENERALIZED("azure-generalized", true),
    /** An OS disk to attach as-is (a migrated VM, a specialized image): provisioning state is expected. */
    AZURE_SPECIALIZED("azure-specialized", true),
    /** A data disk: container rules only, no operating system expected. */
    AZURE_DATA_DISK("azure-data-disk", false);

    private final String id;
    private final boolean expectsOs;

    Profile(String id, boolean expectsOs) {
        this.id = id;
        this.expectsOs = expectsOs;
    }

    public String id() {
        return id;
    }

    public boolean expectsOs() {
        return expectsOs;
    }

    public static Optional<Profile> fromId(String id) {
        for (Profile p : values()) {
            if (p.id.equals(id.toLowerCase(Locale.ROOT))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return id;
    }
}
