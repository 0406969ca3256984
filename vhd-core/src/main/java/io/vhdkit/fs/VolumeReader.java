package io.vhdkit.fs;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounds-checked reads of a filesystem's volume, with a small cache of metadata blocks. A read that falls outside
 * the volume is reported against the structure that asked for it, never as an I/O error or a runtime exception.
 */
public final class VolumeReader {

    /** Metadata blocks kept, most recently used first. */
    static final int CACHE_BLOCKS = 512;
    /** Blocks larger than this are not cached. */
    static final int MAX_CACHED_BLOCK = 64 * 1024;

    private final VirtualDisk volume;
    private final String format;
    private final ByteOrder order;
    private final Map<Long, byte[]> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > CACHE_BLOCKS;
        }
    };

    /**
     * @param volume the volume the filesystem lives on
     * @param format the filesystem's name in messages ({@code "ext4"}, {@code "XFS"})
     * @param order  the filesystem's byte order: the order of the buffers returned
     */
    public VolumeReader(VirtualDisk volume, String format, ByteOrder order) {
        this.volume = volume;
        this.format = format;
        this.order = order;
    }

    public long size() {
        return volume.size();
    }

    public String format() {
        return format;
    }

    public VirtualDisk volume() {
        return volume;
    }

    /** A reference for messages about {@code structure}'s {@code field} at {@code offset} of this volume. */
    public FieldRef ref(String structure, String field, long offset) {
        return FieldRef.of(format, structure, field, offset);
    }

    /** Fails unless {@code [offset, offset + length)} lies inside the volume. */
    public void checkRange(long offset, long length, String structure, String field) throws CorruptFormatException {
        if (offset < 0 || length < 0 || offset > volume.size() || length > volume.size() - offset) {
            throw new CorruptFormatException(ref(structure, field, Math.max(offset, 0)),
                    Long.toUnsignedString(offset), "within the volume of " + volume.size() + " bytes",
                    structure + " " + field + ": " + length + " bytes at offset " + Long.toUnsignedString(offset)
                            + " lie outside the volume (" + volume.size() + " bytes)");
        }
    }

    /** Reads {@code length} bytes at {@code offset} into a new buffer in the filesystem's byte order. */
    public ByteBuffer read(long offset, int length, String structure, String field) throws IOException {
        checkRange(offset, length, structure, field);
        ByteBuffer b = ByteBuffer.allocate(length);
        volume.read(offset, b);
        return b.flip().order(order);
    }

    /**
     * Reads a metadata block through the cache. The buffer returned is read-only, positioned at 0, in the
     * filesystem's byte order.
     */
    public ByteBuffer block(long offset, int length, String structure, String field) throws IOException {
        if (length > MAX_CACHED_BLOCK) {
            return read(offset, length, structure, field).asReadOnlyBuffer().order(order);
        }
        checkRange(offset, length, structure, field);
        byte[] bytes;
        synchronized (cache) {
            bytes = cache.get(offset);
        }
        if (bytes == null || bytes.length != length) {
            bytes = new byte[length];
            volume.read(offset, ByteBuffer.wrap(bytes));
            synchronized (cache) {
                cache.put(offset, bytes);
            }
        }
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer().order(order);
    }

    /** Reads file data straight into {@code dst} (not cached): {@code dst.remaining()} bytes at {@code offset}. */
    public void readInto(long offset, ByteBuffer dst, String structure, String field) throws IOException {
        checkRange(offset, dst.remaining(), structure, field);
        volume.read(offset, dst);
    }
}
