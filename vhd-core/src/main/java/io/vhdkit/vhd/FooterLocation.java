package io.vhdkit.vhd;

/** Where the footer that vhdkit uses was found. */
public enum FooterLocation {
    /** The last 512 bytes of the file, as the spec and Azure expect. */
    END("end of file"),
    /** The last 511 bytes: a footer written before Virtual PC 2004. */
    LEGACY_END("end of file, 511-byte legacy footer"),
    /** Before bytes appended after the footer (for example by a copy tool padding the file). */
    BEFORE_TRAILING_BYTES("before trailing bytes"),
    /** The copy at offset 0 of a dynamic or differencing disk, because the end footer is damaged or missing. */
    BACKUP_COPY("copy at offset 0");

    private final String description;

    FooterLocation(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
