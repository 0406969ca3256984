package io.vhdkit.lvm;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The LVM2 label of a physical volume: a {@link LabelHeader} in one of the first four 512-byte sectors of the device
 * (normally sector 1) followed by the {@link PvHeader}. Like lvm2's {@code label_read}, a sector whose header names
 * another sector or whose checksum is wrong is passed over and the next sectors are tried; when no sector holds a
 * good label the first problem is reported.
 *
 * @param sector the sector (0 to 3) the label was found in
 * @param header the label_header
 * @param pv     the pv_header
 */
public record LvmLabel(int sector, LabelHeader header, PvHeader pv) {

    /**
     * Finds and decodes the label of {@code device}.
     *
     * @param name the device's name in messages, such as {@code "partition 2"}
     * @throws NotThisFormatException when none of the first four sectors starts with "LABELONE"
     * @throws CorruptFormatException when a label is there but damaged
     * @throws UnsupportedFormatException when the label is of another type than "LVM2 001"
     */
    public static LvmLabel read(VirtualDisk device, String name) throws IOException {
        int sectors = (int) Math.min(LabelHeader.SCAN_SECTORS, device.size() / LabelHeader.SECTOR_SIZE);
        if (sectors == 0) {
            throw new NotThisFormatException(FieldRef.of("LVM", "label", "id", 0),
                    name + " is too small for an LVM label (" + device.size() + " bytes)");
        }
        byte[] head = new byte[sectors * LabelHeader.SECTOR_SIZE];
        device.read(0, ByteBuffer.wrap(head));
        FormatException first = null;
        for (int s = 0; s < sectors; s++) {
            int at = s * LabelHeader.SECTOR_SIZE;
            if (!LabelHeader.hasId(head, at)) {
                continue;
            }
            try {
                return decode(head, s, name);
            } catch (FormatException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        throw new NotThisFormatException(FieldRef.of("LVM", "label", "id", 0),
                name + " has no LVM label (\"LABELONE\") in its first " + sectors + " sectors");
    }

    private static LvmLabel decode(byte[] head, int s, String name)
            throws CorruptFormatException, UnsupportedFormatException {
        int at = s * LabelHeader.SECTOR_SIZE;
        LabelHeader h = LabelHeader.decode(head, at);
        if (h.sector() != s) {
            throw new CorruptFormatException(ref("sector_xl", at + LabelHeader.OFFSET_SECTOR),
                    Text.u64(h.sector()), Integer.toString(s),
                    name + ": the label in sector " + s + " says it is in sector " + Text.u64(h.sector()));
        }
        if (h.crc() != h.computedCrc()) {
            throw new CorruptFormatException(ref("crc_xl", at + LabelHeader.OFFSET_CRC), Text.hex(h.crc()),
                    Text.hex(h.computedCrc()), name + ": the label checksum is " + Text.hex(h.crc())
                            + " - should be " + Text.hex(h.computedCrc()));
        }
        if (!LabelHeader.TYPE_LVM2.equals(h.type())) {
            throw new UnsupportedFormatException(ref("type", at + LabelHeader.OFFSET_TYPE), h.type(),
                    LabelHeader.TYPE_LVM2, name + ": the label type is " + Text.quote(h.type()) + " - vhdkit reads "
                            + "only LVM2 labels (\"" + LabelHeader.TYPE_LVM2 + "\")");
        }
        long content = h.contentOffset();
        if (content < LabelHeader.SIZE || content > LabelHeader.SECTOR_SIZE - PvHeader.OFFSET_DISK_AREAS
                - 2 * DiskLocation.SIZE) {
            throw new CorruptFormatException(ref("offset_xl", at + LabelHeader.OFFSET_CONTENT_OFFSET),
                    Long.toString(content), "32", name + ": the label's offset_xl is " + content
                            + " - the pv_header cannot start there (lvm2 writes 32)");
        }
        byte[] sector = java.util.Arrays.copyOfRange(head, at, at + LabelHeader.SECTOR_SIZE);
        return new LvmLabel(s, h, PvHeader.decode(sector, (int) content, at, name));
    }

    private static FieldRef ref(String field, long offset) {
        return FieldRef.of("LVM", "label", field, offset);
    }
}
