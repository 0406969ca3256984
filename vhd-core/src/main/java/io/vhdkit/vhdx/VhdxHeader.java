package io.vhdkit.vhdx;

import io.vhdkit.partition.Guids;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/**
 * One of the two VHDX headers (MS-VHDX 2.2.2: 4 KiB at 64 KiB and at 128 KiB, little-endian). The current header is
 * the valid one with the larger sequence number.
 *
 * @param signature        {@code "head"} as a little-endian uint32
 * @param checksum         the stored CRC-32C
 * @param computedChecksum CRC-32C of the 4 KiB with the checksum field zero
 * @param sequenceNumber   unsigned
 * @param fileWriteGuid    changes when the file is first written after opening
 * @param dataWriteGuid    changes when the virtual disk's data is first written
 * @param logGuid          zero when the log is empty; otherwise the log must be replayed
 * @param logVersion       0
 * @param version          1
 * @param logLength        bytes, a multiple of 1 MiB
 * @param logOffset        absolute, a multiple of 1 MiB
 */
public record VhdxHeader(int signature, int checksum, int computedChecksum, long sequenceNumber, UUID fileWriteGuid,
                         UUID dataWriteGuid, UUID logGuid, int logVersion, int version, long logLength,
                         long logOffset) {

    public static final int SIZE = 4096;
    public static final long OFFSET_1 = 64 * 1024;
    public static final long OFFSET_2 = 128 * 1024;
    public static final int SIGNATURE = 0x6461_6568; // "head"
    public static final int OFFSET_SIGNATURE = 0;
    public static final int OFFSET_CHECKSUM = 4;
    public static final int OFFSET_SEQUENCE_NUMBER = 8;
    public static final int OFFSET_FILE_WRITE_GUID = 16;
    public static final int OFFSET_DATA_WRITE_GUID = 32;
    public static final int OFFSET_LOG_GUID = 48;
    public static final int OFFSET_LOG_VERSION = 64;
    public static final int OFFSET_VERSION = 66;
    public static final int OFFSET_LOG_LENGTH = 68;
    public static final int OFFSET_LOG_OFFSET = 72;

    /** Decodes 4 KiB at the buffer's position; never fails. */
    public static VhdxHeader decode(ByteBuffer buffer) {
        ByteBuffer b = buffer.slice(buffer.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
        return new VhdxHeader(b.getInt(OFFSET_SIGNATURE), b.getInt(OFFSET_CHECKSUM),
                Crc32c.of(b, OFFSET_CHECKSUM), b.getLong(OFFSET_SEQUENCE_NUMBER),
                Guids.decode(b, OFFSET_FILE_WRITE_GUID), Guids.decode(b, OFFSET_DATA_WRITE_GUID),
                Guids.decode(b, OFFSET_LOG_GUID), Short.toUnsignedInt(b.getShort(OFFSET_LOG_VERSION)),
                Short.toUnsignedInt(b.getShort(OFFSET_VERSION)), Integer.toUnsignedLong(b.getInt(OFFSET_LOG_LENGTH)),
                b.getLong(OFFSET_LOG_OFFSET));
    }

    public boolean signatureValid() {
        return signature == SIGNATURE;
    }

    public boolean checksumValid() {
        return checksum == computedChecksum;
    }

    /** Signature, checksum and version 1: a header that may be used. */
    public boolean valid() {
        return signatureValid() && checksumValid() && version == 1;
    }

    /** Whether the log holds entries that must be replayed before the image is read. */
    public boolean logPending() {
        return logGuid.getMostSignificantBits() != 0 || logGuid.getLeastSignificantBits() != 0;
    }
}
