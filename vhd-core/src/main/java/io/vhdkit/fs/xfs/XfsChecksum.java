package io.vhdkit.fs.xfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The CRC of v5 metadata ({@code xfs_cksum.h}): CRC32C (Castagnoli) over the whole structure with its own 4-byte
 * CRC field taken as zero, seed ~0 and final inversion (the standard CRC-32C), stored little-endian.
 */
final class XfsChecksum {

    private static final byte[] ZERO = new byte[4];

    private XfsChecksum() {
    }

    /** The CRC stored at {@code offset} of {@code b} (absolute index), little-endian. */
    static int stored(ByteBuffer b, int offset) {
        return b.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }

    /**
     * The CRC of {@code length} bytes of {@code b} from absolute index {@code start}, the four bytes at
     * {@code start + crcOffset} taken as zero.
     */
    static int compute(ByteBuffer b, int start, int length, int crcOffset) {
        CRC32C crc = new CRC32C();
        ByteBuffer d = b.duplicate();
        crc.update(d.limit(start + crcOffset).position(start));
        crc.update(ZERO);
        d = b.duplicate();
        crc.update(d.limit(start + length).position(start + crcOffset + 4));
        return (int) crc.getValue();
    }

    static String hex(int crc) {
        return String.format(Locale.ROOT, "0x%08X", crc);
    }
}
