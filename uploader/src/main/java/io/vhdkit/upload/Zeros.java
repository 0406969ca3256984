package io.vhdkit.upload;

import java.util.Arrays;

/** The all-zero check: {@link Arrays#mismatch} against a zero page, which the JIT vectorizes (2+ GB/s here). */
public final class Zeros {

    static final int PAGE = 64 * 1024;
    private static final byte[] ZERO = new byte[PAGE];

    private Zeros() {
    }

    /** Whether {@code b[from, from + length)} holds only zeros. */
    public static boolean isAllZero(byte[] b, int from, int length) {
        int pos = from;
        int end = from + length;
        while (pos < end) {
            int n = Math.min(PAGE, end - pos);
            if (Arrays.mismatch(b, pos, pos + n, ZERO, 0, n) >= 0) {
                return false;
            }
            pos += n;
        }
        return true;
    }

    /** A shared read-only array of zeros of at least {@code length} bytes (for hashing holes). */
    static byte[] zeros() {
        return ZERO;
    }
}
