package io.vhdkit.fs;

import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.format.FieldRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** Reading whole files and streams on top of {@link FileSystem#read}. */
public final class FsFiles {

    private FsFiles() {
    }

    /**
     * The whole file, when it is at most {@code maxBytes} long.
     *
     * @throws UnsupportedFormatException when the file is larger: read it as a stream instead
     */
    public static byte[] readAll(FileSystem fs, FsNode file, int maxBytes) throws IOException {
        long size = file.stat().size();
        if (size > maxBytes) {
            throw new UnsupportedFormatException(FieldRef.of(fs.info().type(), "file", "size", FieldRef.NO_OFFSET),
                    Long.toString(size), "at most " + maxBytes, "file " + file.id() + " is " + size
                    + " bytes, more than the " + maxBytes + " read whole");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        while (buf.hasRemaining()) {
            int n = fs.read(file, buf.position(), buf);
            if (n < 0) {
                break;
            }
        }
        return buf.position() == buf.capacity() ? buf.array() : java.util.Arrays.copyOf(buf.array(), buf.position());
    }

    /** A stream over the file's bytes, read in chunks as it is consumed. */
    public static InputStream newInputStream(FileSystem fs, FsNode file) {
        return new InputStream() {
            private long position;
            private final ByteBuffer chunk = ByteBuffer.allocate(64 * 1024).limit(0);

            @Override
            public int read() throws IOException {
                if (!fill()) {
                    return -1;
                }
                return chunk.get() & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (!fill()) {
                    return -1;
                }
                int n = Math.min(len, chunk.remaining());
                chunk.get(b, off, n);
                return n;
            }

            private boolean fill() throws IOException {
                if (chunk.hasRemaining()) {
                    return true;
                }
                chunk.clear();
                int n = fs.read(file, position, chunk);
                chunk.flip();
                if (n <= 0) {
                    return false;
                }
                position += n;
                return true;
            }
        };
    }
}
