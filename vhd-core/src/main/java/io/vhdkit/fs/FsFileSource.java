package io.vhdkit.fs;

import io.vhdkit.io.ByteSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A regular file inside a filesystem as a {@link ByteSource}: what a reader of a file format found inside an image
 * (a registry hive, an initramfs) reads from, without copying the file out. Reads go through the filesystem's own
 * bounds-checked paths; holes read as zeros.
 */
public final class FsFileSource implements ByteSource {

    private final FileSystem fs;
    private final FsNode file;
    private final String name;
    private final AtomicLong bytesRead = new AtomicLong();

    /**
     * @param name for messages: the file's path in the image
     * @throws IllegalArgumentException when {@code file} is not a regular file
     */
    public FsFileSource(FileSystem fs, FsNode file, String name) {
        if (file.type() != FileType.REGULAR) {
            throw new IllegalArgumentException(name + " is not a regular file");
        }
        this.fs = fs;
        this.file = file;
        this.name = name;
    }

    /** The file {@code resolved} names. */
    public static FsFileSource of(Resolved resolved) {
        return new FsFileSource(resolved.fs(), resolved.node(), resolved.path());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return file.stat().size();
    }

    @Override
    public void readFully(long position, ByteBuffer dst) throws IOException {
        if (position < 0 || dst.remaining() > size() - position) {
            throw new EOFException(name + ": " + dst.remaining() + " bytes at " + position + " run past the end of the "
                    + size() + "-byte file");
        }
        long at = position;
        while (dst.hasRemaining()) {
            int n = fs.read(file, at, dst);
            if (n <= 0) {
                throw new EOFException(name + ": the filesystem gave no data at " + at + " of " + size() + " bytes");
            }
            at += n;
            bytesRead.addAndGet(n);
        }
    }

    @Override
    public long bytesRead() {
        return bytesRead.get();
    }

    /** Nothing to release: the filesystem belongs to whoever opened it. */
    @Override
    public void close() {
    }
}
