package io.vhdkit.vhd;

import io.vhdkit.io.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plans and applies the repairs of a VHD's container that lose nothing: the end footer restored from the copy at
 * offset 0, checksums recomputed where the rest of the structure is consistent, the footer copy rewritten from an
 * intact end footer, a legacy 511-byte footer completed, trailing bytes after the footer cut off. It works in place
 * by design; {@link #plan} changes nothing, {@link #apply} writes exactly the planned changes.
 */
public final class VhdRepair {

    /**
     * One change.
     *
     * @param description what it does and why, for the user
     * @param offset      where bytes are written, or -1
     * @param bytes       the bytes written at {@code offset}, or null
     * @param newLength   the file's new length, or -1 to keep it
     */
    public record Change(String description, long offset, byte[] bytes, long newLength) {
    }

    /**
     * The repair plan.
     *
     * @param changes      the changes, in the order they are applied
     * @param unrepairable problems found that repair cannot fix (convert from the source instead)
     */
    public record Plan(List<Change> changes, List<String> unrepairable) {
    }

    private VhdRepair() {
    }

    /** Reads {@code path} and plans its repair; nothing is written. */
    public static Plan plan(Path path) throws IOException {
        try (VhdFile file = VhdFile.open(path)) {
            return plan(file);
        }
    }

    static Plan plan(VhdFile file) throws IOException {
        List<Change> changes = new ArrayList<>();
        List<String> unrepairable = new ArrayList<>();
        ByteSource src = file.source();
        long size = file.fileSize();
        VhdFooter footer = file.footer();
        long at = file.footerOffset();
        byte[] raw = new byte[VhdFooter.SIZE];
        src.readFully(at, ByteBuffer.wrap(raw, 0, footer.length()));
        boolean sparse = file.diskType().isSparse();
        switch (file.footerLocation()) {
            case LEGACY_END -> changes.add(new Change("complete the 511-byte legacy footer at byte " + at
                    + " with its missing (reserved, zero) last byte: the file grows by 1 byte", size, new byte[1], -1));
            case BEFORE_TRAILING_BYTES -> changes.add(new Change("cut the " + (size - at - VhdFooter.SIZE)
                    + " trailing bytes after the footer at byte " + at + ": the file becomes " + (at + VhdFooter.SIZE)
                    + " bytes", -1, null, at + VhdFooter.SIZE));
            case BACKUP_COPY -> restoreEndFooter(file, raw, changes, unrepairable);
            default -> { }
        }
        if (!footer.checksumValid()) {
            String problem = footerInconsistency(file);
            if (problem == null) {
                byte[] fixed = Arrays.copyOf(raw, VhdFooter.SIZE);
                VhdFooter.reseal(fixed);
                long where = file.footerLocation() == FooterLocation.BACKUP_COPY ? -1 : at;
                if (where >= 0) {
                    changes.add(new Change("recompute the footer checksum at byte " + (at + VhdFooter.OFFSET_CHECKSUM)
                            + " (" + VhdFooter.hex32(footer.checksum()) + " -> "
                            + VhdFooter.hex32(footer.computedChecksum()) + "); the footer's fields are consistent with "
                            + "the file", at, fixed, -1));
                }
                raw = fixed;
            } else {
                unrepairable.add("the footer's checksum is wrong and its fields are inconsistent too (" + problem
                        + "): convert the image again from its source");
            }
        }
        if (sparse) {
            DynamicHeader header = file.header().orElseThrow();
            if (!header.checksumValid()) {
                byte[] h = new byte[DynamicHeader.SIZE];
                src.readFully(file.headerOffset(), ByteBuffer.wrap(h));
                DynamicHeader.reseal(h);
                changes.add(new Change("recompute the dynamic header checksum at byte "
                        + (file.headerOffset() + DynamicHeader.OFFSET_CHECKSUM) + " ("
                        + VhdFooter.hex32(header.checksum()) + " -> " + VhdFooter.hex32(header.computedChecksum())
                        + "); the header opened and its BAT fits the file", file.headerOffset(), h, -1));
            }
            if (file.footerLocation() != FooterLocation.BACKUP_COPY) {
                byte[] head = new byte[VhdFooter.SIZE];
                src.readFully(0, ByteBuffer.wrap(head));
                byte[] end = Arrays.copyOf(raw, VhdFooter.SIZE);
                if (!Arrays.equals(head, end)) {
                    changes.add(new Change("rewrite the footer copy at byte 0 from the end footer (they differ)", 0,
                            end, -1));
                }
            }
            if (!file.badBatEntries().isEmpty()) {
                unrepairable.add(file.badBatEntries().cardinality() + " BAT entries point outside the data area "
                        + "(the file is truncated or the BAT is damaged): their blocks are lost; convert the image "
                        + "again from its source");
            }
        }
        return new Plan(changes, unrepairable);
    }

    /** Why the footer's fields do not fit the file, or null when they do. */
    private static String footerInconsistency(VhdFile file) {
        VhdFooter f = file.footer();
        if (file.diskType() == DiskType.FIXED && f.currentSize() != file.footerOffset()) {
            return "current size " + f.currentSize() + ", but " + file.footerOffset() + " bytes of data precede it";
        }
        if (f.formatVersion() != VhdFooter.FORMAT_VERSION_1_0) {
            return "format version " + f.formatVersionText();
        }
        return null;
    }

    /**
     * The end footer is damaged and the copy at 0 is used: write the copy where the end footer belongs, the end of
     * the last block (or metadata) or the last 512 bytes, whichever is later.
     */
    private static void restoreEndFooter(VhdFile file, byte[] copy, List<Change> changes, List<String> unrepairable) {
        long size = file.fileSize();
        long end = lastStructureEnd(file);
        if (end > size) {
            unrepairable.add("the file is truncated: its blocks and metadata reach byte " + end + ", past the end of "
                    + "the file (" + size + " bytes); the end footer cannot be restored without losing data");
            return;
        }
        long where = Math.max(end, size - VhdFooter.SIZE);
        changes.add(new Change("restore the end footer at byte " + where + " from the intact copy at byte 0 (the "
                + "end footer was damaged)", where, Arrays.copyOf(copy, VhdFooter.SIZE), -1));
    }

    /** The end of the last allocated block, of the BAT and of the header. */
    private static long lastStructureEnd(VhdFile file) {
        DynamicHeader h = file.header().orElseThrow();
        long end = Math.max(file.headerOffset() + DynamicHeader.SIZE,
                h.tableOffset() + VhdFile.roundUpToSector(h.maxTableEntries() * BlockAllocationTable.ENTRY_SIZE));
        BlockAllocationTable bat = file.bat().orElseThrow();
        long span = h.bitmapBytes() + h.blockSize();
        for (int i = 0; i < bat.size(); i++) {
            if (bat.isAllocated(i)) {
                end = Math.max(end, bat.sector(i) * VhdFooter.SECTOR_SIZE + span);
            }
        }
        return end;
    }

    /** Writes the plan's changes, in order, each flushed to disk. */
    public static void apply(Path path, Plan plan) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            for (Change c : plan.changes()) {
                if (c.bytes() != null) {
                    VhdWriter.writeFully(ch, ByteBuffer.wrap(c.bytes()), c.offset());
                }
                if (c.newLength() >= 0) {
                    ch.truncate(c.newLength());
                }
                ch.force(true);
            }
        }
    }
}
