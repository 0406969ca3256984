package io.vhdkit.registry;

import io.vhdkit.io.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hive bins data: the primary file after its base block, with the pages a log replay wrote laid over it. Pages
 * of a replayed hive that lie past the end of the primary file and that no log holds read as zeros (the file was
 * grown, and nothing was written there). Reads go through a small cache of 4 KiB blocks; safe for concurrent use.
 */
final class HiveData {

    static final int BLOCK = 4096;
    /** The unit of replayed data: a 512-byte page of the hive bins data. */
    static final int PAGE = 512;
    /** Blocks kept in the cache, most recently used first. */
    private static final int CACHE_BLOCKS = 256;
    /** Reads longer than this bypass the cache. */
    private static final int MAX_CACHED_READ = 2 * BLOCK;

    /** Where one replayed page is: a log and the page's offset in it. */
    record PageRef(ByteSource source, long offset) {
    }

    private final ByteSource primary;
    private final long primaryBins;
    private final int size;
    private final Map<Integer, PageRef> overlay;
    private final Map<Integer, byte[]> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, byte[]> eldest) {
            return size() > CACHE_BLOCKS;
        }
    };

    /**
     * @param primary the primary file
     * @param size    the hive bins data size (a multiple of 4096)
     * @param overlay replayed pages by page index (offset / 512); not copied, never changed afterwards
     */
    HiveData(ByteSource primary, int size, Map<Integer, PageRef> overlay) throws IOException {
        this.primary = primary;
        this.primaryBins = Math.max(0, primary.size() - Regf.BASE);
        this.size = size;
        this.overlay = overlay;
    }

    int size() {
        return size;
    }

    /** {@code length} bytes at relative offset {@code offset}, little-endian; the range must lie in the data. */
    ByteBuffer read(int offset, int length) throws IOException {
        if (offset < 0 || length < 0 || length > size - offset) {
            throw new IllegalArgumentException("read of " + length + " bytes at " + offset + " of " + size);
        }
        byte[] out = new byte[length];
        if (length > MAX_CACHED_READ) {
            fill(offset, out, 0, length);
        } else {
            int done = 0;
            while (done < length) {
                int at = offset + done;
                int index = at / BLOCK;
                int in = at % BLOCK;
                int n = Math.min(BLOCK - in, length - done);
                System.arraycopy(block(index), in, out, done, n);
                done += n;
            }
        }
        return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A few bytes, not through the cache (hive bin headers: one walk reads each once). */
    ByteBuffer readUncached(int offset, int length) throws IOException {
        if (offset < 0 || length < 0 || length > size - offset) {
            throw new IllegalArgumentException("read of " + length + " bytes at " + offset + " of " + size);
        }
        byte[] out = new byte[length];
        fill(offset, out, 0, length);
        return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    }

    private byte[] block(int index) throws IOException {
        synchronized (cache) {
            byte[] b = cache.get(index);
            if (b != null) {
                return b;
            }
        }
        byte[] b = new byte[BLOCK];
        fill((long) index * BLOCK, b, 0, BLOCK);
        synchronized (cache) {
            cache.put(index, b);
        }
        return b;
    }

    /** The bytes at {@code [offset, offset + length)}: the primary's, then the replayed pages over them. */
    private void fill(long offset, byte[] dst, int at, int length) throws IOException {
        long end = offset + length;
        long fromPrimary = Math.min(end, primaryBins) - offset;
        if (fromPrimary > 0) {
            primary.readFully(Regf.BASE + offset, ByteBuffer.wrap(dst, at, (int) fromPrimary));
        }
        if (overlay.isEmpty()) {
            return;
        }
        for (long page = offset / PAGE; page * PAGE < end; page++) {
            PageRef ref = overlay.get((int) page);
            if (ref == null) {
                continue;
            }
            long from = Math.max(offset, page * PAGE);
            long to = Math.min(end, (page + 1) * PAGE);
            ref.source().readFully(ref.offset() + (from - page * PAGE),
                    ByteBuffer.wrap(dst, at + (int) (from - offset), (int) (to - from)));
        }
    }
}
