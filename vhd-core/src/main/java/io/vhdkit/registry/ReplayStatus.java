package io.vhdkit.registry;

import java.util.List;
import java.util.Objects;

/**
 * Whether a hive needed its transaction logs, and what they gave (spec: "Dirty state of a hive", "Multiple
 * transaction log files"). A rule that must not trust stale data asks {@link #trustworthy()}: a dirty hive whose
 * logs were missing, damaged or did not cover it is read as the primary file left it, which may lack the newest
 * changes (Windows 8.1 and later may keep changes in the logs only, for up to an hour).
 *
 * @param kind        {@link Kind#CLEAN}, {@link Kind#REPLAYED} or {@link Kind#NOT_REPLAYED}
 * @param whyDirty    why the hive is dirty; empty when clean
 * @param whyNotReplayed why no log data was applied; empty unless {@link Kind#NOT_REPLAYED}
 * @param format      the log format applied, {@link LogFormat#NONE} when none was
 * @param logsApplied the logs data came from, in the order applied ({@code "LOG1"}, {@code "LOG2"})
 * @param entries     new-format log entries applied
 * @param pages       dirty pages written: page references of the new format, 512-byte pages of the old
 * @param sequence    the sequence number the replayed hive has (the last entry's, or the old log's); the primary
 *                    secondary sequence number when nothing was replayed
 * @param notes       what a careful reader should know: a log that stopped at a damaged entry, a log not given, a
 *                    gap in sequence numbers, a base block taken from a log
 */
public record ReplayStatus(Kind kind, String whyDirty, String whyNotReplayed, LogFormat format,
                           List<String> logsApplied, int entries, int pages, int sequence, List<String> notes) {

    public enum Kind {
        /** The primary file is consistent: no log was needed (logs given are ignored, as Windows does). */
        CLEAN,
        /** The hive was dirty and log data was applied: the reader shows the recovered hive. */
        REPLAYED,
        /** The hive was dirty and no log data could be applied: the reader shows the stale primary file. */
        NOT_REPLAYED
    }

    public enum LogFormat {
        NONE,
        /** Base block of type 1 (or 2), "DIRT" vector and 512-byte dirty pages: Windows XP to 8.0. */
        OLD,
        /** Base block of type 6 and "HvLE" log entries: Windows 8.1 and later. */
        NEW
    }

    public ReplayStatus {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(whyDirty, "whyDirty");
        Objects.requireNonNull(whyNotReplayed, "whyNotReplayed");
        Objects.requireNonNull(format, "format");
        logsApplied = List.copyOf(logsApplied);
        notes = List.copyOf(notes);
    }

    static ReplayStatus clean(int sequence) {
        return new ReplayStatus(Kind.CLEAN, "", "", LogFormat.NONE, List.of(), 0, 0, sequence, List.of());
    }

    /**
     * Whether the hive can be taken as current: clean, or replayed with nothing to remark. False for a hive read
     * stale, and for a replay that stopped at a damaged entry, lacked a log or skipped sequence numbers.
     */
    public boolean trustworthy() {
        return kind == Kind.CLEAN || kind == Kind.REPLAYED && notes.isEmpty();
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** One sentence for reports. */
    public String describe() {
        return switch (kind) {
            case CLEAN -> "clean";
            case REPLAYED -> "dirty (" + whyDirty + "); replayed " + (format == LogFormat.NEW ? count(entries,
                    "log entry", "log entries") + " (" + count(pages, "dirty page", "dirty pages") + ")"
                    : count(pages, "dirty page", "dirty pages")) + " from "
                    + String.join(" and ", logsApplied) + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
            case NOT_REPLAYED -> "dirty (" + whyDirty + "); not replayed: " + whyNotReplayed
                    + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
        };
    }
}
