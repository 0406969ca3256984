package io.vhdkit.validator.linux;

import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A stream that knows its position, can look ahead and can take back bytes a decoder read past the end of its data
 * (a gzip member's inflater reads in chunks). Reading stops with an {@link UnsupportedFormatException} past
 * {@code limit} bytes, so that no input, however long, is read without end.
 */
final class PositionedInput extends InputStream {

    private final InputStream in;
    private final long limit;
    private final String what;
    private byte[] back = new byte[0];
    private int backPos;
    private long position;

    /**
     * @param what names the data in messages ("the initramfs", "the gzip data at 0x200")
     */
    PositionedInput(InputStream in, long limit, String what) {
        this.in = in;
        this.limit = limit;
        this.what = what;
    }

    long position() {
        return position;
    }

    String what() {
        return what;
    }

    /** The next byte without consuming it, or -1 at the end. */
    int peek() throws IOException {
        int b = read();
        if (b >= 0) {
            unread(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    /** Up to {@code n} next bytes without consuming them. */
    byte[] peek(int n) throws IOException {
        byte[] b = readNBytes(n);
        unread(b, 0, b.length);
        return b;
    }

    /** Skips zero bytes up to the next other byte or the end; returns how many. */
    long skipZeros() throws IOException {
        byte[] buf = new byte[8192];
        long skipped = 0;
        while (true) {
            int n = read(buf, 0, buf.length);
            if (n < 0) {
                return skipped;
            }
            for (int i = 0; i < n; i++) {
                if (buf[i] != 0) {
                    unread(buf, i, n - i);
                    return skipped + i;
                }
            }
            skipped += n;
        }
    }

    /** Gives back bytes just read: they are read again next. */
    void unread(byte[] b, int off, int len) {
        if (len == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(back, backPos, back.length);
        byte[] joined = new byte[len + rest.length];
        System.arraycopy(b, off, joined, 0, len);
        System.arraycopy(rest, 0, joined, len, rest.length);
        back = joined;
        backPos = 0;
        position -= len;
    }

    @Override
    public int read() throws IOException {
        if (backPos < back.length) {
            position++;
            return back[backPos++] & 0xFF;
        }
        checkLimit(1);
        int b = in.read();
        if (b >= 0) {
            position++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (backPos < back.length) {
            int n = Math.min(len, back.length - backPos);
            System.arraycopy(back, backPos, b, off, n);
            backPos += n;
            position += n;
            return n;
        }
        checkLimit(len);
        int n = in.read(b, off, len);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    private void checkLimit(int wanted) throws UnsupportedFormatException {
        if (position >= limit) {
            throw new UnsupportedFormatException(FieldRef.of("initramfs", what, "", FieldRef.NO_OFFSET),
                    what + " goes on past " + limit + " bytes; vhdkit reads no further");
        }
    }

    /**
     * Does nothing: the stream beneath belongs to whoever opened it. The decoders close their input when they are
     * closed (xz and zstd do), and the raw initramfs must stay open for the part after theirs.
     */
    @Override
    public void close() {
    }
}
