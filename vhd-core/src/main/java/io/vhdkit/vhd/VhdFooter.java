package io.vhdkit.vhd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The hard disk footer, decoded field by field (spec: "Hard Disk Footer Format"; all fields big-endian). It sits in
 * the last 512 bytes of every VHD (511 for images made before Virtual PC 2004) and, for dynamic and differencing
 * disks, is copied at offset 0.
 *
 * <p>Decoding never fails: a footer is a fixed-size block and every bit pattern decodes. Whether the values make
 * sense is decided by {@link VhdFile} and {@link VhdChecker}, which see the file around it.
 *
 * @param length             512, or 511 for a legacy footer
 * @param cookie             {@code "conectix"} in a VHD
 * @param features           bit 0 temporary, bit 1 reserved and always set
 * @param formatVersion      {@code 0x00010000}
 * @param dataOffset         absolute offset of the dynamic header; all ones for fixed disks
 * @param timestamp          seconds since 2000-01-01 UTC, unsigned
 * @param creatorApplication for example {@code "qem2"} or {@code "win "}
 * @param creatorVersion     major in the high 16 bits, minor in the low 16 bits
 * @param creatorHostOs      {@code "Wi2k"} or {@code "Mac "}
 * @param originalSize       size at creation, in bytes ("informational")
 * @param currentSize        the virtual size in bytes, what Hyper-V and Azure use; negative if the stored uint64 is
 *                           above {@link Long#MAX_VALUE}
 * @param geometry           cylinders, heads, sectors per track
 * @param diskTypeCode       2 fixed, 3 dynamic, 4 differencing
 * @param checksum           the stored checksum
 * @param computedChecksum   the one's complement of the byte sum with the checksum field taken as zero
 * @param uniqueId           the disk's identity, read as a big-endian (RFC 4122) UUID
 * @param savedState         1 when the disk is in a saved state
 * @param firstNonZeroReserved index within the footer of the first non-zero reserved byte, or -1
 */
public record VhdFooter(int length, String cookie, int features, int formatVersion, long dataOffset, long timestamp,
                        FourCC creatorApplication, int creatorVersion, FourCC creatorHostOs, long originalSize,
                        long currentSize, Geometry geometry, int diskTypeCode, int checksum, int computedChecksum,
                        UUID uniqueId, int savedState, int firstNonZeroReserved) {

    public static final int SIZE = 512;
    /** Footers written by Virtual PC before 2004 lack the last (reserved) byte. */
    public static final int LEGACY_SIZE = 511;
    public static final int SECTOR_SIZE = 512;

    public static final String COOKIE = "conectix";
    public static final int OFFSET_COOKIE = 0;
    public static final int OFFSET_FEATURES = 8;
    public static final int OFFSET_FORMAT_VERSION = 12;
    public static final int OFFSET_DATA_OFFSET = 16;
    public static final int OFFSET_TIMESTAMP = 24;
    public static final int OFFSET_CREATOR_APPLICATION = 28;
    public static final int OFFSET_CREATOR_VERSION = 32;
    public static final int OFFSET_CREATOR_HOST_OS = 36;
    public static final int OFFSET_ORIGINAL_SIZE = 40;
    public static final int OFFSET_CURRENT_SIZE = 48;
    public static final int OFFSET_CYLINDERS = 56;
    public static final int OFFSET_HEADS = 58;
    public static final int OFFSET_SECTORS_PER_TRACK = 59;
    public static final int OFFSET_DISK_TYPE = 60;
    public static final int OFFSET_CHECKSUM = 64;
    public static final int OFFSET_UNIQUE_ID = 68;
    public static final int OFFSET_SAVED_STATE = 84;
    public static final int OFFSET_RESERVED = 85;

    public static final int FEATURE_TEMPORARY = 0x1;
    /** "This bit must always be set to 1." */
    public static final int FEATURE_RESERVED = 0x2;
    public static final int FORMAT_VERSION_1_0 = 0x0001_0000;
    /** The data offset of a fixed disk: the spec writes 0xFFFFFFFF, every tool writes all 64 bits set. */
    public static final long NO_DATA_OFFSET = -1L;

    public static final FourCC HOST_WINDOWS = FourCC.of("Wi2k");
    public static final FourCC HOST_MAC = FourCC.of("Mac ");

    /**
     * Decodes the footer at the position of {@code buffer}, which must hold at least {@link #LEGACY_SIZE} bytes: 512
     * are used when available, else 511 (the missing last byte is reserved and taken as zero). The buffer's position
     * is not changed.
     */
    public static VhdFooter decode(ByteBuffer buffer) {
        int length = Math.min(buffer.remaining(), SIZE);
        if (length < LEGACY_SIZE) {
            throw new IllegalArgumentException("a footer needs " + LEGACY_SIZE + " bytes, got " + length);
        }
        ByteBuffer b = buffer.slice(buffer.position(), length).order(ByteOrder.BIG_ENDIAN);
        byte[] cookie = new byte[8];
        b.get(OFFSET_COOKIE, cookie);
        Geometry geometry = new Geometry(Short.toUnsignedInt(b.getShort(OFFSET_CYLINDERS)),
                Byte.toUnsignedInt(b.get(OFFSET_HEADS)), Byte.toUnsignedInt(b.get(OFFSET_SECTORS_PER_TRACK)));
        int firstNonZeroReserved = -1;
        for (int i = OFFSET_RESERVED; i < length; i++) {
            if (b.get(i) != 0) {
                firstNonZeroReserved = i;
                break;
            }
        }
        return new VhdFooter(length, ascii(cookie), b.getInt(OFFSET_FEATURES), b.getInt(OFFSET_FORMAT_VERSION),
                b.getLong(OFFSET_DATA_OFFSET), Integer.toUnsignedLong(b.getInt(OFFSET_TIMESTAMP)),
                new FourCC(b.getInt(OFFSET_CREATOR_APPLICATION)), b.getInt(OFFSET_CREATOR_VERSION),
                new FourCC(b.getInt(OFFSET_CREATOR_HOST_OS)), b.getLong(OFFSET_ORIGINAL_SIZE),
                b.getLong(OFFSET_CURRENT_SIZE), geometry, b.getInt(OFFSET_DISK_TYPE), b.getInt(OFFSET_CHECKSUM),
                checksum(b, OFFSET_CHECKSUM), new UUID(b.getLong(OFFSET_UNIQUE_ID), b.getLong(OFFSET_UNIQUE_ID + 8)),
                Byte.toUnsignedInt(b.get(OFFSET_SAVED_STATE)), firstNonZeroReserved);
    }

    /** Whether the bytes at the position of {@code buffer} start with the footer cookie. */
    public static boolean hasCookie(ByteBuffer buffer) {
        if (buffer.remaining() < 8) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (buffer.get(buffer.position() + i) != COOKIE.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The spec's checksum: the one's complement of the sum of all bytes from the buffer's position to its limit, the
     * four bytes at {@code checksumOffset} (relative to the position) counted as zero.
     */
    static int checksum(ByteBuffer b, int checksumOffset) {
        int sum = 0;
        int base = b.position();
        for (int i = 0; i < b.remaining(); i++) {
            if (i < checksumOffset || i >= checksumOffset + 4) {
                sum += b.get(base + i) & 0xFF;
            }
        }
        return ~sum;
    }

    static String ascii(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte x : bytes) {
            int c = x & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append(String.format(Locale.ROOT, "\\x%02X", c));
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

    public boolean isLegacy() {
        return length == LEGACY_SIZE;
    }

    public Optional<DiskType> diskType() {
        return DiskType.fromCode(diskTypeCode);
    }

    public boolean temporary() {
        return (features & FEATURE_TEMPORARY) != 0;
    }

    public Instant timestampInstant() {
        return VhdTime.toInstant(timestamp);
    }

    /** {@code "1.0"}. */
    public String formatVersionText() {
        return version(formatVersion);
    }

    /** {@code "5.0"}: major and minor, 16 bits each. */
    public String creatorVersionText() {
        return version(creatorVersion);
    }

    static String version(int v) {
        return (v >>> 16) + "." + (v & 0xFFFF);
    }

    /** The application that is known to write this creator code, if any. */
    public Optional<String> creatorApplicationName() {
        return Optional.ofNullable(switch (creatorApplication.text()) {
            case "vpc " -> "Microsoft Virtual PC";
            case "vs  " -> "Microsoft Virtual Server";
            case "win " -> "Windows (Hyper-V, Disk Management)";
            case "qemu" -> "QEMU";
            case "qem2" -> "QEMU with force_size";
            case "d2v ", "d2v\\0" -> "Disk2vhd";
            case "tap\\0" -> "XenServer tapdisk";
            case "CTXS" -> "Citrix";
            case "vbox" -> "VirtualBox";
            case "wa\\0\\0", "wa  " -> "Azure (azure-vhd-utils, disk export)";
            case "vhdk" -> "vhdkit";
            default -> null;
        });
    }

    /** {@code "Windows"} or {@code "Macintosh"}, if the host OS code is one the spec defines. */
    public Optional<String> creatorHostOsName() {
        if (creatorHostOs.equals(HOST_WINDOWS)) {
            return Optional.of("Windows");
        }
        if (creatorHostOs.equals(HOST_MAC)) {
            return Optional.of("Macintosh");
        }
        return Optional.empty();
    }

    /** Whether the current size is usable at all: positive and a whole number of sectors. */
    public boolean currentSizeValid() {
        return currentSize > 0 && currentSize % SECTOR_SIZE == 0;
    }

    /**
     * The creator application vhdkit writes in the footers it makes: {@code "vhdk"}, bytes {@code 76 68 64 6B}.
     * {@link #creatorApplicationName()} names it "vhdkit".
     */
    public static final FourCC CREATOR_VHDKIT = FourCC.of("vhdk");
    /**
     * The creator version vhdkit writes: {@code 0x00010000} (1.0), the revision of vhdkit's footer writer. Tools only
     * display it.
     */
    public static final int CREATOR_VERSION_VHDKIT = 0x0001_0000;

    /**
     * A new footer as vhdkit writes it (spec: "Hard Disk Footer Format"): cookie {@code conectix}, features
     * {@code 0x00000002} (the reserved bit), format version 1.0, creator application {@code "vhdk"} version 1.0,
     * creator host OS {@code "Wi2k"} (the spec defines only {@code Wi2k} and {@code Mac }; any other value makes
     * DiscUtils and {@code vhdkit check} warn), original size = current size, the CHS geometry of the spec's
     * algorithm for the size ({@link Geometry#forSize}), saved state 0, reserved bytes zero, and the checksum.
     *
     * @param type        the disk type
     * @param currentSize the virtual size, a positive multiple of 512
     * @param dataOffset  the dynamic header's offset, or {@link #NO_DATA_OFFSET} for a fixed disk
     * @param uniqueId    the disk's identity
     * @param timestamp   seconds since 2000-01-01 UTC ({@link VhdTime#fromInstant})
     */
    public static VhdFooter create(DiskType type, long currentSize, long dataOffset, UUID uniqueId, long timestamp) {
        if (currentSize <= 0 || currentSize % SECTOR_SIZE != 0) {
            throw new IllegalArgumentException("current size " + currentSize + " is not a positive multiple of 512");
        }
        if (timestamp < 0 || timestamp > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("time stamp " + timestamp + " does not fit in 32 bits");
        }
        if ((type == DiskType.FIXED) != (dataOffset == NO_DATA_OFFSET)) {
            throw new IllegalArgumentException("data offset " + dataOffset + " for a " + type.label() + " disk");
        }
        return new VhdFooter(SIZE, COOKIE, FEATURE_RESERVED, FORMAT_VERSION_1_0, dataOffset, timestamp,
                CREATOR_VHDKIT, CREATOR_VERSION_VHDKIT, HOST_WINDOWS, currentSize, currentSize,
                Geometry.forSize(currentSize), type.code(), 0, 0, uniqueId, 0, -1).sealed();
    }

    /** A new fixed disk's footer (see {@link #create}): data offset all ones. */
    public static VhdFooter fixed(long currentSize, UUID uniqueId, long timestamp) {
        return create(DiskType.FIXED, currentSize, NO_DATA_OFFSET, uniqueId, timestamp);
    }

    /**
     * This footer turned into a fixed disk's, for a dynamic or differencing disk read as a fixed one: disk type 2,
     * data offset all ones, saved state 0, the reserved feature bit set, checksum recomputed. Every other field
     * (current size, geometry, unique id, time stamp, creator) is kept.
     */
    public VhdFooter asFixed() {
        return new VhdFooter(SIZE, cookie, features | FEATURE_RESERVED, formatVersion, NO_DATA_OFFSET, timestamp,
                creatorApplication, creatorVersion, creatorHostOs, originalSize, currentSize, geometry,
                DiskType.FIXED.code(), 0, 0, uniqueId, 0, -1).sealed();
    }

    /**
     * This footer for a resized disk: current size and original size both {@code size} (libvhdi and some older
     * tools take the original size as the disk's size), the spec's geometry for it, checksum recomputed; identity,
     * time stamp and creator kept.
     */
    public VhdFooter resized(long size) {
        if (size <= 0 || size % SECTOR_SIZE != 0) {
            throw new IllegalArgumentException("current size " + size + " is not a positive multiple of 512");
        }
        return new VhdFooter(SIZE, cookie, features, formatVersion, dataOffset, timestamp, creatorApplication,
                creatorVersion, creatorHostOs, size, size, Geometry.forSize(size), diskTypeCode, 0, 0,
                uniqueId, savedState, -1).sealed();
    }

    /** {@code raw} (512 footer bytes as stored) with its checksum field recomputed, in place. */
    public static void reseal(byte[] raw) {
        if (raw.length != SIZE) {
            throw new IllegalArgumentException(raw.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN);
        b.putInt(OFFSET_CHECKSUM, checksum(b, OFFSET_CHECKSUM));
    }

    /** This footer with its checksum computed (decoded back from {@link #encode()}). */
    private VhdFooter sealed() {
        return decode(ByteBuffer.wrap(encode()));
    }

    /**
     * The 512 bytes of this footer, big-endian, with a freshly computed checksum (the stored {@link #checksum()} is
     * not used). Reserved bytes are written as zeros, so a non-zero reserved area (XenServer's "hidden" byte) is
     * not kept; a legacy 511-byte footer becomes a 512-byte one.
     *
     * @throws IllegalStateException when the cookie is not {@code conectix} (a footer that cannot be written back)
     */
    public byte[] encode() {
        if (!cookieValid()) {
            throw new IllegalStateException("cookie \"" + cookie + "\" is not \"" + COOKIE + "\"");
        }
        byte[] out = new byte[SIZE];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN);
        b.put(OFFSET_COOKIE, COOKIE.getBytes(StandardCharsets.US_ASCII));
        b.putInt(OFFSET_FEATURES, features);
        b.putInt(OFFSET_FORMAT_VERSION, formatVersion);
        b.putLong(OFFSET_DATA_OFFSET, dataOffset);
        b.putInt(OFFSET_TIMESTAMP, (int) timestamp);
        b.putInt(OFFSET_CREATOR_APPLICATION, creatorApplication.value());
        b.putInt(OFFSET_CREATOR_VERSION, creatorVersion);
        b.putInt(OFFSET_CREATOR_HOST_OS, creatorHostOs.value());
        b.putLong(OFFSET_ORIGINAL_SIZE, originalSize);
        b.putLong(OFFSET_CURRENT_SIZE, currentSize);
        b.putShort(OFFSET_CYLINDERS, (short) geometry.cylinders());
        b.put(OFFSET_HEADS, (byte) geometry.heads());
        b.put(OFFSET_SECTORS_PER_TRACK, (byte) geometry.sectorsPerTrack());
        b.putInt(OFFSET_DISK_TYPE, diskTypeCode);
        b.putLong(OFFSET_UNIQUE_ID, uniqueId.getMostSignificantBits());
        b.putLong(OFFSET_UNIQUE_ID + 8, uniqueId.getLeastSignificantBits());
        b.put(OFFSET_SAVED_STATE, (byte) savedState);
        b.putInt(OFFSET_CHECKSUM, checksum(b, OFFSET_CHECKSUM));
        return out;
    }

    public static String hex32(int value) {
        return String.format(Locale.ROOT, "0x%08X", value);
    }

    public static String hex64(long value) {
        return String.format(Locale.ROOT, "0x%016X", value);
    }
}
