package io.vhdkit.vhd;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.io.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** A fixed disk: the virtual disk is the first {@code current size} bytes of the file. */
final class FixedDisk implements VirtualDisk {

    private final VhdFile file;
    private final long size;

    FixedDisk(VhdFile file) {
        if (file.diskType() != DiskType.FIXED) {
            throw new IllegalArgumentException(file.diskType().label());
        }
        this.file = file;
        this.size = file.virtualSize();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        DiskRanges.check(file.name(), size, position, dst);
        file.source().readFully(position, dst);
    }

    /** The data ranges of the file, from its hole map where the OS can tell (SEEK_DATA/SEEK_HOLE). */
    @Override
    public List<Extent> allocatedExtents() throws IOException {
        return file.source().dataExtents(0, size);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
