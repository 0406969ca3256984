package io.vhdkit.registry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The base block (file header) of a primary file, or the partial copy of it in the first 512 bytes of a transaction
 * log, decoded field by field (spec: "Base block"; all fields little-endian). Decoding never fails: whether the
 * values are usable is decided by {@link Hive} and {@link LogReplay}, which know which file this is.
 *
 * @param signature          {@code "regf"} as a little-endian int ({@link #SIGNATURE})
 * @param primarySequence    incremented when a write to the primary file begins
 * @param secondarySequence  incremented when it ends: equal to the primary sequence number in a clean file
 * @param lastWritten        FILETIME (not updated as of Windows 8.1)
 * @param majorVersion       1
 * @param minorVersion       3 to 6
 * @param fileType           0 primary file, 1 or 2 old-format transaction log, 6 new-format transaction log
 * @param fileFormat         1 (direct memory load)
 * @param rootCell           relative offset of the root key node
 * @param hiveBinsDataSize   bytes of hive bins data after the base block
 * @param clusteringFactor   logical sector size / 512
 * @param fileName           the UTF-16LE debugging name, up to its first NUL
 * @param flags              bit 0: KTM locked the hive; bit 1: defragmented / layered keys supported
 * @param checksum           the stored XOR-32 checksum of bytes 0-507
 * @param computedChecksum   the checksum computed over the bytes read
 */
public record BaseBlock(int signature, int primarySequence, int secondarySequence, long lastWritten,
                        int majorVersion, int minorVersion, int fileType, int fileFormat, int rootCell,
                        int hiveBinsDataSize, int clusteringFactor, String fileName, int flags, int checksum,
                        int computedChecksum) {

    /** The bytes a log holds: the first sector of the base block. */
    public static final int LOG_COPY_SIZE = 512;
    public static final int SIGNATURE = Regf.fourCC("regf");

    public static final int OFFSET_SIGNATURE = 0;
    public static final int OFFSET_PRIMARY_SEQUENCE = 4;
    public static final int OFFSET_SECONDARY_SEQUENCE = 8;
    public static final int OFFSET_LAST_WRITTEN = 12;
    public static final int OFFSET_MAJOR_VERSION = 20;
    public static final int OFFSET_MINOR_VERSION = 24;
    public static final int OFFSET_FILE_TYPE = 28;
    public static final int OFFSET_FILE_FORMAT = 32;
    public static final int OFFSET_ROOT_CELL = 36;
    public static final int OFFSET_HIVE_BINS_DATA_SIZE = 40;
    public static final int OFFSET_CLUSTERING_FACTOR = 44;
    public static final int OFFSET_FILE_NAME = 48;
    public static final int FILE_NAME_SIZE = 64;
    public static final int OFFSET_FLAGS = 144;
    public static final int OFFSET_CHECKSUM = 508;

    public static final int TYPE_PRIMARY = 0;
    /** Old-format log (Windows XP to 8.0). */
    public static final int TYPE_LOG_OLD = 1;
    /** Old-format log of Windows NT 3.51 to 2000. */
    public static final int TYPE_LOG_VERY_OLD = 2;
    /** New-format log (Windows 8.1 and later). */
    public static final int TYPE_LOG_NEW = 6;
    public static final int FORMAT_DIRECT_MEMORY_LOAD = 1;

    /** Decodes the base block at the position of {@code buffer}, which holds at least 512 bytes; not moved. */
    public static BaseBlock decode(ByteBuffer buffer) {
        if (buffer.remaining() < LOG_COPY_SIZE) {
            throw new IllegalArgumentException("a base block needs " + LOG_COPY_SIZE + " bytes, got "
                    + buffer.remaining());
        }
        ByteBuffer b = buffer.slice(buffer.position(), LOG_COPY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = new byte[FILE_NAME_SIZE];
        b.get(OFFSET_FILE_NAME, name);
        int length = 0;
        while (length + 1 < name.length && (name[length] != 0 || name[length + 1] != 0)) {
            length += 2;
        }
        return new BaseBlock(b.getInt(OFFSET_SIGNATURE), b.getInt(OFFSET_PRIMARY_SEQUENCE),
                b.getInt(OFFSET_SECONDARY_SEQUENCE), b.getLong(OFFSET_LAST_WRITTEN), b.getInt(OFFSET_MAJOR_VERSION),
                b.getInt(OFFSET_MINOR_VERSION), b.getInt(OFFSET_FILE_TYPE), b.getInt(OFFSET_FILE_FORMAT),
                b.getInt(OFFSET_ROOT_CELL), b.getInt(OFFSET_HIVE_BINS_DATA_SIZE), b.getInt(OFFSET_CLUSTERING_FACTOR),
                new String(name, 0, length, StandardCharsets.UTF_16LE), b.getInt(OFFSET_FLAGS),
                b.getInt(OFFSET_CHECKSUM), checksum(b));
    }

    /**
     * The XOR-32 checksum of the 508 bytes at the position of {@code b} (little-endian dwords), with -1 made -2 and
     * 0 made 1 (spec: "Base block", note 2).
     */
    public static int checksum(ByteBuffer b) {
        ByteBuffer le = b.slice(b.position(), OFFSET_CHECKSUM).order(ByteOrder.LITTLE_ENDIAN);
        int c = 0;
        for (int i = 0; i < OFFSET_CHECKSUM; i += 4) {
            c ^= le.getInt(i);
        }
        return c == -1 ? -2 : c == 0 ? 1 : c;
    }

    public boolean signatureValid() {
        return signature == SIGNATURE;
    }

    public boolean checksumValid() {
        return checksum == computedChecksum;
    }

    /** Whether the sequence numbers differ: a write was not finished (spec: "Dirty state of a hive"). */
    public boolean sequencesDiffer() {
        return primarySequence != secondarySequence;
    }

    public Instant lastWrittenInstant() {
        return Regf.filetime(lastWritten);
    }

    /** {@code "1.5"}. */
    public String version() {
        return Integer.toUnsignedString(majorVersion) + "." + Integer.toUnsignedString(minorVersion);
    }
}
