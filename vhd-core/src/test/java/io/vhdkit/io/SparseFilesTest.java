package io.vhdkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hole map of a real sparse file, through lseek(SEEK_DATA/SEEK_HOLE). */
class SparseFilesTest {

    private static final long MIB = 1 << 20;

    @Test
    void findsTheDataOfASparseFile(@TempDir Path dir) throws IOException {
        assertTrue(SparseFiles.supported(), "SEEK_DATA/SEEK_HOLE must be available on the build machines (Linux)");
        Path f = dir.resolve("sparse.img");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(8L << 30);
            raf.seek(1L << 30);
            raf.write(new byte[(int) (3 * MIB)]);
            raf.seek(5L << 30);
            raf.write(1);
        }
        List<Extent> data = SparseFiles.dataExtents(f, 0, 8L << 30);
        assertEquals(2, data.size(), data.toString());
        assertTrue(data.get(0).contains(1L << 30) && data.get(0).contains((1L << 30) + 3 * MIB - 1), data.toString());
        assertTrue(data.get(0).length() < 8 * MIB, data.toString());
        assertTrue(data.get(1).contains(5L << 30) && data.get(1).length() <= MIB, data.toString());
        // a window inside the range is clipped to it
        List<Extent> clipped = SparseFiles.dataExtents(f, (1L << 30) + MIB, (1L << 30) + 2 * MIB);
        assertEquals(List.of(new Extent((1L << 30) + MIB, MIB)), clipped);
        assertEquals(List.of(), SparseFiles.dataExtents(f, 6L << 30, 8L << 30));
        assertEquals(List.of(), SparseFiles.dataExtents(f, 5, 5));
    }

    @Test
    void aDenseFileIsOneExtent(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("dense.img");
        java.nio.file.Files.write(f, new byte[64 * 1024]);
        assertEquals(List.of(new Extent(0, 64 * 1024)), SparseFiles.dataExtents(f, 0, 64 * 1024));
    }
}
