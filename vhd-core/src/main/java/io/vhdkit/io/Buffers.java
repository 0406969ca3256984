package io.vhdkit.io;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Small helpers for byte buffers. */
public final class Buffers {

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

    private Buffers() {
    }

    /** Writes {@code count} zero bytes at the position of {@code dst} and advances it. */
    public static void putZeros(ByteBuffer dst, int count) {
        if (count < 0 || count > dst.remaining()) {
            throw new IllegalArgumentException("count " + count + " remaining " + dst.remaining());
        }
        if (dst.hasArray()) {
            int start = dst.arrayOffset() + dst.position();
            Arrays.fill(dst.array(), start, start + count, (byte) 0);
            dst.position(dst.position() + count);
            return;
        }
        int left = count;
        while (left > 0) {
            int n = Math.min(left, ZEROS.capacity());
            dst.put(ZEROS.duplicate().limit(n));
            left -= n;
        }
    }

    /** A view of the next {@code length} bytes of {@code buffer}, whose position is then advanced past them. */
    public static ByteBuffer take(ByteBuffer buffer, int length) {
        ByteBuffer slice = buffer.slice(buffer.position(), length);
        buffer.position(buffer.position() + length);
        return slice;
    }
}
