package io.vhdkit.vhdx;

import static io.vhdkit.vhdx.VhdxDiskTest.fx;
import static io.vhdkit.vhdx.VhdxDiskTest.le;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.io.ByteArraySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Log replay against qemu-img's: fixtures/vhdx/log.vhdx holds a pending log written by mkvhdx.py (active sequence
 * 41-42, the second entry wrapping around the end of the log; an older sequence 30, an entry of an older log GUID, a
 * torn entry 43), and log.raw is what qemu-img reads after its own replay ({@code qemu-img check -r all} on a copy).
 * Then golden bytes, one field of an entry at a time (the entry's CRC resealed so that the field itself is judged),
 * and hostile logs.
 */
class VhdxLogTest {

    static final int SECTOR = VhdxLogEntry.SECTOR;
    static byte[] good;
    static int logOffset;
    static int logLength;
    /** Log offsets of the entries mkvhdx.py wrote. */
    static int entry41;
    static int entry42;
    static int entry30;

    @BeforeAll
    static void load() throws IOException {
        good = Files.readAllBytes(fx("log.vhdx"));
        VhdxHeader h = VhdxHeader.decode(ByteBuffer.wrap(good, (int) VhdxHeader.OFFSET_1, VhdxHeader.SIZE).slice());
        logOffset = (int) h.logOffset();
        logLength = (int) h.logLength();
        entry41 = logLength - 4 * SECTOR;
        entry42 = logLength - SECTOR;
        entry30 = 20 * SECTOR;
        assertEquals(0x6567_6F6C, le(good).getInt(logOffset + entry41));
    }

    static VhdxDisk open(byte[] b) throws IOException {
        return VhdxDisk.open(new ByteArraySource("log.vhdx", b));
    }

    static byte[] all(VhdxDisk d) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) d.size());
        d.read(0, b);
        return b.array();
    }

    @Test
    void replaysAsQemuImgDoes() throws Exception {
        byte[] before = sha256(Files.readAllBytes(fx("log.vhdx")));
        try (VhdxDisk d = VhdxDisk.open(fx("log.vhdx"))) {
            assertArrayEquals(Files.readAllBytes(fx("log.raw")), all(d));
            VhdxLog.Replay r = d.logReplay().orElseThrow();
            assertEquals(2, r.entries());
            assertEquals(41, r.firstSequence());
            assertEquals(42, r.lastSequence());
            assertEquals(5, r.descriptors());
            assertTrue(r.describe().contains("entries 41 to 42, 5 writes"), r.describe());
            assertEquals(4, d.allocatedBlocks()); // block 2 is mapped by the log's BAT update
        }
        assertArrayEquals(before, sha256(Files.readAllBytes(fx("log.vhdx"))), "the file must not change");
    }

    @Test
    void aCleanImageReportsNoReplay() throws IOException {
        try (VhdxDisk d = VhdxDisk.open(fx("small.vhdx"))) {
            assertFalse(d.logReplay().isPresent());
        }
    }

    static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    // ---- which sequence is active

    /** Bytes of the circular log at {@code at}. */
    static ByteBuffer entry(byte[] file, int at) {
        return VhdxLogEntry.circular(java.util.Arrays.copyOfRange(file, logOffset, logOffset + logLength), at,
                (int) Integer.toUnsignedLong(le(file).getInt(logOffset + at + VhdxLogEntry.OFFSET_ENTRY_LENGTH)));
    }

    /** Writes an entry's bytes back into the circular log, its CRC-32C recomputed when {@code reseal}. */
    static void put(byte[] file, int at, ByteBuffer e, boolean reseal) {
        if (reseal) {
            e.order(ByteOrder.LITTLE_ENDIAN).putInt(VhdxLogEntry.OFFSET_CHECKSUM, 0);
            e.putInt(VhdxLogEntry.OFFSET_CHECKSUM, Crc32c.of(e, VhdxLogEntry.OFFSET_CHECKSUM));
        }
        for (int i = 0; i < e.limit(); i++) {
            file[logOffset + (at + i) % logLength] = e.get(i);
        }
    }

    /** Changes a field of an entry with {@code change} and reseals its CRC. */
    static byte[] withField(int at, java.util.function.Consumer<ByteBuffer> change) {
        byte[] b = good.clone();
        ByteBuffer e = entry(b, at).order(ByteOrder.LITTLE_ENDIAN);
        change.accept(e);
        put(b, at, e, true);
        return b;
    }

    static byte[] torn(byte[] b, int at) {
        b[logOffset + at + 100] ^= 1;
        return b;
    }

    @Test
    void aTornHeadEntryIsNotReplayed() throws IOException {
        try (VhdxDisk d = open(torn(good.clone(), entry42))) {
            VhdxLog.Replay r = d.logReplay().orElseThrow();
            assertEquals(41, r.firstSequence());
            assertEquals(41, r.lastSequence());
        }
    }

    @Test
    void aSequenceWhoseTailIsMissingIsNotActive() throws IOException {
        // without entry 41, entry 42's tail points at no entry of its run: the older sequence 30 is the active one
        try (VhdxDisk d = open(torn(good.clone(), entry41))) {
            VhdxLog.Replay r = d.logReplay().orElseThrow();
            assertEquals(30, r.firstSequence());
            assertEquals(30, r.lastSequence());
        }
    }

    @Test
    void noValidSequenceIsRefused() {
        byte[] b = torn(torn(good.clone(), entry41), entry30);
        FormatException e = assertThrows(CorruptFormatException.class, () -> open(b));
        assertTrue(e.getMessage().contains("holds no valid, complete sequence of entries"), e.getMessage());
        assertTrue(e.getMessage().contains("qemu-img check -r all"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsRefused() {
        byte[] b = java.util.Arrays.copyOf(good, good.length - (1 << 20)); // block 2's new payload cut off
        FormatException e = assertThrows(CorruptFormatException.class, () -> open(b));
        assertEquals("flushed file offset", e.where().field());
        assertTrue(e.getMessage().contains("was truncated"), e.getMessage());
    }

    // ---- golden bytes: one field at a time, the CRC resealed

    static FormatException refused(byte[] b) {
        return assertThrows(CorruptFormatException.class, () -> open(b).close());
    }

    @Test
    void entryHeaderFields() {
        FormatException e = refused(withField(entry41, x -> x.putLong(VhdxLogEntry.OFFSET_SEQUENCE_NUMBER, 0)));
        assertEquals("sequence number", e.where().field());
        assertEquals(logOffset + entry41 + VhdxLogEntry.OFFSET_SEQUENCE_NUMBER, e.where().offset());

        e = refused(withField(entry41, x -> x.putInt(VhdxLogEntry.OFFSET_TAIL, 100)));
        assertEquals("tail", e.where().field());

        e = refused(withField(entry41, x -> x.putInt(VhdxLogEntry.OFFSET_DESCRIPTOR_COUNT, -1)));
        assertEquals("descriptor count", e.where().field());
        assertEquals("4294967295", e.actual().orElseThrow());

        e = refused(withField(entry41, x -> x.putInt(VhdxLogEntry.OFFSET_DESCRIPTOR_COUNT, 3)));
        assertTrue(e.getMessage().contains("no data sector left") || e.getMessage().contains("descriptor 2"),
                e.getMessage());

        e = refused(withField(entry41, x -> x.putLong(VhdxLogEntry.OFFSET_LAST_FILE_OFFSET, 12345)));
        assertEquals("last file offset", e.where().field());

        e = refused(withField(entry42, x -> x.putLong(VhdxLogEntry.OFFSET_FLUSHED_FILE_OFFSET, 1L << 40))); // the head entry
        assertEquals("flushed file offset", e.where().field());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void descriptorFields() {
        int d0 = VhdxLogEntry.HEADER_SIZE;
        FormatException e = refused(withField(entry41, x -> x.putInt(d0, 0x12345678)));
        assertEquals("descriptor 0 signature", e.where().field());
        assertEquals(logOffset + entry41 + d0, e.where().offset());

        e = refused(withField(entry41, x -> x.putLong(d0 + VhdxLogEntry.DESC_OFFSET_SEQUENCE_NUMBER, 40)));
        assertEquals("descriptor 0 sequence number", e.where().field());

        e = refused(withField(entry41, x -> x.putLong(d0 + VhdxLogEntry.DESC_OFFSET_FILE_OFFSET, 4097)));
        assertEquals("descriptor 0 file offset", e.where().field());

        // a write into the log itself
        e = refused(withField(entry41, x -> x.putLong(d0 + VhdxLogEntry.DESC_OFFSET_FILE_OFFSET, logOffset)));
        assertTrue(e.getMessage().contains("inside the log itself"), e.getMessage());

        // a write past any VHDX file
        e = refused(withField(entry41, x -> x.putLong(d0 + VhdxLogEntry.DESC_OFFSET_FILE_OFFSET, 1L << 60)));
        assertTrue(e.getMessage().contains("past the largest VHDX file"), e.getMessage());

        // entry 42's second descriptor is a zero descriptor
        int d1 = d0 + VhdxLogEntry.DESCRIPTOR_SIZE;
        e = refused(withField(entry42, x -> x.putLong(d1 + VhdxLogEntry.DESC_OFFSET_ZERO_LENGTH, 100)));
        assertEquals("descriptor 1 zero length", e.where().field());
        // entry 42 wraps: its descriptor sector is the log's last, so the field's offset is there
        assertEquals(logOffset + entry42 + d1 + VhdxLogEntry.DESC_OFFSET_ZERO_LENGTH, e.where().offset());
    }

    @Test
    void dataSectorFields() {
        FormatException e = refused(withField(entry41, x -> x.putInt(SECTOR, 0)));
        assertEquals("data sector signature", e.where().field());
        assertEquals(logOffset + entry41 + SECTOR, e.where().offset());

        e = refused(withField(entry41, x -> x.putInt(SECTOR + SECTOR - 4, 7)));
        assertEquals("data sector sequence number", e.where().field());

        // entry 42's data sectors wrapped to the start of the log
        e = refused(withField(entry42, x -> x.putInt(SECTOR + 4, 1)));
        assertEquals("data sector sequence number", e.where().field());
        assertEquals(logOffset + 4, e.where().offset());
    }

    // ---- hostile logs

    /** A log of one-sector entries with consecutive sequence numbers all around the circle: no loop, no hang. */
    @Test
    void aLogFullOfEntriesEndsAtTheHighestSequence() throws IOException {
        byte[] b = good.clone();
        ByteBuffer template = entry(b, entry30).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer one = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        one.put(0, template.array(), 0, 64);
        one.putInt(VhdxLogEntry.OFFSET_ENTRY_LENGTH, SECTOR);
        one.putInt(VhdxLogEntry.OFFSET_DESCRIPTOR_COUNT, 0);
        int n = logLength / SECTOR;
        for (int i = 0; i < n; i++) {
            ByteBuffer e = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN).put(one.array()).flip();
            e.putLong(VhdxLogEntry.OFFSET_SEQUENCE_NUMBER, 1000 + i);
            e.putInt(VhdxLogEntry.OFFSET_TAIL, 0);
            put(b, i * SECTOR, e, true);
        }
        try (VhdxDisk d = open(b)) {
            VhdxLog.Replay r = d.logReplay().orElseThrow();
            assertEquals(1000, r.firstSequence());
            assertEquals(1000 + n - 1, r.lastSequence());
            assertEquals(n, r.entries());
            assertArrayEquals(Files.readAllBytes(fx("small.raw")), all(d)); // no writes at all
        }
    }

    /** An entry as long as the whole log, and runs that would wrap onto themselves, are bounded. */
    @Test
    void entriesAsLongAsTheLog() throws IOException {
        byte[] b = good.clone();
        ByteBuffer e = ByteBuffer.allocate(logLength).order(ByteOrder.LITTLE_ENDIAN);
        e.put(0, entry(b, entry30).array(), 0, 64);
        e.putInt(VhdxLogEntry.OFFSET_ENTRY_LENGTH, logLength);
        e.putInt(VhdxLogEntry.OFFSET_DESCRIPTOR_COUNT, 0);
        e.putInt(VhdxLogEntry.OFFSET_TAIL, 0);
        e.putLong(VhdxLogEntry.OFFSET_SEQUENCE_NUMBER, 7);
        put(b, 0, e, true);
        try (VhdxDisk d = open(b)) {
            assertEquals(7, d.logReplay().orElseThrow().lastSequence());
        }
    }

    /** Seeded mutations of the active entries, resealed half the time: a result or a FormatException. */
    @Test
    void mutatedLogsFailOnlyWithFormatExceptions() {
        Random random = new Random(20261122);
        int opened = 0;
        for (int round = 0; round < 600; round++) {
            int at = random.nextBoolean() ? entry41 : entry42;
            byte[] b = good.clone();
            ByteBuffer e = entry(b, at).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0, flips = 1 + random.nextInt(3); i < flips; i++) {
                int field = random.nextInt(4) == 0 ? SECTOR + random.nextInt(16) : random.nextInt(64 + 3 * 32);
                if (field < e.limit()) {
                    e.put(field, random.nextInt(3) == 0 ? (byte) 0xFF : (byte) random.nextInt(256));
                }
            }
            put(b, at, e, random.nextBoolean());
            try (VhdxDisk d = open(b)) {
                opened++;
                all(d);
                d.allocatedExtents();
            } catch (FormatException expected) {
                // the one allowed failure
            } catch (IOException | RuntimeException | Error x) {
                fail("round " + round + ": " + x, x);
            }
        }
        assertTrue(opened > 50, "some mutants should still open, got " + opened);
    }
}
