package io.vhdkit.lvm;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The pv_header that follows the label_header in the label sector (lvm2 {@code lib/format_text/layout.h};
 * little-endian): the PV's 32-character uuid, the device size in bytes, then two lists of {@link DiskLocation}s, the
 * data areas and the metadata areas, each ended by an entry whose offset is 0; then, on PVs written by lvm2 2.02.116
 * and later, the pv_header_extension (version, flags, bootloader areas). Everything must lie inside the 512-byte
 * label sector, where lvm2 reads it.
 *
 * @param uuid             the PV's id, 32 characters without dashes
 * @param deviceSize       {@code device_size_xl}, bytes
 * @param dataAreas        the data areas: one, at {@code pe_start}, on every PV LVM writes
 * @param metadataAreas    the metadata areas: 0, 1 or 2 (the second one at the end of the device)
 * @param extensionVersion the pv_header_extension's version, 0 when there is none
 * @param extensionFlags   its flags (1 = {@code PV_EXT_USED}: the PV belongs to a VG)
 */
public record PvHeader(String uuid, long deviceSize, List<DiskLocation> dataAreas, List<DiskLocation> metadataAreas,
                       long extensionVersion, long extensionFlags) {

    public static final int OFFSET_UUID = 0;
    public static final int OFFSET_DEVICE_SIZE = 32;
    public static final int OFFSET_DISK_AREAS = 40;
    /**
     * vhdkit reads at most this many entries in each list; lvm2 writes one data area and at most two metadata areas.
     */
    public static final int MAX_AREAS = 8;

    public PvHeader {
        dataAreas = List.copyOf(dataAreas);
        metadataAreas = List.copyOf(metadataAreas);
    }

    /** The uuid with dashes, as the text metadata and LVM's tools write it. */
    public String id() {
        return LvmUuid.format(uuid);
    }

    /**
     * Decodes the pv_header at {@code contentOffset} of the label sector {@code sector} (512 bytes).
     *
     * @param sectorPosition the sector's byte offset on the device, for messages
     */
    static PvHeader decode(byte[] sector, int contentOffset, long sectorPosition, String device)
            throws CorruptFormatException, UnsupportedFormatException {
        ByteBuffer b = ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN);
        int at = contentOffset;
        String uuid = new String(sector, at + OFFSET_UUID, LvmUuid.LENGTH, StandardCharsets.ISO_8859_1);
        if (!LvmUuid.isBare(uuid)) {
            throw new CorruptFormatException(ref("pv_uuid", sectorPosition + at),
                    Text.ascii(sector, at, LvmUuid.LENGTH), "32 characters of [A-Za-z0-9!#]",
                    device + ": pv_uuid " + Text.quote(Text.ascii(sector, at, LvmUuid.LENGTH))
                            + " is not an LVM id (32 characters of A-Z, a-z, 0-9, ! and #)");
        }
        long deviceSize = b.getLong(at + OFFSET_DEVICE_SIZE);
        int[] cursor = {at + OFFSET_DISK_AREAS};
        List<DiskLocation> data = list(b, cursor, "data area list", sectorPosition, device);
        List<DiskLocation> metadata = list(b, cursor, "metadata area list", sectorPosition, device);
        long version = 0;
        long flags = 0;
        if (cursor[0] + 8 <= LabelHeader.SECTOR_SIZE) {
            version = Integer.toUnsignedLong(b.getInt(cursor[0]));
            flags = Integer.toUnsignedLong(b.getInt(cursor[0] + 4));
        }
        return new PvHeader(uuid, deviceSize, data, metadata, version, flags);
    }

    /** Reads one zero-terminated disk_locn list at {@code cursor[0]}, which is moved past the terminator. */
    private static List<DiskLocation> list(ByteBuffer b, int[] cursor, String what, long sectorPosition,
                                           String device) throws CorruptFormatException, UnsupportedFormatException {
        List<DiskLocation> out = new ArrayList<>();
        int at = cursor[0];
        while (true) {
            if (at + DiskLocation.SIZE > LabelHeader.SECTOR_SIZE) {
                throw new CorruptFormatException(ref(what, sectorPosition + Math.min(at, LabelHeader.SECTOR_SIZE)),
                        device + ": the pv_header's " + what
                                + " has no terminating zero entry inside the label sector");
            }
            long offset = b.getLong(at);
            long size = b.getLong(at + 8);
            at += DiskLocation.SIZE;
            if (offset == 0) {
                break;
            }
            if (out.size() == MAX_AREAS) {
                throw new UnsupportedFormatException(ref(what, sectorPosition + at - DiskLocation.SIZE),
                        device + ": the pv_header's " + what + " has more than " + MAX_AREAS
                                + " entries (lvm2 writes at most 2)");
            }
            out.add(new DiskLocation(offset, size));
        }
        cursor[0] = at;
        return out;
    }

    private static FieldRef ref(String field, long offset) {
        return FieldRef.of("LVM", "pv_header", field, offset);
    }
}
