package io.vhdkit.upload;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * Raw reads of heap arrays and direct buffers for the checksum's inner loop ({@code sun.misc.Unsafe} of the
 * jdk.unsupported module: no bounds check per long and no reachability fence per access, which on Java 17 cost a
 * direct {@link ByteBuffer}'s {@code getLong} a third of the CRC's speed). Callers check every bound themselves; when
 * Unsafe is not there, {@link #UNSAFE} is null and they take the ByteBuffer path.
 */
final class Native {

    static final sun.misc.Unsafe UNSAFE;
    static final long BYTE_ARRAY_BASE;
    private static final long ADDRESS;

    static {
        sun.misc.Unsafe u = null;
        long base = 0;
        long address = -1;
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = (sun.misc.Unsafe) f.get(null);
            base = u.arrayBaseOffset(byte[].class);
            address = u.objectFieldOffset(Buffer.class.getDeclaredField("address"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            u = null;
        }
        UNSAFE = u;
        BYTE_ARRAY_BASE = base;
        ADDRESS = address;
    }

    private Native() {
    }

    /** The native address of a direct buffer's first byte, or 0 when it cannot be had. */
    static long address(ByteBuffer direct) {
        return ADDRESS < 0 ? 0 : UNSAFE.getLong(direct, ADDRESS);
    }

    /** The little-endian long at {@code offset} of {@code base} (an array, or null for a native address). */
    static long longLE(Object base, long offset) {
        return UNSAFE.getLong(base, offset);   // the callers run only where the native order is little-endian
    }
}
