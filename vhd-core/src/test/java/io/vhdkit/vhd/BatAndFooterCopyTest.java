package io.vhdkit.vhd;

import static io.vhdkit.vhd.DynamicHeaderTest.image;
import static io.vhdkit.vhd.VhdTestSupport.assertFinding;
import static io.vhdkit.vhd.VhdTestSupport.check;
import static io.vhdkit.vhd.VhdTestSupport.open;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Severity;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.io.ByteArraySource;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The BAT and the footer copy of {@code dynamic-4m.vhd.gz}: entries at 1536 and 1540, the copy at 0. */
class BatAndFooterCopyTest {

    static final int BAT = 1536;

    /** Opens as a whole image (the reader), for content checks. */
    private static byte[] read(byte[] image, long at, int n) throws IOException {
        try (VhdFile f = open(image)) {
            ByteBuffer dst = ByteBuffer.allocate(n);
            new SparseDisk(f, null).read(at, dst);
            return dst.array();
        }
    }

    @Test
    void entryBeyondTheEndIsReportedAndOnlyThatBlockFails() throws IOException {
        byte[] b = image();
        Golden.putInt(b, BAT + 4, 0x00F0_0000);
        byte[] raw = Golden.load(BatAndFooterCopyTest.class, "golden-4m.raw.gz");
        try (VhdFile f = open(b)) {
            assertFinding(f.anomalies(), "bat.entry-1", Severity.ERROR, "extends past the end of the data area");
            assertEquals(BAT + 4, f.anomalies().get(0).where().offset());
            SparseDisk disk = new SparseDisk(f, null);
            ByteBuffer first = ByteBuffer.allocate(2 << 20);
            disk.read(0, first);
            assertArrayEquals(Arrays.copyOf(raw, 2 << 20), first.array(), "block 0 still reads");
            CorruptFormatException e = assertThrows(CorruptFormatException.class,
                    () -> disk.read(2 << 20, ByteBuffer.allocate(512)));
            assertTrue(e.getMessage().contains("VHD BAT @0x604: block 1 at sector 15728640 is unreadable"),
                    e.getMessage());
        }
    }

    @Test
    void entryIntoTheMetadata() throws IOException {
        byte[] b = image();
        Golden.putInt(b, BAT, 2);
        try (VhdFile f = open(b)) {
            assertFinding(f.anomalies(), "bat.entry-0", Severity.ERROR, "overlaps the VHD metadata at bytes 512 to 1536");
        }
    }

    @Test
    void overlappingBlocks() throws IOException {
        byte[] b = image();
        Golden.putInt(b, BAT + 4, Golden.getInt(b, BAT) + 8);
        assertFinding(check(b), "bat.entry-1", Severity.ERROR, "overlaps block 0");
    }

    @Test
    void paddingNotAllOnes() throws IOException {
        byte[] b = image();
        b[BAT + 100] = 0;
        assertFinding(check(b), "bat.padding", Severity.WARNING, "not all 0xFFFFFFFF");
    }

    @Test
    void damagedEndFooterFallsBackToTheCopy() throws IOException {
        byte[] b = image();
        int end = b.length - 512;
        Golden.putInt(b, end + VhdFooter.OFFSET_CHECKSUM, 0);
        try (VhdFile f = open(b)) {
            assertEquals(FooterLocation.BACKUP_COPY, f.footerLocation());
            assertFinding(f.anomalies(), "footer.checksum", Severity.ERROR, "the copy at offset 0 was used instead");
        }
        byte[] raw = Golden.load(BatAndFooterCopyTest.class, "golden-4m.raw.gz");
        assertArrayEquals(raw, read(b, 0, raw.length));
    }

    @Test
    void zeroedEndFooterFallsBackToTheCopy() throws IOException {
        byte[] b = image();
        Arrays.fill(b, b.length - 512, b.length, (byte) 0);
        try (VhdFile f = open(b)) {
            assertEquals(FooterLocation.BACKUP_COPY, f.footerLocation());
            assertFinding(f.anomalies(), "footer.cookie", Severity.ERROR, "has no \"conectix\" cookie");
        }
    }

    @Test
    void truncatedInTheLastBlock() throws IOException {
        byte[] b = image();
        byte[] cut = Arrays.copyOf(b, b.length - 512 - 1024 * 1024);
        try (VhdFile f = open(cut)) {
            assertEquals(FooterLocation.BACKUP_COPY, f.footerLocation());
            assertEquals(cut.length, f.dataEnd());
            assertFinding(f.anomalies(), "bat.entry-1", Severity.ERROR, "the file is truncated");
        }
    }

    @Test
    void copyDiffersFromTheEndFooter() throws IOException {
        byte[] b = image();
        Golden.putInt(b, VhdFooter.OFFSET_TIMESTAMP, 12345);
        Golden.fixChecksum(b, 0, VhdFooter.SIZE, VhdFooter.OFFSET_CHECKSUM);
        assertFinding(check(b), "footer-copy", Severity.ERROR, "differs from the footer at offset "
                + (b.length - 512) + " (time stamp, checksum)");
    }

    @Test
    void missingCopy() throws IOException {
        byte[] b = image();
        Arrays.fill(b, 0, 512, (byte) 0);
        assertFinding(check(b), "footer-copy", Severity.ERROR, "there is no copy of the footer at offset 0");
    }

    @Test
    void readsMatchTheSourceAcrossBlocksAndSectors() throws IOException {
        byte[] b = image();
        byte[] raw = Golden.load(BatAndFooterCopyTest.class, "golden-4m.raw.gz");
        assertArrayEquals(raw, read(b, 0, raw.length));
        // unaligned ranges, across the block boundary at 2 MiB
        for (int[] r : new int[][] {{1, 1}, {1535, 3}, {(2 << 20) - 700, 1400}, {(4 << 20) - 1, 1}}) {
            assertArrayEquals(Arrays.copyOfRange(raw, r[0], r[0] + r[1]), read(b, r[0], r[1]), r[0] + "+" + r[1]);
        }
    }

    @Test
    void readsOutsideTheDiskFail() throws IOException {
        try (VhdFile f = VhdFile.open(new ByteArraySource("t", image()))) {
            SparseDisk disk = new SparseDisk(f, null);
            CorruptFormatException e = assertThrows(CorruptFormatException.class,
                    () -> disk.read((4 << 20) - 1, ByteBuffer.allocate(2)));
            assertTrue(e.getMessage().contains("lies outside the virtual disk of 4194304 bytes"), e.getMessage());
            assertThrows(CorruptFormatException.class, () -> disk.read(-1, ByteBuffer.allocate(1)));
        }
    }
}
