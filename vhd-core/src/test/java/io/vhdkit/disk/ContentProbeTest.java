package io.vhdkit.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhdkit.io.FileByteSource;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The volume probe against volumes made by the real tools, and against blkid's verdict on them. */
class ContentProbeTest {

    private static final Map<String, ContentType> BLKID = Map.of("ext2", ContentType.EXT, "ext4", ContentType.EXT,
            "xfs", ContentType.XFS, "vfat", ContentType.VFAT, "ntfs", ContentType.NTFS, "btrfs", ContentType.BTRFS,
            "swap", ContentType.SWAP, "crypto_LUKS", ContentType.LUKS, "", ContentType.UNKNOWN);

    @ParameterizedTest
    @CsvSource({"ext4, EXT", "ext2, EXT", "xfs, XFS", "fat12, VFAT", "fat16, VFAT", "fat32, VFAT", "ntfs, NTFS",
            "btrfs, BTRFS", "swap, SWAP", "luks1, LUKS", "luks2, LUKS", "zeros, ZEROS", "random, UNKNOWN"})
    void realVolumes(String name, ContentType expected) throws IOException {
        try (RawDisk disk = new RawDisk(FileByteSource.open(Fixtures.file("signatures", name + ".img")))) {
            assertEquals(expected, ContentProbe.probe(disk));
        }
    }

    @Test
    void agreesWithBlkid() throws IOException {
        Map<String, String> blkid = new HashMap<>();
        for (String line : Files.readAllLines(Fixtures.file("signatures", "blkid.tsv"))) {
            String[] f = line.split("\t", -1);
            blkid.put(f[0], f.length > 1 ? f[1] : "");
        }
        for (Map.Entry<String, String> e : blkid.entrySet()) {
            if (e.getKey().equals("zeros")) {
                continue; // blkid says nothing; we say "all zeros"
            }
            try (RawDisk disk = new RawDisk(FileByteSource.open(Fixtures.file("signatures", e.getKey() + ".img")))) {
                assertEquals(BLKID.get(e.getValue()), ContentProbe.probe(disk), e.getKey());
            }
        }
    }

    @Test
    void bitLockerBootSector() {
        ByteBuffer sector = ByteBuffer.allocate(4096);
        sector.put(0, (byte) 0xEB).put(1, (byte) 0x58).put(2, (byte) 0x90);
        sector.put(3, "-FVE-FS-".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        sector.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        assertEquals(ContentType.BITLOCKER, ContentProbe.probe(sector));
    }

    @Test
    void shortVolumes() throws IOException {
        assertEquals(ContentType.ZEROS, ContentProbe.probe(new RawDisk(new io.vhdkit.io.ByteArraySource("e",
                new byte[0]))));
        assertEquals(ContentType.UNKNOWN, ContentProbe.probe(new RawDisk(new io.vhdkit.io.ByteArraySource("s",
                new byte[100]))));
    }
}
