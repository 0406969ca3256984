package io.vhdkit.vhdx;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** The CRC-32C (Castagnoli) VHDX checksums use, computed with the checksum field taken as zero. */
final class Crc32c {

    private Crc32c() {
    }

    /** The CRC-32C of {@code b} from 0 to its limit, the four bytes at {@code checksumOffset} taken as zero. */
    static int of(ByteBuffer b, int checksumOffset) {
        CRC32C crc = new CRC32C();
        crc.update(b.slice(0, checksumOffset));
        crc.update(new byte[4]);
        crc.update(b.slice(checksumOffset + 4, b.limit() - checksumOffset - 4));
        return (int) crc.getValue();
    }
}
