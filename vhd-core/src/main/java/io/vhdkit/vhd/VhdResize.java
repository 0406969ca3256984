package io.vhdkit.vhd;

import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.partition.GptPartitionTable;
import io.vhdkit.partition.NoPartitionTable;
import io.vhdkit.partition.Partition;
import io.vhdkit.partition.PartitionTable;
import io.vhdkit.disk.ContentProbe;
import io.vhdkit.disk.ContentType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Changes the virtual size of a fixed or dynamic VHD.
 * <ul>
 *   <li>Fixed, in place: the new footer is written at the new size first (the file grows as a hole, or the data
 *       past the new size is dropped), then the old footer's bytes, now inside the data, are zeroed, then the file is
 *       cut after the new footer. A crash leaves either the old or the new disk with a valid end footer.</li>
 *   <li>Dynamic: when the BAT has enough entries (or free room after it to grow into), in place: BAT entries, then
 *       the header, then the end footer, then its copy at offset 0; otherwise the disk is rewritten with the same
 *       unique id and block size to a temporary file that replaces it ({@link VhdWriter}).</li>
 * </ul>
 * Shrinking is refused below the end of the last partition (named), on a GPT disk (its backup header is at the end)
 * and on a disk without a partition table whose content is not all zeros.
 */
public final class VhdResize {

    /**
     * What happened, or why not.
     *
     * @param oldSize the virtual size before
     * @param newSize the virtual size asked for
     * @param refusal why nothing was changed, or null
     * @param actions what was done, in order
     * @param notes   things the user should know
     */
    public record Outcome(long oldSize, long newSize, String refusal, List<String> actions, List<String> notes) {
        public boolean refused() {
            return refusal != null;
        }
    }

    private VhdResize() {
    }

    public static Outcome resize(Path path, long newSize) throws IOException {
        if (newSize <= 0 || newSize % VhdFooter.SECTOR_SIZE != 0) {
            throw new IllegalArgumentException("size " + newSize + " is not a positive multiple of 512");
        }
        List<String> actions = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long oldSize;
        DiskType type;
        try (VhdImage image = VhdImage.open(path)) {
            VhdFile file = image.file();
            oldSize = file.virtualSize();
            type = file.diskType();
            if (type == DiskType.DIFFERENCING) {
                throw new UnsupportedFormatException(FieldRef.of("VHD", "footer", "disk type",
                        file.footerOffset() + VhdFooter.OFFSET_DISK_TYPE), "a differencing disk cannot be resized "
                        + "without its parents: convert it to a fixed VHD first (vhdkit convert), then resize that");
            }
            if (file.footerLocation() != FooterLocation.END || !file.footer().checksumValid()
                    || (file.header().isPresent() && !file.header().get().checksumValid())) {
                return new Outcome(oldSize, newSize, "the image needs repair first (its footer is at the "
                        + file.footerLocation().description() + " or a checksum is wrong): run vhdkit repair "
                        + path, actions, notes);
            }
            if (newSize == oldSize) {
                return new Outcome(oldSize, newSize, null, actions, List.of("the virtual size is already "
                        + newSize + " bytes; nothing changed"));
            }
            PartitionTable table = PartitionTable.read(image);
            if (newSize < oldSize) {
                String refusal = shrinkRefusal(image, table, newSize);
                if (refusal != null) {
                    return new Outcome(oldSize, newSize, refusal, actions, notes);
                }
            } else if (table instanceof GptPartitionTable) {
                notes.add("the GPT's backup header stays at the old end of the disk (byte " + (oldSize - 512)
                        + "); move it to the new end with `sgdisk -e` (Windows and most Linux installers do it "
                        + "when they next write the table)");
            }
        }
        if (type == DiskType.FIXED) {
            resizeFixed(path, oldSize, newSize, actions);
        } else {
            resizeDynamic(path, newSize, actions);
        }
        return new Outcome(oldSize, newSize, null, actions, notes);
    }

    private static String shrinkRefusal(VhdImage image, PartitionTable table, long newSize) throws IOException {
        if (table instanceof GptPartitionTable) {
            return "shrinking a GPT disk would cut off its backup GPT header at the end of the disk (byte "
                    + (image.size() - 512) + "), which vhdkit does not move; only growing is supported";
        }
        if (table instanceof NoPartitionTable) {
            ContentType content = ContentProbe.probe(image);
            if (content != ContentType.ZEROS) {
                return "the disk has no partition table and its content (" + content.name().toLowerCase(Locale.ROOT)
                        + ") may span the whole disk: shrinking would cut it";
            }
            return null;
        }
        Partition last = table.partitions().stream().max(Comparator.comparingLong(Partition::end)).orElse(null);
        if (last != null && last.end() > newSize) {
            return String.format(Locale.ROOT, "partition %d (%s, bytes %d to %d) ends at byte %d, past the new size "
                            + "%d: shrink the partition first, or give a size of at least %d", last.index(),
                    last.type().name(), last.start(), last.end(), last.end(), newSize,
                    (last.end() + VhdFooter.SECTOR_SIZE - 1) / VhdFooter.SECTOR_SIZE * VhdFooter.SECTOR_SIZE);
        }
        return null;
    }

    private static void resizeFixed(Path path, long oldSize, long newSize, List<String> actions) throws IOException {
        try (VhdFile file = VhdFile.open(path);
             FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            VhdFooter footer = file.footer().resized(newSize);
            VhdWriter.writeFully(ch, ByteBuffer.wrap(footer.encode()), newSize);
            ch.force(true);
            actions.add("wrote the new footer at byte " + newSize + " (current size " + newSize + ", geometry "
                    + footer.geometry() + ")");
            if (newSize > oldSize) {
                VhdWriter.writeFully(ch, ByteBuffer.allocate(VhdFooter.SIZE), oldSize);
                actions.add("zeroed the old footer at byte " + oldSize + " (now disk data)");
            }
            ch.truncate(newSize + VhdFooter.SIZE);
            ch.force(true);
            actions.add("the file is now " + (newSize + VhdFooter.SIZE) + " bytes");
        }
    }

    private static void resizeDynamic(Path path, long newSize, List<String> actions) throws IOException {
        try (VhdFile file = VhdFile.open(path);
             FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            DynamicHeader header = file.header().orElseThrow();
            long need = VhdFile.ceilDiv(newSize, header.blockSize());
            if (newSize > file.virtualSize()) {
                // what another tool's shrink may have left past the old size must not come back as disk data
                dropBlocksPast(file, header, ch, file.virtualSize(), "the old size", actions);
            }
            if (need > header.maxTableEntries()) {
                long room = roomAfterBat(file, header);
                if (need * BlockAllocationTable.ENTRY_SIZE > room || need > VhdFile.MAX_BAT_ENTRIES) {
                    rewrite(file, newSize, header, actions);
                    return;
                }
                long from = header.tableOffset() + header.maxTableEntries() * BlockAllocationTable.ENTRY_SIZE;
                long to = VhdFile.roundUpToSector(header.tableOffset() + need * BlockAllocationTable.ENTRY_SIZE);
                ByteBuffer ff = ByteBuffer.allocate((int) (to - from));
                while (ff.hasRemaining()) {
                    ff.put((byte) 0xFF);
                }
                VhdWriter.writeFully(ch, ff.flip(), from);
                ch.force(true);
                byte[] raw = new byte[DynamicHeader.SIZE];
                file.source().readFully(file.headerOffset(), ByteBuffer.wrap(raw));
                ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN).putInt(DynamicHeader.OFFSET_MAX_TABLE_ENTRIES,
                        (int) need);
                DynamicHeader.reseal(raw);
                VhdWriter.writeFully(ch, ByteBuffer.wrap(raw), file.headerOffset());
                ch.force(true);
                actions.add("grew the BAT in place from " + header.maxTableEntries() + " to " + need
                        + " entries (into the free space after it) and updated the dynamic header");
            }
            if (newSize < file.virtualSize()) {
                dropBlocksPast(file, header, ch, newSize, "the new size", actions);
            }
            byte[] footer = file.footer().resized(newSize).encode();
            VhdWriter.writeFully(ch, ByteBuffer.wrap(footer), file.footerOffset());
            ch.force(true);
            VhdWriter.writeFully(ch, ByteBuffer.wrap(footer), 0);
            ch.force(true);
            actions.add("rewrote the footer at byte " + file.footerOffset() + " and its copy at byte 0 (current size "
                    + newSize + ")");
        }
    }

    /**
     * Makes everything past {@code size} read as zeros: blocks wholly past it are unallocated in the BAT (their space
     * stays in the file, unused), and the part of the last block past it is zeroed unless it already is. Shrinking
     * does it at the new size, so that growing again later reads zeros there; growing does it at the old size, for
     * a disk another tool shrank without clearing (its BAT entries and data past the old size would otherwise
     * reappear as the grown disk's content). {@code which} names the size in the actions reported.
     */
    private static void dropBlocksPast(VhdFile file, DynamicHeader header, FileChannel ch, long size, String which,
                                       List<String> actions) throws IOException {
        BlockAllocationTable bat = file.bat().orElseThrow();
        long blockSize = header.blockSize();
        int firstGone = (int) VhdFile.ceilDiv(size, blockSize);
        int dropped = 0;
        ByteBuffer unallocated = ByteBuffer.allocate(BlockAllocationTable.ENTRY_SIZE).putInt(0, -1);
        for (int i = firstGone; i < bat.size(); i++) {
            if (bat.isAllocated(i)) {
                VhdWriter.writeFully(ch, unallocated.duplicate().clear(),
                        header.tableOffset() + (long) i * BlockAllocationTable.ENTRY_SIZE);
                dropped++;
            }
        }
        int partial = (int) (size / blockSize);
        long inBlock = size % blockSize;
        // (a block whose entry points outside the data area is unreadable either way: it is left as it is)
        long dataAt = inBlock != 0 && partial < bat.size() && bat.isAllocated(partial)
                && !file.badBatEntries().get(partial) ? file.blockDataOffset(partial) : -1;
        if (dataAt >= 0 && !allZero(file, dataAt + inBlock, blockSize - inBlock)) {
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(blockSize - inBlock, 1 << 20));
            for (long at = inBlock; at < blockSize; at += zeros.capacity()) {
                VhdWriter.writeFully(ch, zeros.clear().limit((int) Math.min(zeros.capacity(), blockSize - at)),
                        dataAt + at);
            }
            actions.add("zeroed block " + partial + " past " + which);
        }
        if (dropped > 0) {
            actions.add("unallocated " + dropped + " BAT entries past " + which + " (their space stays unused in "
                    + "the file; vhdkit convert compacts it)");
        }
        ch.force(true);
    }

    /** Whether the file's bytes {@code [at, at + length)} are all zeros (a page at a time, VhdWriter's check). */
    private static boolean allZero(VhdFile file, long at, long length) throws IOException {
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(1 << 20, length - done);
            ByteBuffer b = file.source().read(at + done, n);
            for (int page = 0; page < n; page += VhdWriter.PAGE) {
                if (!VhdWriter.isZero(b, page, Math.min(VhdWriter.PAGE, n - page))) {
                    return false;
                }
            }
            done += n;
        }
        return true;
    }

    /** The bytes from the BAT's start to the first thing after it (a block, a locator, the footer). */
    private static long roomAfterBat(VhdFile file, DynamicHeader header) {
        long next = file.footerOffset();
        BlockAllocationTable bat = file.bat().orElseThrow();
        for (int i = 0; i < bat.size(); i++) {
            if (bat.isAllocated(i)) {
                long at = bat.sector(i) * VhdFooter.SECTOR_SIZE;
                if (at >= header.tableOffset()) {
                    next = Math.min(next, at);
                }
            }
        }
        if (file.headerOffset() > header.tableOffset()) {
            next = Math.min(next, file.headerOffset());
        }
        return next - header.tableOffset();
    }

    private static void rewrite(VhdFile file, long newSize, DynamicHeader header, List<String> actions)
            throws IOException {
        Path path = Path.of(file.name());
        VhdWriter.Options options = new VhdWriter.Options(DiskType.DYNAMIC, newSize, header.blockSize(),
                file.footer().uniqueId(), Instant.now(), true);
        try (VhdImage image = VhdImage.open(path)) {
            VhdWriter.write(image, path, options);
        }
        actions.add("the BAT had no room to grow: rewrote the disk (same unique id and block size of "
                + header.blockSize() + " bytes) to a temporary file that replaced it");
    }
}
