package io.vhdkit.partition;

import static io.vhdkit.partition.PartitionTestSupport.MBR;
import static io.vhdkit.partition.PartitionTestSupport.SECTOR;
import static io.vhdkit.partition.PartitionTestSupport.assertFinding;
import static io.vhdkit.partition.PartitionTestSupport.golden;
import static io.vhdkit.partition.PartitionTestSupport.put32;
import static io.vhdkit.partition.PartitionTestSupport.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Severity;
import io.vhdkit.fs.fat.RawDisk;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The golden MBR (sfdisk 2.38; see the README) with its EBR chain, and one field at a time corrupted. */
class MbrGoldenTest {

    private static final int EBR1 = 3072;
    private static final int EBR2 = 4095;
    private static final int EBR3 = 5119;

    private static MbrPartitionTable mbr(byte[] b) throws IOException {
        return assertInstanceOf(MbrPartitionTable.class, read(b));
    }

    private static List<Integer> indexes(PartitionTable t) {
        return t.partitions().stream().map(Partition::index).toList();
    }

    /** Sets entry {@code i} (0-3) of the table in sector {@code lba}. */
    private static void entry(byte[] b, long lba, int i, int type, long start, long sectors) {
        int at = (int) (lba * SECTOR + 446 + 16 * i);
        Arrays.fill(b, at, at + 16, (byte) 0);
        b[at + 4] = (byte) type;
        put32(b, at + 8, start);
        put32(b, at + 12, sectors);
    }

    @Test
    void decodesTheMbr() {
        MasterBootRecord m = MasterBootRecord.decode(ByteBuffer.wrap(golden(MBR)));
        assertTrue(m.signatureValid());
        assertEquals(0xC0DE1234, m.diskSignature());
        MbrEntry e = m.entries().get(0);
        assertEquals(MbrEntry.ACTIVE, e.bootIndicator());
        assertTrue(e.bootable());
        assertEquals(0x0C, e.type());
        assertEquals(2048, e.startLba());
        assertEquals(1024, e.sectors());
        assertEquals(0x05, m.entries().get(1).type());
        assertFalse(m.entries().get(3).used());
    }

    @Test
    void readsPrimaryAndLogicalPartitions() throws IOException {
        MbrPartitionTable t = mbr(golden(MBR));
        assertEquals("MBR", t.scheme());
        assertEquals("0xc0de1234", t.diskSignatureText());
        assertEquals(List.of(), t.findings());
        assertEquals(List.of(1, 2, 3, 5, 6, 7), indexes(t));
        long[][] want = {{2048, 1024, 0x0C}, {3072, 4096, 0x05}, {7168, 1024, 0x83}, {3080, 1000, 0x83},
                {4096, 1000, 0x82}, {5120, 2000, 0x8E}};
        for (int i = 0; i < want.length; i++) {
            Partition p = t.partitions().get(i);
            assertEquals(want[i][0] * SECTOR, p.start(), "start of " + p.index());
            assertEquals(want[i][1] * SECTOR, p.length(), "length of " + p.index());
            assertEquals(PartitionType.mbr((int) want[i][2]), p.type());
            assertNull(p.name());
            assertNull(p.uniqueId());
            assertEquals(0, p.attributes());
            assertEquals(p.index() >= 5, p.logical());
        }
        assertTrue(t.partitions().get(0).bootable());
        assertEquals("W95 FAT32 (LBA)", t.partitions().get(0).type().name());
        assertTrue(t.partitions().get(1).isContainer());
        assertEquals("Extended", t.partitions().get(1).type().name());
        assertEquals(446 + 16, t.partitions().get(1).entryOffset());
        assertEquals((long) EBR2 * SECTOR + 446, t.partitions().get(4).entryOffset());
        assertEquals(List.of(1, 3, 5, 6, 7), t.volumes().stream().map(Partition::index).toList());
    }

    // ------------------------------------------------------------ not a partition table

    @Test
    void noTable() throws IOException {
        byte[] b = golden(MBR);
        b[511] = 0;
        assertEquals("sector 0 has no 0x55AA signature", assertInstanceOf(NoPartitionTable.class, read(b)).reason());
        byte[] c = golden(MBR);
        c[446 + 16] = 0x7F;
        assertEquals("the boot indicator of MBR entry 2 is 0x7F, neither 0x00 nor 0x80: not a partition table",
                assertInstanceOf(NoPartitionTable.class, read(c)).reason());
        NoPartitionTable zero = assertInstanceOf(NoPartitionTable.class, read(new byte[4096]));
        assertEquals(4096, zero.diskSize());
        assertEquals("none", zero.scheme());
        assertEquals(List.of(), zero.partitions());
        assertEquals("the disk is smaller than one sector",
                assertInstanceOf(NoPartitionTable.class, read(new byte[100])).reason());
    }

    @Test
    void filesystemOnTheWholeDisk() throws IOException {
        byte[] fat = Golden.load(io.vhdkit.fs.fat.FatGoldenTestAccess.class, "fat12.img.gz");
        NoPartitionTable t = assertInstanceOf(NoPartitionTable.class, read(fat));
        assertEquals("sector 0 is a FAT boot sector: a filesystem on the whole disk", t.reason());
        RawDisk disk = RawDisk.of(fat);
        assertEquals("GOLDEN12", io.vhdkit.fs.fat.FatFileSystem.open(t.wholeDisk(disk)).info().label());
        for (String oem : new String[]{"NTFS    ", "EXFAT   "}) {
            byte[] b = golden(MBR);
            System.arraycopy(oem.getBytes(), 0, b, 3, 8);
            String reason = assertInstanceOf(NoPartitionTable.class, read(b)).reason();
            assertTrue(reason.toUpperCase().contains(oem.strip()), reason);
        }
    }

    // ------------------------------------------------------------ primary entries

    @Test
    void typeZeroWithASize() throws IOException {
        byte[] b = golden(MBR);
        b[446 + 16 * 2 + 4] = 0;
        MbrPartitionTable t = mbr(b);
        assertEquals(List.of(1, 2, 3, 5, 6, 7), indexes(t));
        assertEquals("Empty", t.partition(3).orElseThrow().type().name());
        assertFinding(t.findings(), "partition-3.type", Severity.WARNING, "MBR entry 3 has 1024 sectors but type 0x00 "
                + "(empty): Linux uses it as a partition");
    }

    @Test
    void startAtLbaZero() throws IOException {
        byte[] b = golden(MBR);
        entry(b, 0, 3, 0x83, 0, 100);
        assertFinding(mbr(b).findings(), "partition-4.start-lba", Severity.ERROR, "partition 4 starts at LBA 0, over "
                + "the MBR itself");
    }

    @Test
    void partitionsAtTheEndOfTheDisk() throws IOException {
        // 7100 sectors: partition 3 (7168-8191) starts past the end, the extended partition (3072-7167) and
        // logical 7 (5120-7119) end past it
        byte[] b = Arrays.copyOf(golden(MBR), 7100 * SECTOR);
        MbrPartitionTable t = mbr(b);
        assertEquals(List.of(1, 2, 5, 6, 7), indexes(t));
        assertFinding(t.findings(), "partition-3", Severity.ERROR, "partition 3 starts at byte 3670016, at or past the "
                + "end of the disk (3635200 bytes): left out, as Linux does");
        assertFinding(t.findings(), "partition-2", Severity.ERROR, "partition 2 ends at byte 3670016, past the end of "
                + "the disk (3635200 bytes): cut to 2062336 bytes, as Linux does");
        assertEquals(3635200 - 5120L * SECTOR, t.partition(7).orElseThrow().length());
        // a disk whose size is not a whole number of sectors ends at its last whole sector
        MbrPartitionTable u = mbr(Arrays.copyOf(golden(MBR), 7100 * SECTOR + 100));
        assertEquals(3635200 - 5120L * SECTOR, u.partition(7).orElseThrow().length());
    }

    @Test
    void overlappingPartitions() throws IOException {
        byte[] b = golden(MBR);
        entry(b, 0, 2, 0x83, 4000, 200);
        MbrPartitionTable t = mbr(b);
        assertFinding(t.findings(), "partition-3", Severity.ERROR, "partitions 2 and 3 overlap: sectors 4000-4199");
        assertFinding(t.findings(), "partition-6", Severity.ERROR, "partitions 3 and 6 overlap: sectors 4096-4199");
    }

    // ------------------------------------------------------------ the EBR chain

    @Test
    void ebrChainThatLoops() throws IOException {
        byte[] b = golden(MBR);
        entry(b, EBR3, 1, 0x05, 0, 1);   // link back to the first EBR (relative to the extended partition)
        MbrPartitionTable t = mbr(b);
        assertEquals(List.of(1, 2, 3, 5, 6, 7), indexes(t));
        assertEquals((long) EBR1 * SECTOR, assertFinding(t.findings(), "ebr", Severity.ERROR, "the EBR chain of "
                + "partition 2 loops back to the EBR at LBA 3072: the chain is followed no further").where().offset());
    }

    @Test
    void ebrPastTheEndOfTheDisk() throws IOException {
        byte[] b = golden(MBR);
        entry(b, EBR2, 1, 0x05, 100000, 10);
        MbrPartitionTable t = mbr(b);
        assertEquals(List.of(1, 2, 3, 5, 6), indexes(t));
        assertFinding(t.findings(), "ebr", Severity.ERROR, "the EBR at LBA 103072 lies past the end of the disk "
                + "(8192 sectors)");
    }

    @Test
    void linkedEbrWithoutSignature() throws IOException {
        byte[] b = golden(MBR);
        b[EBR3 * SECTOR + 510] = 0;
        MbrPartitionTable t = mbr(b);
        assertEquals(List.of(1, 2, 3, 5, 6), indexes(t));
        assertFinding(t.findings(), "ebr.signature", Severity.WARNING, "the EBR at LBA 5119, linked from the one "
                + "before, has no 0x55AA signature: the chain ends there");
        // an extended partition whose first EBR is blank has no logical partitions, and that is no problem
        byte[] c = golden(MBR);
        c[EBR1 * SECTOR + 510] = 0;
        MbrPartitionTable u = mbr(c);
        assertEquals(List.of(1, 2, 3), indexes(u));
        assertEquals(List.of(), u.findings());
    }

    @Test
    void logicalOutsideItsExtendedPartition() throws IOException {
        byte[] b = golden(MBR);
        entry(b, EBR3, 0, 0x8E, 1, 3000);   // 5120-8119: past the extended partition, over partition 3
        MbrPartitionTable t = mbr(b);
        assertFinding(t.findings(), "partition-7", Severity.ERROR, "logical partition 7 (sectors 5120-8119) does not "
                + "lie inside its extended partition 2 (sectors 3072-7167)");
        assertFinding(t.findings(), "partition-7", Severity.ERROR, "partitions 3 and 7 overlap: sectors 7168-8119");
    }

    @Test
    void thirdAndFourthEbrEntriesOnlyWhenInside() throws IOException {
        byte[] b = golden(MBR);
        entry(b, EBR3, 2, 0x83, 2100, 10);   // 7219: outside the EBR's extent and the extended partition: skipped
        assertEquals(List.of(1, 2, 3, 5, 6, 7), indexes(mbr(b)));
        entry(b, EBR3, 3, 0x83, 1990, 10);   // 7109-7118: inside both: a logical partition (OS/2 style)
        MbrPartitionTable t = mbr(b);
        assertEquals(List.of(1, 2, 3, 5, 6, 7, 8), indexes(t));
        assertEquals(7109L * SECTOR, t.partition(8).orElseThrow().start());
        assertFinding(t.findings(), "partition-8", Severity.ERROR, "partitions 7 and 8 overlap");
    }

    @Test
    void linkInTheFirstEntryAndNoDataPartition() throws IOException {
        // DR-DOS style: an EBR whose only entry is the link; it adds no number
        byte[] b = golden(MBR);
        entry(b, EBR2, 0, 0x05, EBR3 - EBR1, 10);
        entry(b, EBR2, 1, 0, 0, 0);
        MbrPartitionTable t = mbr(b);
        assertEquals(List.of(1, 2, 3, 5, 6), indexes(t));
        assertEquals(5120L * SECTOR, t.partition(6).orElseThrow().start());
    }

    /** A disk with an extended partition from LBA 2 and {@code ebrs} EBRs two sectors apart. */
    private static byte[] chain(int ebrs, boolean withLogicals) {
        int sectors = 2 + 2 * ebrs + 2;
        byte[] b = new byte[sectors * SECTOR];
        b[510] = 0x55;
        b[511] = (byte) 0xAA;
        entry(b, 0, 0, 0x0F, 2, sectors - 2);
        for (int i = 0; i < ebrs; i++) {
            long lba = 2 + 2L * i;
            if (withLogicals) {
                entry(b, lba, 0, 0x83, 1, 1);
            }
            if (i + 1 < ebrs) {
                entry(b, lba, 1, 0x05, 2L * (i + 1), 2);
            }
            b[(int) (lba * SECTOR + 510)] = 0x55;
            b[(int) (lba * SECTOR + 511)] = (byte) 0xAA;
        }
        return b;
    }

    @Test
    void atMost251LogicalPartitions() throws IOException {
        MbrPartitionTable t = mbr(chain(300, true));
        assertEquals(1 + MbrReader.MAX_LOGICAL, t.partitions().size());
        assertEquals(255, t.partitions().get(t.partitions().size() - 1).index());
        assertFinding(t.findings(), "ebr", Severity.ERROR, "more than 251 logical partitions: the rest of the chain "
                + "is ignored");
        MbrPartitionTable u = mbr(chain(251, true));
        assertEquals(252, u.partitions().size());
        assertEquals(List.of(), u.findings());
    }

    @Test
    void aHundredEmptyEbrs() throws IOException {
        MbrPartitionTable t = mbr(chain(150, false));
        assertEquals(1, t.partitions().size());
        assertFinding(t.findings(), "ebr", Severity.ERROR, "100 EBRs in a row hold no logical partition");
        assertEquals(List.of(), mbr(chain(100, false)).findings());
    }
}
