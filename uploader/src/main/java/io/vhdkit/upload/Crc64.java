package io.vhdkit.upload;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Azure Storage's CRC-64 ({@code x-ms-content-crc64}): the reflected polynomial 0x9A6C9329AC4BC9B5 with all-ones
 * initial value and final inversion (catalogued as CRC-64/NVME; check value of "123456789": 0xAE8B14860A799888),
 * the same value as the SDK's {@code StorageCrc64Calculator}, computed over a {@link ByteBuffer} (direct or heap)
 * without copying it.
 *
 * <p>Four interleaved lanes of slicing by 8: the data is taken in 32-byte blocks, lane j folds the block's j-th
 * little-endian long through eight tables that shift it by the whole block (its 8 bytes then 24 zero bytes), so the
 * four lanes' table lookups do not wait on each other. The last block combines the lanes in order with the plain
 * slicing-by-8 tables: with L<sub>j</sub> the lane values and w<sub>j</sub> the block's words, the register is
 * ((((L0^w0)x^64 ^ L1^w1)x^64 ^ L2^w2)x^64 ^ L3^w3)x^64, the same as folding every word in sequence.
 * The lanes read memory raw ({@link Native}); a buffer that cannot be read so takes plain slicing by 8.
 */
public final class Crc64 {

    /** The reflected polynomial. */
    static final long POLY = 0x9A6C9329AC4BC9B5L;
    private static final int BLOCK = 32;

    // S_k[b]: byte b followed by k zero bytes; U_k[b]: the same followed by 24 more zero bytes
    // one flat array each (table k at k * 256): one base address and one bounds check the JIT can drop
    private static final long[] S = new long[8 * 256];
    private static final long[] U = new long[8 * 256];

    static {
        for (int b = 0; b < 256; b++) {
            long c = b;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY : c >>> 1;
            }
            S[b] = c;
        }
        for (int k = 1; k < 8; k++) {
            for (int b = 0; b < 256; b++) {
                S[k * 256 + b] = zeroByte(S[(k - 1) * 256 + b]);
            }
        }
        for (int i = 0; i < 8 * 256; i++) {
            long c = S[i];
            for (int z = 0; z < BLOCK - 8; z++) {
                c = zeroByte(c);
            }
            U[i] = c;
        }
    }

    private Crc64() {
    }

    private static long zeroByte(long c) {
        return (c >>> 8) ^ S[(int) (c & 0xff)];
    }

    /** The CRC-64 of the buffer's bytes from its position to its limit; the buffer itself is left as it was. */
    public static long of(ByteBuffer b) {
        return update(0, b);
    }

    /** The CRC-64 of {@code b[off, off + len)}. */
    public static long of(byte[] b, int off, int len) {
        return update(0, ByteBuffer.wrap(b, off, len));
    }

    /**
     * Continues {@code crc} (a value this class returned, or 0 to start) over the buffer's remaining bytes, leaving
     * the buffer's position, limit and byte order unchanged.
     */
    public static long update(long crc, ByteBuffer b) {
        if (Native.UNSAFE != null && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            int n = b.remaining();
            if (b.isDirect()) {
                long address = Native.address(b);
                if (address != 0) {
                    long crcOut = updateMemory(crc, null, address + b.position(), n);
                    java.lang.ref.Reference.reachabilityFence(b);
                    return crcOut;
                }
            } else if (b.hasArray()) {
                return updateMemory(crc, b.array(), Native.BYTE_ARRAY_BASE + b.arrayOffset() + b.position(), n);
            }
        }
        return updateBuffer(crc, b);
    }

    /**
     * The fallback without raw memory access (no {@code Unsafe}, or a read-only heap buffer): slicing by 8, one word
     * at a time, through the buffer's own little-endian reads. About half the speed of the four lanes; the uploader's
     * buffers never take it.
     */
    private static long updateBuffer(long crc, ByteBuffer b) {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long c = ~crc;
        int i = le.position();
        int end = le.limit();
        for (; i + 8 <= end; i += 8) {
            c = word(c ^ le.getLong(i));
        }
        for (; i < end; i++) {
            c = (c >>> 8) ^ S[(int) ((c ^ le.get(i)) & 0xff)];
        }
        return ~c;
    }

    private static long updateMemory(long crc, Object base, long address, int length) {
        long c = ~crc;
        int i = 0;
        int end = length;
        if (end - i >= 2 * BLOCK) {
            long l0 = c;
            long l1 = 0;
            long l2 = 0;
            long l3 = 0;
            long[] u = U;
            for (int last = end - 2 * BLOCK; i <= last; i += BLOCK) {
                long x0 = l0 ^ Native.longLE(base, address + i);
                long x1 = l1 ^ Native.longLE(base, address + i + 8);
                long x2 = l2 ^ Native.longLE(base, address + i + 16);
                long x3 = l3 ^ Native.longLE(base, address + i + 24);
                l0 = u[1792 + (int) (x0 & 0xff)];
                l1 = u[1792 + (int) (x1 & 0xff)];
                l2 = u[1792 + (int) (x2 & 0xff)];
                l3 = u[1792 + (int) (x3 & 0xff)];
                x0 >>>= 8;
                x1 >>>= 8;
                x2 >>>= 8;
                x3 >>>= 8;
                l0 ^= u[1536 + (int) (x0 & 0xff)];
                l1 ^= u[1536 + (int) (x1 & 0xff)];
                l2 ^= u[1536 + (int) (x2 & 0xff)];
                l3 ^= u[1536 + (int) (x3 & 0xff)];
                x0 >>>= 8;
                x1 >>>= 8;
                x2 >>>= 8;
                x3 >>>= 8;
                l0 ^= u[1280 + (int) (x0 & 0xff)];
                l1 ^= u[1280 + (int) (x1 & 0xff)];
                l2 ^= u[1280 + (int) (x2 & 0xff)];
                l3 ^= u[1280 + (int) (x3 & 0xff)];
                x0 >>>= 8;
                x1 >>>= 8;
                x2 >>>= 8;
                x3 >>>= 8;
                l0 ^= u[1024 + (int) (x0 & 0xff)];
                l1 ^= u[1024 + (int) (x1 & 0xff)];
                l2 ^= u[1024 + (int) (x2 & 0xff)];
                l3 ^= u[1024 + (int) (x3 & 0xff)];
                x0 >>>= 8;
                x1 >>>= 8;
                x2 >>>= 8;
                x3 >>>= 8;
                l0 ^= u[768 + (int) (x0 & 0xff)];
                l1 ^= u[768 + (int) (x1 & 0xff)];
                l2 ^= u[768 + (int) (x2 & 0xff)];
                l3 ^= u[768 + (int) (x3 & 0xff)];
                x0 >>>= 8;
                x1 >>>= 8;
                x2 >>>= 8;
                x3 >>>= 8;
                l0 ^= u[512 + (int) (x0 & 0xff)];
                l1 ^= u[512 + (int) (x1 & 0xff)];
                l2 ^= u[512 + (int) (x2 & 0xff)];
                l3 ^= u[512 + (int) (x3 & 0xff)];
                x0 >>>= 8;
                x1 >>>= 8;
                x2 >>>= 8;
                x3 >>>= 8;
                l0 ^= u[256 + (int) (x0 & 0xff)];
                l1 ^= u[256 + (int) (x1 & 0xff)];
                l2 ^= u[256 + (int) (x2 & 0xff)];
                l3 ^= u[256 + (int) (x3 & 0xff)];
                x0 >>>= 8;
                x1 >>>= 8;
                x2 >>>= 8;
                x3 >>>= 8;
                l0 ^= u[(int) (x0 & 0xff)];
                l1 ^= u[(int) (x1 & 0xff)];
                l2 ^= u[(int) (x2 & 0xff)];
                l3 ^= u[(int) (x3 & 0xff)];
            }
            c = word(l0 ^ Native.longLE(base, address + i));
            c = word(c ^ l1 ^ Native.longLE(base, address + i + 8));
            c = word(c ^ l2 ^ Native.longLE(base, address + i + 16));
            c = word(c ^ l3 ^ Native.longLE(base, address + i + 24));
            i += BLOCK;
        }
        for (; i + 8 <= end; i += 8) {
            c = word(c ^ Native.longLE(base, address + i));
        }
        for (; i < end; i++) {
            c = (c >>> 8) ^ S[(int) ((c ^ Native.UNSAFE.getByte(base, address + i)) & 0xff)];
        }
        return ~c;
    }

    /** The register after 8 bytes {@code x} (little-endian). */
    private static long word(long x) {
        return S[1792 + (int) (x & 0xff)] ^ S[1536 + (int) ((x >>> 8) & 0xff)] ^ S[1280 + (int) ((x >>> 16) & 0xff)]
                ^ S[1024 + (int) ((x >>> 24) & 0xff)] ^ S[768 + (int) ((x >>> 32) & 0xff)] ^ S[512 + (int) ((x >>> 40) & 0xff)]
                ^ S[256 + (int) ((x >>> 48) & 0xff)] ^ S[(int) (x >>> 56)];
    }
}
