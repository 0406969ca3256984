package io.vhdkit.disk;

import io.vhdkit.io.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Names what a file looks like from its signatures, so that "not a VHD" can say what it is instead: a VHDX, a QCOW2,
 * a compressed file, a raw disk. Reads at most the first 64 KiB.
 */
public final class ImageProbe {

    /** What was recognised, with a hint for the user. */
    public enum Kind {
        EMPTY("an empty file", null),
        VHDX("a VHDX image", "convert it to a fixed VHD: vhdkit convert IN OUT.vhd"),
        QCOW2("a QCOW2 image", "convert it to a fixed VHD: qemu-img convert -f qcow2 -O vpc -o subformat=fixed,force_size=on IN OUT.vhd"),
        VMDK("a VMDK image", "convert it to a fixed VHD: qemu-img convert -f vmdk -O vpc -o subformat=fixed,force_size=on IN OUT.vhd"),
        VDI("a VirtualBox VDI image", "convert it to a fixed VHD: qemu-img convert -f vdi -O vpc -o subformat=fixed,force_size=on IN OUT.vhd"),
        GZIP("a gzip-compressed file", "vhdkit validate, inspect and convert read it as it is; decompress it for other tools"),
        XZ("an xz-compressed file", "vhdkit validate, inspect and convert read it as it is; decompress it for other tools"),
        BZIP2("a bzip2-compressed file", "vhdkit validate, inspect and convert read it as it is; decompress it for other tools"),
        ZSTD("a zstd-compressed file", "vhdkit validate, inspect and convert read it as it is; decompress it for other tools"),
        TAR("a tar archive", "vhdkit validate, inspect and convert read the one image in it; extract it for other tools"),
        ISO9660("an ISO 9660 image", null),
        RAW_GPT("a raw disk image with a GPT", "make it a fixed VHD: `vhdkit convert IN OUT.vhd --align-mib`"),
        RAW_MBR("a raw disk image with an MBR", "make it a fixed VHD: `vhdkit convert IN OUT.vhd --align-mib`"),
        UNKNOWN("not a recognised disk image format", null);

        private final String description;
        private final String hint;

        Kind(String description, String hint) {
            this.description = description;
            this.hint = hint;
        }

        public String description() {
            return description;
        }

        /** What to do about it, or null. */
        public String hint() {
            return hint;
        }
    }

    private static final int PROBE_BYTES = 64 * 1024;

    private ImageProbe() {
    }

    public static Kind probe(ByteSource source) throws IOException {
        long size = source.size();
        if (size == 0) {
            return Kind.EMPTY;
        }
        ByteBuffer head = source.read(0, (int) Math.min(size, PROBE_BYTES));
        if (startsWith(head, 0, "vhdxfile")) {
            return Kind.VHDX;
        }
        if (startsWith(head, 0, "QFI\u00fb")) {
            return Kind.QCOW2;
        }
        if (startsWith(head, 0, "KDMV") || startsWith(head, 0, "# Disk DescriptorFile")) {
            return Kind.VMDK;
        }
        if (head.limit() >= 0x44 && head.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0x40) == 0xBEDA107F) {
            return Kind.VDI;
        }
        if (startsWith(head, 0, "\u001f\u008b")) {
            return Kind.GZIP;
        }
        if (startsWith(head, 0, "\u00fd7zXZ\u0000")) {
            return Kind.XZ;
        }
        if (startsWith(head, 0, "BZh")) {
            return Kind.BZIP2;
        }
        if (startsWith(head, 0, "\u0028\u00b5\u002f\u00fd")) {
            return Kind.ZSTD;
        }
        if (startsWith(head, 257, "ustar")) {
            return Kind.TAR;
        }
        if (startsWith(head, 0x8001, "CD001")) {
            return Kind.ISO9660;
        }
        if (startsWith(head, 512, "EFI PART")) {
            return Kind.RAW_GPT;
        }
        if (head.limit() >= 512 && (head.get(510) & 0xFF) == 0x55 && (head.get(511) & 0xFF) == 0xAA) {
            return Kind.RAW_MBR;
        }
        return Kind.UNKNOWN;
    }

    /** Compares bytes with a string whose chars are all below 256 (Latin-1). */
    private static boolean startsWith(ByteBuffer b, int offset, String signature) {
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
