package io.vhdkit.lvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The label_header at the start of the LVM label sector (lvm2 {@code lib/label/label.h}; little-endian): "LABELONE",
 * the sector number the label sits in, a {@link LvmCrc} checksum of the sector from {@code offset_xl} to its end, the
 * offset of the contents (the pv_header) from the start of the sector, and the label type "LVM2 001". Decoding never
 * fails; {@link LvmLabel} judges the values.
 *
 * @param sector        {@code sector_xl}: the sector number of this label (0 to 3)
 * @param crc           {@code crc_xl} as stored
 * @param computedCrc   the checksum of bytes 20 to 511 of the sector
 * @param contentOffset {@code offset_xl}: where the pv_header starts in the sector (uint32)
 * @param type          the 8 type bytes as text ({@code "LVM2 001"})
 */
public record LabelHeader(long sector, int crc, int computedCrc, long contentOffset, String type) {

    public static final int SECTOR_SIZE = 512;
    public static final String ID = "LABELONE";
    public static final String TYPE_LVM2 = "LVM2 001";
    /** LVM looks for a label in the first four sectors ({@code LABEL_SCAN_SECTORS}). */
    public static final int SCAN_SECTORS = 4;

    public static final int OFFSET_ID = 0;
    public static final int OFFSET_SECTOR = 8;
    public static final int OFFSET_CRC = 16;
    /** The checksum covers the sector from here to its end. */
    public static final int OFFSET_CONTENT_OFFSET = 20;
    public static final int OFFSET_TYPE = 24;
    public static final int SIZE = 32;

    /** Whether the 512 bytes at {@code b[offset]} start with "LABELONE". */
    public static boolean hasId(byte[] b, int offset) {
        for (int i = 0; i < ID.length(); i++) {
            if (b[offset + i] != ID.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Decodes the header of the 512-byte sector at {@code b[offset]}. */
    public static LabelHeader decode(byte[] b, int offset) {
        ByteBuffer bb = ByteBuffer.wrap(b, offset, SECTOR_SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);
        return new LabelHeader(bb.getLong(OFFSET_SECTOR), bb.getInt(OFFSET_CRC),
                LvmCrc.calc(b, offset + OFFSET_CONTENT_OFFSET, SECTOR_SIZE - OFFSET_CONTENT_OFFSET),
                Integer.toUnsignedLong(bb.getInt(OFFSET_CONTENT_OFFSET)), Text.ascii(b, offset + OFFSET_TYPE, 8));
    }
}
