package io.vhdkit.registry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Marvin32 hash (as in .NET's {@code System.Marvin}), which new-format log entries use for their Hash-1 and
 * Hash-2 fields with the seed {@code 82 EF 4D 88 7A 4E 55 C5} (spec: "Log entries", notes 1-3). The 64-bit result
 * is the final state, the high word in the upper 32 bits. An instance hashes data given in pieces of whole 32-bit
 * words (log entries are multiples of 512 bytes); {@link #hash} hashes any byte string.
 */
final class Marvin32 {

    /** The seed of log entry hashes. */
    static final long LOG_SEED = 0x82EF4D887A4E55C5L;

    private int lo;
    private int hi;

    Marvin32(long seed) {
        lo = (int) seed;
        hi = (int) (seed >>> 32);
    }

    /** Adds the bytes from {@code data}'s position to its limit, a multiple of 4; the buffer is not moved. */
    Marvin32 update(ByteBuffer data) {
        ByteBuffer b = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() % 4 != 0) {
            throw new IllegalArgumentException("Marvin32 pieces are whole words, got " + b.remaining() + " bytes");
        }
        for (int i = 0; i < b.remaining(); i += 4) {
            mix(b.getInt(i));
        }
        return this;
    }

    /** The hash of the words added, ended with the 0x80 marker (no bytes left over). */
    long digest() {
        return finish(0x80);
    }

    /** The hash of the bytes from {@code data}'s position to its limit, with the seed; the buffer is not moved. */
    static long hash(ByteBuffer data, long seed) {
        ByteBuffer b = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        int whole = b.remaining() & ~3;
        Marvin32 m = new Marvin32(seed).update(b.slice(0, whole));
        int last = 0x80;                                 // the 0-3 remaining bytes, then the 0x80 marker byte
        for (int k = b.remaining() - 1; k >= whole; k--) {
            last = last << 8 | (b.get(k) & 0xFF);
        }
        return m.finish(last);
    }

    private long finish(int last) {
        int saveLo = lo;
        int saveHi = hi;
        mix(last);
        mix(0);
        long result = (long) hi << 32 | Integer.toUnsignedLong(lo);
        lo = saveLo;
        hi = saveHi;
        return result;
    }

    private void mix(int v) {
        lo += v;
        hi ^= lo;
        lo = Integer.rotateLeft(lo, 20) + hi;
        hi = Integer.rotateLeft(hi, 9) ^ lo;
        lo = Integer.rotateLeft(lo, 27) + hi;
        hi = Integer.rotateLeft(hi, 19);
    }
}
