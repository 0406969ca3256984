package io.vhdkit.format;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a problem sits in a file: the format, the on-disk structure, the field inside it and the field's absolute
 * file offset.
 *
 * @param format    short format name, for example {@code "VHD"}
 * @param structure structure name as the spec calls it, for example {@code "footer"} or {@code "dynamic header"}
 * @param field     field name, for example {@code "cookie"}; may be empty when the problem concerns the whole structure
 * @param offset    absolute byte offset of the field in the file, or {@link #NO_OFFSET}
 */
public record FieldRef(String format, String structure, String field, long offset) {

    /** The offset of a problem that has no single place in the file. */
    public static final long NO_OFFSET = -1;

    public FieldRef {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(structure, "structure");
        Objects.requireNonNull(field, "field");
        if (offset < NO_OFFSET) {
            throw new IllegalArgumentException("offset " + offset);
        }
    }

    public static FieldRef of(String format, String structure, String field, long offset) {
        return new FieldRef(format, structure, field, offset);
    }

    public boolean hasOffset() {
        return offset != NO_OFFSET;
    }

    /** The same structure, another field at another offset. */
    public FieldRef field(String otherField, long otherOffset) {
        return new FieldRef(format, structure, otherField, otherOffset);
    }

    /**
     * A stable machine-readable code built from the structure and field names, for example
     * {@code "dynamic-header.block-size"}.
     */
    public String code() {
        String s = slug(structure);
        return field.isEmpty() ? s : s + "." + slug(field);
    }

    /** {@code "VHD footer @0x3FFFE00"}. */
    public String location() {
        return format + " " + structure + (hasOffset() ? String.format(Locale.ROOT, " @0x%X", offset) : "");
    }

    private static String slug(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
