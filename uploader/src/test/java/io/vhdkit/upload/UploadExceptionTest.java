package io.vhdkit.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** The redacted causes of an upload failure: the whole chain kept, every message redacted. */
class UploadExceptionTest {

    private static final String SIG = "sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";

    private static String printed(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    /**
     * Found by SecurityTest (an unreachable host's ConnectException has a cause, and redacting it threw "Can't
     * overwrite cause"); fixed on main at the same time by the upload-bulk work.
     */
    @Test
    void causeWithACauseOfItsOwn() {
        IOException inner = new IOException("connect to http://h/c/b.vhd?" + SIG + " failed", new ConnectException(
                "refused: http://h/c/b.vhd?" + SIG));
        UploadException e = new UploadException(UploadException.Kind.TRANSFER, "failed", inner);
        assertEquals("java.io.IOException: connect to http://h/c/b.vhd?sig=REDACTED failed", e.getCause().getMessage());
        assertEquals("java.net.ConnectException: refused: http://h/c/b.vhd?sig=REDACTED",
                e.getCause().getCause().getMessage());
        assertNull(e.getCause().getCause().getCause());
        assertFalse(printed(e).contains("c2VjcmV0"), printed(e));
        assertTrue(printed(e).contains("ConnectException"));
    }

    @Test
    void loopingCauseChainEnds() {
        Looping a = new Looping("a AccountKey=c2VjcmV0LWtleQ==");
        Looping b = new Looping("b");
        a.next = b;
        b.next = a;
        UploadException e = new UploadException(UploadException.Kind.TRANSFER, "failed", a);
        int depth = 0;
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            depth++;
        }
        assertEquals(17, depth);   // the first cause and 16 levels of its causes
        assertFalse(printed(e).contains("c2VjcmV0"), printed(e));
    }

    /** An exception whose cause chain loops back (getCause is overridable, so a chain may). */
    private static final class Looping extends IOException {
        Throwable next;

        Looping(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable getCause() {
            return next;
        }
    }
}
