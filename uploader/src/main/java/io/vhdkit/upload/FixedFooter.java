package io.vhdkit.upload;

import io.vhdkit.vhd.Geometry;
import io.vhdkit.vhd.VhdFooter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Writes the 512-byte footer of a fixed VHD (spec: "Hard Disk Footer Format", big-endian). */
public final class FixedFooter {

    /** Disk type code of a fixed disk. */
    static final int FIXED = 2;

    private FixedFooter() {
    }

    /**
     * The footer of {@code original} (a dynamic or differencing disk's footer, 511 or 512 bytes as stored) turned into
     * a fixed disk's: data offset all ones, disk type fixed, the reserved tail byte of a legacy footer zero, checksum
     * recomputed. Every other field (current size, geometry, unique id, time stamp, creator) is kept.
     */
    public static byte[] fromDynamic(ByteBuffer original) {
        byte[] f = new byte[VhdFooter.SIZE];
        int n = Math.min(original.remaining(), VhdFooter.SIZE);
        original.duplicate().get(f, 0, n);
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.BIG_ENDIAN);
        b.putInt(VhdFooter.OFFSET_FEATURES, b.getInt(VhdFooter.OFFSET_FEATURES) | VhdFooter.FEATURE_RESERVED);
        b.putLong(VhdFooter.OFFSET_DATA_OFFSET, VhdFooter.NO_DATA_OFFSET);
        b.putInt(VhdFooter.OFFSET_DISK_TYPE, FIXED);
        b.put(VhdFooter.OFFSET_SAVED_STATE, (byte) 0);
        seal(b);
        return f;
    }

    /**
     * A new fixed footer for a raw image of {@code size} bytes (a multiple of 512), creator {@code vhdk}.
     *
     * @param timestamp seconds since 2000-01-01 UTC
     */
    public static byte[] forRaw(long size, UUID uniqueId, long timestamp) {
        if (size <= 0 || size % VhdFooter.SECTOR_SIZE != 0) {
            throw new IllegalArgumentException("size " + size + " is not a positive multiple of 512");
        }
        byte[] f = new byte[VhdFooter.SIZE];
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.BIG_ENDIAN);
        b.put(VhdFooter.OFFSET_COOKIE, VhdFooter.COOKIE.getBytes(StandardCharsets.US_ASCII));
        b.putInt(VhdFooter.OFFSET_FEATURES, VhdFooter.FEATURE_RESERVED);
        b.putInt(VhdFooter.OFFSET_FORMAT_VERSION, VhdFooter.FORMAT_VERSION_1_0);
        b.putLong(VhdFooter.OFFSET_DATA_OFFSET, VhdFooter.NO_DATA_OFFSET);
        b.putInt(VhdFooter.OFFSET_TIMESTAMP, (int) timestamp);
        b.put(VhdFooter.OFFSET_CREATOR_APPLICATION, "vhdk".getBytes(StandardCharsets.US_ASCII));
        b.putInt(VhdFooter.OFFSET_CREATOR_VERSION, 0x0001_0000);
        b.put(VhdFooter.OFFSET_CREATOR_HOST_OS, "Wi2k".getBytes(StandardCharsets.US_ASCII));
        b.putLong(VhdFooter.OFFSET_ORIGINAL_SIZE, size);
        b.putLong(VhdFooter.OFFSET_CURRENT_SIZE, size);
        Geometry g = Geometry.forSize(size);
        b.putShort(VhdFooter.OFFSET_CYLINDERS, (short) g.cylinders());
        b.put(VhdFooter.OFFSET_HEADS, (byte) g.heads());
        b.put(VhdFooter.OFFSET_SECTORS_PER_TRACK, (byte) g.sectorsPerTrack());
        b.putInt(VhdFooter.OFFSET_DISK_TYPE, FIXED);
        b.putLong(VhdFooter.OFFSET_UNIQUE_ID, uniqueId.getMostSignificantBits());
        b.putLong(VhdFooter.OFFSET_UNIQUE_ID + 8, uniqueId.getLeastSignificantBits());
        seal(b);
        return f;
    }

    /** Writes the checksum: the one's complement of the byte sum, the checksum field counted as zero. */
    private static void seal(ByteBuffer b) {
        b.putInt(VhdFooter.OFFSET_CHECKSUM, 0);
        int sum = 0;
        for (int i = 0; i < VhdFooter.SIZE; i++) {
            sum += b.get(i) & 0xFF;
        }
        b.putInt(VhdFooter.OFFSET_CHECKSUM, ~sum);
    }
}
