package io.vhdkit.upload;

import io.vhdkit.io.ByteSource;
import io.vhdkit.io.FileByteSource;
import io.vhdkit.io.MappedPages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Chunks of a plain file seen through read-only memory mappings instead of read into a buffer: the zero scan, the
 * checksum and the socket take the bytes from the page cache, which saves the copy a read makes (JMH
 * {@code UploadPipelineBench}, random data: 473-503 -> 396-425 ms per 512 MiB; benchmarks/README.md).
 *
 * <p>The file is mapped in windows of {@link #WINDOW} bytes, of which the most recent two are kept for the next
 * views; an older one is unmapped by the garbage collector once no view of it is left, so a straggling view stays
 * valid whatever happens around it. Each view's pages are given back after use ({@link MappedPages#release}), which
 * keeps the resident set bounded whatever the file's size. Views are offered only where that is possible: on Linux,
 * for a range that starts on a page boundary, covers whole pages (or ends the file) and lies within one window.
 */
final class MappedViews {

    /** A multiple of every power-of-two chunk size, so that no such chunk straddles two windows (others are read). */
    static final long WINDOW = 1L << 30;

    private final FileByteSource file;
    private final long end;
    private final long page;
    private final AtomicReference<Window[]> recent = new AtomicReference<>(new Window[0]);
    private final LongAdder viewed = new LongAdder();

    private record Window(long index, ByteBuffer mapping) {
    }

    private MappedViews(FileByteSource file, long end, long page) {
        this.file = file;
        this.end = end;
        this.page = page;
    }

    /**
     * Views of {@code [0, end)} of {@code source}, or null when it is not a plain file or pages cannot be given back
     * on this platform (then the caller reads).
     */
    static MappedViews of(ByteSource source, long end) {
        long page = MappedPages.pageSize();
        if (!(source instanceof FileByteSource file) || page <= 0 || WINDOW % page != 0 || end <= 0) {
            return null;
        }
        return new MappedViews(file, end, page);
    }

    /** A read-only view of {@code [position, position + length)}, or null when that range cannot be viewed. */
    ByteBuffer view(long position, int length) throws IOException {
        long to = position + length;
        if (position < 0 || length <= 0 || to > end || position % page != 0 || (length % page != 0 && to != end)) {
            return null;
        }
        long index = position / WINDOW;
        if ((to - 1) / WINDOW != index) {
            return null;
        }
        ByteBuffer mapping = window(index);
        viewed.add(length);
        return mapping.slice((int) (position - index * WINDOW), length).asReadOnlyBuffer();
    }

    /** Gives back the pages of a view that nothing needs any more (the view stays valid: it reads the file again). */
    void release(ByteBuffer view) {
        MappedPages.release(view);
    }

    /** Bytes handed out through views. */
    long bytesViewed() {
        return viewed.sum();
    }

    private ByteBuffer window(long index) throws IOException {
        for (Window w : recent.get()) {
            if (w.index() == index) {
                return w.mapping();
            }
        }
        long start = index * WINDOW;
        Window made = new Window(index, file.map(start, (int) Math.min(WINDOW, end - start)));
        // keep the two most recent windows; a race between two threads only costs a second mapping
        recent.updateAndGet(old -> {
            Window newest = old.length == 0 || old[0].index() < index ? made : old[0];
            Window other = newest == made ? (old.length == 0 ? null : old[0]) : made;
            return other == null ? new Window[] {newest} : new Window[] {newest, other};
        });
        return made.mapping();
    }
}
