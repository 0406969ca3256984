package io.vhdkit.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.fs.FileSystem;
import io.vhdkit.image.DiskImage;
import io.vhdkit.image.Volume;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.testing.Tools;
import io.vhdkit.vhd.VhdImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * xz files of several blocks made by the real xz ({@code --block-size}) read in place: random reads equal the plain
 * file, reading a disk's metadata decompresses only the blocks holding it, and a hostile index or a block that
 * disagrees with it gives only FormatExceptions.
 */
class SeekableXzSourceTest {

    @TempDir
    Path dir;

    private Path xzBlocks(Path plain, String blockSize) {
        Path copy = dir.resolve(plain.getFileName());
        Tools.check("coreutils", "cp", "--sparse=always", plain.toString(), copy.toString());
        Tools.requireTool("xz", "xz-utils");
        Path out = dir.resolve(plain.getFileName() + ".xz");
        Tools.check("bash", "bash", "-c", "xz -0 -T1 --block-size=" + blockSize + " -c '" + copy + "' > '" + out + "'");
        return out;
    }

    @Test
    void randomReadsEqualThePlainFile() throws IOException {
        Path vhd = Fixtures.vhd("dynamic.vhd");
        Path xz = xzBlocks(vhd, "1MiB");
        XzIndex index = SeekableXzSource.index(xz);
        assertEquals(Files.size(vhd), index.uncompressedSize());
        assertEquals((Files.size(vhd) + (1 << 20) - 1) >> 20, index.blockCount());
        assertTrue(SeekableXzSource.suits(index));
        byte[] plain = Files.readAllBytes(vhd);
        Random random = new Random(7);
        try (SeekableXzSource s = SeekableXzSource.open(xz, index)) {
            assertEquals(plain.length, s.size());
            for (int i = 0; i < 200; i++) {
                int at = random.nextInt(plain.length);
                int len = Math.min(plain.length - at, random.nextInt(3 << 20));   // often across blocks
                ByteBuffer got = s.read(at, len);
                byte[] want = java.util.Arrays.copyOfRange(plain, at, at + len);
                assertArrayEquals(want, got.array(), "at " + at + " length " + len);
            }
            assertThrows(java.io.EOFException.class, () -> s.read(plain.length - 10, 11));
        }
    }

    /** A 256 MiB disk (GPT, ext4) in 1 MiB xz blocks: opening its volumes decompresses a few blocks, no file. */
    @Test
    void readingMetadataDecompressesOnlyTheBlocksHoldingIt() throws IOException {
        Path vhd = Fixtures.file("linux-disk", "data-only.vhd");
        Path xz = xzBlocks(vhd, "1MiB");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        try (CompressedInput packed = CompressedInput.open(xz, new CompressedInput.Options(tmp, Long.MAX_VALUE)
                .withInPlace())) {
            SeekableXzSource s = packed.inPlace().orElseThrow();
            try (VhdImage image = VhdImage.open(xz, packed.source());
                 DiskImage disk = DiskImage.of(xz.toString(), image, image::bytesRead, null)) {
                assertEquals(256L << 20, disk.disk().size());
                int filesystems = 0;
                for (Volume v : disk.volumes()) {
                    if (disk.fileSystemIfReadable(v).isPresent()) {
                        FileSystem fs = disk.fileSystem(v);
                        fs.list(fs.root());
                        filesystems++;
                    }
                }
                assertTrue(filesystems > 0, "the ext4 volume was read");
            }
            long decompressed = s.bytesDecompressed();
            System.out.printf("seekable xz: %d of %d blocks, %d of %d bytes decompressed: %s%n", s.blocksDecoded(),
                    s.index().blockCount(), decompressed, s.size(), packed.describe());
            assertTrue(decompressed < s.size() / 16, decompressed + " bytes decompressed of " + s.size());
            try (Stream<Path> left = Files.list(tmp)) {
                assertEquals(0, left.count(), "no temporary copy");
            }
        }
    }

    @Test
    void aSingleBlockFileUsesTheTemporaryCopy() throws IOException {
        Path vhd = Fixtures.vhd("dynamic.vhd");
        Path xz = dir.resolve("one.xz");
        Tools.check("bash", "bash", "-c", "xz -0 -T1 -c '" + vhd + "' > '" + xz + "'");
        assertEquals(1, SeekableXzSource.index(xz).blockCount());
        try (CompressedInput packed = CompressedInput.open(xz, new CompressedInput.Options(dir, Long.MAX_VALUE)
                .withInPlace())) {
            assertTrue(packed.inPlace().isEmpty());
            assertArrayEquals(Files.readAllBytes(vhd), Files.readAllBytes(packed.path()));
        }
    }

    /** Two xz files concatenated (legal: several streams) are read front to back, not refused. */
    @Test
    void concatenatedStreamsAreReadThroughTheCopy() throws IOException {
        Path vhd = Fixtures.vhd("dynamic.vhd");
        Path cat = dir.resolve("cat.xz");
        long half = Files.size(vhd) / 2;
        Tools.check("bash", "bash", "-c", "(head -c " + half + " '" + vhd + "' | xz -0 -T1 --block-size=1MiB; tail -c +"
                + (half + 1) + " '" + vhd + "' | xz -0 -T1 --block-size=1MiB) > '" + cat + "'");
        assertTrue(CompressedInput.xzIndex(cat).isEmpty(), "several streams: no single index");
        try (CompressedInput packed = CompressedInput.open(cat, new CompressedInput.Options(dir, Long.MAX_VALUE)
                .withInPlace())) {
            assertTrue(packed.inPlace().isEmpty());
            assertArrayEquals(Files.readAllBytes(vhd), Files.readAllBytes(packed.path()));
        }
    }

    // ---- hostile indexes, built by hand (xz format 1.0.4 section 4) ----

    private static void vli(ByteArrayOutputStream out, long v) {
        while (v >= 0x80) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** An index with {@code count} claimed records and the given (unpadded, uncompressed) pairs, CRC correct. */
    private static ByteBuffer index(long count, long[][] records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        vli(out, count);
        for (long[] r : records) {
            vli(out, r[0]);
            vli(out, r[1]);
        }
        while (out.size() % 4 != 0) {
            out.write(0);
        }
        CRC32 crc = new CRC32();
        crc.update(out.toByteArray());
        int c = (int) crc.getValue();
        out.write(c);
        out.write(c >>> 8);
        out.write(c >>> 16);
        out.write(c >>> 24);
        return ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void anIndexClaimingManyRecordsIsRefused() {
        FormatException e = assertThrows(CorruptFormatException.class,
                () -> XzIndex.parseIndex(index(1L << 40, new long[][] {{100, 100}}), 1000, "x.xz", 1));
        assertTrue(e.getMessage().contains("claims " + (1L << 40) + " blocks"), e.getMessage());
        assertEquals("number of records", e.where().field());
    }

    @Test
    void anIndexClaimingHugeSizesIsRefused() {
        long huge = 1L << 50;
        FormatException e = assertThrows(UnsupportedFormatException.class, () -> XzIndex.parseIndex(
                index(2, new long[][] {{100, huge}, {100, huge}}), 1000, "x.xz", 1));
        assertTrue(e.getMessage().contains("decompression bomb"), e.getMessage());
    }

    @Test
    void aDamagedIndexIsRefused() {
        ByteBuffer bad = index(1, new long[][] {{100, 100}});
        bad.put(2, (byte) 101);   // the record changes, the CRC does not
        assertEquals("CRC32", assertThrows(CorruptFormatException.class,
                () -> XzIndex.parseIndex(bad, 1000, "x.xz", 1)).where().field());
        ByteBuffer padded = index(1, new long[][] {{0x80, 100}});
        padded.put(2, (byte) 0x80);
        padded.put(3, (byte) 0x00);   // a needless zero byte: 0x80 0x00 is not minimal
        assertThrows(CorruptFormatException.class, () -> XzIndex.parseIndex(padded, 1000, "x.xz", 1));
        assertThrows(CorruptFormatException.class,
                () -> XzIndex.parseIndex(index(1, new long[][] {{2, 100}}), 1000, "x.xz", 1), "unpadded size < 5");
        assertThrows(CorruptFormatException.class,
                () -> XzIndex.parseIndex(index(1, new long[][] {{5000, 100}}), 1000, "x.xz", 1), "past the index");
    }

    /** The index says block 0 holds one byte less than it does (CRC fixed): reading it is a format error. */
    @Test
    void aBlockDisagreeingWithTheIndexIsAFormatError() throws IOException {
        Path xz = xzBlocks(Fixtures.vhd("dynamic.vhd"), "1MiB");
        Path bad = dir.resolve("bad.xz");
        byte[] b = Files.readAllBytes(xz);
        ByteBuffer f = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int footerAt = b.length - 12;
        int backward = (f.getInt(footerAt + 4) + 1) * 4;
        int indexAt = footerAt - backward;
        int p = indexAt + 1;
        while ((b[p] & 0x80) != 0) {
            p++;
        }
        p++;   // past the count
        while ((b[p] & 0x80) != 0) {
            p++;
        }
        p++;   // past record 0's unpadded size: its uncompressed size, 1 MiB, is 0x80 0x80 0x40
        assertArrayEquals(new byte[] {(byte) 0x80, (byte) 0x80, 0x40}, java.util.Arrays.copyOfRange(b, p, p + 3));
        b[p] = (byte) 0xFF;
        b[p + 1] = (byte) 0xFF;
        b[p + 2] = 0x3F;   // 1 MiB - 1
        CRC32 crc = new CRC32();
        crc.update(b, indexAt, backward - 4);
        f.putInt(indexAt + backward - 4, (int) crc.getValue());
        Files.write(bad, b);
        XzIndex index = SeekableXzSource.index(bad);
        assertEquals((1 << 20) - 1, index.blocks().get(0).uncompressedSize());
        FormatException e = assertThrows(FormatException.class, () -> {
            try (SeekableXzSource s = SeekableXzSource.open(bad, index)) {
                s.read(0, 4096);
            }
        });
        assertTrue(e.getMessage().contains("bad.xz"), e.getMessage());
    }

    /** Seeded one-byte mutations of a multi-block file: only FormatExceptions, whatever is read. */
    @Test
    void mutantsGiveOnlyFormatExceptions() throws IOException {
        Path xz = xzBlocks(Fixtures.vhd("dynamic-odd.vhd"), "256KiB");
        byte[] good = Files.readAllBytes(xz);
        Random random = new Random(11);
        Path m = dir.resolve("mutant.xz");
        for (int i = 0; i < 300; i++) {
            byte[] b = good.clone();
            int at = i % 3 == 0 ? b.length - 1 - random.nextInt(Math.min(b.length, 400)) : random.nextInt(b.length);
            b[at] ^= (byte) (1 << random.nextInt(8));
            Files.write(m, b);
            try {
                XzIndex index = SeekableXzSource.index(m);
                try (SeekableXzSource s = SeekableXzSource.open(m, index)) {
                    for (long p = 0; p < s.size(); p += 200_000) {
                        s.read(p, (int) Math.min(4096, s.size() - p));
                    }
                }
            } catch (FormatException expected) {
                // fine
            }
        }
    }

    static List<String> unused() {
        return List.of();
    }

    static FileChannel open(Path p) throws IOException {
        return FileChannel.open(p, StandardOpenOption.READ);
    }
}
