package io.vhdkit.lvm;

/**
 * LVM's checksum, {@code calc_crc} of lvm2's {@code lib/misc/crc.c}: the reflected CRC-32 register (polynomial
 * 0xEDB88320, the one of zlib) run over the bytes from the initial value {@code INITIAL_CRC = 0xf597a6cf}
 * ({@code lib/misc/crc.h}), with no final XOR. It is not the standard CRC-32, which starts from 0xFFFFFFFF and
 * inverts the result. lvm2 processes each byte as two nibbles through a 16-entry table; this byte table gives the
 * same values. The label, the mda_header and the text metadata all use it; a checksum over two pieces (the wrapped
 * metadata text) continues from the first piece's value.
 */
final class LvmCrc {

    /** lvm2's {@code INITIAL_CRC}. */
    static final int INITIAL = 0xf597a6cf;

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0xEDB88320 : c >>> 1;
            }
            TABLE[i] = c;
        }
    }

    private LvmCrc() {
    }

    /** Continues {@code crc} over {@code length} bytes of {@code b} at {@code offset}. */
    static int update(int crc, byte[] b, int offset, int length) {
        int c = crc;
        for (int i = offset; i < offset + length; i++) {
            c = (c >>> 8) ^ TABLE[(c ^ b[i]) & 0xFF];
        }
        return c;
    }

    /** {@code calc_crc(INITIAL_CRC, b + offset, length)}. */
    static int calc(byte[] b, int offset, int length) {
        return update(INITIAL, b, offset, length);
    }
}
