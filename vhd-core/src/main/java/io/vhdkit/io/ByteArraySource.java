package io.vhdkit.io;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/** Bytes in memory, read as a source. The array is not copied. */
public final class ByteArraySource implements ByteSource {

    private final String name;
    private final byte[] bytes;
    private final LongAdder bytesRead = new LongAdder();

    public ByteArraySource(String name, byte[] bytes) {
        this.name = Objects.requireNonNull(name, "name");
        this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public void readFully(long position, ByteBuffer dst) throws EOFException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        int n = dst.remaining();
        if (position > bytes.length || n > bytes.length - position) {
            throw new EOFException(name + ": " + n + " bytes wanted at offset " + position + " past the end ("
                    + bytes.length + " bytes)");
        }
        dst.put(bytes, (int) position, n);
        bytesRead.add(n);
    }

    @Override
    public long bytesRead() {
        return bytesRead.sum();
    }

    @Override
    public void close() {
        // nothing to release
    }
}
