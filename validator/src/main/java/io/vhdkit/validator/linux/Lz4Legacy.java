package io.vhdkit.validator.linux;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * The LZ4 "legacy" format that {@code lz4 -l} writes and the kernel's lib/decompress_unlz4.c reads: the magic
 * 0x184C2102, then blocks, each a 32-bit little-endian compressed size and an LZ4 block that decompresses to 8 MiB
 * (less for the last). It has no end marker: it ends with the data, at a block size of 0, and the magic may repeat
 * between blocks.
 */
final class Lz4Legacy extends InputStream {

    static final int MAGIC = 0x184C2102;
    static final int CHUNK = 8 << 20;
    /** LZ4_compressBound(8 MiB). */
    static final int MAX_COMPRESSED = CHUNK + CHUNK / 255 + 16;

    private final PositionedInput in;
    private final long start;
    private final Lz4Decompressor decompressor = new Lz4Decompressor();
    private byte[] out;
    private byte[] compressed;
    private int outPos;
    private int outLen;
    private boolean done;

    Lz4Legacy(PositionedInput in) throws IOException {
        this.in = in;
        this.start = in.position();
        byte[] m = in.readNBytes(4);
        if (m.length < 4 || le32(m) != MAGIC) {
            throw new CorruptFormatException(ref("magic", start), "not the LZ4 legacy magic 0x184C2102");
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (outPos >= outLen) {
            if (done || !nextBlock()) {
                done = true;
                return -1;
            }
        }
        int n = Math.min(len, outLen - outPos);
        System.arraycopy(out, outPos, b, off, n);
        outPos += n;
        return n;
    }

    private boolean nextBlock() throws IOException {
        while (true) {
            long at = in.position();
            byte[] s = in.readNBytes(4);
            if (s.length == 0) {
                return false;
            }
            if (s.length < 4) {
                throw new CorruptFormatException(ref("block size", at), "the data ends inside an LZ4 block size");
            }
            long size = le32(s) & 0xFFFFFFFFL;
            if (size == MAGIC) {
                continue;
            }
            if (size == 0) {
                return false;
            }
            if (size > MAX_COMPRESSED) {
                throw new CorruptFormatException(ref("block size", at), Long.toString(size),
                        "at most " + MAX_COMPRESSED);
            }
            if (compressed == null || compressed.length < size) {
                compressed = new byte[(int) size];
            }
            if (in.readNBytes(compressed, 0, (int) size) < size) {
                throw new CorruptFormatException(ref("block", at + 4), "the data ends inside an LZ4 block");
            }
            if (out == null) {
                out = new byte[CHUNK];
            }
            try {
                outLen = decompressor.decompress(compressed, 0, (int) size, out, 0, CHUNK);
            } catch (MalformedInputException | IndexOutOfBoundsException | IllegalArgumentException e) {
                throw new CorruptFormatException(ref("block", at + 4), "the LZ4 block is damaged: " + e.getMessage());
            }
            outPos = 0;
            if (outLen > 0) {
                return true;
            }
        }
    }

    private static int le32(byte[] b) {
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }

    private FieldRef ref(String field, long offset) {
        return FieldRef.of("initramfs", String.format(Locale.ROOT, "lz4 data at 0x%X", start), field, offset);
    }
}
