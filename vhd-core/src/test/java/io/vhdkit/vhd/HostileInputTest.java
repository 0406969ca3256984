package io.vhdkit.vhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.FormatException;
import io.vhdkit.io.ByteArraySource;
import io.vhdkit.io.Extent;
import io.vhdkit.testing.FuzzSeeds;
import io.vhdkit.testing.Golden;
import io.vhdkit.testing.SparseImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random corruption of the golden images: whatever the bytes, opening, checking, reading and listing extents
 * give a result or a {@link FormatException}; never a runtime exception, an error, or a hang. (The Jazzer fuzz
 * targets of the hardening issue go further; this keeps the property in every build.)
 */
class HostileInputTest {

    private static final int ROUNDS = 3000;

    @Test
    void mutatedImagesFailOnlyWithFormatExceptions() {
        byte[][] seeds = {Golden.load(getClass(), "fixed-1m.vhd.gz"), DynamicHeaderTest.image(),
                Golden.load(getClass(), "child-4m.vhd.gz")};
        byte[] parent = DynamicHeaderTest.image();
        Random random = new Random(20261122);
        int opened = 0;
        long deadline = System.nanoTime() + 120_000_000_000L;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] b = mutate(seeds[round % seeds.length], random);
            try {
                if (exercise(b, parent, random)) {
                    opened++;
                }
            } catch (FormatException expected) {
                // the one allowed failure
            } catch (IOException | RuntimeException | Error e) {
                fail("round " + round + ": " + e, e);
            }
            assertTrue(System.nanoTime() < deadline, "too slow: " + round + " rounds in two minutes");
        }
        assertTrue(opened > ROUNDS / 10, "most mutants should still open, got " + opened);
    }

    /**
     * A fuzzer's finding (VhdFileFuzzTest, kept as its input): a differencing disk whose W2ru locator's data offset
     * is negative as a signed 64-bit number; the checker's finding about the locator placed itself at that offset
     * and threw an IllegalArgumentException. It is now an error at the locator's entry in the dynamic header.
     */
    @Test
    void aLocatorWhoseDataOffsetIsOutsideTheFileIsAFindingAtItsEntry() throws IOException {
        byte[] input;
        try (var in = getClass().getResourceAsStream("VhdFileFuzzTestInputs/vhdFile/locator-data-offset-negative")) {
            input = in.readAllBytes();
        }
        try (VhdFile file = VhdFile.open(SparseImage.decode(input).source("finding.vhd"))) {
            List<Finding> findings = new VhdChecker(VhdTestSupport.CLOCK).checkFile(file);
            Finding locator = findings.stream()
                    .filter(f -> f.severity() == Severity.ERROR && f.where().structure().equals("parent locator"))
                    .findFirst().orElseThrow(() -> new AssertionError("no locator error in " + findings));
            long entries = file.headerOffset() + DynamicHeader.OFFSET_PARENT_LOCATORS;
            assertTrue(locator.where().offset() >= entries
                    && locator.where().offset() < entries + 8L * ParentLocatorEntry.SIZE, locator.toString());
        }
    }

    /**
     * A fuzzer's finding (VhdChainFuzzTest; kept under findings/, not among the target's inputs, where it would seed
     * every fuzzing run with its slow mutants): a child whose BAT holds a great many entries that
     * point past the data area. Every one was described in a message, listed or not, and opening the file took 4 s
     * of CPU under the fuzzer's instrumentation. The bad entries are all marked, the first few are listed and the
     * rest counted in one finding.
     */
    @Test
    void aBatOfManyEntriesPastTheDataAreaIsListedBriefly() throws IOException {
        byte[] input;
        try (var in = getClass().getResourceAsStream("findings/bat-entries-past-the-data-area-slow")) {
            input = in.readAllBytes();
        }
        byte[] child = FuzzSeeds.split(input, 2)[0];
        try (VhdFile file = VhdFile.open(SparseImage.decode(child).source("child.vhd"))) {
            List<Finding> bat = file.anomalies().stream().filter(f -> f.where().structure().equals("BAT")).toList();
            assertEquals(VhdFile.MAX_LISTED_BAD_ENTRIES + 1, bat.size(), bat::toString);
            String more = bat.get(bat.size() - 1).message();
            assertTrue(more.matches("\\d+ more BAT entries point outside the data area")
                    && Long.parseLong(more.split(" ")[0]) > 1000, more);
        }
    }

    /** Opens, checks, reads a few ranges and lists extents; true when the file opened. */
    private static boolean exercise(byte[] b, byte[] parent, Random random) throws IOException {
        try (VhdFile file = VhdFile.open(new ByteArraySource("m.vhd", b))) {
            new VhdChecker(VhdTestSupport.CLOCK).checkFile(file);
            VirtualDisk disk = switch (file.diskType()) {
                case FIXED -> new FixedDisk(file);
                case DYNAMIC -> new SparseDisk(file, null);
                case DIFFERENCING -> new SparseDisk(file, new SparseDisk(VhdFile.open(new ByteArraySource("p.vhd",
                        parent)), null));
            };
            long size = disk.size();
            for (int i = 0; i < 4; i++) {
                long at = (random.nextLong() & Long.MAX_VALUE) % size;
                int n = (int) Math.min(size - at, 1 + random.nextInt(256 * 1024));
                disk.read(at, ByteBuffer.allocate(n));
            }
            for (Extent e : disk.allocatedExtents()) {
                assertTrue(e.end() <= size, "extent " + e + " beyond the disk");
            }
            return true;
        }
    }

    /** A few bytes changed in the metadata (footer, its copy, header, BAT, bitmap), or the file cut or extended. */
    private static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        int kind = random.nextInt(10);
        if (kind == 0) {
            return Arrays.copyOf(b, random.nextInt(b.length));
        }
        if (kind == 1) {
            return Arrays.copyOf(b, b.length + random.nextInt(10_000));
        }
        int[] hot = {0, 512, 1536, 2048, 3072, b.length - 512};
        int changes = 1 + random.nextInt(8);
        for (int i = 0; i < changes; i++) {
            int base = hot[random.nextInt(hot.length)];
            int at = Math.min(b.length - 1, base + random.nextInt(1024));
            b[at] = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> (byte) 0xFF;
                default -> (byte) random.nextInt(256);
            };
        }
        if (random.nextBoolean()) {
            // keep the checksums right, so that the mutation reaches the code behind them
            Golden.fixChecksum(b, b.length - 512, 512, VhdFooter.OFFSET_CHECKSUM);
            Golden.fixChecksum(b, 0, 512, VhdFooter.OFFSET_CHECKSUM);
            if (b.length > 1536) {
                Golden.fixChecksum(b, 512, 1024, DynamicHeader.OFFSET_CHECKSUM);
            }
        }
        return b;
    }
}
