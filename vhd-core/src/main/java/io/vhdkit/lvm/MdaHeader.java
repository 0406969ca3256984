package io.vhdkit.lvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The mda_header at the start of each metadata area (lvm2 {@code lib/format_text/layout.h}; little-endian, one
 * 512-byte sector): a {@link LvmCrc} checksum of the rest of the sector, the magic {@code " LVM2 x[5A%r0N*>"}, version
 * 1, the area's own start (bytes from the start of the device) and size, then the raw_locn list, ended by an entry
 * whose offset is 0 (at most 19 fit in the sector). Decoding never fails; {@link MetadataArea} judges the values.
 *
 * @param checksum         {@code checksum_xl} as stored
 * @param computedChecksum the checksum of bytes 4 to 511
 * @param magic            the 16 magic bytes as text
 * @param version          {@code FMTT_VERSION}, 1
 * @param start            the absolute byte offset of this header on the device
 * @param size             the size of the metadata area in bytes, this header included
 * @param rawLocations     the raw_locn entries before the terminator
 */
public record MdaHeader(int checksum, int computedChecksum, String magic, long version, long start, long size,
                        List<RawLocation> rawLocations) {

    public static final int SIZE = 512;
    /** {@code FMTT_MAGIC}. */
    public static final String MAGIC = " LVM2 x[5A%r0N*>";
    public static final int VERSION = 1;
    public static final int OFFSET_CHECKSUM = 0;
    public static final int OFFSET_MAGIC = 4;
    public static final int OFFSET_VERSION = 20;
    public static final int OFFSET_START = 24;
    public static final int OFFSET_SIZE = 32;
    public static final int OFFSET_RAW_LOCNS = 40;
    public static final int MAX_RAW_LOCNS = (SIZE - OFFSET_RAW_LOCNS) / RawLocation.SIZE;

    public MdaHeader {
        rawLocations = List.copyOf(rawLocations);
    }

    /** Decodes the 512 bytes at {@code b[0]}. */
    public static MdaHeader decode(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        List<RawLocation> locns = new ArrayList<>();
        for (int i = 0; i < MAX_RAW_LOCNS; i++) {
            int at = OFFSET_RAW_LOCNS + i * RawLocation.SIZE;
            long offset = bb.getLong(at + RawLocation.OFFSET_OFFSET);
            if (offset == 0) {
                break;
            }
            locns.add(new RawLocation(offset, bb.getLong(at + RawLocation.OFFSET_SIZE),
                    bb.getInt(at + RawLocation.OFFSET_CHECKSUM), bb.getInt(at + RawLocation.OFFSET_FLAGS)));
        }
        return new MdaHeader(bb.getInt(OFFSET_CHECKSUM), LvmCrc.calc(b, OFFSET_MAGIC, SIZE - OFFSET_MAGIC),
                Text.ascii(b, OFFSET_MAGIC, 16), Integer.toUnsignedLong(bb.getInt(OFFSET_VERSION)),
                bb.getLong(OFFSET_START), bb.getLong(OFFSET_SIZE), locns);
    }
}
