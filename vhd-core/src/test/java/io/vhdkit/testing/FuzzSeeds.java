package io.vhdkit.testing;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Seeds for the fuzz targets, made at test time from the real images the other tests already use (committed
 * {@code .gz} goldens and fixture images, each with its recipe in a README): a fuzz test names them with
 * {@code @MethodSource}, Jazzer replays them in the normal build and starts its corpus from them when fuzzing.
 */
public final class FuzzSeeds {

    /** libFuzzer's default cap on an input's length; a longer seed is cut there when fuzzing, so it is cut here. */
    public static final int MAX_SEED = 1 << 20;

    private FuzzSeeds() {
    }

    /** Each byte string as one seed, cut at {@link #MAX_SEED}. */
    public static Stream<Arguments> raw(byte[]... seeds) {
        return Arrays.stream(seeds).map(s -> Arguments.of((Object) cut(s)));
    }

    /** Each image as one {@link SparseImage} seed (its non-zero sectors), cut at {@link #MAX_SEED}. */
    public static Stream<Arguments> sparse(byte[]... images) {
        return Arrays.stream(images).map(i -> Arguments.of((Object) cut(SparseImage.encode(i))));
    }

    /** Several files in one input: {@code u32 length} before each but the last (see {@link #split}). */
    public static byte[] join(byte[]... parts) {
        int total = 0;
        for (byte[] p : parts) {
            total += p.length + 4;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(total - 4);
        for (int i = 0; i < parts.length; i++) {
            if (i < parts.length - 1) {
                b.putInt(parts[i].length);
            }
            b.put(parts[i]);
        }
        return b.array();
    }

    /** The inverse of {@link #join}, for any input: lengths are clamped to what is left, missing parts are empty. */
    public static byte[][] split(byte[] input, int parts) {
        byte[][] out = new byte[parts][];
        int at = 0;
        for (int i = 0; i < parts; i++) {
            int n;
            if (i == parts - 1) {
                n = input.length - at;
            } else {
                int declared = input.length - at >= 4 ? java.nio.ByteBuffer.wrap(input, at, 4).getInt() : 0;
                at = Math.min(input.length, at + 4);
                n = (int) Math.min(input.length - at, declared & 0xFFFF_FFFFL);
            }
            out[i] = Arrays.copyOfRange(input, at, at + n);
            at += n;
        }
        return out;
    }

    private static byte[] cut(byte[] b) {
        return b.length > MAX_SEED ? Arrays.copyOf(b, MAX_SEED) : b;
    }
}
