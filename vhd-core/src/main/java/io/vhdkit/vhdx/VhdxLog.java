package io.vhdkit.vhdx;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.io.ByteSource;
import io.vhdkit.partition.Guids;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replays the log of a VHDX whose header has a log GUID (MS-VHDX 2.3.3) in memory: finds the active sequence (the
 * longest run of valid entries, each one sequence number after the previous and starting where the previous ends in
 * the circular log, whose head entry's tail points at one of its entries; of those, the one with the highest head
 * sequence number), then lays each descriptor's write over the file, from the tail entry to the head, and extends the
 * file to the head's LastFileOffset. The file itself is never written.
 */
public final class VhdxLog {

    /** The longest log read (Hyper-V and qemu write 1 MiB logs). */
    public static final long MAX_LOG_LENGTH = 64 * VhdxDisk.MIB;
    /** Bytes of candidate entries checksummed at most while searching: bounds the work on a hostile log. */
    static final long MAX_BYTES_CHECKED = 1L << 30;
    static final String HOW_TO_FIX = "open it once in Hyper-V (Mount-VHD) or run `qemu-img check -r all IMAGE.vhdx` "
            + "on a copy, then try again";

    /**
     * What a replay did, for users.
     *
     * @param entries        entries replayed
     * @param firstSequence  sequence number of the tail entry
     * @param lastSequence   sequence number of the head entry
     * @param descriptors    writes replayed
     * @param sizeAfter      the file's size after the replay
     */
    public record Replay(int entries, long firstSequence, long lastSequence, int descriptors, long sizeAfter) {
        public String describe() {
            return "the log held unreplayed changes (entries " + Long.toUnsignedString(firstSequence) + " to "
                    + Long.toUnsignedString(lastSequence) + ", " + descriptors + " writes): vhdkit replayed them in "
                    + "memory and reads the image as it is after the replay; the file was not changed";
        }
    }

    /** A replayed file: the overlay to read through, and what was done. */
    record Result(LogOverlaySource source, Replay replay) {
    }

    private VhdxLog() {
    }

    static Result replay(ByteSource file, VhdxHeader header, long headerAt) throws IOException {
        long fileSize = file.size();
        FieldRef lengthRef = ref("header", "log length", headerAt + VhdxHeader.OFFSET_LOG_LENGTH);
        if (header.logVersion() != 0) {
            throw new UnsupportedFormatException(ref("header", "log version", headerAt + VhdxHeader.OFFSET_LOG_VERSION),
                    Integer.toString(header.logVersion()), "0", "the VHDX log holds unreplayed changes in a log "
                    + "version vhdkit does not know: " + HOW_TO_FIX);
        }
        long length = header.logLength();
        long offset = header.logOffset();
        if (length == 0 || length % VhdxDisk.MIB != 0) {
            throw new CorruptFormatException(lengthRef, Long.toString(length), "a positive multiple of 1 MiB");
        }
        if (length > MAX_LOG_LENGTH) {
            throw new UnsupportedFormatException(lengthRef, Long.toString(length), "at most " + MAX_LOG_LENGTH,
                    "the VHDX log holds unreplayed changes and is longer than vhdkit replays: " + HOW_TO_FIX);
        }
        if (offset < VhdxDisk.MIB || offset % VhdxDisk.MIB != 0 || offset > fileSize - length) {
            throw new CorruptFormatException(ref("header", "log offset", headerAt + VhdxHeader.OFFSET_LOG_OFFSET),
                    Long.toUnsignedString(offset), "a multiple of 1 MiB from 1 MiB, the log (" + length
                    + " bytes) inside the file (" + fileSize + " bytes)");
        }
        byte[] log = file.read(offset, (int) length).array();
        List<VhdxLogEntry> active = activeSequence(log, header, offset, headerAt);
        VhdxLogEntry head = active.get(active.size() - 1);
        if (fileSize < head.flushedFileOffset()) {
            throw new CorruptFormatException(ref("log entry", "flushed file offset", offset + head.logOffset()
                    + VhdxLogEntry.OFFSET_FLUSHED_FILE_OFFSET), Long.toString(head.flushedFileOffset()),
                    "at most the file size " + fileSize, "the file is shorter than when its log was written: it "
                    + "was truncated, and its newest data is lost");
        }
        LogOverlaySource overlay = new LogOverlaySource(file);
        int writes = 0;
        for (VhdxLogEntry e : active) {
            for (int i = 0; i < e.descriptors().size(); i++) {
                VhdxLogEntry.Descriptor d = e.descriptors().get(i);
                long end = d.fileOffset() + d.length();
                if (d.length() > VhdxDisk.MAX_FILE_SIZE || d.fileOffset() > VhdxDisk.MAX_FILE_SIZE - d.length()
                        || (d.fileOffset() < offset + length && end > offset)) {
                    throw new CorruptFormatException(ref("log entry", "descriptor " + i + " file offset",
                            offset + (e.logOffset() + VhdxLogEntry.HEADER_SIZE + (long) i * VhdxLogEntry.DESCRIPTOR_SIZE
                                    + VhdxLogEntry.DESC_OFFSET_FILE_OFFSET) % length),
                            Long.toUnsignedString(d.fileOffset()), null, "entry " + Long.toUnsignedString(
                            e.sequenceNumber()) + " writes " + d.length() + " bytes at " + d.fileOffset()
                            + ", which is " + (end > offset && d.fileOffset() < offset + length
                            ? "inside the log itself" : "past the largest VHDX file"));
                }
                overlay.write(d.fileOffset(), d.length(), d.data());
                writes++;
            }
        }
        overlay.extendTo(head.lastFileOffset());
        return new Result(overlay, new Replay(active.size(), active.get(0).sequenceNumber(), head.sequenceNumber(),
                writes, overlay.size()));
    }

    /** The active sequence, tail entry first; a log with none is corrupt (MS-VHDX 2.3.3). */
    static List<VhdxLogEntry> activeSequence(byte[] log, VhdxHeader header, long logFileOffset, long headerAt)
            throws CorruptFormatException, UnsupportedFormatException {
        int sectors = log.length / VhdxLogEntry.SECTOR;
        Map<Long, VhdxLogEntry> entries = new TreeMap<>(); // by log offset: ties between runs resolve the same way
        long checked = 0;
        for (long at = 0; at < log.length; at += VhdxLogEntry.SECTOR) {
            java.nio.ByteBuffer head = VhdxLogEntry.circular(log, at, VhdxLogEntry.HEADER_SIZE);
            if (head.getInt(0) != VhdxLogEntry.SIGNATURE) {
                continue;
            }
            checked += Math.min(log.length, Integer.toUnsignedLong(head.getInt(VhdxLogEntry.OFFSET_ENTRY_LENGTH)));
            if (checked > MAX_BYTES_CHECKED) {
                throw new UnsupportedFormatException(ref("log", "entries", logFileOffset + at),
                        "the VHDX log holds more candidate entries than vhdkit checks (" + MAX_BYTES_CHECKED
                                + " bytes): " + HOW_TO_FIX);
            }
            Optional<VhdxLogEntry> e = VhdxLogEntry.decode(log, at, header.logGuid(), logFileOffset);
            if (e.isPresent()) {
                entries.put(at, e.get());
            }
        }
        // entries that follow another valid entry with the next sequence number do not start a sequence
        Set<Long> successors = new HashSet<>();
        for (VhdxLogEntry e : entries.values()) {
            VhdxLogEntry next = entries.get(e.next(log.length));
            if (next != null && next.sequenceNumber() == e.sequenceNumber() + 1) {
                successors.add(next.logOffset());
            }
        }
        List<VhdxLogEntry> best = null;
        for (VhdxLogEntry start : entries.values()) {
            if (successors.contains(start.logOffset())) {
                continue;
            }
            List<VhdxLogEntry> run = new ArrayList<>(List.of(start));
            long used = start.entryLength() / VhdxLogEntry.SECTOR;
            while (true) {
                VhdxLogEntry last = run.get(run.size() - 1);
                VhdxLogEntry next = entries.get(last.next(log.length));
                if (next == null || next.sequenceNumber() != last.sequenceNumber() + 1
                        || used + next.entryLength() / VhdxLogEntry.SECTOR > sectors) {
                    break; // the end of the run, or it would wrap onto itself
                }
                run.add(next);
                used += next.entryLength() / VhdxLogEntry.SECTOR;
            }
            VhdxLogEntry head = run.get(run.size() - 1);
            int tail = -1;
            for (int i = 0; i < run.size(); i++) {
                if (run.get(i).logOffset() == head.tail()) {
                    tail = i;
                }
            }
            if (tail >= 0 && (best == null || Long.compareUnsigned(head.sequenceNumber(),
                    best.get(best.size() - 1).sequenceNumber()) > 0)) {
                best = run.subList(tail, run.size());
            }
        }
        if (best == null) {
            throw new CorruptFormatException(ref("header", "log guid", headerAt + VhdxHeader.OFFSET_LOG_GUID),
                    "the VHDX log (log guid " + Guids.text(header.logGuid()) + ") holds no valid, complete sequence "
                            + "of entries, so the image's newest changes cannot be recovered (MS-VHDX 2.3.3: the file "
                            + "is corrupt). " + "If another tool can still open it, " + HOW_TO_FIX);
        }
        return List.copyOf(best);
    }

    private static FieldRef ref(String structure, String field, long offset) {
        return FieldRef.of("VHDX", structure, field, offset);
    }
}
