package io.vhdkit.format;

/** The bytes are not this format at all: no signature, or no structure where the format puts one. */
public final class NotThisFormatException extends FormatException {

    private static final long serialVersionUID = 1L;

    /** A field with a wrong value: "{field} is {actual} - should be {expected}". */
    public NotThisFormatException(FieldRef where, String actual, String expected) {
        super(where, actual, expected, null, null);
    }

    /** A problem described by a sentence, with the values for machine-readable output. */
    public NotThisFormatException(FieldRef where, String actual, String expected, String detail) {
        super(where, actual, expected, detail, null);
    }

    /** A problem described by a sentence. */
    public NotThisFormatException(FieldRef where, String detail) {
        super(where, null, null, detail, null);
    }

    /** A problem described by a sentence, caused by another exception. */
    public NotThisFormatException(FieldRef where, String detail, Throwable cause) {
        super(where, null, null, detail, cause);
    }

    @Override
    public String kind() {
        return "not-this-format";
    }
}
