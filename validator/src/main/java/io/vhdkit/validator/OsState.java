package io.vhdkit.validator;

import java.util.Locale;

/** Whether the operating system was prepared for capture, as far as the evidence on disk tells. */
public enum OsState {
    /** Sysprepped (Windows) or deprovisioned (Linux): it will provision anew on first boot. */
    GENERALIZED,
    /** It carries the identity of the machine it ran on. */
    SPECIALIZED,
    /** The evidence is missing or contradicts itself. */
    UNKNOWN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
