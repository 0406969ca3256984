package io.vhdkit.vhd;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.io.Buffers;
import io.vhdkit.io.Extent;
import io.vhdkit.io.Extents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dynamic or differencing disk read through its BAT (spec: "Block Allocation Table and Data Blocks").
 *
 * <p>Dynamic: an unallocated block reads as zeros; an allocated block is read whole from the file. Sectors whose
 * bitmap bit is clear must hold zeros on disk (spec), so their bitmap is not consulted, as qemu does.
 *
 * <p>Differencing: a sector whose bitmap bit (most significant bit first) is set comes from this file, the others
 * from the parent; an unallocated block comes from the parent entirely. A parent smaller than the child reads as
 * zeros past its end.
 */
final class SparseDisk implements VirtualDisk {

    /** Sector bitmaps kept in memory, most recently used first. */
    static final int BITMAP_CACHE_ENTRIES = 256;
    /** The most ranges {@link #allocatedExtents()} returns for one file. */
    static final int MAX_EXTENTS = 1 << 20;

    private final VhdFile file;
    private final VirtualDisk parent;
    private final long size;
    private final long blockSize;
    private final int bitmapBytes;
    private final BlockAllocationTable bat;
    private final Map<Integer, byte[]> bitmaps = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, byte[]> eldest) {
            return size() > BITMAP_CACHE_ENTRIES;
        }
    };

    /**
     * @param file   a dynamic or differencing file
     * @param parent the parent disk of a differencing file, else null
     */
    SparseDisk(VhdFile file, VirtualDisk parent) {
        DynamicHeader header = file.header().orElseThrow(() -> new IllegalArgumentException("no dynamic header"));
        if ((file.diskType() == DiskType.DIFFERENCING) != (parent != null)) {
            throw new IllegalArgumentException(file.diskType().label() + (parent == null ? " without" : " with")
                    + " a parent");
        }
        this.file = file;
        this.parent = parent;
        this.size = file.virtualSize();
        this.blockSize = header.blockSize();
        this.bitmapBytes = (int) header.bitmapBytes();
        this.bat = file.bat().orElseThrow();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        DiskRanges.check(file.name(), size, position, dst);
        long pos = position;
        while (dst.hasRemaining()) {
            int block = (int) (pos / blockSize);
            long inBlock = pos % blockSize;
            int n = (int) Math.min(dst.remaining(), blockSize - inBlock);
            ByteBuffer part = Buffers.take(dst, n);
            long dataAt = file.blockDataOffset(block);
            if (dataAt < 0) {
                readParent(pos, part);
            } else if (parent == null) {
                file.source().readFully(dataAt + inBlock, part);
            } else {
                readDifferencing(block, dataAt, pos, inBlock, part);
            }
            pos += n;
        }
    }

    /** Reads {@code part} within one allocated block of a differencing disk, sector run by sector run. */
    private void readDifferencing(int block, long dataAt, long pos, long inBlock, ByteBuffer part)
            throws IOException {
        byte[] bitmap = bitmap(block);
        long end = inBlock + part.remaining();
        long at = inBlock;
        while (at < end) {
            int sector = (int) (at / VhdFooter.SECTOR_SIZE);
            boolean mine = bitSet(bitmap, sector);
            long runEnd = at;
            int s = sector;
            while (runEnd < end && bitSet(bitmap, s) == mine) {
                s++;
                runEnd = Math.min(end, (long) s * VhdFooter.SECTOR_SIZE);
            }
            ByteBuffer run = Buffers.take(part, (int) (runEnd - at));
            if (mine) {
                file.source().readFully(dataAt + at, run);
            } else {
                readParent(pos + (at - inBlock), run);
            }
            at = runEnd;
        }
    }

    /** Most significant bit first: bit 7 of byte 0 is the block's first sector (spec; blktap, libvhdi). */
    private static boolean bitSet(byte[] bitmap, int sector) {
        return (bitmap[sector >>> 3] & (0x80 >>> (sector & 7))) != 0;
    }

    private byte[] bitmap(int block) throws IOException {
        synchronized (bitmaps) {
            byte[] cached = bitmaps.get(block);
            if (cached != null) {
                return cached;
            }
        }
        byte[] bitmap = new byte[bitmapBytes];
        file.source().readFully(file.bitmapOffset(block), ByteBuffer.wrap(bitmap));
        synchronized (bitmaps) {
            bitmaps.put(block, bitmap);
        }
        return bitmap;
    }

    /** Reads from the parent, or zeros where there is none or it is smaller. */
    private void readParent(long pos, ByteBuffer part) throws IOException {
        if (parent == null) {
            Buffers.putZeros(part, part.remaining());
            return;
        }
        long parentSize = parent.size();
        int fromParent = (int) Math.max(0, Math.min(part.remaining(), parentSize - pos));
        if (fromParent > 0) {
            parent.read(pos, Buffers.take(part, fromParent));
        }
        Buffers.putZeros(part, part.remaining());
    }

    /**
     * The allocated blocks of this file, joined with the parent's allocated ranges. Past {@link #MAX_EXTENTS} ranges,
     * each further block widens the last range (a superset, as the contract allows), so that a hostile BAT of
     * alternating entries cannot exhaust memory.
     */
    @Override
    public List<Extent> allocatedExtents() throws IOException {
        List<long[]> runs = new ArrayList<>();
        for (int i = 0; i < bat.size(); i++) {
            long start = i * blockSize;
            if (!bat.isAllocated(i) || start >= size) {
                continue;
            }
            long end = Math.min(start + blockSize, size);
            long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && (last[1] == start || runs.size() >= MAX_EXTENTS)) {
                last[1] = end;
            } else {
                runs.add(new long[] {start, end});
            }
        }
        List<Extent> mine = runs.stream().map(r -> new Extent(r[0], r[1] - r[0])).toList();
        if (parent == null) {
            return mine;
        }
        return Extents.union(mine, Extents.clip(parent.allocatedExtents(), 0, size));
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
