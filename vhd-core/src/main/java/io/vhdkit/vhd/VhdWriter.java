package io.vhdkit.vhd;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.io.AtomicFile;
import io.vhdkit.io.Extent;
import io.vhdkit.io.Extents;
import io.vhdkit.io.RandomBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Writes a virtual disk as a new fixed or dynamic VHD. The output is sparse: only the source's allocated ranges are
 * read, and within them zero pages (4 KiB) are skipped with seeks, never written, so a hole-supporting filesystem
 * allocates nothing for them. The file is written under a temporary name in the target's directory and renamed into
 * place when complete ({@link AtomicFile}). Footers are fresh ({@link VhdFooter#create}).
 *
 * <p>Dynamic layout: footer copy at 0, dynamic header at 512, the BAT at 1536 (padded with {@code 0xFFFFFFFF} to a
 * sector), then each block that holds a non-zero byte (its sector bitmap all ones, then its data), in disk order,
 * then the footer.
 */
public final class VhdWriter {

    /** The block size of the dynamic VHDs written, 2 MiB (the spec's default, as Hyper-V writes). */
    public static final long DEFAULT_BLOCK_SIZE = DynamicHeader.DEFAULT_BLOCK_SIZE;
    /** Zero detection granularity: a filesystem block. */
    static final int PAGE = 4096;
    /** Threads that copy at once ({@link ChunkCopy}). */
    private static final int WORKERS = Runtime.getRuntime().availableProcessors();
    /** Bytes read from the source at a time. */
    static final int CHUNK = 4 * 1024 * 1024;
    /** The largest dynamic file: BAT entries are 32-bit sector numbers. */
    static final long MAX_DYNAMIC_FILE = 0xFFFF_FFFEL * VhdFooter.SECTOR_SIZE;

    private static final byte[] ZERO_PAGE = new byte[PAGE];
    private static final ByteBuffer ZERO_DIRECT = ByteBuffer.allocateDirect(PAGE).asReadOnlyBuffer();

    /**
     * What to write.
     *
     * @param type      {@link DiskType#FIXED} or {@link DiskType#DYNAMIC}
     * @param size      the virtual size, a positive multiple of 512; the source is read up to the smaller of its size
     *                  and this, the rest is zeros
     * @param blockSize dynamic disks: the block size, a power of two from 512 bytes to 256 MiB
     * @param uniqueId  the new disk's unique id
     * @param timestamp the footer's time stamp
     * @param replace   whether an existing target may be replaced
     */
    public record Options(DiskType type, long size, long blockSize, UUID uniqueId, Instant timestamp,
                          boolean replace) {
        public Options {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(uniqueId, "uniqueId");
            Objects.requireNonNull(timestamp, "timestamp");
            if (type == DiskType.DIFFERENCING) {
                throw new IllegalArgumentException("differencing disks are not written");
            }
            if (size <= 0 || size % VhdFooter.SECTOR_SIZE != 0) {
                throw new IllegalArgumentException("size " + size + " is not a positive multiple of 512");
            }
            if (blockSize < VhdFooter.SECTOR_SIZE || Long.bitCount(blockSize) != 1
                    || blockSize > VhdFile.MAX_BLOCK_SIZE) {
                throw new IllegalArgumentException("block size " + blockSize);
            }
        }

        /** A new disk with a random unique id, stamped now, with 2 MiB blocks if dynamic. */
        public static Options of(DiskType type, long size, boolean replace) {
            return new Options(type, size, DEFAULT_BLOCK_SIZE, RandomBytes.uuid(), Instant.now(), replace);
        }
    }

    /**
     * What was written.
     *
     * @param footer          the footer written
     * @param fileSize        the length of the file
     * @param dataBytes       bytes of disk data written (non-zero pages)
     * @param allocatedBlocks dynamic disks: blocks allocated; fixed: 0
     */
    public record Result(VhdFooter footer, long fileSize, long dataBytes, long allocatedBlocks) {
    }

    private VhdWriter() {
    }

    /** Writes {@code source} to {@code target} as {@code options} say, durably; the source is only read. */
    public static Result write(VirtualDisk source, Path target, Options options) throws IOException {
        return write(source, target, options, true);
    }

    /**
     * Writes {@code source} to {@code target} as {@code options} say; the source is only read.
     *
     * @param durable force the file to disk before renaming it into place ({@link AtomicFile#commit(boolean)})
     */
    public static Result write(VirtualDisk source, Path target, Options options, boolean durable)
            throws IOException {
        try (AtomicFile out = AtomicFile.create(target, options.replace())) {
            if (options.replace() && java.nio.file.Files.isRegularFile(target)) {
                out.copyPermissionsFrom(target);
            }
            WriteBehind behind = durable ? WriteBehind.of(out.channel()) : WriteBehind.NONE;
            Result r;
            try {
                r = write(source, out.channel(), options, behind);
            } catch (IOException | RuntimeException e) {
                try {
                    behind.finish();
                } catch (IOException f) {
                    e.addSuppressed(f);
                }
                throw e;
            }
            behind.finish();
            out.commit(durable);
            return r;
        }
    }

    /** Writes into an empty channel (no rename). */
    public static Result write(VirtualDisk source, FileChannel out, Options options) throws IOException {
        return write(source, out, options, WriteBehind.NONE);
    }

    private static Result write(VirtualDisk source, FileChannel out, Options options, WriteBehind behind)
            throws IOException {
        long stamp = Math.max(0, Math.min(0xFFFF_FFFFL, VhdTime.fromInstant(options.timestamp())));
        long readable = Math.min(source.size(), options.size());
        List<Extent> extents = Extents.clip(Extents.normalize(source.allocatedExtents()), 0, readable);
        if (options.type() == DiskType.FIXED) {
            Sink sink = (pos, data) -> writeFully(out, data, pos);   // positional writes: any order, any thread
            long data = ChunkCopy.copy(source, extents, readable, sink, false, behind, WORKERS);
            VhdFooter footer = VhdFooter.fixed(options.size(), options.uniqueId(), stamp);
            writeFully(out, ByteBuffer.wrap(footer.encode()), options.size());
            return new Result(footer, out.size(), data, 0);
        }
        DynamicSink sink = new DynamicSink(out, options.size(), options.blockSize());
        sink.writeHead();
        long data = ChunkCopy.copy(source, extents, readable, sink, true, behind, WORKERS);
        VhdFooter footer = VhdFooter.create(DiskType.DYNAMIC, options.size(), DynamicSink.HEADER_AT,
                options.uniqueId(), stamp);
        long footerAt = sink.finish();
        byte[] f = footer.encode();
        writeFully(out, ByteBuffer.wrap(f), footerAt);
        writeFully(out, ByteBuffer.wrap(f), 0);
        return new Result(footer, out.size(), data, sink.allocated);
    }

    /** Where the non-zero runs go. */
    interface Sink {
        /** Writes {@code data} (position to limit) at {@code diskPosition} of the virtual disk. */
        void write(long diskPosition, ByteBuffer data) throws IOException;
    }

    static boolean isZero(byte[] buf, int off, int len) {
        return Arrays.mismatch(buf, off, off + len, ZERO_PAGE, 0, len) < 0;
    }

    /** Whether {@code buf[off, off + len)} (absolute, {@code len <= PAGE}) holds only zeros. */
    static boolean isZero(ByteBuffer buf, int off, int len) {
        // ByteBuffer.mismatch is the JDK's vectorized compare, for direct buffers too
        return buf.slice(off, len).mismatch(ZERO_DIRECT.slice(0, len)) < 0;
    }

    static void writeFully(FileChannel out, ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            pos += out.write(b, pos);
        }
    }

    /** Allocates blocks as data arrives (in disk order) and writes the BAT and header at the end. */
    private static final class DynamicSink implements Sink {
        static final long HEADER_AT = VhdFooter.SIZE;
        static final long TABLE_AT = HEADER_AT + DynamicHeader.SIZE;

        private final FileChannel out;
        private final long blockSize;
        private final int bitmapBytes;
        private final ByteBuffer bitmap;
        private final int[] bat;
        private final long batBytes;
        private long next;
        long allocated;

        DynamicSink(FileChannel out, long size, long blockSize) {
            this.out = out;
            this.blockSize = blockSize;
            long blocks = VhdFile.ceilDiv(size, blockSize);
            if (blocks > VhdFile.MAX_BAT_ENTRIES) {
                throw new IllegalArgumentException(size + " bytes in blocks of " + blockSize + " need " + blocks
                        + " BAT entries, more than " + VhdFile.MAX_BAT_ENTRIES);
            }
            this.bat = new int[(int) blocks];
            Arrays.fill(bat, BlockAllocationTable.UNALLOCATED);
            this.batBytes = VhdFile.roundUpToSector(blocks * BlockAllocationTable.ENTRY_SIZE);
            this.bitmapBytes = (int) VhdFile.roundUpToSector((blockSize / VhdFooter.SECTOR_SIZE + 7) / 8);
            this.next = TABLE_AT + batBytes;
            this.bitmap = ByteBuffer.allocateDirect(bitmapBytes);
            while (bitmap.hasRemaining()) {
                bitmap.put((byte) 0xFF);
            }
        }

        @Override
        public void write(long diskPosition, ByteBuffer data) throws IOException {
            long pos = diskPosition;
            int end = data.limit();
            while (data.position() < end) {
                int block = (int) (pos / blockSize);
                long inBlock = pos % blockSize;
                int n = (int) Math.min(end - data.position(), blockSize - inBlock);
                long at = dataOffset(block) + inBlock;
                data.limit(data.position() + n);
                writeFully(out, data, at);
                data.limit(end);
                pos += n;
            }
        }

        private long dataOffset(int block) throws IOException {
            if (bat[block] == BlockAllocationTable.UNALLOCATED) {
                long span = bitmapBytes + blockSize;
                if (next + span + VhdFooter.SIZE > MAX_DYNAMIC_FILE) {
                    throw new IOException("the dynamic VHD would be larger than " + MAX_DYNAMIC_FILE
                            + " bytes, the most its 32-bit BAT can address; write a fixed VHD instead");
                }
                writeFully(out, bitmap.clear(), next);
                bat[block] = (int) (next / VhdFooter.SECTOR_SIZE);
                next += span;
                allocated++;
            }
            return Integer.toUnsignedLong(bat[block]) * VhdFooter.SECTOR_SIZE + bitmapBytes;
        }

        /** Writes the BAT and the header; returns where the end footer goes. */
        long finish() throws IOException {
            writeHead();
            return next;
        }

        /**
         * Writes the header and the BAT as they are now. Called before any data too (an empty BAT), so that the file
         * system allocates the head of the file first, in file order. Written only at the end, the head's blocks came
         * after the data's: once a durable convert's write-behind had flushed the data, ext4 put the head's extent in
         * front of a full extent-tree leaf and split it, one 4 KiB tree block more than qemu-img's output (a 4 GiB
         * disk with 411 data ranges). {@link #finish} rewrites these bytes in place.
         */
        void writeHead() throws IOException {
            ByteBuffer table = ByteBuffer.allocate((int) batBytes).order(ByteOrder.BIG_ENDIAN);
            for (int e : bat) {
                table.putInt(e);
            }
            while (table.hasRemaining()) {
                table.put((byte) 0xFF);
            }
            writeFully(out, table.flip(), TABLE_AT);
            writeFully(out, ByteBuffer.wrap(DynamicHeader.encodeDynamic(TABLE_AT, bat.length, blockSize)), HEADER_AT);
        }
    }
}
