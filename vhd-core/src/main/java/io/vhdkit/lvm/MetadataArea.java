package io.vhdkit.lvm;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A metadata area of a physical volume: the {@link MdaHeader} and, after it, a circular buffer of text metadata
 * copies (lvm2 {@code lib/format_text/format-text.c}). Each metadata change is written after the previous copy; a
 * copy that does not fit before the end of the area continues just after the 512-byte mda_header, and raw_locn slot 0
 * points at the committed one.
 *
 * @param device   the device's name in messages
 * @param index    which metadata area of the pv_header (0 or 1)
 * @param location the area as the pv_header gives it
 * @param header   its validated mda_header
 */
public record MetadataArea(String device, int index, DiskLocation location, MdaHeader header) {

    /** vhdkit reads text metadata of at most this many bytes (lvm2's default area is 1 MiB). */
    public static final int MAX_TEXT = 4 * 1024 * 1024;

    /**
     * Reads and checks the mda_header of the metadata area at {@code location} of {@code pv}: inside the device,
     * checksum, magic, version, its recorded start, and a size that fits the area.
     */
    public static MetadataArea open(VirtualDisk pv, DiskLocation location, int index, String device)
            throws IOException {
        long start = location.offset();
        long size = location.size();
        if (start < 0 || size < 0 || start > pv.size() || size > pv.size() - start) {
            throw new CorruptFormatException(FieldRef.of("LVM", "pv_header", "metadata area list", FieldRef.NO_OFFSET),
                    device + ": metadata area " + index + " (" + Text.u64(size) + " bytes at "
                            + Text.u64(start) + ") lies outside the device (" + pv.size() + " bytes)");
        }
        if (size <= MdaHeader.SIZE) {
            throw new CorruptFormatException(FieldRef.of("LVM", "pv_header", "metadata area list", FieldRef.NO_OFFSET),
                    device + ": metadata area " + index + " at " + start + " has " + size
                            + " bytes - it needs more than the 512-byte mda_header");
        }
        byte[] b = new byte[MdaHeader.SIZE];
        pv.read(start, ByteBuffer.wrap(b));
        MdaHeader h = MdaHeader.decode(b);
        if (h.checksum() != h.computedChecksum()) {
            throw new CorruptFormatException(ref("checksum_xl", start + MdaHeader.OFFSET_CHECKSUM),
                    Text.hex(h.checksum()), Text.hex(h.computedChecksum()), device + ": the mda_header checksum of "
                            + "metadata area " + index + " is " + Text.hex(h.checksum()) + " - should be "
                            + Text.hex(h.computedChecksum()));
        }
        if (!MdaHeader.MAGIC.equals(h.magic())) {
            throw new CorruptFormatException(ref("magic", start + MdaHeader.OFFSET_MAGIC), h.magic(), MdaHeader.MAGIC,
                    device + ": metadata area " + index + " has the magic " + Text.quote(h.magic()) + " - should be "
                            + Text.quote(MdaHeader.MAGIC));
        }
        if (h.version() != MdaHeader.VERSION) {
            throw new UnsupportedFormatException(ref("version", start + MdaHeader.OFFSET_VERSION),
                    Long.toString(h.version()), "1", device + ": metadata area " + index + " has version "
                            + h.version() + " - vhdkit reads version 1");
        }
        if (h.start() != start) {
            throw new CorruptFormatException(ref("start", start + MdaHeader.OFFSET_START), Text.u64(h.start()),
                    Long.toString(start), device + ": the mda_header of metadata area " + index + " says it starts at "
                            + Text.u64(h.start()) + " - the pv_header puts it at " + start);
        }
        if (h.size() <= MdaHeader.SIZE || h.size() > size) {
            throw new CorruptFormatException(ref("size", start + MdaHeader.OFFSET_SIZE), Text.u64(h.size()),
                    "at most " + size, device + ": the mda_header of metadata area " + index + " gives a size of "
                            + Text.u64(h.size()) + " bytes - the area has " + size);
        }
        return new MetadataArea(device, index, location, h);
    }

    /**
     * Reads the committed metadata (raw_locn slot 0), following it around the end of the circular area, and checks
     * its checksum. Empty when the area holds no metadata (a PV in no VG) or is marked ignored.
     */
    public Optional<MetadataText> readText(VirtualDisk pv) throws IOException {
        if (header.rawLocations().isEmpty()) {
            return Optional.empty();
        }
        RawLocation r = header.rawLocations().get(0);
        if (r.ignored()) {
            return Optional.empty();
        }
        long start = header.start();
        long areaSize = header.size();
        long at = start + MdaHeader.OFFSET_RAW_LOCNS;
        if (r.offset() < MdaHeader.SIZE || r.offset() >= areaSize) {
            throw new CorruptFormatException(ref("raw_locn offset", at + RawLocation.OFFSET_OFFSET),
                    Text.u64(r.offset()), "512 to " + (areaSize - 1), device + ": the metadata of area " + index
                            + " is at offset " + Text.u64(r.offset()) + " - outside the circular buffer (512 to "
                            + (areaSize - 1) + ")");
        }
        if (r.size() <= 0 || r.size() > areaSize - MdaHeader.SIZE) {
            throw new CorruptFormatException(ref("raw_locn size", at + RawLocation.OFFSET_SIZE), Text.u64(r.size()),
                    "1 to " + (areaSize - MdaHeader.SIZE), device + ": the metadata of area " + index + " has "
                            + Text.u64(r.size()) + " bytes - the circular buffer holds "
                            + (areaSize - MdaHeader.SIZE));
        }
        if (r.size() > MAX_TEXT) {
            throw new UnsupportedFormatException(ref("raw_locn size", at + RawLocation.OFFSET_SIZE),
                    Long.toString(r.size()), "at most " + MAX_TEXT, device + ": the metadata of area " + index
                            + " has " + r.size() + " bytes - over vhdkit's limit of " + MAX_TEXT);
        }
        long wrap = Math.max(0, r.offset() + r.size() - areaSize);
        if (wrap > r.offset() - MdaHeader.SIZE) {
            throw new CorruptFormatException(ref("raw_locn size", at + RawLocation.OFFSET_SIZE), Text.u64(r.size()),
                    null, device + ": the metadata of area " + index + " (" + r.size() + " bytes at offset "
                            + r.offset() + ") wraps over itself in the " + areaSize + "-byte circular buffer");
        }
        int n = (int) r.size();
        int first = (int) (r.size() - wrap);
        byte[] b = new byte[n];
        pv.read(start + r.offset(), ByteBuffer.wrap(b, 0, first));
        if (wrap > 0) {
            pv.read(start + MdaHeader.SIZE, ByteBuffer.wrap(b, first, n - first));
        }
        int crc = LvmCrc.calc(b, 0, n);
        if (crc != r.checksum()) {
            throw new CorruptFormatException(ref("raw_locn checksum", at + RawLocation.OFFSET_CHECKSUM),
                    Text.hex(r.checksum()), Text.hex(crc), device + ": the metadata checksum of area " + index
                            + " is " + Text.hex(r.checksum()) + " - should be " + Text.hex(crc));
        }
        int end = 0;
        while (end < n && b[end] != 0) {
            end++;
        }
        return Optional.of(new MetadataText(java.util.Arrays.copyOf(b, end), r, start + r.offset(), first,
                start + MdaHeader.SIZE));
    }

    private static FieldRef ref(String field, long offset) {
        return FieldRef.of("LVM", "mda_header", field, offset);
    }
}
