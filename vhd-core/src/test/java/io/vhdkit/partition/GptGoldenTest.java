package io.vhdkit.partition;

import static io.vhdkit.partition.PartitionTestSupport.BACKUP;
import static io.vhdkit.partition.PartitionTestSupport.GPT;
import static io.vhdkit.partition.PartitionTestSupport.LAST_LBA;
import static io.vhdkit.partition.PartitionTestSupport.SECTOR;
import static io.vhdkit.partition.PartitionTestSupport.assertContains;
import static io.vhdkit.partition.PartitionTestSupport.assertFinding;
import static io.vhdkit.partition.PartitionTestSupport.assertNoProblems;
import static io.vhdkit.partition.PartitionTestSupport.entryAt;
import static io.vhdkit.partition.PartitionTestSupport.fixArray;
import static io.vhdkit.partition.PartitionTestSupport.fixGpt;
import static io.vhdkit.partition.PartitionTestSupport.fixHeader;
import static io.vhdkit.partition.PartitionTestSupport.get64;
import static io.vhdkit.partition.PartitionTestSupport.golden;
import static io.vhdkit.partition.PartitionTestSupport.put32;
import static io.vhdkit.partition.PartitionTestSupport.put64;
import static io.vhdkit.partition.PartitionTestSupport.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Severity;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The golden GPT (sgdisk 1.0.9; see the README) field by field, and one field at a time corrupted. */
class GptGoldenTest {

    private static final long P = SECTOR;   // the primary header

    private static GptPartitionTable gpt(byte[] b) throws IOException {
        return assertInstanceOf(GptPartitionTable.class, read(b));
    }

    @Test
    void decodesTheHeader() {
        GptHeader h = GptHeader.decode(ByteBuffer.wrap(golden(GPT), SECTOR, SECTOR));
        assertTrue(h.signatureValid());
        assertEquals(GptHeader.REVISION_1_0, h.revision());
        assertEquals(92, h.headerSize());
        assertTrue(h.headerCrcValid());
        assertEquals(1, h.myLba());
        assertEquals(LAST_LBA, h.alternateLba());
        assertEquals(34, h.firstUsableLba());
        assertEquals(LAST_LBA - 33, h.lastUsableLba());
        assertEquals(UUID.fromString("0DD5EED5-0000-4000-8000-00000000D15C"), h.diskGuid());
        assertEquals(2, h.entriesLba());
        assertEquals(128, h.entryCount());
        assertEquals(128, h.entrySize());
        assertEquals(16384, h.entriesBytes());
    }

    @Test
    void decodesEveryPartition() throws IOException {
        GptPartitionTable t = gpt(golden(GPT));
        assertEquals("GPT", t.scheme());
        assertFalse(t.backupUsed());
        assertFalse(t.hybridMbr());
        assertNoProblems(t.findings());
        assertEquals(List.of(), t.findings());
        List<Partition> ps = t.partitions();
        assertEquals(List.of(1, 2, 3, 5), ps.stream().map(Partition::index).toList());
        Partition esp = ps.get(0);
        assertEquals(2048L * SECTOR, esp.start());
        assertEquals(2048L * SECTOR, esp.length());
        assertEquals(PartitionType.gpt(PartitionType.Gpt.EFI_SYSTEM), esp.type());
        assertEquals("EFI System", esp.type().name());
        assertEquals("EFI system partition", esp.name());
        assertEquals(UUID.fromString("11111111-2222-4333-8444-555555555501"), esp.uniqueId());
        assertEquals(Partition.ATTR_REQUIRED, esp.attributes());
        assertTrue(esp.required());
        assertFalse(esp.bootable());
        assertEquals(1024 + 0, esp.entryOffset());
        Partition root = ps.get(1);
        assertEquals("Linux filesystem", root.type().name());
        assertTrue(root.legacyBiosBootable());
        Partition data = ps.get(2);
        assertEquals("Microsoft basic data", data.type().name());
        assertEquals(Partition.ATTR_MS_NO_DRIVE_LETTER, data.attributes());
        assertEquals(0x8000, data.typeSpecificAttributes());
        Partition swap = ps.get(3);
        assertEquals(5, swap.index());
        assertEquals("swap \u2603", swap.name());
        assertEquals(6656L * SECTOR, swap.start());
        assertEquals(1024L * SECTOR, swap.length());
        assertEquals(1024 + 4 * 128, swap.entryOffset());
        assertEquals(t.partitions(), t.volumes());
        assertEquals(swap, t.partition(5).orElseThrow());
        assertTrue(t.partition(4).isEmpty());
    }

    @Test
    void guidsAreMixedEndian() {
        byte[] stored = {0x28, 0x73, 0x2A, (byte) 0xC1, 0x1F, (byte) 0xF8, (byte) 0xD2, 0x11, (byte) 0xBA, 0x4B, 0x00,
                (byte) 0xA0, (byte) 0xC9, 0x3E, (byte) 0xC9, 0x3B};
        assertEquals(PartitionType.Gpt.EFI_SYSTEM, Guids.decode(ByteBuffer.wrap(stored), 0));
        assertArrayEquals(stored, Guids.encode(PartitionType.Gpt.EFI_SYSTEM));
        assertEquals("C12A7328-F81F-11D2-BA4B-00A0C93EC93B", Guids.text(PartitionType.Gpt.EFI_SYSTEM));
        // and on disk: entry 1's type GUID
        byte[] b = golden(GPT);
        assertArrayEquals(stored, Arrays.copyOfRange(b, 1024, 1040));
    }

    @Test
    void slicesThePartitions() throws IOException {
        byte[] b = golden(GPT);
        io.vhdkit.fs.fat.RawDisk disk = io.vhdkit.fs.fat.RawDisk.of(b);
        Partition p = read(b).partition(2).orElseThrow();
        io.vhdkit.disk.DiskSlice s = p.slice(disk);
        assertEquals(4096L * SECTOR, s.offset());
        assertEquals(512 * 1024, s.size());
        assertEquals("partition 2", s.name());
    }

    // ------------------------------------------------------------ the primary header damaged: the backup is used

    private static void primaryFails(byte[] b, String problem) throws IOException {
        GptPartitionTable t = gpt(b);
        assertTrue(t.backupUsed());
        assertEquals(LAST_LBA, t.header().myLba());
        assertEquals(List.of(1, 2, 3, 5), t.partitions().stream().map(Partition::index).toList());
        io.vhdkit.check.Finding f = assertFinding(t.findings(), t.findings().get(0).code(), Severity.ERROR,
                "the primary GPT header is damaged (" + problem);
        assertContains(f.message(), "); the backup header at LBA 8191 was used, as Linux does");
        assertTrue(f.where().offset() >= SECTOR && f.where().offset() < 2 * SECTOR, f.toString());
    }

    @Test
    void primarySignature() throws IOException {
        byte[] b = golden(GPT);
        b[(int) P] = 'X';
        primaryFails(b, "no GPT header at LBA 1 (no \"EFI PART\" signature)");
    }

    @Test
    void primaryHeaderSize() throws IOException {
        for (long size : new long[]{91, 513, 0xFFFF_FFFFL}) {
            byte[] b = golden(GPT);
            put32(b, P + GptHeader.OFFSET_HEADER_SIZE, size);
            primaryFails(b, "header size is " + size + " - should be from 92 to 512");
        }
    }

    @Test
    void primaryHeaderCrc() throws IOException {
        byte[] b = golden(GPT);
        long good = PartitionTestSupport.get32(b, P + 16);
        put32(b, P + 16, 0x12345678);
        primaryFails(b, String.format("header CRC32 is 0x12345678 - should be 0x%08X (computed)", good));
        // the CRC covers the reserved bytes up to the header size too
        byte[] c = golden(GPT);
        c[(int) P + 91] ^= 1;
        primaryFails(c, "header CRC32 is");
    }

    @Test
    void primaryMyLba() throws IOException {
        byte[] b = golden(GPT);
        put64(b, P + GptHeader.OFFSET_MY_LBA, 2);
        fixHeader(b, 1);
        primaryFails(b, "my LBA is 2 - should be 1");
    }

    @Test
    void primaryUsableRange() throws IOException {
        byte[] b = golden(GPT);
        put64(b, P + GptHeader.OFFSET_LAST_USABLE, LAST_LBA + 1);
        fixHeader(b, 1);
        primaryFails(b, "the usable LBAs 34-8192 are not a range inside the disk (last LBA 8191)");
        byte[] c = golden(GPT);
        put64(c, P + GptHeader.OFFSET_FIRST_USABLE, 9000);
        fixHeader(c, 1);
        primaryFails(c, "the usable LBAs 9000-8158");
        byte[] d = golden(GPT);
        put64(d, P + GptHeader.OFFSET_FIRST_USABLE, 8158 + 1);
        fixHeader(d, 1);
        primaryFails(d, "the usable LBAs 8159-8158");
    }

    @Test
    void primaryEntrySize() throws IOException {
        for (long size : new long[]{0, 64, 192, 129}) {
            byte[] b = golden(GPT);
            put32(b, P + GptHeader.OFFSET_ENTRY_SIZE, size);
            fixHeader(b, 1);
            primaryFails(b, "entry size is " + size + " - should be 128 × 2^n");
        }
        byte[] b = golden(GPT);
        put32(b, P + GptHeader.OFFSET_ENTRY_SIZE, 8192);
        fixHeader(b, 1);
        primaryFails(b, "entry size is 8192 - should be at most 4096");
    }

    @Test
    void primaryEntryCountCapped() throws IOException {
        byte[] b = golden(GPT);
        put32(b, P + GptHeader.OFFSET_ENTRY_COUNT, 0xFFFF_FFFFL);
        fixHeader(b, 1);
        primaryFails(b, "4294967295 entries of 128 bytes are more than the 4194304 bytes of entries vhdkit reads");
    }

    @Test
    void primaryEntriesOutsideTheDisk() throws IOException {
        for (long lba : new long[]{0, 8170, LAST_LBA + 1, -1}) {
            byte[] b = golden(GPT);
            put64(b, P + GptHeader.OFFSET_ENTRIES_LBA, lba);
            fixHeader(b, 1);
            primaryFails(b, "entries LBA is " + Long.toUnsignedString(lba) + " - should be an array of 32 sectors "
                    + "inside the disk");
        }
    }

    @Test
    void primaryEntriesCrc() throws IOException {
        byte[] b = golden(GPT);
        b[1024 + 56] ^= 1;   // a bit of entry 1's name
        primaryFails(b, "entries CRC32 is");
    }

    @Test
    void bothHeadersDamagedIsCorrupt() {
        byte[] b = golden(GPT);
        put32(b, P + 16, 0);
        put32(b, BACKUP + 16, 0);
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> read(b));
        assertContains(e.getMessage(), "GPT GPT header @0x210: header CRC32 is 0x00000000 - should be");
        assertEquals(1, e.getSuppressed().length);
        assertContains(e.getSuppressed()[0].getMessage(), "GPT backup GPT header @0x3FFE10");
    }

    @Test
    void bothArraysTooLargeIsUnsupported() {
        byte[] b = golden(GPT);
        put32(b, P + GptHeader.OFFSET_ENTRY_COUNT, 1 << 20);
        put32(b, BACKUP + GptHeader.OFFSET_ENTRY_COUNT, 1 << 20);
        fixHeader(b, 1);
        fixHeader(b, LAST_LBA);
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> read(b));
        assertEquals(P + GptHeader.OFFSET_ENTRY_COUNT, e.where().offset());
    }

    @Test
    void largerEntriesAreRead() throws IOException {
        // 64 entries of 256 bytes: the same array bytes, every other entry
        byte[] b = golden(GPT);
        for (long lba : new long[]{1, LAST_LBA}) {
            put32(b, lba * SECTOR + GptHeader.OFFSET_ENTRY_COUNT, 64);
            put32(b, lba * SECTOR + GptHeader.OFFSET_ENTRY_SIZE, 256);
            fixArray(b, lba);
        }
        GptPartitionTable t = gpt(b);
        // entries 1, 3 (old 5), ...: the old entry 3 becomes entry 2
        assertEquals(List.of(1, 2, 3), t.partitions().stream().map(Partition::index).toList());
        assertEquals("Basic data", t.partitions().get(1).name());
        assertEquals("swap \u2603", t.partitions().get(2).name());
    }

    // ------------------------------------------------------------ the backup

    @Test
    void backupDamaged() throws IOException {
        byte[] b = golden(GPT);
        b[(int) BACKUP + 60] ^= 1;
        GptPartitionTable t = gpt(b);
        assertFalse(t.backupUsed());
        assertEquals(4, t.partitions().size());
        assertEquals(BACKUP + 16, assertFinding(t.findings(), "backup-gpt-header.header-crc32", Severity.ERROR,
                "the backup GPT header is missing or damaged: header CRC32 is").where().offset());
    }

    @Test
    void backupMissingAfterTheDiskGrew() throws IOException {
        byte[] b = Arrays.copyOf(golden(GPT), 8 << 20);
        GptPartitionTable t = gpt(b);
        assertFalse(t.backupUsed());
        assertFinding(t.findings(), "gpt-header.alternate-lba", Severity.WARNING, "the primary header puts the "
                + "backup at LBA 8191, not at the last LBA 16383: the disk was resized after partitioning");
        assertFinding(t.findings(), "protective-mbr.sectors", Severity.WARNING, "the protective MBR entry covers "
                + "8191 sectors; the disk has 16383 after the MBR");
        // the backup where the primary says it is: found there, no error
        assertTrue(t.findings().stream().noneMatch(f -> f.severity() == Severity.ERROR), t.findings().toString());
    }

    @Test
    void backupDisagreesWithThePrimary() throws IOException {
        byte[] b = golden(GPT);
        put64(b, BACKUP + GptHeader.OFFSET_FIRST_USABLE, 40);
        put32(b, BACKUP + GptHeader.OFFSET_DISK_GUID, 0x01020304);
        fixHeader(b, LAST_LBA);
        GptPartitionTable t = gpt(b);
        assertFinding(t.findings(), "backup-gpt-header.first-usable-lba", Severity.WARNING,
                "the backup header's first usable LBA is 40 - the primary's is 34");
        assertFinding(t.findings(), "backup-gpt-header.disk-guid", Severity.WARNING,
                "the backup header's disk GUID is 01020304-0000-4000-8000-00000000D15C - the primary's is "
                        + "0DD5EED5-0000-4000-8000-00000000D15C");
    }

    @Test
    void revisionIsAWarning() throws IOException {
        byte[] b = golden(GPT);
        put32(b, P + GptHeader.OFFSET_REVISION, 0x0002_0000);
        fixHeader(b, 1);
        assertFinding(gpt(b).findings(), "gpt-header.revision", Severity.WARNING,
                "revision is 0x00020000 - should be 0x00010000");
    }

    // ------------------------------------------------------------ entries

    private static byte[] withEntry(int index, long first, long last) {
        byte[] b = golden(GPT);
        for (long lba : new long[]{1, LAST_LBA}) {
            int at = entryAt(b, lba, index);
            put64(b, at + GptEntry.OFFSET_FIRST_LBA, first);
            put64(b, at + GptEntry.OFFSET_LAST_LBA, last);
        }
        fixGpt(b);
        return b;
    }

    @Test
    void entryThatEndsBeforeItStarts() throws IOException {
        GptPartitionTable t = gpt(withEntry(2, 5000, 4999));
        assertEquals(List.of(1, 3, 5), t.partitions().stream().map(Partition::index).toList());
        assertFinding(t.findings(), "gpt-entry-2.last-lba", Severity.ERROR, "partition 2 ends (LBA 4999) before it "
                + "starts (LBA 5000): left out");
    }

    @Test
    void entryPastTheEndOfTheDiskIsLeftOut() throws IOException {
        GptPartitionTable t = gpt(withEntry(5, 6656, 9000));
        assertEquals(List.of(1, 2, 3), t.partitions().stream().map(Partition::index).toList());
        assertFinding(t.findings(), "gpt-entry-5.last-lba", Severity.ERROR, "partition 5 (LBAs 6656-9000) reaches "
                + "past the last LBA of the disk (8191): left out, as Linux does");
    }

    @Test
    void entryOutsideTheUsableRange() throws IOException {
        GptPartitionTable t = gpt(withEntry(5, 6656, 8180));
        assertEquals(4, t.partitions().size());
        assertFinding(t.findings(), "gpt-entry-5", Severity.ERROR, "partition 5 (LBAs 6656-8180) lies outside the "
                + "usable LBAs 34-8158");
        // over the backup array: also an overlap with nothing else, so just that error
    }

    @Test
    void overlappingEntries() throws IOException {
        GptPartitionTable t = gpt(withEntry(3, 5000, 6655));
        assertFinding(t.findings(), "gpt-entry-3", Severity.ERROR, "partitions 2 and 3 overlap: sectors 5000-5119 "
                + "belong to both");
    }

    @Test
    void duplicateUniqueGuids() throws IOException {
        byte[] b = golden(GPT);
        for (long lba : new long[]{1, LAST_LBA}) {
            System.arraycopy(b, entryAt(b, lba, 1) + 16, b, entryAt(b, lba, 3) + 16, 16);
        }
        fixGpt(b);
        assertFinding(gpt(b).findings(), "gpt-entry-3.unique-guid", Severity.ERROR, "partitions 1 and 3 have the "
                + "same unique GUID 11111111-2222-4333-8444-555555555501");
    }

    @Test
    void unpairedSurrogateInAName() throws IOException {
        byte[] b = golden(GPT);
        for (long lba : new long[]{1, LAST_LBA}) {
            PartitionTestSupport.le(b).putChar(entryAt(b, lba, 2) + GptEntry.OFFSET_NAME, '\uD800');
        }
        fixGpt(b);
        assertEquals("\uFFFDinux root", gpt(b).partition(2).orElseThrow().name());
    }

    // ------------------------------------------------------------ the protective MBR

    @Test
    void protectiveMbr() throws IOException {
        GptPartitionTable t = gpt(golden(GPT));
        assertFalse(t.hybridMbr());
        byte[] b = golden(GPT);
        put32(b, 446 + MbrEntry.OFFSET_START_LBA, 2);
        assertFinding(gpt(b).findings(), "protective-mbr.start-lba", Severity.ERROR, "the protective MBR entry (type "
                + "0xEE) starts at LBA 2, not 1: Linux does not take it for a protective MBR");
        byte[] c = golden(GPT);
        put32(c, 446 + MbrEntry.OFFSET_SECTORS, 0xFFFF_FFFFL);
        assertNoProblems(gpt(c).findings());
        put32(c, 446 + MbrEntry.OFFSET_SECTORS, 100);
        assertFinding(gpt(c).findings(), "protective-mbr.sectors", Severity.WARNING, "covers 100 sectors; the disk "
                + "has 8191 after the MBR");
        // a second entry makes it hybrid
        byte[] d = golden(GPT);
        System.arraycopy(new byte[]{0, 0, 0, 0, 0x0C, 0, 0, 0, 0, 8, 0, 0, 0, 8, 0, 0}, 0, d, 462, 16);
        GptPartitionTable h = gpt(d);
        assertTrue(h.hybridMbr());
        assertFinding(h.findings(), "protective-mbr", Severity.WARNING, "a hybrid MBR");
    }

    @Test
    void tinyDiskWithAProtectiveEntry() {
        byte[] b = Arrays.copyOf(golden(GPT), 512);
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> read(b));
        assertContains(e.getMessage(), "the disk (1 sectors) has no LBA 1 for the GPT header");
    }

    @Test
    void gptHeaderWithoutProtectiveMbr() throws IOException {
        byte[] b = golden(GPT);
        b[510] = 0;
        NoPartitionTable t = assertInstanceOf(NoPartitionTable.class, read(b));
        assertFinding(t.findings(), "mbr.signature", Severity.WARNING, "a GPT header at LBA 1 but no protective MBR");
        byte[] c = golden(GPT);
        c[446 + 4] = (byte) 0x83;
        MbrPartitionTable m = assertInstanceOf(MbrPartitionTable.class, read(c));
        assertFinding(m.findings(), "gpt-header.signature", Severity.WARNING, "no MBR entry of type 0xEE protects it");
        assertEquals(1, m.partitions().size());
    }
}
