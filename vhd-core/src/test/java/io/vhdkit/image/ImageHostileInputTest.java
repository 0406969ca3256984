package io.vhdkit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.disk.RawDisk;
import io.vhdkit.format.FormatException;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.fs.Resolved;
import io.vhdkit.io.ByteArraySource;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The whole stack on damaged disks: seeded random bytes in the partition table, the FAT ESP and the ext4 root of a
 * small real disk (fixtures/linux-disk small-root.raw), then partition table, volumes, layout, listing and reading.
 * Only the checked family and "not found" answers are allowed; never a runtime exception, an error or a hang.
 */
class ImageHostileInputTest {

    /** Rounds and seed; a longer campaign: {@code -Dvhdkit.hostile.rounds=100000 -Dvhdkit.hostile.seed=N}. */
    private static final int ROUNDS = Integer.getInteger("vhdkit.hostile.rounds", 1500);
    private static final long SEED = Long.getLong("vhdkit.hostile.seed", 20261122L);

    @Test
    void mutatedDisksFailOnlyWithCheckedExceptions() throws IOException {
        byte[] disk = Files.readAllBytes(Fixtures.file("linux-disk", "small-root.raw"));
        assertEquals("ID=debian\nVERSION_ID=\"12\"\n", osRelease(disk).orElseThrow(), "the pristine disk reads");
        Random random = new Random(SEED);
        // hot spots: the GPT (LBA 0-33), the ESP's boot sector, FATs and root directory, the ext4 root's superblock,
        // group descriptors, bitmaps, inode table and first directory blocks
        long[][] areas = {{0, 34 * 512}, {1 << 20, (1 << 20) + 64 * 1024}, {5 << 20, (5 << 20) + 1024 * 1024}};
        // most of those areas are zeros; the structures are where the bytes are not
        int[] live = java.util.stream.IntStream.range(0, disk.length).filter(i -> disk[i] != 0
                && java.util.Arrays.stream(areas).anyMatch(a -> i >= a[0] && i < a[1])).toArray();
        int readable = 0;
        int refused = 0;
        long deadline = System.nanoTime() + Math.max(180, ROUNDS / 10) * 1_000_000_000L;
        for (int round = 0; round < ROUNDS; round++) {
            int n = 1 + random.nextInt(16);
            int[] at = new int[n];
            byte[] was = new byte[n];
            for (int i = 0; i < n; i++) {
                if (random.nextInt(4) > 0) {
                    at[i] = live[random.nextInt(live.length)];
                } else {
                    long[] area = areas[random.nextInt(areas.length)];
                    at[i] = (int) (area[0] + random.nextInt((int) (area[1] - area[0])));
                }
                was[i] = disk[at[i]];
                disk[at[i]] = (byte) (random.nextBoolean() ? random.nextInt(256) : random.nextBoolean() ? 0 : 0xFF);
            }
            try {
                if (osRelease(disk).isPresent()) {
                    readable++;
                }
            } catch (FormatException | NoSuchFileException | NotDirectoryException | FileSystemLoopException expected) {
                refused++; // a refusal in the checked family, or a path the damage removed
            } catch (IOException | RuntimeException | Error e) {
                fail("round " + round + ": " + e, e);
            } finally {
                for (int i = n - 1; i >= 0; i--) {
                    disk[at[i]] = was[i];
                }
            }
            assertTrue(System.nanoTime() < deadline, "too slow: " + round + " rounds");
        }
        assertTrue(readable > ROUNDS / 10, "many mutants still read, got " + readable);
        assertTrue(refused > ROUNDS / 20, "the damage reaches the parsers: " + refused + " refusals");
    }

    /** Everything a command does: volumes, layout, a listing of each directory on the way, reading files. */
    private static Optional<String> osRelease(byte[] bytes) throws IOException {
        try (DiskImage image = DiskImage.of("small-root", new RawDisk(new ByteArraySource("small-root", bytes)),
                () -> 0, null)) {
            for (Volume v : image.volumes()) {
                image.fileSystemIfReadable(v);
            }
            if (image.layout().rootVolume().isEmpty()) {
                return Optional.empty();
            }
            PathResolver r = image.resolver(Optional.empty());
            for (String dir : new String[] {"/", "/home/user", "/boot/efi/EFI/BOOT", "/bin"}) {
                Resolved d = r.resolve(dir, true);
                if (d.node().type() == FileType.DIRECTORY) {
                    for (DirEntry e : d.fs().list(d.node())) {
                        d.fs().node(e.id());
                    }
                }
            }
            Resolved f = r.resolve("/etc/os-release", true);
            if (f.node().type() != FileType.REGULAR) {
                return Optional.empty();
            }
            r.find("/boot/efi/EFI/BOOT/BOOTX64.EFI", true).ifPresent(x -> { });
            return Optional.of(new String(FsFiles.readAll(f.fs(), f.node(), 1 << 20)));
        }
    }
}
