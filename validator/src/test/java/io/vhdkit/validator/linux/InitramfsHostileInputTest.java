package io.vhdkit.validator.linux;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.format.FormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random corruption of the golden initramfs images, compressed ones included (the decoders see damaged
 * streams too): reading gives a listing or a {@link FormatException}; never a runtime exception, an error, or a hang.
 */
class InitramfsHostileInputTest {

    private static final int ROUNDS = 6000;
    private static final String[] SEEDS = {"newc.cpio", "crc.cpio", "newc.cpio.gzip", "newc.cpio.xz", "newc.cpio.zst",
        "newc.cpio.lz4", "newc.cpio.lzma", "early-gzip.img", "chain.img"};

    @Test
    void mutatedImagesFailOnlyWithFormatExceptions() {
        byte[][] seeds = Arrays.stream(SEEDS).map(InitramfsGoldenTest::golden).toArray(byte[][]::new);
        Random random = new Random(20261122);
        int listed = 0;
        int failed = 0;
        long deadline = System.nanoTime() + 120_000_000_000L;
        for (int round = 0; round < ROUNDS; round++) {
            int seed = round % seeds.length;
            byte[] b = mutate(seeds[seed], random);
            try {
                Initramfs.read(new ByteArrayInputStream(b), 64L << 20, 10_000);
                listed++;
            } catch (FormatException expected) {
                failed++;
            } catch (IOException | RuntimeException | Error e) {
                fail("round " + round + " (" + SEEDS[seed] + "): " + e, e);
            }
            assertTrue(System.nanoTime() < deadline, "too slow: " + round + " rounds in two minutes");
        }
        assertTrue(listed > ROUNDS / 20 && failed > ROUNDS / 4, listed + " listed, " + failed + " refused");
    }

    /** A few bytes changed, in the headers mostly, or the image cut or extended. */
    private static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        int kind = random.nextInt(12);
        if (kind == 0) {
            return Arrays.copyOf(b, random.nextInt(b.length));
        }
        if (kind == 1) {
            byte[] longer = Arrays.copyOf(b, b.length + random.nextInt(2000));
            if (random.nextBoolean()) {
                for (int i = b.length; i < longer.length; i++) {
                    longer[i] = (byte) random.nextInt(256);
                }
            }
            return longer;
        }
        int changes = 1 + random.nextInt(4);
        for (int i = 0; i < changes; i++) {
            int at = kind < 6 ? random.nextInt(Math.min(b.length, 64)) : random.nextInt(b.length);
            b[at] = switch (random.nextInt(5)) {
                case 0 -> 0;
                case 1 -> (byte) 0xFF;
                case 2 -> (byte) '0';
                default -> (byte) random.nextInt(256);
            };
        }
        return b;
    }
}
