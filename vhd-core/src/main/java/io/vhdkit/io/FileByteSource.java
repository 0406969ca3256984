package io.vhdkit.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** A file opened read-only. Positional reads are safe from several threads. */
public final class FileByteSource implements ByteSource {

    private final Path path;
    private final FileChannel channel;
    private final LongAdder bytesRead = new LongAdder();

    private FileByteSource(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens {@code path} for reading only; the file is never written. */
    public static FileByteSource open(Path path) throws IOException {
        return new FileByteSource(path, FileChannel.open(path, StandardOpenOption.READ));
    }

    public Path path() {
        return path;
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public void readFully(long position, ByteBuffer dst) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        long pos = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                throw new EOFException(path + ": " + dst.remaining() + " bytes wanted at offset " + pos
                        + " past the end of the file");
            }
            pos += n;
            bytesRead.add(n);
        }
    }

    /**
     * A read-only mapping of {@code [position, position + length)}, which must lie within the file ({@link #bytesRead}
     * does not count what is read through it). If the file shrinks while the mapping is in use, an access past the new
     * end fails with an {@link InternalError} (the JVM's answer to SIGBUS), not with a crash.
     */
    public MappedByteBuffer map(long position, int length) throws IOException {
        long size = channel.size();
        if (position < 0 || length < 0 || position > size - length) {
            throw new EOFException(path + ": " + length + " bytes wanted at offset " + position + " of a file of "
                    + size + " bytes");
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, position, length);
    }

    @Override
    public long bytesRead() {
        return bytesRead.sum();
    }

    @Override
    public List<Extent> dataExtents(long from, long to) throws IOException {
        return SparseFiles.dataExtents(path, from, to);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
