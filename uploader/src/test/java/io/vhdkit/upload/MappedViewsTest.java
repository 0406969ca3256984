package io.vhdkit.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.io.ByteArraySource;
import io.vhdkit.io.FileByteSource;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which ranges of a real (sparse) file are offered as mapped views, and that a view holds the file's bytes. */
class MappedViewsTest {

    private static final long W = MappedViews.WINDOW;
    private static final int PAGE = 4096;

    @Test
    void viewsPageAlignedRangesWithinOneWindowAndReadsTheRest(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sparse.raw");
        long size = 2 * W + 3 * 512;   // three windows, the last one 1536 bytes
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size);
            for (long at : new long[] {0, W - PAGE, W, 2 * W}) {
                raf.seek(at);
                raf.write(("bytes at " + at).getBytes());
            }
        }
        try (FileByteSource file = FileByteSource.open(f)) {
            MappedViews views = MappedViews.of(file, size);
            assertNotNull(views, "Linux gives mapped pages back, so a plain file is viewed");
            assertStarts(views.view(0, 4 << 20), "bytes at 0");
            assertStarts(views.view(W - PAGE, PAGE), "bytes at " + (W - PAGE));
            assertStarts(views.view(W, 3 << 20), "bytes at " + W);
            assertStarts(views.view(W - PAGE, PAGE), "bytes at " + (W - PAGE));   // an older window, mapped again
            assertStarts(views.view(2 * W, 1536), "bytes at " + (2 * W));       // a partial page that ends the file
            assertEquals(PAGE, views.view(W - PAGE, PAGE).capacity());

            assertNull(views.view(W - PAGE, 2 * PAGE), "straddles two windows: read");
            assertNull(views.view(512, PAGE), "not on a page boundary: read");
            assertNull(views.view(0, PAGE + 512), "ends inside a page that another chunk holds: read");
            assertNull(views.view(2 * W, 2048), "past the end");
            assertNull(views.view(-PAGE, PAGE));
            assertNull(views.view(0, 0));
            assertEquals((4 << 20) + PAGE + (3 << 20) + PAGE + 1536 + PAGE, views.bytesViewed());

            ByteBuffer v = views.view(W, PAGE);
            assertTrue(v.isReadOnly());
            views.release(v);
            assertStarts(v, "bytes at " + W);   // still readable after its pages were given back
        }
        assertNull(MappedViews.of(new ByteArraySource("mem", new byte[PAGE]), PAGE), "not a file: read");
    }

    private static void assertStarts(ByteBuffer view, String text) {
        byte[] b = new byte[text.length()];
        view.duplicate().get(b);
        assertEquals(text, new String(b));
    }
}
