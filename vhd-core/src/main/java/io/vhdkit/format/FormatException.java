package io.vhdkit.format;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * The one checked exception family for malformed input. Every parser in vhdkit treats its file as hostile and
 * reports what it cannot accept as one of three kinds:
 * <ul>
 *   <li>{@link NotThisFormatException}: the bytes are not this format at all (no signature);</li>
 *   <li>{@link UnsupportedFormatException}: this format, but a variant or a size vhdkit does not handle;</li>
 *   <li>{@link CorruptFormatException}: this format, but a structure is damaged or inconsistent.</li>
 * </ul>
 * Each carries the structure, the field, its absolute file offset and, where they apply, the expected and actual
 * values, so that the message reads like {@code VHD footer @0x3FFFE40: checksum is 0x00000000 - should be
 * 0xFFFFEE1D}.
 */
public abstract sealed class FormatException extends IOException
        permits NotThisFormatException, UnsupportedFormatException, CorruptFormatException {

    private static final long serialVersionUID = 1L;

    private final FieldRef where;
    private final String actual;
    private final String expected;
    private final String detail;

    /**
     * @param where    the structure and field
     * @param actual   the value found, already formatted, or null
     * @param expected what the value should be, already formatted, or null
     * @param detail   a sentence describing the problem, or null to say "{field} is {actual} - should be {expected}"
     * @param cause    an underlying exception, or null
     */
    protected FormatException(FieldRef where, String actual, String expected, String detail, Throwable cause) {
        super(message(where, actual, expected, detail), cause);
        this.where = Objects.requireNonNull(where, "where");
        this.actual = actual;
        this.expected = expected;
        this.detail = detail;
    }

    private static String message(FieldRef where, String actual, String expected, String detail) {
        String text;
        if (detail != null) {
            text = detail;
        } else {
            text = where.field() + " is " + actual + (expected == null ? "" : " - should be " + expected);
        }
        return where.location() + ": " + text;
    }

    public FieldRef where() {
        return where;
    }

    public Optional<String> actual() {
        return Optional.ofNullable(actual);
    }

    public Optional<String> expected() {
        return Optional.ofNullable(expected);
    }

    /** The problem without the location prefix. */
    public String problem() {
        String full = getMessage();
        return full.substring(where.location().length() + 2);
    }

    /** {@code "not-this-format"}, {@code "unsupported"} or {@code "corrupt"}. */
    public abstract String kind();
}
