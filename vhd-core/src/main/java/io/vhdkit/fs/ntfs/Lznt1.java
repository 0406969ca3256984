package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;

/**
 * The LZNT1 decompressor of NTFS compressed attributes, after [MS-XCA] section 2.5 ("LZNT1 Algorithm Details") and
 * the ntfs-3g documentation of compression blocks.
 *
 * <p>A compression unit's data is a sequence of chunks, each decompressing to at most 4096 bytes. A chunk starts with
 * a little-endian u16 header: bits 0-11 are the chunk's size in bytes minus 3 (header included), bits 12-14 a
 * signature (3), bit 15 set when the chunk is compressed. A header of 0 (or the end of the data) ends the sequence;
 * the rest of the output is zeros. An uncompressed chunk holds 4096 literal bytes. A compressed chunk is a sequence of
 * flag bytes, each followed by up to eight tokens, one per flag bit from the least significant: a clear bit is a
 * literal byte, a set bit a u16 back-reference whose split between displacement and length depends on how much of
 * the chunk is already decompressed: with {@code n} bytes out, the displacement takes {@code max(4, bits(n - 1))}
 * high bits (the copy starts {@code displacement + 1} bytes back) and the length the other low bits (plus 3). A
 * chunk that decompresses to less than 4096 bytes is padded with zeros to 4096.
 */
final class Lznt1 {

    /** The decompressed size of a chunk. */
    static final int CHUNK = 4096;
    static final int HEADER_SIZE_MASK = 0x0FFF;
    static final int HEADER_COMPRESSED = 0x8000;

    private Lznt1() {
    }

    /**
     * Decompresses {@code src[0, srcLength)} into {@code dst[0, dstLength)}, which is filled entirely (zeros after the
     * last chunk).
     *
     * @param where the compression unit, for messages (the offset is that of the compressed data in the volume)
     * @return the bytes produced by the chunks, before the zero fill
     */
    static int decompress(byte[] src, int srcLength, byte[] dst, int dstLength, FieldRef where)
            throws CorruptFormatException {
        int in = 0;
        int out = 0;
        while (out < dstLength && in + 2 <= srcLength) {
            int header = Ntfs.u16(src, in);
            if (header == 0) {
                break;
            }
            int chunkEnd = in + (header & HEADER_SIZE_MASK) + 3;
            if (chunkEnd > srcLength) {
                throw corrupt(where, in, "the chunk at offset " + in + " is " + (chunkEnd - in)
                        + " bytes long, past the end of the " + srcLength + " bytes of compressed data");
            }
            if (dstLength - out < CHUNK) {
                throw corrupt(where, in, "the chunk at offset " + in + " would decompress past the end of the "
                        + dstLength + "-byte compression unit");
            }
            in += 2;
            if ((header & HEADER_COMPRESSED) == 0) {
                if (chunkEnd - in != CHUNK) {
                    throw corrupt(where, in - 2, "the uncompressed chunk at offset " + (in - 2) + " holds "
                            + (chunkEnd - in) + " bytes - should be 4096");
                }
                System.arraycopy(src, in, dst, out, CHUNK);
                in = chunkEnd;
                out += CHUNK;
                continue;
            }
            int chunkStart = out;
            int chunkLimit = out + CHUNK;
            while (in < chunkEnd) {
                int flags = src[in++] & 0xFF;
                for (int bit = 0; bit < 8 && in < chunkEnd; bit++, flags >>>= 1) {
                    if ((flags & 1) == 0) {
                        if (out >= chunkLimit) {
                            throw corrupt(where, in, "a literal at offset " + in + " overflows its 4096-byte chunk");
                        }
                        dst[out++] = src[in++];
                        continue;
                    }
                    if (in + 2 > chunkEnd) {
                        throw corrupt(where, in, "a back-reference at offset " + in + " is cut by the chunk's end");
                    }
                    int token = Ntfs.u16(src, in);
                    in += 2;
                    int done = out - chunkStart;
                    if (done == 0) {
                        throw corrupt(where, in - 2, "the chunk starts with a back-reference (offset " + (in - 2)
                                + "): there is nothing to copy from");
                    }
                    int displacementBits = displacementBits(done);
                    int lengthBits = 16 - displacementBits;
                    int back = (token >>> lengthBits) + 1;
                    int length = (token & ((1 << lengthBits) - 1)) + 3;
                    if (back > done) {
                        throw corrupt(where, in - 2, "a back-reference at offset " + (in - 2) + " reaches " + back
                                + " bytes back, before the start of its chunk (" + done + " bytes out)");
                    }
                    if (length > chunkLimit - out) {
                        throw corrupt(where, in - 2, "a back-reference at offset " + (in - 2) + " copies " + length
                                + " bytes, past the end of its 4096-byte chunk");
                    }
                    for (int i = 0; i < length; i++, out++) {
                        dst[out] = dst[out - back];   // byte by byte: the copy may overlap itself
                    }
                }
            }
            java.util.Arrays.fill(dst, out, chunkLimit, (byte) 0);
            out = chunkLimit;
        }
        int produced = out;
        java.util.Arrays.fill(dst, out, dstLength, (byte) 0);
        return produced;
    }

    /** Bits of the displacement when {@code done} bytes of the chunk are out: at least 4, enough for done - 1. */
    static int displacementBits(int done) {
        int bits = 4;
        for (int i = done - 1; i >= 0x10; i >>>= 1) {
            bits++;
        }
        return bits;
    }

    private static CorruptFormatException corrupt(FieldRef where, int offset, String detail) {
        return new CorruptFormatException(where.hasOffset() ? where.field(where.field(), where.offset() + offset)
                : where, "LZNT1: " + detail);
    }
}
