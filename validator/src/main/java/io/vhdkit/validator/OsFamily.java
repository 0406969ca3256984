package io.vhdkit.validator;

import java.util.Locale;

/** The operating system family found on the image. */
public enum OsFamily {
    LINUX, WINDOWS, NONE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
