package io.vhdkit.vhd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The dynamic disk header of dynamic and differencing disks (spec: "Dynamic Disk Header Format"; big-endian,
 * 1024 bytes at the footer's data offset). Decoding never fails; {@link VhdFile} and {@link VhdChecker} judge the
 * values.
 *
 * @param cookie               {@code "cxsparse"}
 * @param dataOffset           unused, all ones
 * @param tableOffset          absolute offset of the BAT
 * @param headerVersion        {@code 0x00010000}
 * @param maxTableEntries      number of BAT entries, unsigned
 * @param blockSize            data bytes per block (the sector bitmap not included), unsigned
 * @param checksum             the stored checksum
 * @param computedChecksum     the one's complement of the byte sum with the checksum field taken as zero
 * @param parentUniqueId       differencing disks: the parent footer's unique id
 * @param parentTimestamp      differencing disks: the parent's modification time, seconds since 2000
 * @param reserved1            zero
 * @param parentName           differencing disks: the parent's file name, UTF-16BE, NUL-padded
 * @param locators             the eight parent locator entries, used or not
 * @param firstNonZeroReserved index within the header of the first non-zero byte of the final reserved area, or -1
 */
public record DynamicHeader(String cookie, long dataOffset, long tableOffset, int headerVersion, long maxTableEntries,
                            long blockSize, int checksum, int computedChecksum, UUID parentUniqueId,
                            long parentTimestamp, int reserved1, String parentName, List<ParentLocatorEntry> locators,
                            int firstNonZeroReserved) {

    public static final int SIZE = 1024;
    public static final String COOKIE = "cxsparse";
    public static final int OFFSET_COOKIE = 0;
    public static final int OFFSET_DATA_OFFSET = 8;
    public static final int OFFSET_TABLE_OFFSET = 16;
    public static final int OFFSET_HEADER_VERSION = 24;
    public static final int OFFSET_MAX_TABLE_ENTRIES = 28;
    public static final int OFFSET_BLOCK_SIZE = 32;
    public static final int OFFSET_CHECKSUM = 36;
    public static final int OFFSET_PARENT_UNIQUE_ID = 40;
    public static final int OFFSET_PARENT_TIMESTAMP = 56;
    public static final int OFFSET_RESERVED1 = 60;
    public static final int OFFSET_PARENT_NAME = 64;
    public static final int PARENT_NAME_SIZE = 512;
    public static final int OFFSET_PARENT_LOCATORS = 576;
    public static final int OFFSET_RESERVED2 = 768;

    public static final int HEADER_VERSION_1_0 = 0x0001_0000;
    /** The default block size, 2 MiB. */
    public static final long DEFAULT_BLOCK_SIZE = 2L * 1024 * 1024;
    /** Virtual PC and Virtual Server were tested with these two block sizes only. */
    public static final long SMALL_BLOCK_SIZE = 512L * 1024;

    public DynamicHeader {
        locators = List.copyOf(locators);
    }

    /** Decodes the 1024 bytes at the position of {@code buffer}, without moving it. */
    public static DynamicHeader decode(ByteBuffer buffer) {
        if (buffer.remaining() < SIZE) {
            throw new IllegalArgumentException("a dynamic header needs " + SIZE + " bytes, got " + buffer.remaining());
        }
        ByteBuffer b = buffer.slice(buffer.position(), SIZE).order(ByteOrder.BIG_ENDIAN);
        byte[] cookie = new byte[8];
        b.get(OFFSET_COOKIE, cookie);
        List<ParentLocatorEntry> locators = new ArrayList<>(ParentLocatorEntry.COUNT);
        for (int i = 0; i < ParentLocatorEntry.COUNT; i++) {
            locators.add(ParentLocatorEntry.decode(i, b.position(OFFSET_PARENT_LOCATORS + i * ParentLocatorEntry.SIZE)));
        }
        b.position(0);
        int firstNonZeroReserved = -1;
        for (int i = OFFSET_RESERVED2; i < SIZE; i++) {
            if (b.get(i) != 0) {
                firstNonZeroReserved = i;
                break;
            }
        }
        return new DynamicHeader(VhdFooter.ascii(cookie), b.getLong(OFFSET_DATA_OFFSET), b.getLong(OFFSET_TABLE_OFFSET),
                b.getInt(OFFSET_HEADER_VERSION), Integer.toUnsignedLong(b.getInt(OFFSET_MAX_TABLE_ENTRIES)),
                Integer.toUnsignedLong(b.getInt(OFFSET_BLOCK_SIZE)), b.getInt(OFFSET_CHECKSUM),
                VhdFooter.checksum(b, OFFSET_CHECKSUM),
                new UUID(b.getLong(OFFSET_PARENT_UNIQUE_ID), b.getLong(OFFSET_PARENT_UNIQUE_ID + 8)),
                Integer.toUnsignedLong(b.getInt(OFFSET_PARENT_TIMESTAMP)), b.getInt(OFFSET_RESERVED1),
                parentName(b.slice(OFFSET_PARENT_NAME, PARENT_NAME_SIZE)), locators, firstNonZeroReserved);
    }

    /**
     * The 1024 bytes of a new dynamic (not differencing) disk's header as vhdkit writes it: cookie {@code cxsparse},
     * data offset all ones, header version 1.0, no parent fields, reserved bytes zero, and the checksum.
     */
    public static byte[] encodeDynamic(long tableOffset, long maxTableEntries, long blockSize) {
        if (tableOffset < 0 || tableOffset % VhdFooter.SECTOR_SIZE != 0 || maxTableEntries <= 0
                || maxTableEntries > 0xFFFF_FFFFL || blockSize < VhdFooter.SECTOR_SIZE || Long.bitCount(blockSize) != 1
                || blockSize > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("table offset " + tableOffset + ", " + maxTableEntries
                    + " entries, block size " + blockSize);
        }
        byte[] out = new byte[SIZE];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN);
        b.put(OFFSET_COOKIE, COOKIE.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putLong(OFFSET_DATA_OFFSET, -1L);
        b.putLong(OFFSET_TABLE_OFFSET, tableOffset);
        b.putInt(OFFSET_HEADER_VERSION, HEADER_VERSION_1_0);
        b.putInt(OFFSET_MAX_TABLE_ENTRIES, (int) maxTableEntries);
        b.putInt(OFFSET_BLOCK_SIZE, (int) blockSize);
        b.putInt(OFFSET_CHECKSUM, VhdFooter.checksum(b, OFFSET_CHECKSUM));
        return out;
    }

    /** {@code raw} (1024 header bytes as stored) with its checksum field recomputed, in place. */
    public static void reseal(byte[] raw) {
        if (raw.length != SIZE) {
            throw new IllegalArgumentException(raw.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN);
        b.putInt(OFFSET_CHECKSUM, VhdFooter.checksum(b, OFFSET_CHECKSUM));
    }

    /** UTF-16BE up to the first NUL; an unpaired surrogate (seen in the wild) becomes one U+FFFD. */
    private static String parentName(ByteBuffer raw) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 1 < raw.limit(); i += 2) {
            char c = raw.getChar(i);
            if (c == 0) {
                break;
            }
            sb.append(c);
        }
        for (int i = 0; i < sb.length(); i++) {
            char c = sb.charAt(i);
            boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < sb.length()
                    && Character.isLowSurrogate(sb.charAt(i + 1));
            if (pairedHigh) {
                i++;
            } else if (Character.isSurrogate(c)) {
                sb.setCharAt(i, '\uFFFD');
            }
        }
        return sb.toString();
    }

    public boolean cookieValid() {
        return COOKIE.equals(cookie);
    }

    public boolean checksumValid() {
        return checksum == computedChecksum;
    }

    public Instant parentTimestampInstant() {
        return VhdTime.toInstant(parentTimestamp);
    }

    public String headerVersionText() {
        return VhdFooter.version(headerVersion);
    }

    public boolean blockSizeIsPowerOfTwo() {
        return blockSize > 0 && Long.bitCount(blockSize) == 1;
    }

    /** Bytes of the sector bitmap that precedes each block's data: one bit per sector, padded to whole sectors. */
    public long bitmapBytes() {
        long sectors = blockSize / VhdFooter.SECTOR_SIZE;
        long bytes = (sectors + 7) / 8;
        return (bytes + VhdFooter.SECTOR_SIZE - 1) / VhdFooter.SECTOR_SIZE * VhdFooter.SECTOR_SIZE;
    }

    /** The used locator entries. */
    public List<ParentLocatorEntry> usedLocators() {
        return locators.stream().filter(ParentLocatorEntry::isUsed).toList();
    }

    /** Whether any parent field is set (only differencing disks should have them). */
    public boolean hasParentFields() {
        return parentUniqueId.getMostSignificantBits() != 0 || parentUniqueId.getLeastSignificantBits() != 0
                || parentTimestamp != 0 || !parentName.isEmpty() || !usedLocators().isEmpty();
    }
}
