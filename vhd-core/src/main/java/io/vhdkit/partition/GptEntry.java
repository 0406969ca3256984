package io.vhdkit.partition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/**
 * One GPT partition entry (UEFI 5.3.3 "GPT Partition Entry Array"; little-endian; 128 bytes are defined, an entry
 * may be larger).
 *
 * @param typeGuid   the partition type; all zeros for an unused entry
 * @param uniqueGuid the partition's own GUID
 * @param firstLba   the first sector
 * @param lastLba    the last sector, inclusive
 * @param attributes bit 0 required, 1 no block I/O protocol, 2 legacy BIOS bootable, 48-63 type-specific
 * @param name       UTF-16LE, 36 units, up to the first NUL; unpaired surrogates read as U+FFFD
 */
public record GptEntry(UUID typeGuid, UUID uniqueGuid, long firstLba, long lastLba, long attributes, String name) {

    public static final int SIZE = 128;
    public static final int OFFSET_TYPE_GUID = 0;
    public static final int OFFSET_UNIQUE_GUID = 16;
    public static final int OFFSET_FIRST_LBA = 32;
    public static final int OFFSET_LAST_LBA = 40;
    public static final int OFFSET_ATTRIBUTES = 48;
    public static final int OFFSET_NAME = 56;
    public static final int NAME_UNITS = 36;

    public static GptEntry decode(ByteBuffer buffer, int offset) {
        ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder sb = new StringBuilder(NAME_UNITS);
        for (int i = 0; i < NAME_UNITS; i++) {
            char c = b.getChar(offset + OFFSET_NAME + 2 * i);
            if (c == 0) {
                break;
            }
            sb.append(c);
        }
        for (int i = 0; i < sb.length(); i++) {
            char c = sb.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < sb.length() && Character.isLowSurrogate(sb.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                sb.setCharAt(i, '\uFFFD');
            }
        }
        return new GptEntry(Guids.decode(b, offset + OFFSET_TYPE_GUID), Guids.decode(b, offset + OFFSET_UNIQUE_GUID),
                b.getLong(offset + OFFSET_FIRST_LBA), b.getLong(offset + OFFSET_LAST_LBA),
                b.getLong(offset + OFFSET_ATTRIBUTES), sb.toString());
    }

    public boolean used() {
        return !Guids.isZero(typeGuid);
    }
}
