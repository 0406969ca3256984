package io.vhdkit.check;

import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import java.util.Objects;
import java.util.Optional;

/**
 * One problem (or fact) found in an input.
 *
 * @param code     a stable machine-readable code, for example {@code "footer.checksum"}
 * @param severity how much it matters
 * @param where    the structure, field and absolute file offset
 * @param actual   the value found, formatted, or null
 * @param expected what the value should be, formatted, or null
 * @param message  a full sentence that says what was found and what it should be
 */
public record Finding(String code, Severity severity, FieldRef where, String actual, String expected,
                      String message) {

    public Finding {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(message, "message");
    }

    /** A finding whose code comes from the structure and field. */
    public static Finding of(Severity severity, FieldRef where, String actual, String expected, String message) {
        return new Finding(where.code(), severity, where, actual, expected, message);
    }

    /** A finding whose message is "{field} is {actual} - should be {expected}". */
    public static Finding mismatch(Severity severity, FieldRef where, String actual, String expected) {
        return of(severity, where, actual, expected, where.field() + " is " + actual + " - should be " + expected);
    }

    /** A finding with a message only. */
    public static Finding of(Severity severity, FieldRef where, String message) {
        return of(severity, where, null, null, message);
    }

    /** The finding an exception stands for, with the exception's structure, field and values. */
    public static Finding of(Severity severity, FormatException e) {
        return of(severity, e.where(), e.actual().orElse(null), e.expected().orElse(null), e.problem());
    }

    public Optional<String> actualValue() {
        return Optional.ofNullable(actual);
    }

    public Optional<String> expectedValue() {
        return Optional.ofNullable(expected);
    }

    /** {@code "error: VHD footer @0x3FFFE40: checksum is ..."}. */
    @Override
    public String toString() {
        return severity.label() + ": " + where.location() + ": " + message;
    }
}
