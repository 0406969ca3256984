package io.vhdkit.vhd;

import java.util.Optional;

/** The footer's disk type (spec: "Disk Type"). Codes 0, 1, 5 and 6 are reserved or deprecated and not supported. */
public enum DiskType {
    FIXED(2, "fixed"),
    DYNAMIC(3, "dynamic"),
    DIFFERENCING(4, "differencing");

    private final int code;
    private final String label;

    DiskType(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public int code() {
        return code;
    }

    /** Lower case, for text and JSON output. */
    public String label() {
        return label;
    }

    /** The supported type with this code, if any. */
    public static Optional<DiskType> fromCode(int code) {
        for (DiskType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Dynamic and differencing disks carry a dynamic header, a BAT and a footer copy at offset 0. */
    public boolean isSparse() {
        return this != FIXED;
    }

    /** A name for any code, including the reserved ones, for messages. */
    public static String describe(int code) {
        return switch (code) {
            case 0 -> "0 (none)";
            case 1, 5, 6 -> code + " (deprecated)";
            default -> fromCode(code).map(t -> code + " (" + t.label + ")").orElse(code + " (unknown)");
        };
    }
}
