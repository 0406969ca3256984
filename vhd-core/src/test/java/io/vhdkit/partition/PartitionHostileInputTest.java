package io.vhdkit.partition;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.disk.DiskSlice;
import io.vhdkit.format.FormatException;
import io.vhdkit.fs.fat.RawDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Seeded random corruption of the golden MBR and GPT disks (the MBR, the GPT headers and entry arrays, the EBRs),
 * half the time with the GPT CRCs recomputed so that the damage reaches the checks behind them: reading the table,
 * slicing and reading every partition give a result or a {@link FormatException}; never a runtime exception, an
 * error or a hang.
 */
class PartitionHostileInputTest {

    private static final int ROUNDS = 4000;
    private static final int SECTOR = 512;

    @Test
    void mutatedTablesFailOnlyWithFormatExceptions() throws IOException {
        byte[] gpt = PartitionTestSupport.golden(PartitionTestSupport.GPT);
        byte[] mbr = PartitionTestSupport.golden(PartitionTestSupport.MBR);
        long last = gpt.length - SECTOR;
        long[][] gptHot = {{446, 66}, {SECTOR, 92}, {2 * SECTOR, 640}, {last, 92}, {8159L * SECTOR, 640}};
        long[][] mbrHot = {{446, 66}, {3072L * SECTOR + 446, 66}, {4095L * SECTOR + 446, 66},
                {5119L * SECTOR + 446, 66}};
        Random random = new Random(20261122);
        int read = 0;
        long deadline = System.nanoTime() + 300_000_000_000L;   // a guard against hangs, not a speed test
        for (int round = 0; round < ROUNDS; round++) {
            boolean isGpt = round % 2 == 0;
            byte[] base = isGpt ? gpt : mbr;
            RawDisk disk = mutate(base, isGpt ? gptHot : mbrHot, isGpt, random);
            try {
                exercise(disk, random);
                read++;
            } catch (FormatException expected) {
                // the one allowed failure
            } catch (IOException | RuntimeException | Error e) {
                fail("round " + round + ": " + e, e);
            }
            assertTrue(System.nanoTime() < deadline, "hang? only " + round + " rounds in five minutes");
        }
        assertTrue(read > ROUNDS / 2, "most mutants should still read, got " + read);
    }

    private static RawDisk mutate(byte[] base, long[][] hot, boolean gpt, Random random) throws IOException {
        Map<Long, Byte> patches = new HashMap<>();
        long size = base.length;
        int kind = random.nextInt(10);
        if (kind == 0) {
            size = (long) random.nextInt(base.length / SECTOR) * SECTOR + (random.nextBoolean() ? 0 : 100);
        } else if (kind == 1) {
            size += (long) random.nextInt(4096) * SECTOR;
        }
        int changes = 1 + random.nextInt(8);
        for (int i = 0; i < changes; i++) {
            long[] region = hot[random.nextInt(hot.length)];
            long at = region[0] + random.nextInt((int) region[1]);
            if (random.nextInt(4) == 0) {
                // a whole 32-bit field: an LBA, a size, a count
                long v = switch (random.nextInt(5)) {
                    case 0 -> 0;
                    case 1 -> 0xFFFF_FFFFL;
                    case 2 -> random.nextInt(9000);
                    case 3 -> 1L << random.nextInt(32);
                    default -> random.nextInt();
                };
                at &= ~3L;
                for (int k = 0; k < 4; k++) {
                    patches.put(at + k, (byte) (v >>> (8 * k)));
                }
            } else {
                patches.put(at, switch (random.nextInt(3)) {
                    case 0 -> (byte) 0;
                    case 1 -> (byte) 0xFF;
                    default -> (byte) random.nextInt(256);
                });
            }
        }
        RawDisk disk = RawDisk.patched(base, patches, size);
        if (gpt && random.nextBoolean()) {
            for (long lba : new long[]{1, size / SECTOR - 1}) {
                fixCrcs(disk, lba, patches);
            }
            disk = RawDisk.patched(base, patches, size);
        }
        return disk;
    }

    /** Recomputes the array and header CRC32 of the GPT header at {@code lba} of {@code disk}, as patches. */
    private static void fixCrcs(RawDisk disk, long lba, Map<Long, Byte> patches) throws IOException {
        if (lba < 1 || (lba + 1) * SECTOR > disk.size()) {
            return;
        }
        ByteBuffer h = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        disk.read(lba * SECTOR, h);
        long entriesLba = h.getLong(GptHeader.OFFSET_ENTRIES_LBA);
        long bytes = Integer.toUnsignedLong(h.getInt(GptHeader.OFFSET_ENTRY_COUNT))
                * Integer.toUnsignedLong(h.getInt(GptHeader.OFFSET_ENTRY_SIZE));
        if (entriesLba > 0 && entriesLba < disk.size() / SECTOR && bytes > 0 && bytes <= 1 << 16
                && entriesLba * SECTOR + bytes <= disk.size()) {
            ByteBuffer a = ByteBuffer.allocate((int) bytes);
            disk.read(entriesLba * SECTOR, a);
            CRC32 crc = new CRC32();
            crc.update(a.array());
            h.putInt(GptHeader.OFFSET_ENTRIES_CRC, (int) crc.getValue());
        }
        long size = Integer.toUnsignedLong(h.getInt(GptHeader.OFFSET_HEADER_SIZE));
        if (size >= 92 && size <= SECTOR) {
            h.putInt(GptHeader.OFFSET_HEADER_CRC, 0);
            CRC32 crc = new CRC32();
            crc.update(h.array(), 0, (int) size);
            h.putInt(GptHeader.OFFSET_HEADER_CRC, (int) crc.getValue());
        }
        for (int i = 0; i < SECTOR; i++) {
            patches.put(lba * SECTOR + i, h.get(i));
        }
    }

    private static void exercise(RawDisk disk, Random random) throws IOException {
        PartitionTable t = PartitionTable.read(disk);
        t.findings().forEach(Object::toString);
        t.volumes();
        for (Partition p : t.partitions()) {
            p.type().name();
            DiskSlice s = p.slice(disk);
            assertTrue(s.offset() + s.size() <= disk.size(), "partition " + p + " beyond the disk");
            if (s.size() > 0) {
                int n = (int) Math.min(s.size(), 1 + random.nextInt(4096));
                s.read(s.size() - n, ByteBuffer.allocate(n));
                s.read(0, ByteBuffer.allocate(n));
            }
        }
        if (t instanceof NoPartitionTable none) {
            none.wholeDisk(disk).size();
        }
    }
}
