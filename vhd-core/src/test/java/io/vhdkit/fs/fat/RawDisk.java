package io.vhdkit.fs.fat;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.io.ByteSource;
import io.vhdkit.io.Extent;
import io.vhdkit.io.FileByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A raw disk image read as a {@link VirtualDisk}, for tests: bytes in memory (with a patch overlay, so that a
 * mutation of a large golden image does not copy it) or a file.
 */
public final class RawDisk implements VirtualDisk {

    private final ByteSource source;
    private final byte[] bytes;
    private final long size;
    private final TreeMap<Long, Byte> patches;

    private RawDisk(ByteSource source, byte[] bytes, long size, Map<Long, Byte> patches) {
        this.source = source;
        this.bytes = bytes;
        this.size = size;
        this.patches = new TreeMap<>(patches);
    }

    /** The bytes as a disk; the array is not copied. */
    public static RawDisk of(byte[] bytes) {
        return new RawDisk(null, bytes, bytes.length, Map.of());
    }

    /** The bytes with some of them replaced, and cut or extended (with zeros) to {@code size}. */
    public static RawDisk patched(byte[] bytes, Map<Long, Byte> patches, long size) {
        return new RawDisk(null, bytes, size, patches);
    }

    /** A raw image file. */
    public static RawDisk open(Path file) throws IOException {
        FileByteSource s = FileByteSource.open(file);
        return new RawDisk(s, null, s.size(), Map.of());
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        int n = dst.remaining();
        if (position < 0 || position > size || n > size - position) {
            throw new CorruptFormatException(FieldRef.of("disk", "raw disk", "read range", FieldRef.NO_OFFSET),
                    "a read of " + n + " bytes at " + position + " lies outside the disk (" + size + " bytes)");
        }
        if (source != null) {
            source.readFully(position, dst);
            return;
        }
        int start = dst.position();
        int have = (int) Math.max(0, Math.min(n, bytes.length - position));
        if (have > 0) {
            dst.put(bytes, (int) position, have);
        }
        for (int i = have; i < n; i++) {
            dst.put((byte) 0);
        }
        for (Map.Entry<Long, Byte> p : patches.subMap(position, position + n).entrySet()) {
            dst.put(start + (int) (p.getKey() - position), p.getValue());
        }
    }

    @Override
    public List<Extent> allocatedExtents() {
        return size == 0 ? List.of() : List.of(new Extent(0, size));
    }

    @Override
    public void close() throws IOException {
        if (source != null) {
            source.close();
        }
    }
}
