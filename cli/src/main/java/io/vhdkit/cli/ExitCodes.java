package io.vhdkit.cli;

/** The exit codes of every vhdkit command (documented in the README). */
public final class ExitCodes {

    /** Success: no error finding (warnings allowed). */
    public static final int OK = 0;
    /** At least one error finding; a corrupt or non-VHD input is a finding. */
    public static final int FINDINGS = 1;
    /** Bad command line. */
    public static final int USAGE = 2;
    /** An input could not be read at all: missing file, no permission, I/O error. */
    public static final int UNREADABLE = 3;
    /** A bug in vhdkit. */
    public static final int INTERNAL = 4;
    /** {@code upload}: the transfer failed after its retries ({@code --resume} continues it). */
    public static final int UPLOAD_FAILED = 5;
    /**
     * {@code upload}: the credentials were refused or are missing. With {@code --manifest}, the exit code is 0 only
     * when every image of the shard was uploaded, else the worst code of the images that were not (6 over 5 over 3
     * over 2 over 1); the per-image result lines or JSON objects say which.
     */
    public static final int UPLOAD_CREDENTIALS = 6;

    private ExitCodes() {
    }

    /** The worse of two outcomes: unreadable beats findings beats OK. */
    public static int worst(int a, int b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(int code) {
        return switch (code) {
            case OK -> 0;
            case FINDINGS -> 1;
            case UNREADABLE -> 2;
            default -> 3;
        };
    }
}
