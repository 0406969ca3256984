package io.vhdkit.vhd;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The platform code of a parent locator entry (spec: "Parent Locator Entries"). */
public enum PlatformCode {
    NONE(0, null, "unused"),
    /** Deprecated: a relative Windows path in the system code page. */
    WI2R(0x5769_3272, StandardCharsets.ISO_8859_1, "Windows relative path (deprecated)"),
    /** Deprecated: an absolute Windows path in the system code page. */
    WI2K(0x5769_326B, StandardCharsets.ISO_8859_1, "Windows absolute path (deprecated)"),
    /** A relative Windows path in UTF-16LE (the spec says Unicode; every writer uses little-endian). */
    W2RU(0x5732_7275, StandardCharsets.UTF_16LE, "Windows relative path"),
    /** An absolute Windows path in UTF-16LE. */
    W2KU(0x5732_6B75, StandardCharsets.UTF_16LE, "Windows absolute path"),
    /** A Mac OS alias record: opaque, not decoded. */
    MAC(0x4D61_6320, null, "Mac OS alias"),
    /** A file URL (RFC 2396) in UTF-8. */
    MACX(0x4D61_6358, StandardCharsets.UTF_8, "Mac OS X file URL");

    private final int code;
    private final Charset charset;
    private final String description;

    PlatformCode(int code, Charset charset, String description) {
        this.code = code;
        this.charset = charset;
        this.description = description;
    }

    public int code() {
        return code;
    }

    public FourCC fourCC() {
        return new FourCC(code);
    }

    public String description() {
        return description;
    }

    /** The encoding of the locator's data, empty when the data is not text. */
    public Optional<Charset> charset() {
        return Optional.ofNullable(charset);
    }

    public static Optional<PlatformCode> fromCode(int code) {
        for (PlatformCode p : values()) {
            if (p.code == code) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
