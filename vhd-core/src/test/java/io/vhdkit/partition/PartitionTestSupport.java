package io.vhdkit.partition;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.fs.fat.RawDisk;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * The golden disks of {@code src/test/resources/io/vhdkit/partition} (recipe: {@code make-golden.sh}), 4 MiB each:
 * <pre>
 *   gpt.img: primary header LBA 1, entries LBA 2-33 (128 × 128 bytes), backup entries LBA 8159-8190, backup header
 *            LBA 8191; partitions 1 (2048-4095), 2 (4096-5119), 3 (6144-6655), 5 (6656-7679)
 *   mbr.img: 1 (2048+1024, type 0x0C, active), 2 (extended 0x05, 3072+4096), 3 (7168+1024); EBRs at LBA 3072, 4095
 *            and 5119 holding 5 (3080+1000), 6 (4096+1000), 7 (5120+2000)
 * </pre>
 */
final class PartitionTestSupport {

    static final String GPT = "gpt.img.gz";
    static final String MBR = "mbr.img.gz";
    static final int SECTOR = 512;
    static final long LAST_LBA = 8191;
    static final long BACKUP = LAST_LBA * SECTOR;

    private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

    private PartitionTestSupport() {
    }

    static byte[] golden(String name) {
        return CACHE.computeIfAbsent(name, n -> Golden.load(PartitionTestSupport.class, n)).clone();
    }

    static PartitionTable read(byte[] b) throws IOException {
        return PartitionTable.read(RawDisk.of(b));
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    static void put32(byte[] b, long at, long v) {
        le(b).putInt((int) at, (int) v);
    }

    static void put64(byte[] b, long at, long v) {
        le(b).putLong((int) at, v);
    }

    static long get32(byte[] b, long at) {
        return Integer.toUnsignedLong(le(b).getInt((int) at));
    }

    static long get64(byte[] b, long at) {
        return le(b).getLong((int) at);
    }

    /** Recomputes the CRC32 of the GPT header at {@code lba}. */
    static void fixHeader(byte[] b, long lba) {
        int base = (int) (lba * SECTOR);
        int size = (int) get32(b, base + GptHeader.OFFSET_HEADER_SIZE);
        put32(b, base + GptHeader.OFFSET_HEADER_CRC, 0);
        CRC32 crc = new CRC32();
        crc.update(b, base, Math.min(Math.max(size, 0), SECTOR));
        put32(b, base + GptHeader.OFFSET_HEADER_CRC, crc.getValue());
    }

    /** Recomputes the entry array CRC32 of the GPT header at {@code lba}, then the header's CRC32. */
    static void fixArray(byte[] b, long lba) {
        int base = (int) (lba * SECTOR);
        long entriesLba = get64(b, base + GptHeader.OFFSET_ENTRIES_LBA);
        long bytes = get32(b, base + GptHeader.OFFSET_ENTRY_COUNT) * get32(b, base + GptHeader.OFFSET_ENTRY_SIZE);
        CRC32 crc = new CRC32();
        crc.update(b, (int) (entriesLba * SECTOR), (int) bytes);
        put32(b, base + GptHeader.OFFSET_ENTRIES_CRC, crc.getValue());
        fixHeader(b, lba);
    }

    /** Fixes both headers and arrays, so that only the field under test is wrong. */
    static void fixGpt(byte[] b) {
        fixArray(b, 1);
        fixArray(b, b.length / SECTOR - 1);
    }

    /** Where GPT entry {@code index} (1-based) sits in the array the header at {@code lba} points to. */
    static int entryAt(byte[] b, long lba, int index) {
        int base = (int) (lba * SECTOR);
        long entriesLba = get64(b, base + GptHeader.OFFSET_ENTRIES_LBA);
        return (int) (entriesLba * SECTOR + (index - 1) * get32(b, base + GptHeader.OFFSET_ENTRY_SIZE));
    }

    static Finding assertFinding(List<Finding> findings, String code, Severity severity, String text) {
        for (Finding f : findings) {
            if (f.code().equals(code) && f.severity() == severity && f.message().contains(text)) {
                return f;
            }
        }
        fail("no " + severity + " finding " + code + " containing \"" + text + "\" in:\n  "
                + String.join("\n  ", findings.stream().map(Finding::toString).toList()));
        return null;
    }

    static void assertNoProblems(List<Finding> findings) {
        assertTrue(findings.stream().noneMatch(f -> f.severity() != Severity.INFO), findings.toString());
    }

    static void assertContains(String text, String part) {
        assertTrue(text.contains(part), "\"" + part + "\" not in: " + text);
    }
}
