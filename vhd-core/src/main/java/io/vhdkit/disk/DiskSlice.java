package io.vhdkit.disk;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.io.Extent;
import io.vhdkit.io.Extents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A byte range of another virtual disk, read as a disk of its own: a partition, a physical volume's data area.
 * Closing a slice does not close the disk it views.
 */
public final class DiskSlice implements VirtualDisk {

    private final VirtualDisk disk;
    private final long offset;
    private final long length;
    private final String name;

    /**
     * @param name a name for messages, such as {@code "partition 2"}
     * @throws IllegalArgumentException when the range does not lie inside {@code disk}
     */
    public DiskSlice(VirtualDisk disk, long offset, long length, String name) {
        if (offset < 0 || length < 0 || offset > disk.size() || length > disk.size() - offset) {
            throw new IllegalArgumentException(name + ": [" + offset + ", +" + length + ") outside a disk of "
                    + disk.size() + " bytes");
        }
        this.disk = disk;
        this.offset = offset;
        this.length = length;
        this.name = name;
    }

    /** Where the slice starts on the underlying disk. */
    public long offset() {
        return offset;
    }

    public String name() {
        return name;
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        int n = dst.remaining();
        if (position < 0 || position > length || n > length - position) {
            throw new CorruptFormatException(FieldRef.of("disk", name, "read range", FieldRef.NO_OFFSET),
                    "a read of " + n + " bytes at " + position + " lies outside " + name + " (" + length + " bytes)");
        }
        disk.read(offset + position, dst);
    }

    @Override
    public List<Extent> allocatedExtents() throws IOException {
        List<Extent> out = new ArrayList<>();
        for (Extent e : Extents.clip(disk.allocatedExtents(), offset, offset + length)) {
            out.add(new Extent(e.offset() - offset, e.length()));
        }
        return List.copyOf(out);
    }

    @Override
    public void close() {
        // the underlying disk belongs to whoever made the slice
    }
}
