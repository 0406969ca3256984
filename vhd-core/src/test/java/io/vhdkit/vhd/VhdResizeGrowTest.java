package io.vhdkit.vhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Severity;
import io.vhdkit.disk.RawDisk;
import io.vhdkit.io.ByteArraySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Growing a dynamic VHD in place: the grown part reads as zeros, also on a disk that another tool shrank without
 * unallocating the blocks past its size or clearing the rest of its last block (a footer rewritten with a smaller
 * current size, the BAT and data left as they were).
 */
class VhdResizeGrowTest {

    private static final long MIB = 1 << 20;
    private static final byte DATA = 0x5A;

    @Test
    void aDiskShrunkWithoutClearingGrowsWithZeros(@TempDir Path dir) throws IOException {
        Path vhd = dynamicOfData(dir, 8 * MIB);
        shrinkFooterOnly(vhd, 3 * MIB);   // block 1 half past the size, blocks 2 and 3 still allocated

        VhdResize.Outcome o = VhdResize.resize(vhd, 8 * MIB);

        assertFalse(o.refused(), o::toString);
        assertTrue(o.actions().contains("zeroed block 1 past the old size"), o.actions()::toString);
        assertTrue(o.actions().stream().anyMatch(a -> a.startsWith("unallocated 2 BAT entries past the old size")),
                o.actions()::toString);
        try (VhdImage image = VhdImage.open(vhd)) {
            assertEquals(8 * MIB, image.size());
            assertTrue(all(image, 0, 3 * MIB, DATA), "the data below the old size is kept");
            assertTrue(all(image, 3 * MIB, 5 * MIB, (byte) 0), "the grown part reads as zeros");
        }
        try (VhdFile file = VhdFile.open(vhd)) {
            var errors = new VhdChecker(VhdTestSupport.CLOCK).checkFile(file).stream()
                    .filter(f -> f.severity() == Severity.ERROR).toList();
            assertTrue(errors.isEmpty(), errors::toString);
        }
    }

    @Test
    void aCleanDiskGrowsWithoutTouchingItsBlocks(@TempDir Path dir) throws IOException {
        Path vhd = dynamicOfData(dir, 3 * MIB);

        VhdResize.Outcome o = VhdResize.resize(vhd, 8 * MIB);

        assertFalse(o.refused(), o::toString);
        assertTrue(o.actions().stream().noneMatch(a -> a.contains("past the old size")), o.actions()::toString);
        try (VhdImage image = VhdImage.open(vhd)) {
            assertTrue(all(image, 0, 3 * MIB, DATA));
            assertTrue(all(image, 3 * MIB, 5 * MIB, (byte) 0));
        }
    }

    /** A dynamic VHD made by vhdkit's writer, every byte of its {@code size} {@link #DATA}. */
    private static Path dynamicOfData(Path dir, long size) throws IOException {
        byte[] bytes = new byte[(int) size];
        Arrays.fill(bytes, DATA);
        Path vhd = dir.resolve("d.vhd");
        VhdWriter.write(new RawDisk(new ByteArraySource("data", bytes)), vhd,
                VhdWriter.Options.of(DiskType.DYNAMIC, size, false));
        return vhd;
    }

    /** What a careless tool does: both footers say {@code size}, nothing else changes. */
    private static void shrinkFooterOnly(Path vhd, long size) throws IOException {
        long footerAt;
        byte[] footer;
        try (VhdFile file = VhdFile.open(vhd)) {
            footerAt = file.footerOffset();
            footer = file.footer().resized(size).encode();
        }
        try (FileChannel ch = FileChannel.open(vhd, StandardOpenOption.WRITE)) {
            VhdWriter.writeFully(ch, ByteBuffer.wrap(footer), footerAt);
            VhdWriter.writeFully(ch, ByteBuffer.wrap(footer), 0);
        }
    }

    private static boolean all(VhdImage image, long from, long length, byte value) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) length);
        image.read(from, b);
        for (int i = 0; i < b.capacity(); i++) {
            if (b.get(i) != value) {
                return false;
            }
        }
        return true;
    }
}
