package io.vhdkit.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.common.implementation.contentvalidation.StorageCrc64Calculator;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Crc64} against the check value and the SDK's own calculator; {@link Zeros} on every kind of buffer. */
class ChecksumAndZerosTest {

    /** The same bytes as a heap buffer, a direct buffer and a heap buffer with an offset array, at {@code pos}. */
    private static ByteBuffer[] buffers(byte[] data, int from, int length) {
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).position(from).limit(from + length);
        ByteBuffer heap = ByteBuffer.wrap(data, from, length);
        ByteBuffer offsetArray = ByteBuffer.wrap(data).position(3 > from ? 0 : 3).slice()
                .position(3 > from ? from : from - 3).limit((3 > from ? from : from - 3) + length);
        ByteBuffer bigEndianDirect = direct.duplicate().order(ByteOrder.BIG_ENDIAN);
        // a read-only heap buffer has no accessible array: the checksum's fallback path
        return new ByteBuffer[] {heap, direct, offsetArray, bigEndianDirect, direct.asReadOnlyBuffer(),
            heap.asReadOnlyBuffer()};
    }

    @Test
    void crc64CheckValue() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xAE8B14860A799888L, Crc64.of(b, 0, b.length));
        assertEquals(0L, Crc64.of(new byte[0], 0, 0));
        assertEquals("iJh5CoYUi64=", PageChecksum.header(0xAE8B14860A799888L));
    }

    @Test
    void crc64EqualsTheSdksOnEverySizeAndOffsetAndBufferKind() {
        byte[] data = new byte[5000];
        new Random(64).nextBytes(data);
        for (int length = 0; length <= 300; length++) {
            for (int from : new int[] {0, 1, 7, 13}) {
                long want = StorageCrc64Calculator.compute(data, from, length, 0);
                for (ByteBuffer b : buffers(data, from, length)) {
                    int pos = b.position();
                    int lim = b.limit();
                    assertEquals(want, Crc64.of(b), "length " + length + " from " + from + " " + b);
                    assertEquals(pos, b.position(), "the buffer is left as it was");
                    assertEquals(lim, b.limit());
                }
            }
        }
        for (int length : new int[] {4096, 4097, 4999 - 5, 4000 + 31}) {
            long want = StorageCrc64Calculator.compute(data, 5, length, 0);
            for (ByteBuffer b : buffers(data, 5, length)) {
                assertEquals(want, Crc64.of(b), "length " + length);
            }
        }
    }

    @Test
    void crc64OfAFourMibChunkAndContinuation() {
        byte[] data = new byte[4 << 20];
        new Random(4).nextBytes(data);
        long want = StorageCrc64Calculator.compute(data, 0, data.length, 0);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        assertEquals(want, Crc64.of(direct));
        long first = Crc64.of(direct.duplicate().limit(1_000_003));
        assertEquals(want, Crc64.update(first, direct.duplicate().position(1_000_003)));
    }

    @Test
    void zerosOnEverySizeAndEveryNonZeroPosition() {
        for (int length = 0; length <= 200; length++) {
            byte[] data = new byte[length + 20];
            for (ByteBuffer b : buffers(data, 9, length)) {
                assertTrue(Zeros.isAllZero(b), "length " + length + " " + b);
            }
            for (int at = 0; at < length; at++) {
                data[9 + at] = (byte) 0x80;
                for (ByteBuffer b : buffers(data, 9, length)) {
                    assertFalse(Zeros.isAllZero(b), "length " + length + " non-zero at " + at + " " + b);
                }
                data[9 + at] = 0;
            }
            data[8] = 1;   // just outside the range
            data[9 + length] = 1;
            for (ByteBuffer b : buffers(data, 9, length)) {
                assertTrue(Zeros.isAllZero(b), "bytes outside the range count: length " + length);
            }
        }
    }

    @Test
    void zerosAcrossPagesOfTheZeroBuffer() {
        int size = 3 * Zeros.PAGE + 123;
        byte[] data = new byte[size];
        for (int at : new int[] {0, Zeros.PAGE - 1, Zeros.PAGE, 2 * Zeros.PAGE + 5, size - 1}) {
            data[at] = 7;
            for (ByteBuffer b : buffers(data, 0, size)) {
                assertFalse(Zeros.isAllZero(b), "non-zero at " + at);
                assertEquals(0, b.position());
            }
            data[at] = 0;
        }
        for (ByteBuffer b : buffers(data, 0, size)) {
            assertTrue(Zeros.isAllZero(b));
        }
    }
}
