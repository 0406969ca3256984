package io.vhdkit.partition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * A GPT header (UEFI specification 2.10, 5.3.2 "GPT Header"; little-endian), decoded field by field. Decoding never
 * fails; {@link GptReader} checks the values.
 *
 * @param signature          {@code "EFI PART"} as a little-endian long: {@link #SIGNATURE}
 * @param revision           {@code 0x00010000}
 * @param headerSize         bytes covered by the CRC: 92 to the sector size
 * @param headerCrc          the stored CRC32
 * @param computedHeaderCrc  the CRC32 of {@code headerSize} bytes with the CRC field as zero (0 when
 *                           {@code headerSize} is out of range)
 * @param reserved           the 4 bytes at 20, zero
 * @param myLba              where this header is
 * @param alternateLba       where the other header is
 * @param firstUsableLba     the first sector partitions may use
 * @param lastUsableLba      the last sector partitions may use
 * @param diskGuid           the disk's GUID
 * @param entriesLba         where the partition entry array starts
 * @param entryCount         the number of entries in the array
 * @param entrySize          bytes per entry: 128 × 2^n
 * @param entriesCrc         the CRC32 of {@code entryCount × entrySize} bytes of the array
 */
public record GptHeader(long signature, int revision, long headerSize, int headerCrc, int computedHeaderCrc,
                        int reserved, long myLba, long alternateLba, long firstUsableLba, long lastUsableLba,
                        UUID diskGuid, long entriesLba, long entryCount, long entrySize, int entriesCrc) {

    public static final long SIGNATURE = 0x5452_4150_2049_4645L;   // "EFI PART"
    public static final int REVISION_1_0 = 0x0001_0000;
    public static final int MIN_SIZE = 92;
    public static final int OFFSET_SIGNATURE = 0;
    public static final int OFFSET_REVISION = 8;
    public static final int OFFSET_HEADER_SIZE = 12;
    public static final int OFFSET_HEADER_CRC = 16;
    public static final int OFFSET_RESERVED = 20;
    public static final int OFFSET_MY_LBA = 24;
    public static final int OFFSET_ALTERNATE_LBA = 32;
    public static final int OFFSET_FIRST_USABLE = 40;
    public static final int OFFSET_LAST_USABLE = 48;
    public static final int OFFSET_DISK_GUID = 56;
    public static final int OFFSET_ENTRIES_LBA = 72;
    public static final int OFFSET_ENTRY_COUNT = 80;
    public static final int OFFSET_ENTRY_SIZE = 84;
    public static final int OFFSET_ENTRIES_CRC = 88;

    /** Decodes the header in the sector at the position of {@code buffer} (512 bytes). */
    public static GptHeader decode(ByteBuffer buffer) {
        ByteBuffer b = buffer.slice(buffer.position(), PartitionTable.SECTOR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        long headerSize = Integer.toUnsignedLong(b.getInt(OFFSET_HEADER_SIZE));
        int computed = 0;
        if (headerSize >= MIN_SIZE && headerSize <= PartitionTable.SECTOR_SIZE) {
            byte[] bytes = new byte[(int) headerSize];
            b.get(0, bytes);
            for (int i = 0; i < 4; i++) {
                bytes[OFFSET_HEADER_CRC + i] = 0;
            }
            CRC32 crc = new CRC32();
            crc.update(bytes);
            computed = (int) crc.getValue();
        }
        return new GptHeader(b.getLong(OFFSET_SIGNATURE), b.getInt(OFFSET_REVISION), headerSize,
                b.getInt(OFFSET_HEADER_CRC), computed, b.getInt(OFFSET_RESERVED), b.getLong(OFFSET_MY_LBA),
                b.getLong(OFFSET_ALTERNATE_LBA), b.getLong(OFFSET_FIRST_USABLE), b.getLong(OFFSET_LAST_USABLE),
                Guids.decode(b, OFFSET_DISK_GUID), b.getLong(OFFSET_ENTRIES_LBA),
                Integer.toUnsignedLong(b.getInt(OFFSET_ENTRY_COUNT)),
                Integer.toUnsignedLong(b.getInt(OFFSET_ENTRY_SIZE)), b.getInt(OFFSET_ENTRIES_CRC));
    }

    public boolean signatureValid() {
        return signature == SIGNATURE;
    }

    public boolean headerCrcValid() {
        return headerSize >= MIN_SIZE && headerSize <= PartitionTable.SECTOR_SIZE && headerCrc == computedHeaderCrc;
    }

    /** Bytes of the partition entry array. */
    public long entriesBytes() {
        return entryCount * entrySize;
    }
}
