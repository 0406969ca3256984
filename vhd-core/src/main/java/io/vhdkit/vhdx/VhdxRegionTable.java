package io.vhdkit.vhdx;

import io.vhdkit.partition.Guids;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A region table (MS-VHDX 2.2.3: 64 KiB at 192 KiB and at 256 KiB; little-endian).
 *
 * @param signature        {@code "regi"} as a little-endian uint32
 * @param checksum         the stored CRC-32C
 * @param computedChecksum CRC-32C of the 64 KiB with the checksum field zero
 * @param entryCount       as stored, unsigned
 * @param entries          the entries, decoded only when the count is at most {@link #MAX_ENTRIES}
 */
public record VhdxRegionTable(int signature, int checksum, int computedChecksum, long entryCount,
                              List<Entry> entries) {

    public static final int SIZE = 64 * 1024;
    public static final long OFFSET_1 = 192 * 1024;
    public static final long OFFSET_2 = 256 * 1024;
    public static final int SIGNATURE = 0x6967_6572; // "regi"
    public static final int OFFSET_CHECKSUM = 4;
    public static final int OFFSET_ENTRY_COUNT = 8;
    public static final int OFFSET_ENTRIES = 16;
    public static final int ENTRY_SIZE = 32;
    /** The spec's limit. */
    public static final int MAX_ENTRIES = 2047;

    public static final UUID BAT = UUID.fromString("2dc27766-f623-4200-9d64-115e9bfd4a08");
    public static final UUID METADATA = UUID.fromString("8b7ca206-4790-4b9a-b8fe-575f050f886e");

    /**
     * One region.
     *
     * @param index      its place in the table
     * @param guid       what the region is
     * @param fileOffset absolute, a multiple of 1 MiB
     * @param length     bytes, a multiple of 1 MiB, unsigned
     * @param required   whether a reader that does not know the region must refuse the file
     */
    public record Entry(int index, UUID guid, long fileOffset, long length, boolean required) {
    }

    public VhdxRegionTable {
        entries = List.copyOf(entries);
    }

    public static VhdxRegionTable decode(ByteBuffer buffer) {
        ByteBuffer b = buffer.slice(buffer.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
        long count = Integer.toUnsignedLong(b.getInt(OFFSET_ENTRY_COUNT));
        List<Entry> entries = new ArrayList<>();
        if (count <= MAX_ENTRIES) {
            for (int i = 0; i < count; i++) {
                int at = OFFSET_ENTRIES + i * ENTRY_SIZE;
                entries.add(new Entry(i, Guids.decode(b, at), b.getLong(at + 16),
                        Integer.toUnsignedLong(b.getInt(at + 24)), (b.getInt(at + 28) & 1) != 0));
            }
        }
        return new VhdxRegionTable(b.getInt(0), b.getInt(OFFSET_CHECKSUM), Crc32c.of(b, OFFSET_CHECKSUM), count,
                entries);
    }

    public boolean valid() {
        return signature == SIGNATURE && checksum == computedChecksum && entryCount <= MAX_ENTRIES;
    }
}
