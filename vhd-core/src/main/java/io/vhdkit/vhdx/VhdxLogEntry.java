package io.vhdkit.vhdx;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.partition.Guids;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One log entry (MS-VHDX 2.3.1): a 64-byte header and 32-byte descriptors in the first sectors, then one 4 KiB data
 * sector per data descriptor. Little-endian.
 *
 * @param logOffset         where the entry starts, bytes from the start of the log
 * @param entryLength       bytes, a multiple of 4 KiB
 * @param tail              the log offset of the first entry of the sequence this entry ends
 * @param sequenceNumber    larger than zero; one more than the previous entry of its sequence
 * @param flushedFileOffset the file was at least this long when the entry was written
 * @param lastFileOffset    every structure fits below this offset
 * @param descriptors       the writes, in order
 */
public record VhdxLogEntry(long logOffset, long entryLength, long tail, long sequenceNumber, long flushedFileOffset,
                           long lastFileOffset, List<Descriptor> descriptors) {

    public static final int SECTOR = 4096;
    public static final int HEADER_SIZE = 64;
    public static final int DESCRIPTOR_SIZE = 32;
    public static final int SIGNATURE = 0x6567_6F6C;            // "loge"
    public static final int ZERO_SIGNATURE = 0x6F72_657A;       // "zero"
    public static final int DATA_DESCRIPTOR_SIGNATURE = 0x6373_6564; // "desc"
    public static final int DATA_SECTOR_SIGNATURE = 0x6174_6164;     // "data"
    public static final int OFFSET_CHECKSUM = 4;
    public static final int OFFSET_ENTRY_LENGTH = 8;
    public static final int OFFSET_TAIL = 12;
    public static final int OFFSET_SEQUENCE_NUMBER = 16;
    public static final int OFFSET_DESCRIPTOR_COUNT = 24;
    public static final int OFFSET_LOG_GUID = 32;
    public static final int OFFSET_FLUSHED_FILE_OFFSET = 48;
    public static final int OFFSET_LAST_FILE_OFFSET = 56;
    /** In a descriptor: the zero length or, for a data descriptor, the trailing and leading bytes. */
    public static final int DESC_OFFSET_TRAILING = 4;
    public static final int DESC_OFFSET_LEADING = 8;
    public static final int DESC_OFFSET_ZERO_LENGTH = 8;
    public static final int DESC_OFFSET_FILE_OFFSET = 16;
    public static final int DESC_OFFSET_SEQUENCE_NUMBER = 24;

    /**
     * One write: {@code length} bytes at {@code fileOffset}, zeros when {@code data} is null, else the 4 KiB sector
     * reassembled from the descriptor's leading and trailing bytes and the data sector.
     */
    public record Descriptor(long fileOffset, long length, byte[] data) {
        public boolean zero() {
            return data == null;
        }
    }

    public VhdxLogEntry {
        descriptors = List.copyOf(descriptors);
    }

    /**
     * The entry at {@code at} of the log {@code log} (read circularly), or empty when there is none: no signature, a
     * length that cannot be, a CRC-32C that does not match (a torn write) or another log GUID (an entry of an older
     * log). Those are the normal leftovers of a circular log. An entry that passes those checks but is inconsistent
     * inside is corrupt.
     *
     * @param logFileOffset where the log starts in the file, for messages
     */
    static Optional<VhdxLogEntry> decode(byte[] log, long at, UUID logGuid, long logFileOffset)
            throws CorruptFormatException {
        ByteBuffer head = circular(log, at, HEADER_SIZE);
        if (head.getInt(0) != SIGNATURE) {
            return Optional.empty();
        }
        long length = Integer.toUnsignedLong(head.getInt(OFFSET_ENTRY_LENGTH));
        if (length == 0 || length % SECTOR != 0 || length > log.length) {
            return Optional.empty();
        }
        ByteBuffer e = circular(log, at, (int) length);
        if (e.getInt(OFFSET_CHECKSUM) != Crc32c.of(e, OFFSET_CHECKSUM)
                || !Guids.decode(e, OFFSET_LOG_GUID).equals(logGuid)) {
            return Optional.empty();
        }
                long seq = e.getLong(OFFSET_SEQUENCE_NUMBER);
        if (seq == 0) {
            throw new CorruptFormatException(
                    ref("sequence number", in(logFileOffset, log, at, OFFSET_SEQUENCE_NUMBER)), "0",
                    "larger than zero");
        }
        long tail = Integer.toUnsignedLong(e.getInt(OFFSET_TAIL));
        if (tail % SECTOR != 0 || tail >= log.length) {
            throw new CorruptFormatException(ref("tail", in(logFileOffset, log, at, OFFSET_TAIL)), Long.toString(tail),
                    "a multiple of 4096 below the log length " + log.length);
        }
        long count = Integer.toUnsignedLong(e.getInt(OFFSET_DESCRIPTOR_COUNT));
        long descriptorSectors = ceilDiv(HEADER_SIZE + count * DESCRIPTOR_SIZE, SECTOR);
        if (descriptorSectors * SECTOR > length) {
            throw new CorruptFormatException(
                        ref("descriptor count", in(logFileOffset, log, at, OFFSET_DESCRIPTOR_COUNT)),
                    Long.toString(count), "at most " + (length - HEADER_SIZE) / DESCRIPTOR_SIZE, count
                    + " descriptors do not fit in an entry of " + length + " bytes");
        }
        long flushed = e.getLong(OFFSET_FLUSHED_FILE_OFFSET);
        long last = e.getLong(OFFSET_LAST_FILE_OFFSET);
        for (int field : new int[] {OFFSET_FLUSHED_FILE_OFFSET, OFFSET_LAST_FILE_OFFSET}) {
            long v = e.getLong(field);
            if (v < 0 || v % VhdxDisk.MIB != 0 || v > VhdxDisk.MAX_FILE_SIZE) {
                throw new CorruptFormatException(ref(field == OFFSET_FLUSHED_FILE_OFFSET ? "flushed file offset"
                        : "last file offset", in(logFileOffset, log, at, field)), Long.toUnsignedString(v),
                        "a multiple of 1 MiB up to " + VhdxDisk.MAX_FILE_SIZE);
            }
        }
        List<Descriptor> out = new ArrayList<>();
        long dataAt = descriptorSectors * SECTOR;
        for (int i = 0; i < count; i++) {
            int d = HEADER_SIZE + i * DESCRIPTOR_SIZE;
            
            int sig = e.getInt(d);
            long fileOffset = e.getLong(d + DESC_OFFSET_FILE_OFFSET);
            if (e.getLong(d + DESC_OFFSET_SEQUENCE_NUMBER) != seq) {
                throw new CorruptFormatException(ref("descriptor " + i + " sequence number",
                        in(logFileOffset, log, at, d + DESC_OFFSET_SEQUENCE_NUMBER)), Long.toUnsignedString(e.getLong(d
                        + DESC_OFFSET_SEQUENCE_NUMBER)), Long.toUnsignedString(seq));
            }
            if (fileOffset < 0 || fileOffset % SECTOR != 0) {
                throw new CorruptFormatException(ref("descriptor " + i + " file offset",
                        in(logFileOffset, log, at, d + DESC_OFFSET_FILE_OFFSET)), Long.toUnsignedString(fileOffset),
                        "a multiple of 4096");
            }
            if (sig == ZERO_SIGNATURE) {
                long zeroLength = e.getLong(d + DESC_OFFSET_ZERO_LENGTH);
                if (zeroLength <= 0 || zeroLength % SECTOR != 0) {
                    throw new CorruptFormatException(ref("descriptor " + i + " zero length",
                            in(logFileOffset, log, at, d + DESC_OFFSET_ZERO_LENGTH)), Long.toUnsignedString(zeroLength),
                            "a positive multiple of 4096");
                }
                out.add(new Descriptor(fileOffset, zeroLength, null));
            } else if (sig == DATA_DESCRIPTOR_SIGNATURE) {
                if (dataAt + SECTOR > length) {
                    throw new CorruptFormatException(
                        ref("descriptor count", in(logFileOffset, log, at, OFFSET_DESCRIPTOR_COUNT)),
                            "the entry of " + length + " bytes has no data sector left for data descriptor " + i);
                }
                long sectorAt = in(logFileOffset, log, at, dataAt);
                int dataSig = e.getInt((int) dataAt);
                long high = Integer.toUnsignedLong(e.getInt((int) dataAt + 4));
                long low = Integer.toUnsignedLong(e.getInt((int) dataAt + SECTOR - 4));
                if (dataSig != DATA_SECTOR_SIGNATURE) {
                    throw new CorruptFormatException(ref("data sector signature", sectorAt),
                            String.format("0x%08X", dataSig), "\"data\"");
                }
                if ((high << 32 | low) != seq) {
                    throw new CorruptFormatException(ref("data sector sequence number", sectorAt + 4),
                            Long.toUnsignedString(high << 32 | low), Long.toUnsignedString(seq));
                }
                byte[] sector = new byte[SECTOR];
                e.get(d + DESC_OFFSET_LEADING, sector, 0, 8);
                e.get((int) dataAt + 8, sector, 8, SECTOR - 12);
                e.get(d + DESC_OFFSET_TRAILING, sector, SECTOR - 4, 4);
                out.add(new Descriptor(fileOffset, SECTOR, sector));
                dataAt += SECTOR;
            } else {
                throw new CorruptFormatException(ref("descriptor " + i + " signature", in(logFileOffset, log, at, d)),
                        String.format("0x%08X", sig), "\"desc\" or \"zero\"");
            }
        }
        return Optional.of(new VhdxLogEntry(at, length, tail, seq, flushed, last, out));
    }

    /** {@code length} bytes of the circular log from {@code at}, little-endian. */
    static ByteBuffer circular(byte[] log, long at, int length) {
        byte[] b = new byte[length];
        int first = (int) Math.min(length, log.length - at);
        System.arraycopy(log, (int) at, b, 0, first);
        System.arraycopy(log, 0, b, first, length - first);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The file offset of byte {@code rel} of the entry at log offset {@code at}. */
    private static long in(long logFileOffset, byte[] log, long at, long rel) {
        return logFileOffset + (at + rel) % log.length;
    }

    private static FieldRef ref(String field, long offset) {
        return FieldRef.of("VHDX", "log entry", field, offset);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** The log offset just past this entry. */
    long next(long logLength) {
        return (logOffset + entryLength) % logLength;
    }
}
