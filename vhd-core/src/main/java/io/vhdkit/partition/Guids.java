package io.vhdkit.partition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.UUID;

/**
 * GUIDs as GPT stores them (UEFI spec, appendix A "EFI_GUID"): the first three fields little-endian (4, 2 and 2
 * bytes), the last eight bytes as they are. {@code C12A7328-F81F-11D2-BA4B-00A0C93EC93B} is stored as
 * {@code 28 73 2A C1 1F F8 D2 11 BA 4B 00 A0 C9 3E C9 3B}.
 */
public final class Guids {

    private Guids() {
    }

    /** The GUID in the 16 bytes at {@code offset} of {@code b}. */
    public static UUID decode(ByteBuffer b, int offset) {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long d1 = Integer.toUnsignedLong(le.getInt(offset));
        long d2 = Short.toUnsignedLong(le.getShort(offset + 4));
        long d3 = Short.toUnsignedLong(le.getShort(offset + 6));
        long msb = d1 << 32 | d2 << 16 | d3;
        long lsb = b.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(offset + 8);
        return new UUID(msb, lsb);
    }

    /** The 16 bytes GPT stores for {@code guid}. */
    public static byte[] encode(UUID guid) {
        ByteBuffer b = ByteBuffer.allocate(16);
        long msb = guid.getMostSignificantBits();
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) (msb >>> 32)).putShort(4, (short) (msb >>> 16))
                .putShort(6, (short) msb);
        b.order(ByteOrder.BIG_ENDIAN).putLong(8, guid.getLeastSignificantBits());
        return b.array();
    }

    /** Upper case, as sgdisk, sfdisk and Windows print GUIDs. */
    public static String text(UUID guid) {
        return guid.toString().toUpperCase(Locale.ROOT);
    }

    public static boolean isZero(UUID guid) {
        return guid.getMostSignificantBits() == 0 && guid.getLeastSignificantBits() == 0;
    }
}
