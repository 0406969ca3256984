package io.vhdkit.format;

/** The input is this format, but uses a variant, version or size that vhdkit does not handle. */
public final class UnsupportedFormatException extends FormatException {

    private static final long serialVersionUID = 1L;

    /** A field with a wrong value: "{field} is {actual} - should be {expected}". */
    public UnsupportedFormatException(FieldRef where, String actual, String expected) {
        super(where, actual, expected, null, null);
    }

    /** A problem described by a sentence, with the values for machine-readable output. */
    public UnsupportedFormatException(FieldRef where, String actual, String expected, String detail) {
        super(where, actual, expected, detail, null);
    }

    /** A problem described by a sentence. */
    public UnsupportedFormatException(FieldRef where, String detail) {
        super(where, null, null, detail, null);
    }

    /** A problem described by a sentence, caused by another exception. */
    public UnsupportedFormatException(FieldRef where, String detail, Throwable cause) {
        super(where, null, null, detail, cause);
    }

    @Override
    public String kind() {
        return "unsupported";
    }
}
