package io.vhdkit.testing;

import io.vhdkit.disk.RawDisk;
import io.vhdkit.io.ByteSource;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * A disk image as a fuzz input: its size and its non-zero 512-byte sectors only, so a 32 MiB filesystem holding
 * 200 KiB of metadata is a 200 KiB seed (libFuzzer mutates inputs of at most 1 MiB), and the fuzzer can still move a
 * structure by changing a record's sector number. Any byte string decodes (a short or garbled tail is cut), to an
 * image of at most {@link #MAX_SIZE} bytes whose unlisted sectors read as zeros, like a sparse file.
 *
 * <p>Layout, big-endian: {@code u32 size in sectors}, then records of {@code u32 first sector, u16 sector count,
 * count x 512 bytes}; a later record wins where two overlap.
 */
public final class SparseImage {

    public static final int SECTOR = 512;
    /** Decoded images are capped here: reading them never allocates it, but a parser may check against it. */
    public static final long MAX_SIZE = 1L << 30;
    private static final int RECORD_HEADER = 6;
    private static final int MAX_RUN = 0xFFFF;
    private static final byte[] ZERO_SECTOR = new byte[SECTOR];

    private final byte[] input;
    private final long size;
    /** Sector number to the offset of its bytes in {@link #input} (a tail sector may be short: zeros follow). */
    private final Map<Long, Integer> sectors = new HashMap<>();

    private SparseImage(byte[] input) {
        this.input = input;
        long declared = input.length >= 4 ? (ByteBuffer.wrap(input).getInt(0) & 0xFFFF_FFFFL) * SECTOR : 0;
        this.size = Math.min(declared, MAX_SIZE);
        int at = 4;
        while (at + RECORD_HEADER <= input.length) {
            ByteBuffer b = ByteBuffer.wrap(input, at, RECORD_HEADER);
            long first = b.getInt() & 0xFFFF_FFFFL;
            int count = b.getShort() & 0xFFFF;
            at += RECORD_HEADER;
            for (int i = 0; i < count && at < input.length; i++, at += SECTOR) {
                if ((first + i) * SECTOR < size) {
                    sectors.put(first + i, at);
                }
            }
        }
    }

    /** Decodes a fuzz input (never fails). */
    public static SparseImage decode(byte[] input) {
        return new SparseImage(input);
    }

    /** The encoding of a real image: its size rounded up to whole sectors, and its non-zero sectors. */
    public static byte[] encode(byte[] image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long sectorCount = (image.length + SECTOR - 1L) / SECTOR;
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) sectorCount).array());
        long s = 0;
        while (s < sectorCount) {
            if (zero(image, s)) {
                s++;
                continue;
            }
            long first = s;
            while (s < sectorCount && s - first < MAX_RUN && !zero(image, s)) {
                s++;
            }
            out.writeBytes(ByteBuffer.allocate(RECORD_HEADER).putInt((int) first).putShort((short) (s - first))
                    .array());
            byte[] run = new byte[(int) (s - first) * SECTOR];
            System.arraycopy(image, (int) first * SECTOR, run, 0,
                    (int) Math.min(run.length, image.length - first * SECTOR));
            out.writeBytes(run);
        }
        return out.toByteArray();
    }

    private static boolean zero(byte[] image, long sector) {
        int end = (int) Math.min(image.length, (sector + 1) * SECTOR);
        for (int i = (int) (sector * SECTOR); i < end; i++) {
            if (image[i] != 0) {
                return false;
            }
        }
        return true;
    }

    public long size() {
        return size;
    }

    /** Fills {@code dst} from {@code position}; past the end is an {@link EOFException}, as for a file. */
    public void read(long position, ByteBuffer dst) throws EOFException {
        if (position < 0 || position > size || dst.remaining() > size - position) {
            throw new EOFException("read of " + dst.remaining() + " bytes at " + position + " past the end of a "
                    + size + "-byte image");
        }
        while (dst.hasRemaining()) {
            long sector = position / SECTOR;
            int within = (int) (position % SECTOR);
            int n = Math.min(dst.remaining(), SECTOR - within);
            Integer at = sectors.get(sector);
            int have = at == null ? 0 : Math.max(0, Math.min(n, input.length - at - within));
            if (have > 0) {
                dst.put(input, at + within, have);
            }
            dst.put(ZERO_SECTOR, 0, n - have);
            position += n;
        }
    }

    /** The image as a file. */
    public ByteSource source(String name) {
        return new ByteSource() {
            private long read;

            @Override
            public String name() {
                return name;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public void readFully(long position, ByteBuffer dst) throws IOException {
                read += dst.remaining();
                SparseImage.this.read(position, dst);
            }

            @Override
            public long bytesRead() {
                return read;
            }

            @Override
            public void close() {
            }
        };
    }

    /** The image as a raw disk, the way the product opens a raw image file. */
    public RawDisk disk(String name) {
        try {
            return new RawDisk(source(name));
        } catch (IOException e) {
            throw new AssertionError("a memory source does not fail", e);
        }
    }
}
