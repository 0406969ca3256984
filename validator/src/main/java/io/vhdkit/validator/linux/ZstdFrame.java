package io.vhdkit.validator.linux;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * The compressed bytes of one Zstandard frame (RFC 8878 section 3.1.1), passed through unchanged and ended exactly
 * where the frame ends, told by its header and block headers: so that the decoder never sees what follows the frame,
 * and so that a window larger than Linux accepts is refused before any decoder allocates it.
 */
final class ZstdFrame extends InputStream {

    static final int MAGIC = 0xFD2FB528;
    /** lib/decompress_unzstd.c refuses windows over 128 MiB for the initramfs. */
    static final long MAX_WINDOW = 128L << 20;
    /** Block_Maximum_Size. */
    static final int MAX_BLOCK = 128 * 1024;

    private enum State { HEADER, BLOCK_HEADER, CHECKSUM, DONE }

    private final PositionedInput in;
    private final long start;
    private State state = State.HEADER;
    private byte[] pending = new byte[0];
    private int pendingPos;
    private long passThrough;
    private boolean checksum;

    ZstdFrame(PositionedInput in) {
        this.in = in;
        this.start = in.position();
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
        while (true) {
            if (pendingPos < pending.length) {
                int n = Math.min(len, pending.length - pendingPos);
                System.arraycopy(pending, pendingPos, b, off, n);
                pendingPos += n;
                return n;
            }
            if (passThrough > 0) {
                int n = in.read(b, off, (int) Math.min(len, passThrough));
                if (n < 0) {
                    throw new CorruptFormatException(ref("block", in.position()), "the data ends inside a zstd block");
                }
                passThrough -= n;
                return n;
            }
            switch (state) {
                case HEADER -> header();
                case BLOCK_HEADER -> block();
                case CHECKSUM -> {
                    pending = fully(4, "Content_Checksum");
                    pendingPos = 0;
                    state = State.DONE;
                }
                default -> {
                    return -1;
                }
            }
        }
    }

    private void header() throws IOException {
        byte[] h = fully(5, "Frame_Header");
        int magic = (h[0] & 0xFF) | (h[1] & 0xFF) << 8 | (h[2] & 0xFF) << 16 | (h[3] & 0xFF) << 24;
        if (magic != MAGIC) {
            throw new CorruptFormatException(ref("Magic_Number", start), String.format(Locale.ROOT, "0x%08X", magic),
                    "0xFD2FB528");
        }
        int fhd = h[4] & 0xFF;
        int fcsFlag = fhd >>> 6;
        boolean singleSegment = (fhd & 0x20) != 0;
        if ((fhd & 0x08) != 0) {
            throw new CorruptFormatException(ref("Frame_Header_Descriptor", start + 4),
                    String.format(Locale.ROOT, "0x%02X", fhd), "the reserved bit 3 clear");
        }
        checksum = (fhd & 0x04) != 0;
        int dictIdSize = new int[] {0, 1, 2, 4}[fhd & 3];
        int fcsSize = new int[] {singleSegment ? 1 : 0, 2, 4, 8}[fcsFlag];
        int rest = (singleSegment ? 0 : 1) + dictIdSize + fcsSize;
        byte[] r = fully(rest, "Frame_Header");
        long window = 0;
        int p = 0;
        if (!singleSegment) {
            int wd = r[p++] & 0xFF;
            long base = 1L << (10 + (wd >>> 3));
            window = base + (base / 8) * (wd & 7);
        }
        long dictId = 0;
        for (int i = 0; i < dictIdSize; i++) {
            dictId |= (r[p++] & 0xFFL) << (8 * i);
        }
        if (dictId != 0) {
            throw new UnsupportedFormatException(ref("Dictionary_ID", start + 5), Long.toString(dictId), "0",
                    "the zstd frame needs dictionary " + dictId + ", which an initramfs cannot carry");
        }
        long fcs = 0;
        for (int i = 0; i < fcsSize; i++) {
            fcs |= (r[p++] & 0xFFL) << (8 * i);
        }
        if (fcsSize == 2) {
            fcs += 256;
        }
        if (singleSegment) {
            window = fcs;
        }
        if (window > MAX_WINDOW || window < 0) {
            throw new UnsupportedFormatException(ref("Window_Descriptor", start + 5), Long.toUnsignedString(window),
                    "at most " + MAX_WINDOW, "the zstd frame's window is " + Long.toUnsignedString(window)
                    + " bytes, more than the 128 MiB Linux accepts for an initramfs");
        }
        pending = new byte[5 + rest];
        System.arraycopy(h, 0, pending, 0, 5);
        System.arraycopy(r, 0, pending, 5, rest);
        pendingPos = 0;
        state = State.BLOCK_HEADER;
    }

    private void block() throws IOException {
        long at = in.position();
        byte[] h = fully(3, "Block_Header");
        int v = (h[0] & 0xFF) | (h[1] & 0xFF) << 8 | (h[2] & 0xFF) << 16;
        boolean last = (v & 1) != 0;
        int type = (v >>> 1) & 3;
        int size = v >>> 3;
        if (type == 3) {
            throw new CorruptFormatException(ref("Block_Type", at), "3 (reserved)", "0 raw, 1 RLE or 2 compressed");
        }
        if (size > MAX_BLOCK) {
            throw new CorruptFormatException(ref("Block_Size", at), Integer.toString(size), "at most " + MAX_BLOCK);
        }
        passThrough = type == 1 ? 1 : size;
        pending = h;
        pendingPos = 0;
        if (last) {
            state = checksum ? State.CHECKSUM : State.DONE;
        }
    }

    private byte[] fully(int n, String field) throws IOException {
        long at = in.position();
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new CorruptFormatException(ref(field, at), "the data ends inside the zstd " + field);
        }
        return b;
    }

    private FieldRef ref(String field, long offset) {
        return FieldRef.of("initramfs", String.format(Locale.ROOT, "zstd frame at 0x%X", start), field, offset);
    }
}
