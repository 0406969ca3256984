package io.vhdkit.partition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One 16-byte partition entry of an MBR or EBR (little-endian). The CHS addresses are kept but not used: every tool
 * since the 1990s addresses by LBA.
 *
 * @param bootIndicator 0x80 active (bootable), 0x00 not; anything else is not a partition table
 * @param chsStart      the first sector's CHS address, 3 bytes
 * @param type          the partition type byte
 * @param chsEnd        the last sector's CHS address, 3 bytes
 * @param startLba      the first sector, unsigned 32 bits (relative to the EBR or extended partition in an EBR)
 * @param sectors       the number of sectors, unsigned 32 bits; 0 is an unused entry
 */
public record MbrEntry(int bootIndicator, int chsStart, int type, int chsEnd, long startLba, long sectors) {

    public static final int SIZE = 16;
    public static final int OFFSET_BOOT_INDICATOR = 0;
    public static final int OFFSET_CHS_START = 1;
    public static final int OFFSET_TYPE = 4;
    public static final int OFFSET_CHS_END = 5;
    public static final int OFFSET_START_LBA = 8;
    public static final int OFFSET_SECTORS = 12;
    public static final int ACTIVE = 0x80;

    public static MbrEntry decode(ByteBuffer buffer, int offset) {
        ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return new MbrEntry(u8(b, offset + OFFSET_BOOT_INDICATOR), u24(b, offset + OFFSET_CHS_START),
                u8(b, offset + OFFSET_TYPE), u24(b, offset + OFFSET_CHS_END),
                Integer.toUnsignedLong(b.getInt(offset + OFFSET_START_LBA)),
                Integer.toUnsignedLong(b.getInt(offset + OFFSET_SECTORS)));
    }

    /** Linux counts an entry as a partition when its size is not zero, whatever its type. */
    public boolean used() {
        return sectors != 0;
    }

    public boolean bootable() {
        return bootIndicator == ACTIVE;
    }

    public PartitionType.Mbr partitionType() {
        return new PartitionType.Mbr(type);
    }

    private static int u8(ByteBuffer b, int at) {
        return Byte.toUnsignedInt(b.get(at));
    }

    private static int u24(ByteBuffer b, int at) {
        return u8(b, at) | u8(b, at + 1) << 8 | u8(b, at + 2) << 16;
    }
}
