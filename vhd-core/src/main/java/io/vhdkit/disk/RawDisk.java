package io.vhdkit.disk;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.io.ByteSource;
import io.vhdkit.io.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** A raw disk image: the virtual disk is the file, byte for byte. */
public final class RawDisk implements VirtualDisk {

    private final ByteSource source;
    private final long size;

    public RawDisk(ByteSource source) throws IOException {
        this.source = source;
        this.size = source.size();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        int n = dst.remaining();
        if (position < 0 || position > size || n > size - position) {
            throw new CorruptFormatException(FieldRef.of("raw", "disk", "read range", FieldRef.NO_OFFSET),
                    "a read of " + n + " bytes at " + position + " lies outside the disk of " + size + " bytes");
        }
        source.readFully(position, dst);
    }

    @Override
    public List<Extent> allocatedExtents() throws IOException {
        return source.dataExtents(0, size);
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
