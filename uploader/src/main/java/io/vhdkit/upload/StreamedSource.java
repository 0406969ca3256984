package io.vhdkit.upload;

import io.vhdkit.compress.ImageStream;
import io.vhdkit.io.Extent;
import io.vhdkit.vhd.VhdFooter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A compressed image uploaded straight from its decompressing stream, never written to disk
 * ({@link #sequentialOnly()}: the uploader reads in ascending order from one thread; gaps are decompressed and
 * dropped). Two layouts: a fixed VHD or a raw image is the stream itself (a raw one followed by a generated
 * footer); a dynamic VHD whose blocks lie in the file in ascending virtual order is mapped block by block, its BAT
 * holes never read and sectors its bitmaps mark unused read as zeros, followed by its footer rewritten as fixed.
 */
final class StreamedSource implements UploadSource {

    private static final int FOOTER = VhdFooter.SIZE;

    /** Where the virtual disk's bytes are in the stream. */
    sealed interface Layout permits Straight, Blocks {
    }

    /** The stream's first {@code length} bytes are the disk. */
    record Straight(long length) implements Layout {
    }

    /**
     * A dynamic VHD's blocks.
     *
     * @param blockSize   bytes per block
     * @param bitmapBytes the sector bitmap before each block's data
     * @param offsets     each block's file offset, or -1 for a hole
     */
    record Blocks(long blockSize, int bitmapBytes, long[] offsets) implements Layout {
    }

    private ImageStream stream;
    private final Layout layout;
    private final long virtualSize;
    private final byte[] footer;
    private final String name;
    private final String description;
    private final SourceIdentity identity;
    private final byte[] scratch = new byte[64 * 1024];
    private int bitmapBlock = -1;
    private byte[] bitmap;

    StreamedSource(ImageStream stream, Layout layout, long virtualSize, byte[] footer, String name,
                   String description, SourceIdentity identity) {
        this.stream = stream;
        this.layout = layout;
        this.virtualSize = virtualSize;
        this.footer = footer;
        this.name = name;
        this.description = description;
        this.identity = identity;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public long size() {
        return virtualSize + FOOTER;
    }

    @Override
    public boolean sequentialOnly() {
        return true;
    }

    @Override
    public List<Extent> dataExtents() {
        if (layout instanceof Blocks b) {
            List<Extent> out = new ArrayList<>();
            for (int i = 0; i < b.offsets().length; i++) {
                long start = i * b.blockSize();
                if (b.offsets()[i] >= 0 && start < virtualSize) {
                    out.add(new Extent(start, Math.min(b.blockSize(), virtualSize - start)));
                }
            }
            out.add(new Extent(virtualSize, FOOTER));
            return io.vhdkit.io.Extents.normalize(out);
        }
        return List.of(new Extent(0, size()));
    }

    @Override
    public synchronized void read(long position, ByteBuffer dst) throws IOException {
        long end = position + dst.remaining();
        if (position < 0 || end > size()) {
            throw new IllegalArgumentException("read [" + position + ", " + end + ") outside [0, " + size() + ")");
        }
        long pos = position;
        while (dst.hasRemaining()) {
            if (pos >= virtualSize) {
                dst.put(footer, (int) (pos - virtualSize), dst.remaining());
                break;
            }
            int n = (int) Math.min(dst.remaining(), virtualSize - pos);
            if (layout instanceof Straight) {
                n = Math.min(n, scratch.length);
                at(pos);
                stream.readExactly(scratch, 0, n);
                dst.put(scratch, 0, n);
            } else {
                n = readBlock((Blocks) layout, pos, dst, n);
            }
            pos += n;
        }
    }

    /** Reads at most {@code max} bytes at {@code pos} from within one block; returns how many. */
    private int readBlock(Blocks b, long pos, ByteBuffer dst, int max) throws IOException {
        int block = (int) (pos / b.blockSize());
        long inBlock = pos - block * b.blockSize();
        int n = (int) Math.min(Math.min(max, b.blockSize() - inBlock), scratch.length);
        long start = b.offsets()[block];
        if (start < 0) {
            java.util.Arrays.fill(scratch, 0, n, (byte) 0);
            dst.put(scratch, 0, n);
            return n;
        }
        if (bitmapBlock != block) {
            at(start);
            bitmap = new byte[b.bitmapBytes()];
            stream.readExactly(bitmap, 0, bitmap.length);
            bitmapBlock = block;
        }
        at(start + b.bitmapBytes() + inBlock);
        stream.readExactly(scratch, 0, n);
        // a sector whose bitmap bit is clear holds no data in a dynamic disk: it reads as zeros (VHD spec, Block
        // Bitmap)
        for (long off = inBlock; off < inBlock + n; ) {
            int sector = (int) (off / FOOTER);
            long sectorEnd = Math.min((sector + 1L) * FOOTER, inBlock + n);
            if ((bitmap[sector >>> 3] & (0x80 >>> (sector & 7))) == 0) {
                java.util.Arrays.fill(scratch, (int) (off - inBlock), (int) (sectorEnd - inBlock), (byte) 0);
            }
            off = sectorEnd;
        }
        dst.put(scratch, 0, n);
        return n;
    }

    /**
     * Moves the stream to file offset {@code target}: forward by decompressing and dropping; backward (a
     * verification reading everything again) by decompressing again from the start.
     */
    private void at(long target) throws IOException {
        if (target < stream.position()) {
            ImageStream again = stream.reopen();
            stream.close();
            stream = again;
            bitmapBlock = -1;
        }
        stream.skipExactly(target - stream.position());
    }

    @Override
    public synchronized long bytesRead() {
        return stream.position();
    }

    @Override
    public synchronized void close() throws IOException {
        stream.close();
    }

    @Override
    public SourceIdentity identity() {
        return identity;
    }

}
