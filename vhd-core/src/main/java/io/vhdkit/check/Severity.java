package io.vhdkit.check;

import java.util.Locale;

/** How much a finding matters. */
public enum Severity {
    /** The image is broken or will be rejected. */
    ERROR,
    /** Legal, but unusual or risky; worth a look. */
    WARNING,
    /** A fact worth knowing, not a problem. */
    INFO;

    /** Lower case, for text and JSON output. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
