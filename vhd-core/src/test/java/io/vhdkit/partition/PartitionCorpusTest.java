package io.vhdkit.partition;

import static io.vhdkit.partition.PartitionTestSupport.assertFinding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.fs.fat.FatFileSystem;
import io.vhdkit.fs.fat.RawDisk;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The disks of {@code fixtures/partition} (sfdisk, sgdisk, parted; see its README): every table read and compared
 * with the manifest made from {@code sfdisk -J} (checked there against {@code sgdisk -i} and blkid), and the damaged
 * ones with the findings they must produce.
 */
class PartitionCorpusTest {

    private static Path file(String name) {
        return Fixtures.file("partition", name);
    }

    private record Table(String label, String id, int count) {
    }

    /** One line of partitions.tsv, as the partition vhdkit must read. */
    private record Row(int index, long start, long sectors, String type, String uuid, String name, long attrs,
                       boolean bootable) {
    }

    private static Map<String, Table> tables() throws IOException {
        Map<String, Table> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file("tables.tsv"), StandardCharsets.UTF_8)) {
            if (!line.startsWith("#")) {
                String[] f = line.split("\t", -1);
                out.put(f[0], new Table(f[1], f[2], Integer.parseInt(f[3])));
            }
        }
        return out;
    }

    private static Map<String, List<Row>> rows() throws IOException {
        Map<String, List<Row>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file("partitions.tsv"), StandardCharsets.UTF_8)) {
            if (!line.startsWith("#")) {
                String[] f = line.split("\t", -1);
                out.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new Row(Integer.parseInt(f[1]),
                        Long.parseLong(f[2]), Long.parseLong(f[3]), f[4], f[5], f[6], Long.parseUnsignedLong(f[7]),
                        f[8].equals("1")));
            }
        }
        return out;
    }

    private static PartitionTable read(String image) throws IOException {
        try (RawDisk disk = RawDisk.open(file(image))) {
            return PartitionTable.read(disk);
        }
    }

    /** What vhdkit read, in the manifest's terms. */
    private static Row row(Partition p) {
        String type = p.type() instanceof PartitionType.Mbr m ? Integer.toHexString(m.code()).toUpperCase()
                : p.type().id();
        return new Row(p.index(), p.startLba(), p.sectors(), type,
                p.uniqueId() == null ? "-" : Guids.text(p.uniqueId()), p.name() == null ? "-" : p.name(),
                p.attributes(), p.bootable());
    }

    @Test
    void everyTableMatchesTheManifest() throws IOException {
        Map<String, List<Row>> rows = rows();
        int images = 0;
        for (Map.Entry<String, Table> e : tables().entrySet()) {
            String image = e.getKey();
            Table want = e.getValue();
            PartitionTable t = read(image);
            switch (want.label()) {
                case "dos" -> assertEquals(want.id(), assertInstanceOf(MbrPartitionTable.class, t, image)
                        .diskSignatureText(), image);
                case "gpt" -> assertEquals(UUID.fromString(want.id()), assertInstanceOf(GptPartitionTable.class, t,
                        image).diskGuid(), image);
                default -> assertInstanceOf(NoPartitionTable.class, t, image);
            }
            List<Row> got = t.partitions().stream().map(PartitionCorpusTest::row).toList();
            assertEquals(rows.getOrDefault(image, List.of()), got, image);
            assertEquals(want.count(), got.size(), image);
            images++;
        }
        assertEquals(17, images);
    }

    /** The findings of each image beyond the clean ones; a clean image has none at all. */
    @Test
    void findingsOfEachImage() throws IOException {
        for (String clean : new String[]{"mbr-primary.img", "mbr-logical.img", "mbr-parted.img", "mbr-empty.img",
                "gpt-many.img", "gpt-full-128.img", "gpt-parted.img", "none-zero.img", "none-fat.img",
                "none-fat-mbr.img"}) {
            assertEquals(List.of(), read(clean).findings(), clean);
        }
        List<Finding> loop = read("mbr-ebr-loop.img").findings();
        assertEquals(1, loop.size(), loop.toString());
        assertFinding(loop, "ebr", Severity.ERROR, "loops back to the EBR at LBA 34816");

        List<Finding> t256 = read("gpt-table-256.img").findings();
        assertEquals(1, t256.size(), t256.toString());
        assertFinding(t256, "gpt-entry-256", Severity.WARNING, "partition 256 is past the first 255 entries, the "
                + "only ones Linux reads");

        GptPartitionTable hybrid = assertInstanceOf(GptPartitionTable.class, read("gpt-hybrid.img"));
        assertTrue(hybrid.hybridMbr());
        assertEquals(1, hybrid.findings().size(), hybrid.findings().toString());
        assertFinding(hybrid.findings(), "protective-mbr", Severity.WARNING, "a hybrid MBR");

        GptPartitionTable grown = assertInstanceOf(GptPartitionTable.class, read("gpt-grown.img"));
        assertFalse(grown.backupUsed());
        assertEquals(2, grown.findings().size(), grown.findings().toString());
        assertFinding(grown.findings(), "gpt-header.alternate-lba", Severity.WARNING, "the primary header puts the "
                + "backup at LBA 131071, not at the last LBA 147455");
        assertFinding(grown.findings(), "protective-mbr.sectors", Severity.WARNING, "covers 131071 sectors; the "
                + "disk has 147455");

        GptPartitionTable primary = assertInstanceOf(GptPartitionTable.class, read("gpt-damaged-primary.img"));
        assertTrue(primary.backupUsed());
        assertEquals(1, primary.findings().size(), primary.findings().toString());
        assertFinding(primary.findings(), "gpt-header.header-crc32", Severity.ERROR, "the primary GPT header is "
                + "damaged (header CRC32 is");

        GptPartitionTable array = assertInstanceOf(GptPartitionTable.class, read("gpt-damaged-array.img"));
        assertTrue(array.backupUsed());
        assertFinding(array.findings(), "gpt-header.entries-crc32", Severity.ERROR, "the primary GPT header is "
                + "damaged (entries CRC32 is");

        GptPartitionTable backup = assertInstanceOf(GptPartitionTable.class, read("gpt-damaged-backup.img"));
        assertFalse(backup.backupUsed());
        assertEquals(1, backup.findings().size(), backup.findings().toString());
        assertFinding(backup.findings(), "backup-gpt-header.header-crc32", Severity.ERROR, "the backup GPT header is "
                + "missing or damaged");
    }

    @Test
    void truncatedMbrDiskClipsAndDrops() throws IOException {
        List<Row> source = rows().get("mbr-primary.img");
        MbrPartitionTable t = assertInstanceOf(MbrPartitionTable.class, read("mbr-truncated.img"));
        long end = 30L * 1024 * 1024 / 512;
        List<Row> want = List.of(source.get(0), source.get(1), new Row(3, source.get(2).start(),
                end - source.get(2).start(), source.get(2).type(), "-", "-", 0, false));
        assertEquals(want, t.partitions().stream().map(PartitionCorpusTest::row).toList());
        assertEquals(2, t.findings().size(), t.findings().toString());
        assertFinding(t.findings(), "partition-3", Severity.ERROR, "past the end of the disk (31457280 bytes): cut to");
        assertFinding(t.findings(), "partition-4", Severity.ERROR, "at or past the end of the disk (31457280 bytes): "
                + "left out");
    }

    @Test
    void readsTheFilesystemInAPartitionThroughItsSlice() throws IOException {
        try (RawDisk disk = RawDisk.open(file("gpt-many.img"))) {
            Partition esp = PartitionTable.read(disk).partition(1).orElseThrow();
            assertEquals("EFI System", esp.type().name());
            FatFileSystem fs = FatFileSystem.open(esp.slice(disk));
            assertEquals("ESPGPT", fs.info().label());
            assertEquals("0E5B-0E5B", fs.info().uuid());
            assertEquals(esp.length(), fs.info().size());
        }
        try (RawDisk disk = RawDisk.open(file("none-fat-mbr.img"))) {
            NoPartitionTable t = assertInstanceOf(NoPartitionTable.class, PartitionTable.read(disk));
            assertEquals("sector 0 is a FAT boot sector: a filesystem on the whole disk", t.reason());
            assertEquals("1234-ABCD", FatFileSystem.open(t.wholeDisk(disk)).info().uuid());
        }
    }

    /** Every type vhdkit names is named as util-linux's libfdisk names it ({@code sfdisk -T}). */
    @Test
    void typeNamesAreLibfdisks() throws IOException {
        Map<Integer, String> dos = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file("types-dos.txt"), StandardCharsets.UTF_8)) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("Id")) {
                continue;
            }
            int sp = s.indexOf(' ');
            dos.put(Integer.parseInt(s.substring(0, sp), 16), s.substring(sp).strip());
        }
        assertEquals(dos, PartitionType.MBR_NAMES);
        Map<UUID, String> gpt = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file("types-gpt.txt"), StandardCharsets.UTF_8)) {
            String s = line.strip();
            if (s.length() < 38 || s.startsWith("Id")) {
                continue;
            }
            gpt.put(UUID.fromString(s.substring(0, 36)), s.substring(36).strip());
        }
        PartitionType.GPT_NAMES.forEach((guid, name) -> assertEquals(gpt.get(guid), name, Guids.text(guid)));
        // the types the brief names
        for (UUID g : new UUID[]{PartitionType.Gpt.LINUX_FILESYSTEM, PartitionType.Gpt.LINUX_LVM,
                PartitionType.Gpt.LINUX_SWAP, PartitionType.Gpt.LINUX_ROOT_X86_64, PartitionType.Gpt.LINUX_USR_X86_64,
                PartitionType.Gpt.EFI_SYSTEM, PartitionType.Gpt.MICROSOFT_BASIC_DATA,
                PartitionType.Gpt.MICROSOFT_RESERVED, PartitionType.Gpt.BIOS_BOOT, PartitionType.Gpt.WINDOWS_RECOVERY}) {
            assertTrue(PartitionType.gpt(g).knownName().isPresent(), Guids.text(g));
        }
        assertEquals("unknown (0x99)", PartitionType.mbr(0x99).name());
        assertEquals("unknown (00000000-0000-0000-0000-000000000001)", PartitionType.gpt(new UUID(0, 1)).name());
    }
}
