package io.vhdkit.vhd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.io.ByteArraySource;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@code child-4m.vhd.gz} over {@code dynamic-4m.vhd.gz}, read in memory. */
class DifferencingGoldenTest {

    private static byte[] child() {
        return Golden.load(DifferencingGoldenTest.class, "child-4m.vhd.gz");
    }

    private static byte[] readAll(byte[] childBytes) throws IOException {
        try (VhdFile parent = VhdFile.open(new ByteArraySource("parent-4m.vhd", DynamicHeaderTest.image()));
             VhdFile child = VhdFile.open(new ByteArraySource("child-4m.vhd", childBytes))) {
            SparseDisk disk = new SparseDisk(child, new SparseDisk(parent, null));
            ByteBuffer all = ByteBuffer.allocate((int) disk.size());
            disk.read(0, all);
            return all.array();
        }
    }

    @Test
    void headerNamesTheParent() throws IOException {
        try (VhdFile child = VhdFile.open(new ByteArraySource("c", child()));
             VhdFile parent = VhdFile.open(new ByteArraySource("p", DynamicHeaderTest.image()))) {
            DynamicHeader h = child.header().orElseThrow();
            assertEquals(DiskType.DIFFERENCING, child.diskType());
            assertEquals("parent-4m.vhd", h.parentName());
            assertEquals(parent.footer().uniqueId(), h.parentUniqueId());
            assertEquals(parent.footer().timestamp(), h.parentTimestamp());
            assertEquals(".\\parent-4m.vhd", child.parentLocators().get(0).path());
            assertEquals("C:\\images\\parent-4m.vhd", child.parentLocators().get(1).path());
            assertTrue(VhdTestSupport.check(child()).stream()
                    .noneMatch(f -> f.severity() == io.vhdkit.check.Severity.ERROR));
        }
    }

    @Test
    void readsOverTheParentAsLibvhdiDoes() throws IOException {
        byte[] expected = Golden.load(DifferencingGoldenTest.class, "child-4m.expected.raw.gz");
        assertArrayEquals(expected, readAll(child()));
    }

    @Test
    void bitmapBitsDecideChildOrParent() throws IOException {
        byte[] b = child();
        byte[] parentRaw = Golden.load(DifferencingGoldenTest.class, "golden-4m.raw.gz");
        try (VhdFile child = VhdFile.open(new ByteArraySource("c", b))) {
            long bitmap = child.bitmapOffset(0);
            b[(int) bitmap] = (byte) 0x7F; // sector 0 back to the parent, sectors 1..7 stay in the child
        }
        byte[] all = readAll(b);
        byte[] expected = Golden.load(DifferencingGoldenTest.class, "child-4m.expected.raw.gz");
        assertArrayEquals(Arrays.copyOfRange(parentRaw, 0, 512), Arrays.copyOfRange(all, 0, 512));
        assertArrayEquals(Arrays.copyOfRange(expected, 512, 4096), Arrays.copyOfRange(all, 512, 4096));
    }

    @Test
    void bitmapOfABlockBeyondTheFileFails() throws IOException {
        byte[] b = child();
        Golden.putInt(b, BatAndFooterCopyTest.BAT, 0x00FF_0000);
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> readAll(b));
        assertTrue(e.getMessage().contains("is unreadable"), e.getMessage());
    }

    @Test
    void blockOverTheLocatorDataIsReported() throws IOException {
        byte[] b = child();
        Golden.putInt(b, BatAndFooterCopyTest.BAT, 4); // sector 4 = byte 2048, the W2ru locator's data
        try (VhdFile f = VhdFile.open(new ByteArraySource("c", b))) {
            VhdTestSupport.assertFinding(f.anomalies(), "bat.entry-0", io.vhdkit.check.Severity.ERROR,
                    "overlaps the VHD metadata at bytes 2048 to 2560");
        }
    }
}
