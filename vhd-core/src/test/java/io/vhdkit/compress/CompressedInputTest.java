package io.vhdkit.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.format.FormatException;
import io.vhdkit.image.DiskImage;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.testing.Tools;
import io.vhdkit.vhd.VhdFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compressed inputs made at test time by gzip, xz (one block and 1 MiB blocks), bzip2, zstd and tar from fixture
 * VHDs: the plain copy equals the VHD, zeros are not stored, the bounds hold, and damaged inputs give only
 * FormatExceptions.
 */
class CompressedInputTest {

    @TempDir
    Path dir;

    /** Makes {@code name}'s compressed form with the real tool; returns it. */
    static Path pack(Path vhd, String kind, Path dir) {
        Path copy = dir.resolve(vhd.getFileName());
        try {
            if (!Files.exists(copy)) {
                Tools.check("coreutils", "cp", "--sparse=always", vhd.toString(), copy.toString());
            }
        } catch (RuntimeException e) {
            throw e;
        }
        String c = copy.toString();
        String n = copy.getFileName().toString();
        return switch (kind) {
            case "gz" -> out(dir, n + ".gz", "gzip", "gzip -1 -c '" + c + "'");
            case "xz" -> out(dir, n + ".xz", "xz-utils", "xz -0 -T1 -c '" + c + "'");
            case "xz-blocks" -> out(dir, n + ".blocks.xz", "xz-utils", "xz -0 -T1 --block-size=1MiB -c '" + c + "'");
            case "bz2" -> out(dir, n + ".bz2", "bzip2", "bzip2 -1 -c '" + c + "'");
            case "zst" -> out(dir, n + ".zst", "zstd", "zstd -1 -q -c '" + c + "'");
            case "tar" -> out(dir, n + ".tar", "tar", "tar -C '" + dir + "' -cf - '" + n + "'");
            case "tar.gz" -> out(dir, n + ".tar.gz", "tar", "tar -C '" + dir + "' -cf - '" + n + "' | gzip -1");
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static Path out(Path dir, String name, String pkg, String shell) {
        Path out = dir.resolve(name);
        Tools.requireTool(shell.substring(0, shell.indexOf(' ')), pkg);
        if (shell.contains("| gzip")) {
            Tools.requireTool("gzip", "gzip");
        }
        Tools.check("bash", "bash", "-c", "set -o pipefail; " + shell + " > '" + out + "'");
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gz", "xz", "xz-blocks", "bz2", "zst", "tar", "tar.gz"})
    void plainCopyEqualsTheVhd(String kind) throws IOException {
        Path vhd = Fixtures.vhd("dynamic.vhd");
        Path packed = pack(vhd, kind, dir);
        CompressedInput.Codec expected = switch (kind) {
            case "gz" -> CompressedInput.Codec.GZIP;
            case "xz", "xz-blocks" -> CompressedInput.Codec.XZ;
            case "bz2" -> CompressedInput.Codec.BZIP2;
            case "zst" -> CompressedInput.Codec.ZSTD;
            case "tar" -> CompressedInput.Codec.TAR;
            default -> CompressedInput.Codec.TAR_GZIP;
        };
        assertEquals(expected, CompressedInput.detect(packed));
        Path copy;
        try (CompressedInput in = CompressedInput.open(packed, new CompressedInput.Options(dir.resolve("tmp"),
                Long.MAX_VALUE))) {
            copy = in.path();
            assertTrue(in.compressed());
            assertTrue(copy.startsWith(dir.resolve("tmp")), copy.toString());
            assertArrayEquals(Files.readAllBytes(vhd), Files.readAllBytes(copy));
            if (kind.startsWith("xz")) {
                assertEquals(Files.size(vhd), CompressedInput.xzDeclaredSize(packed), "the xz index's size");
            }
            if (kind.startsWith("tar")) {
                assertEquals("dynamic.vhd", in.member().orElseThrow());
            }
            try (VhdFile f = VhdFile.open(copy)) {
                assertEquals(64L << 20, f.virtualSize());
            }
        }
        assertFalse(Files.exists(copy), "the temporary copy is deleted on close");
    }

    @Test
    void plainFilesAreUsedInPlace() throws IOException {
        Path vhd = Fixtures.vhd("fixed.vhd");
        try (CompressedInput in = CompressedInput.open(vhd, CompressedInput.Options.defaults())) {
            assertFalse(in.compressed());
            assertEquals(vhd, in.path());
        }
        assertTrue(Files.exists(vhd));
    }

    /** A 3 GiB fixed VHD holding a few MiB: the copy stores the data, not the zeros. */
    @Test
    void zerosAreNotWritten() throws IOException {
        Path vhd = Fixtures.vhd("fixed-sparse-3g.vhd");
        Path packed = pack(vhd, "zst", dir);
        try (CompressedInput in = CompressedInput.open(packed, new CompressedInput.Options(dir, Long.MAX_VALUE))) {
            assertEquals(Files.size(vhd), Files.size(in.path()));
            long allocated = Tools.allocatedBytes(in.path());
            assertTrue(allocated <= Tools.allocatedBytes(vhd) + (1 << 20), "allocated " + allocated);
            assertTrue(in.storedBytes() < 64L << 20, "stored " + in.storedBytes());
            assertTrue(Tools.qemuCompare(Tools.opts("vpc", in.path()), Tools.opts("vpc", vhd)));
        }
    }

    /** Data beyond the cap: a clear message naming --temp-dir, and no copy left behind. */
    @Test
    void capOnTemporarySpace() throws IOException {
        Path vhd = Fixtures.vhd("dynamic.vhd");
        Path packed = pack(vhd, "gz", dir);
        Path tmp = dir.resolve("capped");
        TempSpaceException e = assertThrows(TempSpaceException.class,
                () -> CompressedInput.open(packed, new CompressedInput.Options(tmp, 1 << 20)));
        assertTrue(e.getMessage().contains("--temp-dir"), e.getMessage());
        try (var s = Files.list(tmp)) {
            assertEquals(0, s.count(), "no temporary copy left");
        }
    }

    /** 8 GiB of zeros in a few MiB of gzip: expanded, not stored, and not a disk image. */
    @Test
    void zeroBombCostsNoSpace() throws IOException {
        Path bomb = dir.resolve("bomb.vhd.gz");
        byte[] zeros = new byte[1 << 20];
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bomb), 1 << 16)) {
            for (int i = 0; i < 1024; i++) {
                out.write(zeros);
            }
        }
        try (CompressedInput in = CompressedInput.open(bomb, new CompressedInput.Options(dir, 1 << 20))) {
            assertEquals(1L << 30, Files.size(in.path()));
            assertEquals(0, in.storedBytes());
            assertThrows(FormatException.class, () -> VhdFile.open(in.path()));
        }
    }

    /**
     * A gzip holding a 64 MiB dynamic VHD followed by 320 MiB more (its ISIZE is only a hint): decompression stops
     * where the VHD's own header says it must end, long before the temporary space or the global bound.
     */
    @Test
    void aStreamLongerThanTheVhdItHoldsIsABomb() throws IOException {
        Path vhd = Fixtures.vhd("dynamic.vhd");
        Tools.requireTool("gzip", "gzip");
        Path bomb = dir.resolve("long.vhd.gz");
        Tools.check("bash", "bash", "-c", "set -o pipefail; (cat '" + vhd + "'; head -c 320M /dev/zero | tr '\\0' x)"
                + " | gzip -1 > '" + bomb + "'");
        Path tmp = Files.createDirectories(dir.resolve("bomb-tmp"));
        FormatException e = assertThrows(FormatException.class,
                () -> CompressedInput.open(bomb, new CompressedInput.Options(tmp, Long.MAX_VALUE)));
        assertTrue(e.getMessage().contains("decompression bomb"), e.getMessage());
        assertTrue(e.getMessage().contains("dynamic VHD's header"), e.getMessage());
        try (java.util.stream.Stream<Path> left = Files.list(tmp)) {
            assertEquals(0, left.count(), "the partial copy is deleted");
        }
        // the bound is what the header allows (every block allocated, plus slack), far below what the stream holds
        long bound;
        try (VhdFile f = VhdFile.open(vhd)) {
            bound = f.header().orElseThrow().maxTableEntries() * (f.header().orElseThrow().blockSize() + 512);
        }
        assertTrue(bound + VhdExtent.SLACK < 320L << 20, "the test stream is long enough: " + bound);
    }

    @Test
    void tarOfNothingIsRefused() throws IOException {
        Files.createDirectories(dir.resolve("empty/sub"));
        Path tar = out(dir, "empty.tar", "tar", "tar -C '" + dir.resolve("empty") + "' -cf - sub");
        FormatException e = assertThrows(FormatException.class,
                () -> CompressedInput.open(tar, new CompressedInput.Options(dir, Long.MAX_VALUE)));
        assertTrue(e.getMessage().contains("holding no file"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gz", "xz", "bz2", "zst", "tar.gz"})
    void truncatedIsAFormatError(String kind) throws IOException {
        Path packed = pack(Fixtures.vhd("dynamic.vhd"), kind, dir);
        byte[] b = Files.readAllBytes(packed);
        Path cut = dir.resolve("cut." + kind);
        Files.write(cut, java.util.Arrays.copyOf(b, b.length / 2));
        FormatException e = assertThrows(FormatException.class,
                () -> CompressedInput.open(cut, new CompressedInput.Options(dir, Long.MAX_VALUE)));
        assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
    }

    /** Seeded mutations of every codec's bytes: the input opens, or a FormatException says why; nothing else. */
    @ParameterizedTest
    @ValueSource(strings = {"gz", "xz", "xz-blocks", "bz2", "zst", "tar", "tar.gz"})
    void hostileMutations(String kind) throws IOException {
        Path small = dir.resolve("small.vhd");
        // a 1 MiB fixed VHD: quick to mutate many times
        byte[] vhd = Files.readAllBytes(Fixtures.vhd("fixed.vhd"));
        byte[] data = java.util.Arrays.copyOfRange(vhd, 0, 1 << 20);
        Files.write(small, data);
        Path packed = pack(small, kind, dir);
        byte[] original = Files.readAllBytes(packed);
        Random random = new Random(kind.hashCode() * 31L + 7);
        Path mutant = dir.resolve("mutant");
        Path tmp = Files.createDirectories(dir.resolve("mtmp"));
        for (int i = 0; i < 120; i++) {
            byte[] b = original.clone();
            int edits = 1 + random.nextInt(8);
            for (int k = 0; k < edits; k++) {
                int at = random.nextInt(Math.min(b.length, i % 3 == 0 ? 1024 : b.length));
                b[at] = (byte) random.nextInt(256);
            }
            if (i % 10 == 9) {
                b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
            }
            Files.write(mutant, b);
            try (CompressedInput in = CompressedInput.open(mutant, new CompressedInput.Options(tmp, 64L << 20))) {
                try (DiskImage d = DiskImage.open(in.path())) {
                    d.volumes();
                } catch (FormatException expected) {
                    // the decompressed bytes are not a good VHD: fine
                }
            } catch (FormatException expected) {
                // refused with a reason
            } catch (IOException | RuntimeException e) {
                fail(kind + " mutation " + i + " escaped as " + e, e);
            }
        }
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(), s.toList(), "temporary copies left behind");
        }
    }
}
