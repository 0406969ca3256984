package io.vhdkit.format;

/** The input is this format, but a structure is damaged or inconsistent with the file or with another structure. */
public final class CorruptFormatException extends FormatException {

    private static final long serialVersionUID = 1L;

    /** A field with a wrong value: "{field} is {actual} - should be {expected}". */
    public CorruptFormatException(FieldRef where, String actual, String expected) {
        super(where, actual, expected, null, null);
    }

    /** A problem described by a sentence, with the values for machine-readable output. */
    public CorruptFormatException(FieldRef where, String actual, String expected, String detail) {
        super(where, actual, expected, detail, null);
    }

    /** A problem described by a sentence. */
    public CorruptFormatException(FieldRef where, String detail) {
        super(where, null, null, detail, null);
    }

    /** A problem described by a sentence, caused by another exception. */
    public CorruptFormatException(FieldRef where, String detail, Throwable cause) {
        super(where, null, null, detail, cause);
    }

    @Override
    public String kind() {
        return "corrupt";
    }
}
