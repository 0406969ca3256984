package io.vhdkit.fs.fat;

/**
 * The three FAT variants, by the width of a FAT entry. Microsoft's FAT specification ("fatgen103", "FAT Type
 * Determination") decides the type by the count of data clusters alone: fewer than 4085 is FAT12, fewer than 65525
 * FAT16, else FAT32.
 */
public enum FatType {
    FAT12(12, 0xFF7, 0xFF8, 0xFFF, 0xFF0),
    FAT16(16, 0xFFF7, 0xFFF8, 0xFFFF, 0xFFF0),
    FAT32(32, 0x0FFF_FFF7, 0x0FFF_FFF8, 0x0FFF_FFFF, 0x0FFF_FFF0);

    /** fatgen103: a volume with fewer clusters than this is FAT12. */
    public static final long MIN_FAT16_CLUSTERS = 4085;
    /** fatgen103: a volume with fewer clusters than this is FAT16 (or FAT12). */
    public static final long MIN_FAT32_CLUSTERS = 65525;
    /** fatgen103: FAT32 entries are 28 bits; cluster numbers run up to 0x0FFFFFF6, so at most this many clusters. */
    public static final long MAX_FAT32_CLUSTERS = 0x0FFF_FFF5L;

    private final int bits;
    private final int bad;
    private final int endOfChain;
    private final int mask;
    private final int reserved;

    FatType(int bits, int bad, int endOfChain, int mask, int reserved) {
        this.bits = bits;
        this.bad = bad;
        this.endOfChain = endOfChain;
        this.mask = mask;
        this.reserved = reserved;
    }

    /** The type fatgen103 gives a volume with this many data clusters. */
    public static FatType forClusterCount(long clusters) {
        if (clusters < MIN_FAT16_CLUSTERS) {
            return FAT12;
        }
        return clusters < MIN_FAT32_CLUSTERS ? FAT16 : FAT32;
    }

    /** Bits per FAT entry. */
    public int bits() {
        return bits;
    }

    /** The bad-cluster marker. */
    public int badCluster() {
        return bad;
    }

    /** The lowest end-of-chain marker; every value from here to {@link #mask()} ends a chain. */
    public int endOfChain() {
        return endOfChain;
    }

    /** The bits of an entry that hold the value (FAT32: the low 28; the top 4 are reserved and ignored). */
    public int mask() {
        return mask;
    }

    /** The first of the values reserved by the spec just below the bad-cluster marker. */
    public int firstReserved() {
        return reserved;
    }

    /** The name blkid prints as VERSION. */
    public String label() {
        return name();
    }
}
