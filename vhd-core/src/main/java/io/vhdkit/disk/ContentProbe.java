package io.vhdkit.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Tells what a volume holds from the signatures at the places util-linux's libblkid probes
 * ({@code libblkid/src/superblocks/*.c}): it reads at most the first 68 KiB.
 */
public final class ContentProbe {

    /** Btrfs puts its superblock at 64 KiB, the farthest signature probed. */
    static final int PROBE_BYTES = 64 * 1024 + 4096;
    /** Every signature but Btrfs's and ISO 9660's lies in the first 8 KiB, so most volumes cost one small read. */
    static final int FIRST_READ = 8 * 1024;

    private ContentProbe() {
    }

    public static ContentType probe(VirtualDisk volume) throws IOException {
        int n = (int) Math.min(volume.size(), PROBE_BYTES);
        if (n < 512) {
            return n == 0 ? ContentType.ZEROS : ContentType.UNKNOWN;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        volume.read(0, b.limit(Math.min(n, FIRST_READ)));
        ContentType first = probe(b.duplicate().flip());
        if ((first != ContentType.UNKNOWN && first != ContentType.ZEROS) || n <= FIRST_READ) {
            return first;
        }
        volume.read(FIRST_READ, b.limit(n));
        return probe(b.flip());
    }

    /** Probes the first bytes of a volume (up to {@link #PROBE_BYTES}). */
    static ContentType probe(ByteBuffer head) {
        ByteBuffer le = head.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (at(head, 0, "LUKS\u00ba\u00be")) {
            return ContentType.LUKS; // luks.c: LUKS_MAGIC at 0
        }
        if (at(head, 3, "-FVE-FS-")) {
            return ContentType.BITLOCKER; // bitlocker.c: "-FVE-FS-" OEM id in the boot sector
        }
        if (at(head, 3, "NTFS    ")) {
            return ContentType.NTFS; // ntfs.c
        }
        if (at(head, 3, "EXFAT   ")) {
            return ContentType.EXFAT; // exfat.c
        }
        if (at(head, 0, "XFSB")) {
            return ContentType.XFS; // xfs.c
        }
        if (head.limit() >= 1082 && le.getShort(1024 + 56) == (short) 0xEF53) {
            return ContentType.EXT; // ext.c: s_magic at superblock offset 56
        }
        for (int sector = 0; sector < 4; sector++) {
            if (at(head, sector * 512, "LABELONE") && at(head, sector * 512 + 24, "LVM2 001")) {
                return ContentType.LVM2_PV; // lvm2.c: the label in one of the first four sectors
            }
        }
        if (at(head, 64 * 1024 + 64, "_BHRfS_M")) {
            return ContentType.BTRFS; // btrfs.c: superblock at 64 KiB, magic at 64
        }
        if (at(head, 4096 - 10, "SWAPSPACE2") || at(head, 4096 - 10, "SWAP-SPACE")) {
            return ContentType.SWAP; // swap.c, 4 KiB pages
        }
        if (isFat(head, le)) {
            return ContentType.VFAT;
        }
        if (at(head, 512, "EFI PART")) {
            return ContentType.PARTITION_TABLE;
        }
        if (at(head, 0x8001, "CD001")) {
            return ContentType.ISO9660;
        }
        if (hasBootSignature(head) && looksLikeMbr(head)) {
            return ContentType.PARTITION_TABLE;
        }
        for (int i = 0; i < head.limit(); i++) {
            if (head.get(i) != 0) {
                return ContentType.UNKNOWN;
            }
        }
        return ContentType.ZEROS;
    }

    /** vfat.c: a FAT type string or a plausible BPB (power-of-two sector size and cluster size, FATs, 0x55AA). */
    private static boolean isFat(ByteBuffer head, ByteBuffer le) {
        if (!hasBootSignature(head)) {
            return false;
        }
        boolean named = at(head, 54, "FAT12   ") || at(head, 54, "FAT16   ") || at(head, 82, "FAT32   ")
                || at(head, 54, "FAT     ");
        int bytesPerSector = Short.toUnsignedInt(le.getShort(11));
        int sectorsPerCluster = Byte.toUnsignedInt(head.get(13));
        int reserved = Short.toUnsignedInt(le.getShort(14));
        int fats = Byte.toUnsignedInt(head.get(16));
        int jump = Byte.toUnsignedInt(head.get(0));
        boolean bpb = (jump == 0xEB || jump == 0xE9) && bytesPerSector >= 512 && bytesPerSector <= 4096
                && Integer.bitCount(bytesPerSector) == 1 && sectorsPerCluster > 0
                && Integer.bitCount(sectorsPerCluster) == 1 && reserved > 0 && fats > 0 && fats <= 4;
        return named && bpb;
    }

    private static boolean hasBootSignature(ByteBuffer head) {
        return Byte.toUnsignedInt(head.get(510)) == 0x55 && Byte.toUnsignedInt(head.get(511)) == 0xAA;
    }

    /** Four partition entries whose status bytes are 0x00 or 0x80, at least one with a type. */
    private static boolean looksLikeMbr(ByteBuffer head) {
        boolean any = false;
        for (int i = 0; i < 4; i++) {
            int entry = 446 + 16 * i;
            int status = Byte.toUnsignedInt(head.get(entry));
            if (status != 0 && status != 0x80) {
                return false;
            }
            any |= head.get(entry + 4) != 0;
        }
        return any;
    }

    private static boolean at(ByteBuffer b, int offset, String signature) {
        byte[] sig = signature.getBytes(StandardCharsets.ISO_8859_1);
        if (offset + sig.length > b.limit()) {
            return false;
        }
        for (int i = 0; i < sig.length; i++) {
            if (b.get(offset + i) != sig[i]) {
                return false;
            }
        }
        return true;
    }
}
