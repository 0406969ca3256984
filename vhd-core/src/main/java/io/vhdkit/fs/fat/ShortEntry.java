package io.vhdkit.fs.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;

/**
 * One 32-byte short directory entry (fatgen103, "FAT Directory Structure"; little-endian), decoded field by field.
 * Decoding never fails; what the bytes mean (free, deleted, long-name slot, label, file) is asked of the record.
 *
 * @param name         the 11 name bytes as stored (8 base, 3 extension, space-padded; byte 0 may be 0x00 free,
 *                     0xE5 deleted, 0x05 for a real 0xE5)
 * @param attributes   {@code DIR_Attr}
 * @param ntFlags      {@code DIR_NTRes}: 0x08 base in lower case, 0x10 extension in lower case (Windows NT)
 * @param createTenths {@code DIR_CrtTimeTenth}
 * @param createTime   {@code DIR_CrtTime}
 * @param createDate   {@code DIR_CrtDate}
 * @param accessDate   {@code DIR_LstAccDate}
 * @param clusterHigh  {@code DIR_FstClusHI}, used on FAT32 only (as Linux does)
 * @param writeTime    {@code DIR_WrtTime}
 * @param writeDate    {@code DIR_WrtDate}
 * @param clusterLow   {@code DIR_FstClusLO}
 * @param size         {@code DIR_FileSize}, unsigned
 */
public record ShortEntry(byte[] name, int attributes, int ntFlags, int createTenths, int createTime,
                             int createDate, int accessDate, int clusterHigh, int writeTime, int writeDate,
                             int clusterLow, long size) {

    public static final int SIZE = 32;
    public static final int OFFSET_NAME = 0;
    public static final int OFFSET_ATTRIBUTES = 11;
    public static final int OFFSET_NT_FLAGS = 12;
    public static final int OFFSET_CREATE_TENTHS = 13;
    public static final int OFFSET_CREATE_TIME = 14;
    public static final int OFFSET_CREATE_DATE = 16;
    public static final int OFFSET_ACCESS_DATE = 18;
    public static final int OFFSET_CLUSTER_HIGH = 20;
    public static final int OFFSET_WRITE_TIME = 22;
    public static final int OFFSET_WRITE_DATE = 24;
    public static final int OFFSET_CLUSTER_LOW = 26;
    public static final int OFFSET_SIZE = 28;

    public static final int ATTR_READ_ONLY = 0x01;
    public static final int ATTR_HIDDEN = 0x02;
    public static final int ATTR_SYSTEM = 0x04;
    public static final int ATTR_VOLUME_ID = 0x08;
    public static final int ATTR_DIRECTORY = 0x10;
    public static final int ATTR_ARCHIVE = 0x20;
    /** A long-name slot: read-only, hidden, system and volume id together. */
    public static final int ATTR_LONG_NAME = 0x0F;
    /** fatgen103: an entry is a long-name slot when {@code attributes & 0x3F == 0x0F}. */
    public static final int ATTR_LONG_NAME_MASK = 0x3F;

    public static final int NT_LOWER_BASE = 0x08;
    public static final int NT_LOWER_EXTENSION = 0x10;

    /** {@code DIR_Name[0]}: this and every later entry of the directory are free. */
    public static final int END_OF_DIRECTORY = 0x00;
    /** {@code DIR_Name[0]}: a deleted entry. */
    public static final int DELETED = 0xE5;
    /** {@code DIR_Name[0]}: stands for a real 0xE5 (a KANJI lead byte) in the name. */
    public static final int KANJI_E5 = 0x05;

    public ShortEntry {
        name = name.clone();
    }

    @Override
    public byte[] name() {
        return name.clone();
    }

    /** Decodes the 32 bytes at the position of {@code buffer}, without moving it. */
    public static ShortEntry decode(ByteBuffer buffer) {
        ByteBuffer b = buffer.slice(buffer.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = new byte[11];
        b.get(OFFSET_NAME, name);
        return new ShortEntry(name, u8(b, OFFSET_ATTRIBUTES), u8(b, OFFSET_NT_FLAGS), u8(b, OFFSET_CREATE_TENTHS),
                u16(b, OFFSET_CREATE_TIME), u16(b, OFFSET_CREATE_DATE), u16(b, OFFSET_ACCESS_DATE),
                u16(b, OFFSET_CLUSTER_HIGH), u16(b, OFFSET_WRITE_TIME), u16(b, OFFSET_WRITE_DATE),
                u16(b, OFFSET_CLUSTER_LOW), Integer.toUnsignedLong(b.getInt(OFFSET_SIZE)));
    }

    public int firstByte() {
        return name[0] & 0xFF;
    }

    public boolean endOfDirectory() {
        return firstByte() == END_OF_DIRECTORY;
    }

    public boolean deleted() {
        return firstByte() == DELETED;
    }

    public boolean longNameSlot() {
        return (attributes & ATTR_LONG_NAME_MASK) == ATTR_LONG_NAME;
    }

    /** A volume label (or a long-name slot, which has the bit too: ask {@link #longNameSlot} first). */
    public boolean volumeLabel() {
        return (attributes & ATTR_VOLUME_ID) != 0;
    }

    public boolean directory() {
        return (attributes & ATTR_DIRECTORY) != 0;
    }

    public boolean readOnly() {
        return (attributes & ATTR_READ_ONLY) != 0;
    }

    /** The {@code "."} or {@code ".."} entry of a subdirectory. */
    public boolean dotEntry() {
        if (name[0] != '.') {
            return false;
        }
        int i = name[1] == '.' ? 2 : 1;
        for (; i < 11; i++) {
            if (name[i] != ' ') {
                return false;
            }
        }
        return true;
    }

    /** The first cluster: {@code DIR_FstClusLO}, with {@code DIR_FstClusHI} above it on FAT32. */
    public long firstCluster(FatType type) {
        long low = clusterLow;
        return type == FatType.FAT32 ? ((long) clusterHigh << 16 | low) & 0x0FFF_FFFFL : low;
    }

    /** The last modification, read as UTC (see {@link FatTime}). */
    public Instant modified() {
        return FatTime.toInstant(writeDate, writeTime);
    }

    /**
     * The 8.3 name, as Linux shows a short name: base and extension without their padding, joined by a dot when
     * there is an extension, CP437, each part in lower case when its NT flag says so; 0x05 in byte 0 reads as 0xE5.
     */
    public String shortName() {
        byte[] n = name.clone();
        if ((n[0] & 0xFF) == KANJI_E5) {
            n[0] = (byte) DELETED;
        }
        String base = Cp437.decode(n, 0, 8).replaceAll(" +$", "");
        String ext = Cp437.decode(n, 8, 3).replaceAll(" +$", "");
        if ((ntFlags & NT_LOWER_BASE) != 0) {
            base = lower(base);
        }
        if ((ntFlags & NT_LOWER_EXTENSION) != 0) {
            ext = lower(ext);
        }
        return ext.isEmpty() ? base : base + "." + ext;
    }

    /** The checksum of the stored 11 name bytes that each long-name slot repeats (fatgen103, "ChkSum"). */
    public int checksum() {
        int sum = 0;
        for (byte x : name) {
            sum = (((sum & 1) << 7) + (sum >>> 1) + (x & 0xFF)) & 0xFF;
        }
        return sum;
    }

    private static String lower(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            sb.append(Character.toLowerCase(s.charAt(i)));
        }
        return sb.toString();
    }

    private static int u8(ByteBuffer b, int offset) {
        return Byte.toUnsignedInt(b.get(offset));
    }

    private static int u16(ByteBuffer b, int offset) {
        return Short.toUnsignedInt(b.getShort(offset));
    }
}
