package io.vhdkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pages of a real file mapping given back with madvise(MADV_DONTNEED), measured in /proc/self/smaps. */
class MappedPagesTest {

    private static final int MIB = 1 << 20;

    @Test
    void givesBackTheWholePagesOfAViewAndTheBytesReadTheSameAfterwards(@TempDir Path dir) throws IOException {
        assertTrue(MappedPages.supported(), "madvise must be available on the build machines (Linux)");
        assertEquals(4096, MappedPages.pageSize());
        byte[] content = new byte[16 * MIB];
        new SplittableRandom(7).nextBytes(content);
        Path f = dir.resolve("data.bin");
        Files.write(f, content);
        try (FileByteSource source = FileByteSource.open(f)) {
            MappedByteBuffer mapped = source.map(0, content.length);
            touch(mapped);
            assertEquals(16 * 1024, residentKiB(mapped), "every page touched is resident");

            assertTrue(MappedPages.release(mapped.slice(4 * MIB, 8 * MIB)));
            assertEquals(8 * 1024, residentKiB(mapped), "the middle 8 MiB are given back");

            // a view that holds no whole page gives back nothing: its pages may hold a neighbour's bytes
            assertTrue(MappedPages.release(mapped.slice(100, 5000)));
            assertEquals(8 * 1024, residentKiB(mapped));
            assertTrue(MappedPages.release(mapped.slice(100, 8192)));   // one whole page: [4096, 8192)
            assertEquals(8 * 1024 - 4, residentKiB(mapped));

            byte[] again = new byte[content.length];
            mapped.duplicate().get(again);
            assertArrayEquals(content, again, "released pages read the file again");
        }
    }

    @Test
    void refusesAHeapBuffer() {
        assertThrows(IllegalArgumentException.class, () -> MappedPages.release(ByteBuffer.allocate(8192)));
    }

    @Test
    void mapsOnlyWithinTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("small.bin");
        Files.write(f, new byte[8192]);
        try (FileByteSource source = FileByteSource.open(f)) {
            assertEquals(8192, source.map(0, 8192).remaining());
            assertEquals(4096, source.map(4096, 4096).remaining());
            assertEquals(0, source.bytesRead(), "reads through a mapping are not counted by the source");
            for (long[] bad : List.of(new long[] {-1, 10}, new long[] {0, 8193}, new long[] {8192, 1},
                    new long[] {4096, -1}, new long[] {Long.MAX_VALUE, 1})) {
                IOException e = assertThrows(IOException.class, () -> source.map(bad[0], (int) bad[1]));
                assertTrue(e.getMessage().contains("small.bin"), e.getMessage());
            }
        }
    }

    private static void touch(ByteBuffer b) {
        long sum = 0;
        for (int i = 0; i < b.limit(); i += 4096) {
            sum += b.get(i);
        }
        assertFalse(sum == Long.MIN_VALUE);
    }

    /** The Rss of the mapping that holds the buffer's first byte, from /proc/self/smaps. */
    private static long residentKiB(ByteBuffer mapped) throws IOException {
        long address = Pointer.nativeValue(Native.getDirectBufferPointer(mapped));
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                long from = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long to = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = address >= from && address < to;
            } else if (inside && line.startsWith("Rss:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no mapping holds " + Long.toHexString(address));
    }
}
