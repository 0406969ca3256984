package io.vhdkit.upload;

import java.io.IOException;

/**
 * An upload that cannot start or did not complete: the destination refused it, does not fit the source, or failed
 * after every retry. The message says what is wrong and how to fix it, and never holds a secret (it is redacted on
 * construction, as is the cause's message when it is shown).
 */
public class UploadException extends IOException {

    /** What kind of failure, for the command's exit code. */
    public enum Kind {
        /** The destination does not fit the source (size, type, exists), or a resume does not match. */
        REFUSED,
        /** Authentication or authorization failed. */
        AUTH,
        /** The transfer failed after its retries. */
        TRANSFER
    }

    private final Kind kind;

    public UploadException(Kind kind, String message) {
        super(Secrets.redact(message));
        this.kind = kind;
    }

    public UploadException(Kind kind, String message, Throwable cause) {
        super(Secrets.redact(message), cause == null ? null : new Redacted(cause));
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** A cause whose message and string form are redacted, with the original stack trace. */
    static final class Redacted extends RuntimeException {
        Redacted(Throwable t) {
            this(t, 0);
        }

        // the cause goes through the constructor: once a Throwable's cause is set (even to null), initCause throws
        private Redacted(Throwable t, int depth) {
            super(t.getClass().getName() + ": " + Secrets.redact(String.valueOf(t.getMessage())),
                    t.getCause() != null && t.getCause() != t && depth < 16 ? new Redacted(t.getCause(), depth + 1)
                            : null, false, true);
            setStackTrace(t.getStackTrace());
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
