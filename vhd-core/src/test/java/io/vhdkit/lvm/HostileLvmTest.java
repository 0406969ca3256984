package io.vhdkit.lvm;

import static io.vhdkit.lvm.LvmTestSupport.SECTOR;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.format.FormatException;
import io.vhdkit.io.Extent;
import io.vhdkit.lvm.LvmTestSupport.MemoryDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random corruption of the golden PV heads (label, mda_header, and the metadata text, with the checksums
 * recomputed so that the damage reaches the parser and the decoder): a scan never throws, and reading the LVs or
 * listing their extents gives bytes or a {@link FormatException}; never a runtime exception, an error, or a hang.
 */
class HostileLvmTest {

    private static final int ROUNDS = 4000;
    private static final int MDA = 4096;
    private static final String[] NUMBERS = {"0", "-1", "1", "2", "7", "128", "129", "4294967295", "4294967296",
        "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1.5", "+3", "08"};
    private static final String[] STRINGS = {"\"pv0\"", "\"pv1\"", "\"pv9\"", "\"\"", "\"striped\"", "\"linear\"",
        "\"thin\"", "\"mirror\"", "\"snapshot\"", "\"VISIBLE\"", "[]", "[\"pv0\", 0]", "{", "}", "0"};
    private static final String SPECIAL = "{}[]=,\"'#\n\\ \t-+.0123456789x\u0000\u0080";

    @Test
    void mutatedPvsFailOnlyWithFormatExceptions() {
        byte[][] seeds = {LvmTestSupport.goldenPv("mbr-p2.head.gz").head,
            LvmTestSupport.goldenPv("gpt-p1.head.gz").head,
            LvmTestSupport.goldenPv("wrap.head.gz").head};
        Random random = new Random(20261122);
        int withVg = 0;
        int readable = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] seed = seeds[round % seeds.length];
            byte[] b = seed.clone();
            long size = LvmTestSupport.deviceSize(seed);
            int kind = random.nextInt(12);
            try {
                if (kind < 6) {
                    mutateText(b, random);
                } else if (kind < 8) {
                    flip(b, SECTOR, SECTOR, random);
                    if (random.nextBoolean()) {
                        LvmTestSupport.fixLabel(b);
                    }
                } else if (kind < 10) {
                    flip(b, MDA, SECTOR, random);
                    if (random.nextBoolean()) {
                        LvmTestSupport.fixMda(b, MDA);
                    }
                } else if (kind == 10) {
                    flip(b, MDA, Math.min(b.length - MDA, 40_000), random);
                } else {
                    size = random.nextInt(3) == 0 ? random.nextInt(b.length + 1) : size - random.nextInt(1 << 24);
                    size = Math.max(0, size);
                }
            } catch (RuntimeException e) {
                continue;     // the mutation itself did not apply (text too long for the area, ...)
            }
            MemoryDisk disk = new MemoryDisk(b, size);
            try {
                LvmScan scan = Lvm.scan(List.of(disk), List.of("pv"));
                if (!scan.volumeGroups().isEmpty()) {
                    withVg++;
                }
                for (LvmVolume v : scan.volumes()) {
                    if (exercise(v, random)) {
                        readable++;
                    }
                }
            } catch (IOException | RuntimeException | Error e) {
                fail("round " + round + " (mutation kind " + kind + "): " + e, e);
            }
        }
        assertTrue(withVg > ROUNDS / 4, "many mutants should still have a VG, got " + withVg);
        assertTrue(readable > ROUNDS / 4, "many should still have readable LVs, got " + readable);
    }

    /** Reads a few ranges and lists extents; true when the LV read. */
    private static boolean exercise(LvmVolume v, Random random) throws IOException {
        try {
            long size = v.size();
            for (int i = 0; i < 3 && size > 0; i++) {
                long at = (random.nextLong() & Long.MAX_VALUE) % size;
                int n = (int) Math.min(size - at, 1 + random.nextInt(64 * 1024));
                v.disk().read(at, ByteBuffer.allocate(n));
            }
            for (Extent e : v.disk().allocatedExtents()) {
                assertTrue(e.end() <= size, "extent " + e + " beyond the LV");
            }
            return true;
        } catch (FormatException expected) {
            return false;
        }
    }

    private static void flip(byte[] b, int from, int length, Random random) {
        int changes = 1 + random.nextInt(6);
        for (int i = 0; i < changes; i++) {
            int at = from + random.nextInt(length);
            b[at] = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> (byte) 0xFF;
                default -> (byte) random.nextInt(256);
            };
        }
    }

    /** A token-level change of the committed metadata text, written back with its checksums fixed. */
    private static void mutateText(byte[] b, Random random) {
        String text = LvmTestSupport.text(b, MDA);
        StringBuilder t = new StringBuilder(text);
        int changes = 1 + random.nextInt(3);
        for (int c = 0; c < changes; c++) {
            int at = random.nextInt(t.length());
            switch (random.nextInt(6)) {
                case 0 -> {          // a number becomes another
                    int d = indexOfDigit(t, at);
                    if (d >= 0) {
                        int e = d;
                        while (e < t.length() && Character.isDigit(t.charAt(e))) {
                            e++;
                        }
                        t.replace(d, e, NUMBERS[random.nextInt(NUMBERS.length)]);
                    }
                }
                case 1 -> {          // a string becomes another value
                    int q = t.indexOf("\"", at);
                    int e = q < 0 ? -1 : t.indexOf("\"", q + 1);
                    if (e > q) {
                        t.replace(q, e + 1, STRINGS[random.nextInt(STRINGS.length)]);
                    }
                }
                case 2 -> t.deleteCharAt(at);
                case 3 -> t.insert(at, SPECIAL.charAt(random.nextInt(SPECIAL.length())));
                case 4 -> {          // a line repeated elsewhere
                    int s = t.lastIndexOf("\n", at) + 1;
                    int e = t.indexOf("\n", at);
                    if (e > s) {
                        String line = t.substring(s, e + 1);
                        t.insert(random.nextInt(t.length()), line);
                    }
                }
                default -> {         // a line removed
                    int s = t.lastIndexOf("\n", at) + 1;
                    int e = t.indexOf("\n", at);
                    if (e > s) {
                        t.delete(s, e + 1);
                    }
                }
            }
        }
        long areaSize = LvmTestSupport.le(b).getLong(MDA + 32);
        if (t.length() + 1 > areaSize - SECTOR - 1 || MDA + areaSize > b.length) {
            throw new IllegalStateException("does not fit");
        }
        LvmTestSupport.replaceText(b, MDA, t.toString());
    }

    private static int indexOfDigit(CharSequence s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
