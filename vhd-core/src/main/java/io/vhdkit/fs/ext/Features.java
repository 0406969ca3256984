package io.vhdkit.fs.ext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The superblock's feature bits (fs/ext4/ext4.h {@code EXT4_FEATURE_*}), named as e2fsprogs names them
 * (lib/e2p/feature.c), and which incompatible features this reader implements.
 */
public final class Features {

    public static final int COMPAT_HAS_JOURNAL = 0x4;
    public static final int COMPAT_EXT_ATTR = 0x8;
    public static final int COMPAT_RESIZE_INODE = 0x10;
    public static final int COMPAT_DIR_INDEX = 0x20;
    public static final int COMPAT_SPARSE_SUPER2 = 0x200;

    public static final int RO_COMPAT_SPARSE_SUPER = 0x1;
    public static final int RO_COMPAT_LARGE_FILE = 0x2;
    public static final int RO_COMPAT_BTREE_DIR = 0x4;
    public static final int RO_COMPAT_HUGE_FILE = 0x8;
    public static final int RO_COMPAT_GDT_CSUM = 0x10;
    public static final int RO_COMPAT_DIR_NLINK = 0x20;
    public static final int RO_COMPAT_EXTRA_ISIZE = 0x40;
    public static final int RO_COMPAT_BIGALLOC = 0x200;
    public static final int RO_COMPAT_METADATA_CSUM = 0x400;

    public static final int INCOMPAT_COMPRESSION = 0x1;
    public static final int INCOMPAT_FILETYPE = 0x2;
    public static final int INCOMPAT_RECOVER = 0x4;
    public static final int INCOMPAT_JOURNAL_DEV = 0x8;
    public static final int INCOMPAT_META_BG = 0x10;
    public static final int INCOMPAT_EXTENTS = 0x40;
    public static final int INCOMPAT_64BIT = 0x80;
    public static final int INCOMPAT_MMP = 0x100;
    public static final int INCOMPAT_FLEX_BG = 0x200;
    public static final int INCOMPAT_EA_INODE = 0x400;
    public static final int INCOMPAT_DIRDATA = 0x1000;
    public static final int INCOMPAT_CSUM_SEED = 0x2000;
    public static final int INCOMPAT_LARGEDIR = 0x4000;
    public static final int INCOMPAT_INLINE_DATA = 0x8000;
    public static final int INCOMPAT_ENCRYPT = 0x10000;
    public static final int INCOMPAT_CASEFOLD = 0x20000;

    /**
     * The incompatible features this reader implements. The others ({@code compression}, {@code journal_dev},
     * {@code dirdata} and any unnamed bit) change on-disk layouts it does not know, so the volume is refused.
     * {@code recover} is read around (the journal is not replayed) and reported; {@code mmp}, {@code ea_inode} and
     * {@code metadata_csum_seed} change nothing a reader of file data needs; {@code encrypt} is accepted and
     * encrypted files are refused one by one; {@code casefold} directories are looked up by a linear scan.
     */
    public static final int INCOMPAT_SUPPORTED = INCOMPAT_FILETYPE | INCOMPAT_RECOVER | INCOMPAT_META_BG
            | INCOMPAT_EXTENTS | INCOMPAT_64BIT | INCOMPAT_MMP | INCOMPAT_FLEX_BG | INCOMPAT_EA_INODE
            | INCOMPAT_CSUM_SEED | INCOMPAT_LARGEDIR | INCOMPAT_INLINE_DATA | INCOMPAT_ENCRYPT | INCOMPAT_CASEFOLD;

    private static final Map<Integer, String> COMPAT = Map.ofEntries(Map.entry(0x1, "dir_prealloc"),
            Map.entry(0x2, "imagic_inodes"), Map.entry(0x4, "has_journal"), Map.entry(0x8, "ext_attr"),
            Map.entry(0x10, "resize_inode"), Map.entry(0x20, "dir_index"), Map.entry(0x40, "lazy_bg"),
            Map.entry(0x80, "snapshot_bitmap"), Map.entry(0x200, "sparse_super2"), Map.entry(0x400, "fast_commit"),
            Map.entry(0x800, "stable_inodes"), Map.entry(0x1000, "orphan_file"));
    private static final Map<Integer, String> RO_COMPAT = Map.ofEntries(Map.entry(0x1, "sparse_super"),
            Map.entry(0x2, "large_file"), Map.entry(0x4, "btree_dir"), Map.entry(0x8, "huge_file"),
            Map.entry(0x10, "uninit_bg"), Map.entry(0x20, "dir_nlink"), Map.entry(0x40, "extra_isize"),
            Map.entry(0x80, "snapshot"), Map.entry(0x100, "quota"), Map.entry(0x200, "bigalloc"),
            Map.entry(0x400, "metadata_csum"), Map.entry(0x800, "replica"), Map.entry(0x1000, "read-only"),
            Map.entry(0x2000, "project"), Map.entry(0x4000, "shared_blocks"), Map.entry(0x8000, "verity"),
            Map.entry(0x10000, "orphan_present"));
    private static final Map<Integer, String> INCOMPAT = Map.ofEntries(Map.entry(0x1, "compression"),
            Map.entry(0x2, "filetype"), Map.entry(0x4, "needs_recovery"), Map.entry(0x8, "journal_dev"),
            Map.entry(0x10, "meta_bg"), Map.entry(0x40, "extent"), Map.entry(0x80, "64bit"),
            Map.entry(0x100, "mmp"), Map.entry(0x200, "flex_bg"), Map.entry(0x400, "ea_inode"),
            Map.entry(0x1000, "dirdata"), Map.entry(0x2000, "metadata_csum_seed"), Map.entry(0x4000, "large_dir"),
            Map.entry(0x8000, "inline_data"), Map.entry(0x10000, "encrypt"), Map.entry(0x20000, "casefold"));

    private Features() {
    }

    /** e2fsprogs' names of the compat bits set, unnamed ones as {@code FEATURE_C12}. */
    public static List<String> compatNames(int bits) {
        return names(bits, COMPAT, "FEATURE_C");
    }

    public static List<String> roCompatNames(int bits) {
        return names(bits, RO_COMPAT, "FEATURE_R");
    }

    public static List<String> incompatNames(int bits) {
        return names(bits, INCOMPAT, "FEATURE_I");
    }

    private static List<String> names(int bits, Map<Integer, String> known, String prefix) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            int bit = 1 << i;
            if ((bits & bit) != 0) {
                out.add(known.getOrDefault(bit, prefix + i));
            }
        }
        return out;
    }
}
