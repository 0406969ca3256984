package io.vhdkit.upload;

import io.vhdkit.io.Extent;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the fixed VHD into Put Page chunks on a fixed grid of {@code chunkSize} bytes (the last one shorter), marking
 * the chunks no data extent touches as holes. The grid is fixed so that a resumed upload finds the same chunks.
 */
public final class ChunkPlan {

    /** Put Page takes at most 4 MiB (Azure; Azurite accepts more, so this is enforced here). */
    public static final int MAX_CHUNK = 4 * 1024 * 1024;
    public static final int PAGE = 512;
    /** Page blobs hold at most 8 TiB. */
    public static final long MAX_BLOB = 8L << 40;

    private final long size;
    private final int chunkSize;
    private final List<Chunk> chunks;

    private ChunkPlan(long size, int chunkSize, List<Chunk> chunks) {
        this.size = size;
        this.chunkSize = chunkSize;
        this.chunks = chunks;
    }

    /** Checks a chunk size: positive, a multiple of 512, at most 4 MiB. */
    public static void checkChunkSize(int chunkSize) {
        if (chunkSize <= 0 || chunkSize % PAGE != 0 || chunkSize > MAX_CHUNK) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " must be a multiple of 512 between 512"
                    + " and " + MAX_CHUNK + " bytes (4 MiB, the most one Put Page may carry)");
        }
    }

    /**
     * @param size      the fixed VHD's length, a multiple of 512
     * @param chunkSize see {@link #checkChunkSize}
     * @param data      the ranges that may hold data, in order and not overlapping
     */
    public static ChunkPlan of(long size, int chunkSize, List<Extent> data) {
        checkChunkSize(chunkSize);
        if (size <= 0 || size % PAGE != 0) {
            throw new IllegalArgumentException("size " + size + " is not a positive multiple of 512");
        }
        long n = (size + chunkSize - 1) / chunkSize;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many chunks: " + n);
        }
        List<Chunk> chunks = new ArrayList<>((int) n);
        int e = 0;
        for (int i = 0; i < n; i++) {
            long off = (long) i * chunkSize;
            int len = (int) Math.min(chunkSize, size - off);
            long end = off + len;
            while (e < data.size() && data.get(e).end() <= off) {
                e++;
            }
            boolean touched = e < data.size() && data.get(e).offset() < end;
            chunks.add(new Chunk(i, off, len, !touched));
        }
        return new ChunkPlan(size, chunkSize, List.copyOf(chunks));
    }

    public long size() {
        return size;
    }

    public int chunkSize() {
        return chunkSize;
    }

    public List<Chunk> chunks() {
        return chunks;
    }
}
