package io.vhdkit.vhd;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One of the eight 24-byte parent locator entries of a dynamic header (spec: "Parent Locator Entries").
 *
 * @param index        0..7
 * @param platformCode which kind of path the data holds, zero when unused
 * @param dataSpace    room reserved for the data; the spec says sectors, Microsoft writes bytes
 * @param dataLength   length of the path data in bytes, unsigned
 * @param reserved     zero
 * @param dataOffset   absolute file offset of the path data
 */
public record ParentLocatorEntry(int index, FourCC platformCode, int dataSpace, long dataLength, int reserved,
                                 long dataOffset) {

    public static final int SIZE = 24;
    public static final int COUNT = 8;
    public static final int OFFSET_PLATFORM_CODE = 0;
    public static final int OFFSET_DATA_SPACE = 4;
    public static final int OFFSET_DATA_LENGTH = 8;
    public static final int OFFSET_RESERVED = 12;
    public static final int OFFSET_DATA_OFFSET = 16;

    /** Decodes the entry at the position of {@code b} (big-endian), without moving it. */
    static ParentLocatorEntry decode(int index, ByteBuffer b) {
        int p = b.position();
        return new ParentLocatorEntry(index, new FourCC(b.getInt(p + OFFSET_PLATFORM_CODE)),
                b.getInt(p + OFFSET_DATA_SPACE), Integer.toUnsignedLong(b.getInt(p + OFFSET_DATA_LENGTH)),
                b.getInt(p + OFFSET_RESERVED), b.getLong(p + OFFSET_DATA_OFFSET));
    }

    public boolean isUsed() {
        return platformCode.value() != 0;
    }

    public Optional<PlatformCode> platform() {
        return PlatformCode.fromCode(platformCode.value());
    }

    /**
     * The reserved room in bytes. The spec gives it in 512-byte sectors, but Microsoft's tools write bytes; like
     * blktap, a value below 512 is read as sectors and a multiple of 512 as bytes. Anything else is invalid.
     */
    public OptionalLong dataSpaceBytes() {
        long space = Integer.toUnsignedLong(dataSpace);
        if (space < VhdFooter.SECTOR_SIZE) {
            return OptionalLong.of(space * VhdFooter.SECTOR_SIZE);
        }
        if (space % VhdFooter.SECTOR_SIZE == 0) {
            return OptionalLong.of(space);
        }
        return OptionalLong.empty();
    }
}
