package io.vhdkit.fs.ntfs;

import static io.vhdkit.fs.ntfs.NtfsTestSupport.assertFinding;
import static io.vhdkit.fs.ntfs.NtfsTestSupport.assertMessage;
import static io.vhdkit.fs.ntfs.NtfsTestSupport.golden;
import static io.vhdkit.fs.ntfs.NtfsTestSupport.open;
import static io.vhdkit.fs.ntfs.NtfsTestSupport.put16;
import static io.vhdkit.fs.ntfs.NtfsTestSupport.put32;
import static io.vhdkit.fs.ntfs.NtfsTestSupport.put64;
import static io.vhdkit.fs.ntfs.NtfsTestSupport.put8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vhdkit.check.Severity;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.fs.FsInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The boot sector of the golden image, decoded and then corrupted one field at a time. */
class NtfsBootSectorTest {

    private static <T extends FormatException> T fails(Class<T> type, Consumer<byte[]> patch) {
        byte[] b = golden();
        patch.accept(b);
        return assertThrows(type, () -> open(b));
    }

    @Test
    void theGoldenBootSectorDecodes() throws IOException {
        NtfsBootSector bs = NtfsBootSector.decode(ByteBuffer.wrap(golden(), 0, 512));
        assertEquals("NTFS    ", bs.oemId());
        assertEquals(512, bs.bytesPerSector());
        assertEquals(2, bs.sectorsPerCluster());
        assertEquals(0, bs.reservedSectors());
        assertEquals(0xF8, bs.media());
        assertEquals(3 * 2048 - 1, bs.totalSectors(), "the last sector holds the backup boot sector");
        assertEquals(16, bs.mftLcn());
        assertEquals(1535, bs.mftMirrLcn());
        assertEquals(1, bs.clustersPerMftRecord(), "one cluster");
        assertEquals(4, bs.clustersPerIndexRecord());
        assertEquals(0x60DE4E7F5C0FFEE0L, bs.serialNumber());
        assertEquals(0xAA55, bs.endMarker());
        NtfsBootSector.Geometry g = bs.geometry(3 << 20);
        assertEquals(1024, g.clusterSize());
        assertEquals(10, g.clusterShift());
        assertEquals(3071, g.totalClusters());
        assertEquals(1024, g.mftRecordSize());
        assertEquals(4096, g.indexRecordSize());
        assertEquals("60DE4E7F5C0FFEE0", bs.uuid());

        NtfsFileSystem fs = open(golden());
        FsInfo info = fs.info();
        assertEquals("ntfs", info.type());
        assertEquals("GOLDEN", info.label());
        assertEquals("60DE4E7F5C0FFEE0", info.uuid());
        assertEquals(3071L * 1024 + 512, info.size(), "6143 sectors");
        assertEquals(1024, info.blockSize());
        assertEquals(false, info.caseSensitive());
        assertEquals(0, info.anomalies().size(), info.anomalies().toString());
        assertEquals(NtfsFileSystem.ROOT_ID, fs.rootId());
        assertEquals("3.1", fs.version());
    }

    @Test
    void otherVolumesAreNotNtfs() {
        NotThisFormatException e = fails(NotThisFormatException.class,
                b -> System.arraycopy("MSDOS5.0".getBytes(StandardCharsets.US_ASCII), 0, b, 3, 8));
        assertMessage(e, "NTFS boot sector @0x3", "OEM id is \"MSDOS5.0\" - should be \"NTFS    \"");
        assertEquals("boot-sector.oem-id", e.where().code());
        assertMessage(assertThrows(NotThisFormatException.class, () -> open(new byte[100])),
                "too small to hold an NTFS boot sector");
        assertMessage(fails(NotThisFormatException.class, b -> b[3] = 0), "\"\\x00TFS    \"");
    }

    @Test
    void aBitLockerVolumeIsRefusedAsEncrypted() {
        UnsupportedFormatException e = fails(UnsupportedFormatException.class,
                b -> System.arraycopy("-FVE-FS-".getBytes(StandardCharsets.US_ASCII), 0, b, 3, 8));
        assertMessage(e, "encrypted with BitLocker", "cannot be read without the BitLocker key");
        assertEquals("-FVE-FS-", e.actual().orElseThrow());
    }

    @Test
    void eachGeometryFieldIsChecked() {
        assertMessage(fails(CorruptFormatException.class, b -> put16(b, 0x0B, 384)),
                "bytes per sector is 384 - should be a power of two from 256 to 4096");
        assertMessage(fails(CorruptFormatException.class, b -> put16(b, 0x0B, 8192)), "bytes per sector is 8192");
        assertMessage(fails(CorruptFormatException.class, b -> put8(b, 0x0D, 3)),
                "sectors per cluster is 0x03 - should be 1, 2, 4, ... 128, or 0xF4 to 0xFD");
        assertMessage(fails(CorruptFormatException.class, b -> put8(b, 0x0D, 0)), "sectors per cluster is 0x00");
        assertMessage(fails(CorruptFormatException.class, b -> put8(b, 0x0D, 0xF3)), "sectors per cluster is 0xF3");
        // 4096-byte sectors and 2^12 of them: 16 MiB clusters
        assertMessage(fails(UnsupportedFormatException.class, b -> {
            put16(b, 0x0B, 4096);
            put8(b, 0x0D, 0xF4);
        }), "clusters of 16777216 bytes are larger than the 2 MiB Windows allows");
        assertMessage(fails(CorruptFormatException.class, b -> put16(b, 0x0E, 1)),
                "boot sector @0xE: reserved sectors is 1 - should be 0 (unused on NTFS)");
        assertMessage(fails(CorruptFormatException.class, b -> put8(b, 0x10, 2)), "FATs is 2 - should be 0");
        assertMessage(fails(CorruptFormatException.class, b -> put16(b, 0x11, 512)), "root entries is 512");
        assertMessage(fails(CorruptFormatException.class, b -> put16(b, 0x13, 100)), "sectors (16-bit) is 100");
        assertMessage(fails(CorruptFormatException.class, b -> put16(b, 0x16, 9)), "sectors per FAT is 9");
        assertMessage(fails(CorruptFormatException.class, b -> put32(b, 0x20, 6143)), "large sectors is 6143");
        assertMessage(fails(CorruptFormatException.class, b -> put64(b, 0x28, 0)),
                "total sectors is 0 - should be from 1 to 6144");
        assertMessage(fails(CorruptFormatException.class, b -> put64(b, 0x28, 6145)),
                "the filesystem is larger than its volume of 3145728 bytes");
        assertMessage(fails(CorruptFormatException.class, b -> put64(b, 0x30, 0)),
                "MFT LCN is 0 - should be a cluster from 1 to 3070");
        assertMessage(fails(CorruptFormatException.class, b -> put64(b, 0x30, 3071)), "MFT LCN is 3071");
        assertMessage(fails(CorruptFormatException.class, b -> put64(b, 0x38, -5)), "MFT mirror LCN is -5");
        assertMessage(fails(CorruptFormatException.class, b -> put64(b, 0x38, 16)),
                "the MFT and its mirror both start at cluster 16");
        assertMessage(fails(CorruptFormatException.class, b -> put8(b, 0x40, 0)),
                "clusters per MFT record is 0 - should give a record of 512 to 65536 bytes");
        assertMessage(fails(CorruptFormatException.class, b -> put8(b, 0x40, 3)), "clusters per MFT record is 3");
        assertMessage(fails(CorruptFormatException.class, b -> put8(b, 0x40, -8)),
                "clusters per MFT record is -8 (256 bytes)");
        assertMessage(fails(CorruptFormatException.class, b -> put8(b, 0x40, -17)),
                "clusters per MFT record is -17 (131072 bytes)");
        assertMessage(fails(CorruptFormatException.class, b -> put8(b, 0x44, 0x7F)),
                "clusters per index record is 127");
    }

    @Test
    void recordSizesFollowBothEncodings() throws IOException {
        // 2 clusters of 1 KiB per MFT record: 2048-byte records, which the MFT's records are not
        assertMessage(fails(CorruptFormatException.class, b -> put8(b, 0x40, 2)),
                "MFT record 0 @0x4006: update sequence count is 3 - should be 5");
        // index records: -12 is 4096 bytes as well
        byte[] b = golden();
        put8(b, 0x44, -12);
        assertEquals(4096, open(b).geometry().indexRecordSize());
    }

    @Test
    void aMissingEndMarkerIsAWarning() throws IOException {
        byte[] b = golden();
        put16(b, 0x1FE, 0);
        FsInfo info = open(b).info();
        assertFinding(info.anomalies(), "boot-sector.end-marker", Severity.WARNING, "instead of 0xAA55");
    }
}
