package io.vhdkit.upload;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The all-zero check: {@link Arrays#mismatch} / {@link ByteBuffer#mismatch} against a page of zeros, which the JIT
 * turns into its vectorized compare (a direct buffer against a direct zero page, a heap array against a zero array).
 */
public final class Zeros {

    static final int PAGE = 64 * 1024;
    private static final byte[] ZERO = new byte[PAGE];
    private static final ByteBuffer ZERO_DIRECT = ByteBuffer.allocateDirect(PAGE).asReadOnlyBuffer();
    private static final ByteBuffer ZERO_HEAP = ByteBuffer.wrap(ZERO).asReadOnlyBuffer();

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

    /** Whether the buffer's bytes from its position to its limit are all zeros (the buffer is left as it was). */
    public static boolean isAllZero(ByteBuffer b) {
        if (b.hasArray()) {
            return isAllZero(b.array(), b.arrayOffset() + b.position(), b.remaining());
        }
        ByteBuffer zero = (b.isDirect() ? ZERO_DIRECT : ZERO_HEAP).duplicate();
        int pos = b.position();
        int end = b.limit();
        while (pos < end) {
            int n = Math.min(PAGE, end - pos);
            if (b.slice(pos, n).mismatch(zero.limit(n)) >= 0) {
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
