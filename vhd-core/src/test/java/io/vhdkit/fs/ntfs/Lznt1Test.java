package io.vhdkit.fs.ntfs;

import static io.vhdkit.fs.ntfs.NtfsTestSupport.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The LZNT1 decompressor on hand-made chunks ([MS-XCA] 2.5): literals, back-references (overlapping ones too), the
 * displacement/length split moving with the position, uncompressed chunks, the end of the data, and every way a
 * chunk can lie. Real compressed files (ntfs-3g's compressor) are read in {@code NtfsCorpusTest}.
 */
class Lznt1Test {

    private static final FieldRef WHERE = FieldRef.of("NTFS", "test", "unit", 0x1000);

    /** Builds a compressed chunk: header (size - 3, signature 3, compressed bit) and the body. */
    private static byte[] chunk(byte[] body) {
        int header = 0x8000 | 0x3000 | (body.length + 2 - 3);
        byte[] out = new byte[body.length + 2];
        out[0] = (byte) header;
        out[1] = (byte) (header >>> 8);
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] decompress(byte[] src, int dstLength) throws CorruptFormatException {
        byte[] dst = new byte[dstLength];
        Arrays.fill(dst, (byte) 0x5A);    // stale bytes that must not survive
        Lznt1.decompress(src, src.length, dst, dstLength, WHERE);
        return dst;
    }

    private static byte[] expected(String text, int length) {
        return Arrays.copyOf(text.getBytes(StandardCharsets.US_ASCII), length);
    }

    @Test
    void literalsThenAnOverlappingBackReference() throws CorruptFormatException {
        // flags 0b10: literal 'a', then copy 9 bytes from 1 back (length 9 = 6 + 3): "a" x 10
        byte[] src = chunk(new byte[]{0x02, 'a', 0x06, 0x00});
        assertArrayEquals(expected("aaaaaaaaaa", 8192), decompress(src, 8192));
    }

    @Test
    void aBackReferenceCopiesFromDisplacementPlusOneBack() throws CorruptFormatException {
        // "abc" then copy 6 from 3 back: displacement 2 in the top 4 bits, length 6-3 = 3 in the low 12
        int token = (2 << 12) | 3;
        byte[] src = chunk(new byte[]{0x08, 'a', 'b', 'c', (byte) token, (byte) (token >>> 8)});
        assertArrayEquals(expected("abcabcabc", 4096), decompress(src, 4096));
    }

    @Test
    void theSplitMovesToFiveDisplacementBitsAfterSixteenBytes() throws CorruptFormatException {
        // 17 literals (three flag bytes of literals), then a token read with 5 displacement bits:
        // copy 4 bytes from 17 back (displacement 16)
        String lit = "ABCDEFGHIJKLMNOPQ";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0x00);
        body.writeBytes(lit.substring(0, 8).getBytes(StandardCharsets.US_ASCII));
        body.write(0x00);
        body.writeBytes(lit.substring(8, 16).getBytes(StandardCharsets.US_ASCII));
        body.write(0x02);                 // 'Q' literal, then the token
        body.write('Q');
        int token = (16 << 11) | (4 - 3);
        body.write(token);
        body.write(token >>> 8);
        assertEquals(5, Lznt1.displacementBits(17));
        assertEquals(4, Lznt1.displacementBits(16));
        assertEquals(11, Lznt1.displacementBits(2048));
        assertEquals(12, Lznt1.displacementBits(2049));
        assertEquals(12, Lznt1.displacementBits(4095));
        assertArrayEquals(expected(lit + "ABCD", 4096), decompress(chunk(body.toByteArray()), 4096));
    }

    @Test
    void anUncompressedChunkIsCopiedAndAShortChunkIsPaddedWithZeros() throws CorruptFormatException {
        byte[] raw = new byte[4096];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i * 7);
        }
        byte[] uncompressed = concat(new byte[]{(byte) 0xFF, 0x3F}, raw);      // size 4098 - 3 = 0xFFF, flag clear
        byte[] second = chunk(new byte[]{0x00, 'x', 'y', 'z'});
        byte[] out = decompress(concat(uncompressed, second, new byte[]{0, 0}), 3 * 4096);
        assertArrayEquals(raw, Arrays.copyOfRange(out, 0, 4096));
        assertArrayEquals(expected("xyz", 4096), Arrays.copyOfRange(out, 4096, 8192));
        assertArrayEquals(new byte[4096], Arrays.copyOfRange(out, 8192, 12288), "after the end: zeros");
    }

    @Test
    void aZeroHeaderOrTheEndOfTheDataEndsTheUnit() throws CorruptFormatException {
        assertArrayEquals(new byte[8192], decompress(new byte[]{0, 0, 'j', 'u', 'n', 'k'}, 8192));
        assertArrayEquals(new byte[4096], decompress(new byte[0], 4096));
        assertArrayEquals(new byte[4096], decompress(new byte[]{1}, 4096));
    }

    @Test
    void lyingChunksAreRefused() {
        // a back-reference as the first token: nothing to copy from
        assertMessage(assertThrows(CorruptFormatException.class, () -> decompress(chunk(new byte[]{0x01, 0x00,
                0x00}), 4096)), "LZNT1", "starts with a back-reference");
        // reaching before the chunk's start: 2 bytes out, displacement 5
        int token = (5 << 12);
        assertMessage(assertThrows(CorruptFormatException.class, () -> decompress(chunk(new byte[]{0x04, 'a', 'b',
                (byte) token, (byte) (token >>> 8)}), 4096)), "reaches 6 bytes back, before the start of its chunk");
        // copying past the chunk's 4096 bytes: 1 byte out, length 0xFFF + 3
        assertMessage(assertThrows(CorruptFormatException.class, () -> decompress(chunk(new byte[]{0x02, 'a',
                (byte) 0xFF, 0x0F}), 4096)), "past the end of its 4096-byte chunk");
        // a header whose size runs past the data
        assertMessage(assertThrows(CorruptFormatException.class, () -> decompress(new byte[]{0x10, (byte) 0xB0,
                'a'}, 4096)), "past the end of the 3 bytes of compressed data");
        // an uncompressed chunk that is not 4096 bytes
        assertMessage(assertThrows(CorruptFormatException.class, () -> decompress(new byte[]{0x02, 0x30, 'a', 'b',
                'c'}, 4096)), "holds 3 bytes - should be 4096");
        // a back-reference cut by the chunk's end
        assertMessage(assertThrows(CorruptFormatException.class, () -> decompress(chunk(new byte[]{0x02, 'a',
                0x01}), 4096)), "cut by the chunk's end");
        // more chunks than the unit holds
        byte[] one = chunk(new byte[]{0x00, 'a'});
        assertMessage(assertThrows(CorruptFormatException.class, () -> decompress(concat(one, one), 6000)),
                "past the end of the 6000-byte compression unit");
    }

    @Test
    void theOffsetOfAProblemIsWithinTheUnit() {
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> decompress(concat(chunk(
                new byte[]{0x00, 'a', 'b'}), chunk(new byte[]{0x01, 0, 0})), 8192));
        assertEquals(0x1000 + 8, e.where().offset(), "the token of the second chunk");
    }
}
