package io.vhdkit.registry;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.io.ByteArraySource;
import io.vhdkit.io.ByteSource;
import io.vhdkit.registry.ReplayStatus.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Optional;

/**
 * A Windows registry hive file (regf), read-only (spec: msuhanov/regf, <i>Windows registry file format
 * specification</i>). {@link #open} reads and checks the base block; when the hive is dirty (its sequence numbers
 * differ or its checksum is bad) it replays the transaction logs given, as Windows does at boot, without writing
 * anything, and says what it did in {@link #replayStatus()}. Keys and values are read on demand; every offset is
 * checked against the hive bins, every count is capped and every walk is bounded, so malformed input raises only
 * {@link io.vhdkit.format.FormatException}s. The sources stay open and belong to the caller; the hive reads them
 * while it is used. Safe for concurrent use.
 */
public final class Hive {

    /** Minor versions read (1.3 to 1.6); 1.1 and 1.2 (Windows NT 3.x) have another cell layout. */
    public static final int MIN_MINOR_VERSION = 3;
    public static final int MAX_MINOR_VERSION = 6;

    private final String name;
    private final BaseBlock primaryBaseBlock;
    private final BaseBlock baseBlock;
    private final ReplayStatus status;
    private final Cells cells;
    private volatile RegistryKey root;

    private Hive(String name, BaseBlock primaryBaseBlock, BaseBlock baseBlock, ReplayStatus status, Cells cells) {
        this.name = name;
        this.primaryBaseBlock = primaryBaseBlock;
        this.baseBlock = baseBlock;
        this.status = status;
        this.cells = cells;
    }

    /** Opens a primary file without logs: a dirty hive is then read as it is, {@link Kind#NOT_REPLAYED}. */
    public static Hive open(ByteSource primary) throws IOException {
        return open(primary, Optional.empty(), Optional.empty());
    }

    /** Opens a hive held in memory. */
    public static Hive open(byte[] primary) throws IOException {
        return open(new ByteArraySource("hive", primary));
    }

    /**
     * Opens a primary file with its transaction logs ({@code NAME.LOG1}, {@code NAME.LOG2}; give an empty
     * Optional for a log that does not exist, and the file itself when it exists but is empty).
     */
    public static Hive open(ByteSource primary, Optional<ByteSource> log1, Optional<ByteSource> log2)
            throws IOException {
        long fileSize = primary.size();
        FieldRef signatureRef = Regf.ref("base block", "signature", BaseBlock.OFFSET_SIGNATURE);
        if (fileSize < 4) {
            throw new NotThisFormatException(signatureRef, "the file is " + fileSize + " bytes: not a registry hive");
        }
        ByteBuffer head = primary.read(0, (int) Math.min(fileSize, Regf.BASE)).order(ByteOrder.LITTLE_ENDIAN);
        if (head.getInt(0) != BaseBlock.SIGNATURE) {
            throw new NotThisFormatException(signatureRef, Regf.signature(head.getInt(0)), "\"regf\"");
        }
        if (fileSize < Regf.BASE) {
            throw Regf.corrupt("base block", "", 0, "the file is " + fileSize + " bytes: shorter than the "
                    + Regf.BASE + "-byte base block");
        }
        BaseBlock pb = BaseBlock.decode(head);
        if (pb.checksumValid() && pb.fileType() != BaseBlock.TYPE_PRIMARY) {
            throw new UnsupportedFormatException(Regf.ref("base block", "file type", BaseBlock.OFFSET_FILE_TYPE),
                    Integer.toString(pb.fileType()), "0 (a primary file)", "file type is " + pb.fileType()
                            + " - should be 0 (a primary file): this is " + (pb.fileType() == BaseBlock.TYPE_LOG_NEW
                            || pb.fileType() == BaseBlock.TYPE_LOG_OLD || pb.fileType() == BaseBlock.TYPE_LOG_VERY_OLD
                            ? "a transaction log" : "not a hive"));
        }
        String whyDirty = !pb.checksumValid()
                ? "the base block checksum is " + Regf.hex(pb.checksum()) + ", computed " + Regf.hex(pb.computedChecksum())
                : pb.sequencesDiffer() ? "its primary sequence number " + Integer.toUnsignedString(pb.primarySequence())
                        + " differs from its secondary sequence number "
                        + Integer.toUnsignedString(pb.secondarySequence()) : null;
        LogReplay.Outcome outcome;
        if (whyDirty == null) {
            outcome = new LogReplay.Outcome(ReplayStatus.clean(pb.secondarySequence()), Map.of(), pb);
        } else {
            long timestamp = pb.lastWritten();
            if (!pb.checksumValid() && fileSize >= Regf.BASE + HiveBinHeader.SIZE) {
                timestamp = HiveBinHeader.decode(primary.read(Regf.BASE, HiveBinHeader.SIZE)
                        .order(ByteOrder.LITTLE_ENDIAN)).timestamp();
            }
            outcome = LogReplay.replay(pb, timestamp, whyDirty, LogReplay.open("LOG1", log1),
                    LogReplay.open("LOG2", log2));
        }
        BaseBlock b = outcome.effective();
        ReplayStatus status = outcome.status();
        checkVersion(b, status);
        int size = binsSize(b, status, fileSize);
        return new Hive(primary.name(), pb, b, status, new Cells(new HiveData(primary, size, outcome.overlay())));
    }

    private static void checkVersion(BaseBlock b, ReplayStatus status) throws UnsupportedFormatException {
        String from = status.kind() == Kind.REPLAYED ? " (from " + status.logsApplied().get(
                status.logsApplied().size() - 1) + ")" : "";
        if (b.majorVersion() != 1 || b.minorVersion() < MIN_MINOR_VERSION || b.minorVersion() > MAX_MINOR_VERSION) {
            throw new UnsupportedFormatException(Regf.ref("base block", "version", BaseBlock.OFFSET_MAJOR_VERSION),
                    b.version(), "1.3 to 1.6", "version is " + b.version() + from + " - should be 1.3, 1.4, 1.5 or "
                            + "1.6 (1.1 and 1.2 are Windows NT 3.x hives, not read)");
        }
        if (b.fileFormat() != BaseBlock.FORMAT_DIRECT_MEMORY_LOAD) {
            throw new UnsupportedFormatException(Regf.ref("base block", "file format", BaseBlock.OFFSET_FILE_FORMAT),
                    Integer.toString(b.fileFormat()), "1 (direct memory load)");
        }
    }

    /**
     * The hive bins data size to read. A clean or replayed hive must state a usable one, which a clean file must
     * hold; a hive read stale gets what its file holds when the stated size is unusable or longer.
     */
    private static int binsSize(BaseBlock b, ReplayStatus status, long fileSize) throws CorruptFormatException {
        int size = b.hiveBinsDataSize();
        long held = (fileSize - Regf.BASE) / Regf.BIN_ALIGNMENT * Regf.BIN_ALIGNMENT;
        boolean usable = size > 0 && size % Regf.BIN_ALIGNMENT == 0 && size <= Regf.MAX_BINS_SIZE;
        FieldRef ref = Regf.ref("base block", "hive bins data size", BaseBlock.OFFSET_HIVE_BINS_DATA_SIZE);
        if (status.kind() == Kind.NOT_REPLAYED) {
            long s = usable ? Math.min(size, held) : Math.min(held, Regf.MAX_BINS_SIZE);
            if (s <= 0) {
                throw new CorruptFormatException(ref, Regf.hex(size), "a non-zero multiple of 0x1000",
                        "the hive is dirty, could not be recovered and holds no hive bin");
            }
            return (int) s;
        }
        if (!usable) {
            throw new CorruptFormatException(ref, Regf.hex(size), "a non-zero multiple of 0x1000");
        }
        if (status.kind() == Kind.CLEAN && size > fileSize - Regf.BASE) {
            throw new CorruptFormatException(ref, Regf.hex(size), "at most " + Regf.hex((int) Math.min(
                    fileSize - Regf.BASE, Integer.MAX_VALUE)), "hive bins data size is " + Regf.hex(size)
                    + " - the file holds only " + (fileSize - Regf.BASE) + " bytes after the base block");
        }
        return size;
    }

    /** The primary file's name (its path, for a file). */
    public String name() {
        return name;
    }

    /** The primary file's base block as stored. */
    public BaseBlock primaryBaseBlock() {
        return primaryBaseBlock;
    }

    /**
     * The base block in force: the primary's, or after a replay the applied log's with the replayed hive bins data
     * size, flags and sequence number.
     */
    public BaseBlock baseBlock() {
        return baseBlock;
    }

    public ReplayStatus replayStatus() {
        return status;
    }

    public int minorVersion() {
        return baseBlock.minorVersion();
    }

    /** The size of the hive bins data read. */
    public int hiveBinsDataSize() {
        return cells.size();
    }

    Cells cells() {
        return cells;
    }

    int rootOffset() {
        return baseBlock.rootCell();
    }

    /** The root key. */
    public RegistryKey root() throws IOException {
        RegistryKey r = root;
        if (r == null) {
            KeyNode node = KeyNode.read(cells, baseBlock.rootCell(),
                    Regf.ref("base block", "root cell offset", BaseBlock.OFFSET_ROOT_CELL));
            r = new RegistryKey(this, node, "", 0);
            root = r;
        }
        return r;
    }

    /**
     * The key at {@code path} from the root (names separated by backslashes, compared case-insensitively, such as
     * {@code Microsoft\Windows NT\CurrentVersion}); the empty path is the root. A SYSTEM hive has no
     * {@code CurrentControlSet}: see {@link ControlSets}.
     */
    public Optional<RegistryKey> key(String path) throws IOException {
        return root().key(path);
    }

    /** The value {@code valueName} (empty for the default value) of the key at {@code keyPath}. */
    public Optional<RegistryValue> value(String keyPath, String valueName) throws IOException {
        Optional<RegistryKey> k = key(keyPath);
        return k.isPresent() ? k.get().value(valueName) : Optional.empty();
    }

    @Override
    public String toString() {
        return name + " (regf " + baseBlock.version() + ", " + status.describe() + ")";
    }
}
