package io.vhdkit.registry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 32-byte header of a hive bin (spec: "Hive bin").
 *
 * @param signature {@code "hbin"} as a little-endian int
 * @param offset    the bin's own relative offset
 * @param size      the bin's size, a multiple of 4096
 * @param timestamp FILETIME, meaningful in the first bin only (a copy of the base block's)
 */
public record HiveBinHeader(int signature, int offset, int size, long timestamp) {

    public static final int SIZE = 32;
    public static final int SIGNATURE = Regf.fourCC("hbin");
    public static final int OFFSET_SIGNATURE = 0;
    public static final int OFFSET_OFFSET = 4;
    public static final int OFFSET_SIZE = 8;
    public static final int OFFSET_TIMESTAMP = 20;

    /** Decodes the header at the position of {@code buffer}, which holds at least 32 bytes; not moved. */
    public static HiveBinHeader decode(ByteBuffer buffer) {
        ByteBuffer b = buffer.slice(buffer.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
        return new HiveBinHeader(b.getInt(OFFSET_SIGNATURE), b.getInt(OFFSET_OFFSET), b.getInt(OFFSET_SIZE),
                b.getLong(OFFSET_TIMESTAMP));
    }
}
