package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The NTFS boot sector ({@code NTFS_BOOT_SECTOR} of ntfs-3g's {@code layout.h}; all fields little-endian), decoded
 * field by field from the first 512 bytes of the volume: the BIOS parameter block, the volume size, where the MFT
 * and its mirror start, the MFT record and index block sizes, the serial number.
 *
 * <p>Decoding never fails; {@link #geometry} checks the numbers, as ntfs-3g's {@code ntfs_boot_sector_is_ntfs} and
 * {@code ntfs_boot_sector_parse} do, and works out the sizes.
 *
 * @param oemId                  8 bytes at offset 3: {@code "NTFS    "} ({@code "-FVE-FS-"} on a BitLocker volume)
 * @param bytesPerSector         256 to 4096, a power of two
 * @param sectorsPerCluster      the raw byte: 1 to 128, or 0xF4 to 0xFD for 2<sup>256-n</sup> sectors (clusters
 *                               larger than 64 KiB with 512-byte sectors)
 * @param reservedSectors        0 on NTFS, like the other FAT fields below
 * @param fats                   0
 * @param rootEntries            0
 * @param sectors16              0
 * @param media                  the media descriptor (0xF8)
 * @param sectorsPerFat          0
 * @param largeSectors           0
 * @param totalSectors           sectors of the volume, the backup boot sector after the last excluded
 * @param mftLcn                 the first cluster of {@code $MFT}
 * @param mftMirrLcn             the first cluster of {@code $MFTMirr}
 * @param clustersPerMftRecord   signed: clusters per MFT record, or when negative the record size is
 *                               2<sup>-n</sup> bytes
 * @param clustersPerIndexRecord signed, the same encoding for index (INDX) blocks
 * @param serialNumber           the 64-bit volume serial number
 * @param endMarker              the two bytes at 510, 0xAA55 read little-endian
 */
public record NtfsBootSector(String oemId, int bytesPerSector, int sectorsPerCluster, int reservedSectors, int fats,
                             int rootEntries, int sectors16, int media, int sectorsPerFat, long largeSectors,
                             long totalSectors, long mftLcn, long mftMirrLcn, int clustersPerMftRecord,
                             int clustersPerIndexRecord, long serialNumber, int endMarker) {

    public static final int SIZE = 512;
    public static final String STRUCTURE = "boot sector";

    public static final int OFFSET_OEM_ID = 3;
    public static final int OFFSET_BYTES_PER_SECTOR = 0x0B;
    public static final int OFFSET_SECTORS_PER_CLUSTER = 0x0D;
    public static final int OFFSET_RESERVED_SECTORS = 0x0E;
    public static final int OFFSET_FATS = 0x10;
    public static final int OFFSET_ROOT_ENTRIES = 0x11;
    public static final int OFFSET_SECTORS_16 = 0x13;
    public static final int OFFSET_MEDIA = 0x15;
    public static final int OFFSET_SECTORS_PER_FAT = 0x16;
    public static final int OFFSET_LARGE_SECTORS = 0x20;
    public static final int OFFSET_TOTAL_SECTORS = 0x28;
    public static final int OFFSET_MFT_LCN = 0x30;
    public static final int OFFSET_MFT_MIRR_LCN = 0x38;
    public static final int OFFSET_CLUSTERS_PER_MFT_RECORD = 0x40;
    public static final int OFFSET_CLUSTERS_PER_INDEX_RECORD = 0x44;
    public static final int OFFSET_SERIAL_NUMBER = 0x48;
    public static final int OFFSET_END_MARKER = 0x1FE;

    public static final String OEM_NTFS = "NTFS    ";
    /** The OEM id of a volume encrypted by BitLocker (Windows Vista and later). */
    public static final String OEM_BITLOCKER = "-FVE-FS-";
    public static final int END_MARKER = 0xAA55;
    /** ntfs-3g's {@code NTFS_MAX_CLUSTER_SIZE}: Windows 10 formats clusters of up to 2 MiB. */
    public static final int MAX_CLUSTER_SIZE = 2 * 1024 * 1024;
    /** The largest MFT record and index block read (Windows uses 1 KiB or 4 KiB records, 4 KiB index blocks). */
    public static final int MAX_RECORD_SIZE = 64 * 1024;
    /** The update sequence stride: fixups protect every 512 bytes of a record, whatever the sector size. */
    public static final int FIXUP_STRIDE = 512;

    /** Decodes the 512 bytes at the position of {@code buffer}, without moving it. */
    public static NtfsBootSector decode(ByteBuffer buffer) {
        if (buffer.remaining() < SIZE) {
            throw new IllegalArgumentException("a boot sector needs " + SIZE + " bytes, got " + buffer.remaining());
        }
        ByteBuffer b = buffer.slice(buffer.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
        byte[] oem = new byte[8];
        b.get(OFFSET_OEM_ID, oem);
        return new NtfsBootSector(new String(oem, StandardCharsets.ISO_8859_1), u16(b, OFFSET_BYTES_PER_SECTOR),
                u8(b, OFFSET_SECTORS_PER_CLUSTER), u16(b, OFFSET_RESERVED_SECTORS), u8(b, OFFSET_FATS),
                u16(b, OFFSET_ROOT_ENTRIES), u16(b, OFFSET_SECTORS_16), u8(b, OFFSET_MEDIA),
                u16(b, OFFSET_SECTORS_PER_FAT), Integer.toUnsignedLong(b.getInt(OFFSET_LARGE_SECTORS)),
                b.getLong(OFFSET_TOTAL_SECTORS), b.getLong(OFFSET_MFT_LCN), b.getLong(OFFSET_MFT_MIRR_LCN),
                b.get(OFFSET_CLUSTERS_PER_MFT_RECORD), b.get(OFFSET_CLUSTERS_PER_INDEX_RECORD),
                b.getLong(OFFSET_SERIAL_NUMBER), u16(b, OFFSET_END_MARKER));
    }

    /**
     * Fails unless the OEM id says NTFS: a BitLocker volume is refused as unsupported (it is NTFS inside, but
     * encrypted), anything else is not NTFS.
     */
    public void checkIsNtfs() throws NotThisFormatException, UnsupportedFormatException {
        if (oemId.equals(OEM_BITLOCKER)) {
            throw new UnsupportedFormatException(ref("OEM id", OFFSET_OEM_ID), oemId, OEM_NTFS,
                    "the volume is encrypted with BitLocker (OEM id \"-FVE-FS-\"): its NTFS filesystem cannot be "
                            + "read without the BitLocker key; unlock it in Windows (manage-bde -unlock) or "
                            + "decrypt it (manage-bde -off) before checking the image");
        }
        if (!oemId.equals(OEM_NTFS)) {
            throw new NotThisFormatException(ref("OEM id", OFFSET_OEM_ID), printable(oemId), "\"NTFS    \"",
                    "not an NTFS boot sector: the OEM id is \"" + printable(oemId) + "\" - should be \"NTFS    \"");
        }
    }

    /** Cluster size, MFT record size and index block size worked out from a boot sector that passed the checks. */
    public record Geometry(int bytesPerSector, int clusterSize, int clusterShift, long totalClusters,
                           int mftRecordSize, int indexRecordSize) {

        /** The byte offset of a cluster. */
        public long clusterOffset(long lcn) {
            return lcn << clusterShift;
        }
    }

    /**
     * Checks the numbers as ntfs-3g does (and a little more) against a volume of {@code volumeSize} bytes, and works
     * out the geometry.
     */
    public Geometry geometry(long volumeSize) throws CorruptFormatException, UnsupportedFormatException {
        if (bytesPerSector < 256 || bytesPerSector > 4096 || Integer.bitCount(bytesPerSector) != 1) {
            throw new CorruptFormatException(ref("bytes per sector", OFFSET_BYTES_PER_SECTOR),
                    Integer.toString(bytesPerSector), "a power of two from 256 to 4096");
        }
        int spc;
        if (sectorsPerCluster >= 1 && sectorsPerCluster <= 128 && Integer.bitCount(sectorsPerCluster) == 1) {
            spc = sectorsPerCluster;
        } else if (sectorsPerCluster >= 0xF4 && sectorsPerCluster <= 0xFD) {
            spc = 1 << (256 - sectorsPerCluster);      // the "2^-n" encoding of clusters over 64 KiB
        } else {
            throw new CorruptFormatException(ref("sectors per cluster", OFFSET_SECTORS_PER_CLUSTER),
                    hex8(sectorsPerCluster), "1, 2, 4, ... 128, or 0xF4 to 0xFD (2^(256-n) sectors)");
        }
        long cluster = (long) bytesPerSector * spc;
        if (cluster > MAX_CLUSTER_SIZE) {
            throw new UnsupportedFormatException(ref("sectors per cluster", OFFSET_SECTORS_PER_CLUSTER),
                    Long.toString(cluster), "at most " + MAX_CLUSTER_SIZE, "clusters of " + cluster
                    + " bytes are larger than the 2 MiB Windows allows");
        }
        int clusterSize = (int) cluster;
        int shift = Integer.numberOfTrailingZeros(clusterSize);
        checkZero("reserved sectors", OFFSET_RESERVED_SECTORS, reservedSectors);
        checkZero("FATs", OFFSET_FATS, fats);
        checkZero("root entries", OFFSET_ROOT_ENTRIES, rootEntries);
        checkZero("sectors (16-bit)", OFFSET_SECTORS_16, sectors16);
        checkZero("sectors per FAT", OFFSET_SECTORS_PER_FAT, sectorsPerFat);
        checkZero("large sectors", OFFSET_LARGE_SECTORS, largeSectors);
        long maxSectors = volumeSize / bytesPerSector;
        if (totalSectors <= 0 || totalSectors > maxSectors) {
            throw new CorruptFormatException(ref("total sectors", OFFSET_TOTAL_SECTORS),
                    Long.toString(totalSectors), "from 1 to " + maxSectors + " (the volume's " + volumeSize
                    + " bytes)", "total sectors is " + totalSectors + " - should be from 1 to " + maxSectors
                    + (totalSectors > 0 ? ": the filesystem is larger than its volume of " + volumeSize + " bytes"
                    : " (the volume's " + volumeSize + " bytes)"));
        }
        long totalClusters = totalSectors / spc;
        checkLcn("MFT LCN", OFFSET_MFT_LCN, mftLcn, totalClusters);
        checkLcn("MFT mirror LCN", OFFSET_MFT_MIRR_LCN, mftMirrLcn, totalClusters);
        if (mftLcn == mftMirrLcn) {
            throw new CorruptFormatException(ref("MFT mirror LCN", OFFSET_MFT_MIRR_LCN), Long.toString(mftMirrLcn),
                    "a cluster other than the MFT's", "the MFT and its mirror both start at cluster " + mftLcn);
        }
        int mftRecord = recordSize("clusters per MFT record", OFFSET_CLUSTERS_PER_MFT_RECORD, clustersPerMftRecord,
                shift);
        int indexRecord = recordSize("clusters per index record", OFFSET_CLUSTERS_PER_INDEX_RECORD,
                clustersPerIndexRecord, shift);
        return new Geometry(bytesPerSector, clusterSize, shift, totalClusters, mftRecord, indexRecord);
    }

    /** The UUID as blkid prints it for NTFS: the serial number as 16 upper-case hex digits. */
    public String uuid() {
        return String.format(Locale.ROOT, "%016X", serialNumber);
    }

    /** A record size field: positive, clusters; negative, -n for 2^n bytes. */
    private static int recordSize(String field, int offset, int value, int clusterShift)
            throws CorruptFormatException {
        long size;
        if (value > 0 && value <= 64 && Integer.bitCount(value) == 1) {
            size = (long) value << clusterShift;
        } else if (value < 0 && value >= -31) {
            size = 1L << -value;
        } else {
            size = -1;
        }
        if (size < FIXUP_STRIDE || size > MAX_RECORD_SIZE) {
            throw new CorruptFormatException(ref(field, offset), Integer.toString(value),
                    "a power of two of clusters, or -n for 2^n bytes, giving 512 to 65536 bytes",
                    field + " is " + value + (size > 0 ? " (" + size + " bytes)" : "") + " - should give a record "
                            + "of 512 to 65536 bytes: a power of two of clusters, or -n for 2^n bytes");
        }
        return (int) size;
    }

    private static void checkZero(String field, int offset, long value) throws CorruptFormatException {
        if (value != 0) {
            throw new CorruptFormatException(ref(field, offset), Long.toString(value), "0 (unused on NTFS)");
        }
    }

    private static void checkLcn(String field, int offset, long lcn, long totalClusters)
            throws CorruptFormatException {
        if (lcn <= 0 || lcn >= totalClusters) {
            throw new CorruptFormatException(ref(field, offset), Long.toString(lcn),
                    "a cluster from 1 to " + (totalClusters - 1));
        }
    }

    static FieldRef ref(String field, long offset) {
        return FieldRef.of(Ntfs.FORMAT, STRUCTURE, field, offset);
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format(Locale.ROOT, "\\x%02X", (int) c));
        }
        return sb.toString();
    }

    static String hex8(int v) {
        return String.format(Locale.ROOT, "0x%02X", v);
    }

    private static int u8(ByteBuffer b, int at) {
        return Byte.toUnsignedInt(b.get(at));
    }

    private static int u16(ByteBuffer b, int at) {
        return Short.toUnsignedInt(b.getShort(at));
    }
}
