package io.vhdkit.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fuzz inputs' encodings: a sparse image gives back its image, any bytes decode, joined files split back. */
class SparseImageTest {

    @Test
    void anImageReadsBackFromItsEncoding() throws EOFException {
        byte[] image = new byte[10 * SparseImage.SECTOR + 100];
        Random random = new Random(20261122);
        for (int at : new int[] {0, 3 * SparseImage.SECTOR + 7, 9 * SparseImage.SECTOR, image.length - 1}) {
            image[at] = (byte) (1 + random.nextInt(255));
        }
        byte[] encoded = SparseImage.encode(image);
        SparseImage decoded = SparseImage.decode(encoded);
        assertEquals(11 * SparseImage.SECTOR, decoded.size());
        ByteBuffer all = ByteBuffer.allocate((int) decoded.size());
        decoded.read(0, all);
        assertArrayEquals(image, java.util.Arrays.copyOf(all.array(), image.length));
        assertEquals(4 + 3 * 6 + 4 * SparseImage.SECTOR, encoded.length,
                "only the four non-zero sectors are kept, in three runs");
    }

    @Test
    void anyBytesDecodeAndReadsPastTheEndFail() throws EOFException {
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            byte[] junk = new byte[random.nextInt(3000)];
            random.nextBytes(junk);
            SparseImage s = SparseImage.decode(junk);
            long size = s.size();
            if (size > 0) {
                s.read(size - 1, ByteBuffer.allocate(1));
            }
            assertThrows(EOFException.class, () -> s.read(size, ByteBuffer.allocate(1)));
        }
    }

    @Test
    void joinedFilesSplitBackAndAnyBytesSplit() {
        byte[][] parts = {{1, 2, 3}, {}, {4, 5}};
        byte[][] back = FuzzSeeds.split(FuzzSeeds.join(parts), 3);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(parts[i], back[i]);
        }
        byte[][] odd = FuzzSeeds.split(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 9}, 3);
        assertArrayEquals(new byte[] {9}, odd[0]);
        assertEquals(0, odd[1].length + odd[2].length);
    }
}
