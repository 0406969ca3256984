package io.vhdkit.partition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A master boot record or extended boot record: 446 bytes of boot code (an MBR keeps its disk signature at 440),
 * four 16-byte partition entries at 446, and the signature 0x55 0xAA at 510.
 *
 * @param diskSignature the 32-bit disk identifier at 440 (Windows' disk signature, sfdisk's {@code label-id})
 * @param entries       the four entries
 * @param signature     the two bytes at 510 read little-endian: {@code 0xAA55}
 */
public record MasterBootRecord(int diskSignature, List<MbrEntry> entries, int signature) {

    public static final int SIZE = 512;
    public static final int OFFSET_DISK_SIGNATURE = 440;
    public static final int OFFSET_ENTRIES = 446;
    public static final int OFFSET_SIGNATURE = 510;
    public static final int SIGNATURE = 0xAA55;

    public MasterBootRecord {
        entries = List.copyOf(entries);
    }

    /** Decodes the 512 bytes at the position of {@code buffer}. */
    public static MasterBootRecord decode(ByteBuffer buffer) {
        ByteBuffer b = buffer.slice(buffer.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
        List<MbrEntry> entries = new ArrayList<>(4);
        for (int i = 0; i < 4; i++) {
            entries.add(MbrEntry.decode(b, OFFSET_ENTRIES + i * MbrEntry.SIZE));
        }
        return new MasterBootRecord(b.getInt(OFFSET_DISK_SIGNATURE), entries,
                Short.toUnsignedInt(b.getShort(OFFSET_SIGNATURE)));
    }

    public boolean signatureValid() {
        return signature == SIGNATURE;
    }

    /** The offset within the sector of entry {@code i} (0-3). */
    public static int entryOffset(int i) {
        return OFFSET_ENTRIES + i * MbrEntry.SIZE;
    }
}
