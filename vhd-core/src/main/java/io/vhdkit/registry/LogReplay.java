package io.vhdkit.registry;

import io.vhdkit.io.ByteSource;
import io.vhdkit.registry.HiveData.PageRef;
import io.vhdkit.registry.ReplayStatus.Kind;
import io.vhdkit.registry.ReplayStatus.LogFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Recovers a dirty hive from its transaction logs as Windows does (spec: "Format of transaction log files", "Dirty
 * state of a hive", "Multiple transaction log files"), without changing any file: the dirty pages become an overlay
 * of the primary's hive bins data ({@link HiveData}).
 *
 * <p>New format (file type 6, Windows 8.1 and later): the log whose base block has the earlier sequence number goes
 * first; it applies when that number is not before the primary's secondary sequence number; its "HvLE" entries are
 * applied from that number on, each with the next number, until an entry is missing, stale, or bad (signature,
 * size, Hash-1, Hash-2, hive bins data size, page references), which ends recovery; the other log follows only if
 * its base block continues the sequence. With a damaged primary base block only the log with the latest entries is
 * applied, and the base block comes from it.
 *
 * <p>Old format (file type 1 or 2, Windows XP to 8.0): a log applies when its base block's timestamp is not older
 * than the primary's (the first hive bin's when the primary base block is damaged); of two, the more recent one.
 * Every page marked in its "DIRT" bitmap is applied, in order; a dirty page that starts a hive bin must hold a valid
 * hive bin header, or recovery stops there.
 */
final class LogReplay {

    static final int HVLE = Regf.fourCC("HvLE");
    static final int DIRT = Regf.fourCC("DIRT");
    static final int ENTRY_HEADER = 40;
    static final int SECTOR = 512;
    /** Bytes hashed per read. */
    private static final int HASH_CHUNK = 64 * 1024;

    /** A transaction log as given: usable when {@link #problem} is null. */
    static final class Log {
        final String name;
        final ByteSource source;
        long size;
        BaseBlock base;
        String problem;

        Log(String name, ByteSource source) {
            this.name = name;
            this.source = source;
        }

        boolean usable() {
            return problem == null;
        }

        boolean isNew() {
            return usable() && base.fileType() == BaseBlock.TYPE_LOG_NEW;
        }

        boolean isOld() {
            return usable() && (base.fileType() == BaseBlock.TYPE_LOG_OLD
                    || base.fileType() == BaseBlock.TYPE_LOG_VERY_OLD);
        }

        int sequence() {
            return base.primarySequence();
        }
    }

    /** What replay gives the reader. */
    record Outcome(ReplayStatus status, Map<Integer, PageRef> overlay, BaseBlock effective) {
    }

    /** Reads a log's base block and says whether it can be used. */
    static Log open(String name, Optional<ByteSource> source) throws IOException {
        Log log = new Log(name, source.orElse(null));
        if (log.source == null) {
            log.problem = "was not given";
            return log;
        }
        log.size = log.source.size();
        if (log.size == 0) {
            log.problem = "is empty";
            return log;
        }
        if (log.size < BaseBlock.LOG_COPY_SIZE) {
            log.problem = "is " + log.size + " bytes: too short for a base block";
            return log;
        }
        BaseBlock b = BaseBlock.decode(log.source.read(0, BaseBlock.LOG_COPY_SIZE));
        log.base = b;
        if (!b.signatureValid()) {
            log.problem = "does not start with \"regf\" (" + Regf.signature(b.signature()) + ")";
        } else if (!b.checksumValid()) {
            log.problem = "has a bad base block checksum (" + Regf.hex(b.checksum()) + ", computed "
                    + Regf.hex(b.computedChecksum()) + ")";
        } else if (b.sequencesDiffer()) {
            log.problem = "has a dirty base block (sequence numbers " + Integer.toUnsignedString(b.primarySequence())
                    + " and " + Integer.toUnsignedString(b.secondarySequence()) + ")";
        } else if (b.fileType() != BaseBlock.TYPE_LOG_NEW && b.fileType() != BaseBlock.TYPE_LOG_OLD
                && b.fileType() != BaseBlock.TYPE_LOG_VERY_OLD) {
            log.problem = "has file type " + b.fileType() + " (a log has 1, 2 or 6)";
        }
        return log;
    }

    private final BaseBlock primary;
    private final boolean primaryValid;
    private final String whyDirty;
    private final Map<Integer, PageRef> overlay = new HashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> applied = new ArrayList<>();
    private BaseBlock base;          // the base block fields in force (the primary's, then each applied log's)
    private int hiveBinsSize;
    private int flags;
    private int sequence;
    private int entries;
    private int pages;
    private Integer firstSequence;

    private LogReplay(BaseBlock primary, String whyDirty) {
        this.primary = primary;
        this.primaryValid = primary.checksumValid();
        this.whyDirty = whyDirty;
        this.base = primary;
        this.hiveBinsSize = primary.hiveBinsDataSize();
        this.flags = primary.flags();
        this.sequence = primary.secondarySequence();
    }

    /**
     * Replays the logs over a dirty primary.
     *
     * @param primary          the primary's base block
     * @param primaryTimestamp the primary's last-written time (the first hive bin's when the base block is damaged)
     * @param whyDirty         why the primary is dirty, for the status
     */
    static Outcome replay(BaseBlock primary, long primaryTimestamp, String whyDirty, Log log1, Log log2)
            throws IOException {
        LogReplay r = new LogReplay(primary, whyDirty);
        List<Log> logs = List.of(log1, log2);
        List<Log> newLogs = logs.stream().filter(Log::isNew).toList();
        List<Log> oldLogs = logs.stream().filter(Log::isOld).toList();
        String failure;
        LogFormat format;
        if (!newLogs.isEmpty()) {
            format = LogFormat.NEW;
            for (Log l : logs) {
                if (l.isOld()) {
                    r.notes.add(l.name + " is an old-format log beside a new-format one: not used");
                } else if (!l.usable() && l.source != null && l.size > 0) {
                    r.notes.add(l.name + " " + l.problem + ": its entries were not applied");
                } else if (l.source == null) {
                    r.notes.add(l.name + " was not given: entries it may hold were not applied");
                }
            }
            failure = r.replayNew(newLogs);
        } else if (!oldLogs.isEmpty()) {
            format = LogFormat.OLD;
            failure = r.replayOld(oldLogs, primaryTimestamp);
        } else {
            format = LogFormat.NONE;
            List<String> why = new ArrayList<>();
            for (Log l : logs) {
                why.add(l.name + " " + l.problem);
            }
            failure = "no usable transaction log (" + String.join("; ", why) + ")";
        }
        if (failure != null || r.applied.isEmpty()) {
            ReplayStatus status = new ReplayStatus(Kind.NOT_REPLAYED, whyDirty,
                    failure != null ? failure : "no log data could be applied", LogFormat.NONE, List.of(), 0, 0,
                    primary.secondarySequence(), r.notes);
            return new Outcome(status, Map.of(), primary);
        }
        ReplayStatus status = new ReplayStatus(Kind.REPLAYED, whyDirty, "", format, r.applied, r.entries, r.pages,
                r.sequence, r.notes);
        BaseBlock b = r.base;
        BaseBlock effective = new BaseBlock(b.signature(), r.sequence, r.sequence, b.lastWritten(), b.majorVersion(),
                b.minorVersion(), BaseBlock.TYPE_PRIMARY, b.fileFormat(), b.rootCell(), r.hiveBinsSize,
                b.clusteringFactor(), b.fileName(), r.flags, b.computedChecksum(), b.computedChecksum());
        return new Outcome(status, r.overlay, effective);
    }

    // ------------------------------------------------------------------------------------------- new format

    /** Returns why nothing could be applied, or null. */
    private String replayNew(List<Log> logs) throws IOException {
        Log first = logs.get(0);
        Log second = logs.size() > 1 ? logs.get(1) : null;
        if (second != null && !Regf.notBefore(second.sequence(), first.sequence())) {
            Log t = first;
            first = second;
            second = t;
        }
        if (!primaryValid) {
            Log latest = second != null ? second : first;
            notes.add("the primary's base block is damaged: its fields were taken from " + latest.name);
            if (applyNew(latest) == 0) {
                return "no entry of " + latest.name + " could be applied" + lastStop();
            }
            return null;
        }
        int secondary = primary.secondarySequence();
        Log start = null;
        if (Regf.notBefore(first.sequence(), secondary)) {
            start = first;
        } else if (second != null && Regf.notBefore(second.sequence(), secondary)) {
            start = second;
            second = null;
        }
        if (start == null) {
            return String.format(Locale.ROOT, "the logs' entries start at sequence %s, before the primary's "
                            + "secondary sequence number %s: they were applied already",
                    Integer.toUnsignedString(second != null ? second.sequence() : first.sequence()),
                    Integer.toUnsignedString(secondary));
        }
        if (applyNew(start) == 0) {
            return "no entry of " + start.name + " could be applied" + lastStop();
        }
        if (second != null && second != start) {
            if (second.sequence() == sequence + 1) {
                applyNew(second);
            } else if (Regf.notBefore(second.sequence(), sequence + 2)) {
                notes.add(String.format(Locale.ROOT, "%s starts at sequence %s, not %s: it was not applied",
                        second.name, Integer.toUnsignedString(second.sequence()),
                        Integer.toUnsignedString(sequence + 1)));
            }
        }
        if (firstSequence != null && firstSequence != secondary) {
            notes.add(String.format(Locale.ROOT, "the first entry applied has sequence %s but the primary's "
                            + "secondary sequence number is %s: the entries between are missing",
                    Integer.toUnsignedString(firstSequence), Integer.toUnsignedString(secondary)));
        }
        return null;
    }

    private String lastStop() {
        return notes.isEmpty() ? "" : " (" + notes.get(notes.size() - 1) + ")";
    }

    /** Applies the log's entries in sequence from its base block's number; returns how many. */
    private int applyNew(Log log) throws IOException {
        long pos = SECTOR;
        int expected = log.sequence();
        int count = 0;
        while (pos <= log.size - ENTRY_HEADER) {
            ByteBuffer h = log.source.read(pos, ENTRY_HEADER).order(ByteOrder.LITTLE_ENDIAN);
            if (h.getInt(0) != HVLE) {
                break;                                     // the end of the entries
            }
            String where = String.format(Locale.ROOT, "%s entry @0x%X", log.name, pos);
            int size = h.getInt(4);
            int seq = h.getInt(12);
            if (seq != expected) {
                if (Regf.notBefore(seq, expected)) {
                    notes.add(where + ": sequence number is " + Integer.toUnsignedString(seq) + " - should be "
                            + Integer.toUnsignedString(expected) + "; recovery stopped");
                }
                break;                                     // an older entry: already applied
            }
            if (size < SECTOR || size % SECTOR != 0 || size > log.size - pos) {
                notes.add(where + ": size is " + Integer.toUnsignedString(size) + " - should be a multiple of 512 "
                        + "within the file; recovery stopped");
                break;
            }
            int binsSize = h.getInt(16);
            if (binsSize <= 0 || binsSize % Regf.BIN_ALIGNMENT != 0 || binsSize > Regf.MAX_BINS_SIZE) {
                notes.add(where + ": hive bins data size is " + Regf.hex(binsSize) + " - should be a non-zero "
                        + "multiple of 4096; recovery stopped");
                break;
            }
            int refs = h.getInt(20);
            if (refs < 0 || refs > (size - ENTRY_HEADER) / (8 + SECTOR)) {   // each reference has a page
                notes.add(where + ": dirty pages count is " + Integer.toUnsignedString(refs) + " - more than the "
                        + "entry holds; recovery stopped");
                break;
            }
            long hash2 = Marvin32.hash(h.slice(0, 32), Marvin32.LOG_SEED);
            if (hash2 != h.getLong(32)) {
                notes.add(where + ": Hash-2 is " + Regf.hex(h.getLong(32)) + " - should be " + Regf.hex(hash2)
                        + "; recovery stopped");
                break;
            }
            long hash1 = hash(log.source, pos + ENTRY_HEADER, size - ENTRY_HEADER);
            if (hash1 != h.getLong(24)) {
                notes.add(where + ": Hash-1 is " + Regf.hex(h.getLong(24)) + " - should be " + Regf.hex(hash1)
                        + "; recovery stopped");
                break;
            }
            ByteBuffer table = log.source.read(pos + ENTRY_HEADER, 8 * refs).order(ByteOrder.LITTLE_ENDIAN);
            String bad = checkReferences(table, refs, binsSize, size - ENTRY_HEADER - 8L * refs);
            if (bad != null) {
                notes.add(where + ": " + bad + "; recovery stopped");
                break;
            }
            long data = pos + ENTRY_HEADER + 8L * refs;
            for (int i = 0; i < refs; i++) {
                int offset = table.getInt(8 * i);
                int length = table.getInt(8 * i + 4);
                for (int k = 0; k < length / SECTOR; k++) {
                    overlay.put(offset / SECTOR + k, new PageRef(log.source, data + (long) k * SECTOR));
                }
                data += length;
            }
            if (firstSequence == null) {
                firstSequence = seq;
            }
            hiveBinsSize = binsSize;
            flags = (flags & ~1) | (h.getInt(8) & 1);      // only the KTM bit travels in entries (note 11)
            sequence = seq;
            entries++;
            pages += refs;
            count++;
            expected++;
            pos += size;
        }
        if (count > 0) {
            applied.add(log.name);
            base = log.base;
        }
        return count;
    }

    /** Null when every page reference is 512-aligned, inside the hive bins data and all fit in the entry. */
    private static String checkReferences(ByteBuffer table, int refs, int binsSize, long room) {
        long total = 0;
        for (int i = 0; i < refs; i++) {
            long offset = Integer.toUnsignedLong(table.getInt(8 * i));
            long length = Integer.toUnsignedLong(table.getInt(8 * i + 4));
            if (offset % SECTOR != 0 || length == 0 || length % SECTOR != 0 || offset + length > binsSize) {
                return String.format(Locale.ROOT, "dirty page %d (offset 0x%X, size 0x%X) is not a whole number of "
                        + "512-byte pages inside the hive bins data (0x%X bytes)", i, offset, length, binsSize);
            }
            total += length;
        }
        if (total > room) {
            return "its dirty pages (" + total + " bytes) do not fit in the entry (" + room + " bytes)";
        }
        return null;
    }

    private static long hash(ByteSource source, long at, long length) throws IOException {
        Marvin32 m = new Marvin32(Marvin32.LOG_SEED);
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(HASH_CHUNK, length - done);
            m.update(source.read(at + done, n));
            done += n;
        }
        return m.digest();
    }

    // ------------------------------------------------------------------------------------------- old format

    private String replayOld(List<Log> logs, long primaryTimestamp) throws IOException {
        Log chosen = null;
        for (Log l : logs) {
            long ts = l.base.lastWritten();
            if (Long.compareUnsigned(ts, primaryTimestamp) >= 0
                    && (chosen == null || Long.compareUnsigned(ts, chosen.base.lastWritten()) > 0)) {
                chosen = l;
            }
        }
        if (chosen == null) {
            return "the logs' timestamps are older than the primary's (" + Regf.hex(primaryTimestamp)
                    + "): they were applied already";
        }
        BaseBlock b = chosen.base;
        int size = b.hiveBinsDataSize();
        if (size <= 0 || size % Regf.BIN_ALIGNMENT != 0 || size > Regf.MAX_BINS_SIZE) {
            return chosen.name + "'s hive bins data size is " + Regf.hex(size) + " - should be a non-zero multiple "
                    + "of 4096";
        }
        int bitmapBytes = size / Regf.BIN_ALIGNMENT;            // one bit per 512 bytes
        if (chosen.size < SECTOR + 4L + bitmapBytes) {
            return chosen.name + " is " + chosen.size + " bytes: too short for its dirty vector";
        }
        ByteBuffer vector = chosen.source.read(SECTOR, 4 + bitmapBytes).order(ByteOrder.LITTLE_ENDIAN);
        if (vector.getInt(0) != DIRT) {
            return chosen.name + "'s dirty vector signature is " + Regf.signature(vector.getInt(0))
                    + " - should be \"DIRT\"";
        }
        long page = (SECTOR + 4L + bitmapBytes + SECTOR - 1) / SECTOR * SECTOR;
        int marked = 0;
        for (int bit = 0; bit < bitmapBytes * 8; bit++) {
            if ((vector.get(4 + bit / 8) >> (bit % 8) & 1) == 0) {
                continue;
            }
            if (page > chosen.size - SECTOR) {
                notes.add(chosen.name + " ends before its dirty page for offset "
                        + Regf.offset(bit * SECTOR) + "; recovery stopped");
                break;
            }
            if ((long) bit * SECTOR % Regf.BIN_ALIGNMENT == 0) {
                ByteBuffer head = chosen.source.read(page, 12).order(ByteOrder.LITTLE_ENDIAN);
                if (head.getInt(0) == HiveBinHeader.SIGNATURE && (head.getInt(4) != bit * SECTOR
                        || head.getInt(8) < Regf.BIN_ALIGNMENT || head.getInt(8) % Regf.BIN_ALIGNMENT != 0)) {
                    notes.add(String.format(Locale.ROOT, "%s's dirty page for offset 0x%X holds a bad hive bin "
                            + "header (offset 0x%X, size 0x%X); recovery stopped", chosen.name, bit * SECTOR,
                            head.getInt(4), head.getInt(8)));
                    break;
                }
            }
            overlay.put(bit, new PageRef(chosen.source, page));
            page += SECTOR;
            marked++;
        }
        if (marked == 0) {
            return notes.isEmpty() ? chosen.name + "'s dirty vector marks no page" : notes.get(notes.size() - 1);
        }
        if (!primaryValid) {
            notes.add("the primary's base block is damaged: its fields were taken from " + chosen.name);
        }
        applied.add(chosen.name);
        base = b;
        hiveBinsSize = size;
        flags = b.flags();
        sequence = b.primarySequence();
        pages = marked;
        return null;
    }
}
