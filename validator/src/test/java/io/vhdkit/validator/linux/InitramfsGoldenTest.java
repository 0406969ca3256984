package io.vhdkit.validator.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.testing.Golden;
import io.vhdkit.validator.linux.Initramfs.Compression;
import io.vhdkit.validator.linux.Initramfs.Listing;
import io.vhdkit.validator.linux.Initramfs.Part;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The initramfs reader on golden images made by GNU cpio, gzip, xz, zstd, lz4 and lzma (mkgolden.sh beside the
 * resources): each listing equals {@code cpio -t}'s, and one field at a time corrupted gives its message.
 */
class InitramfsGoldenTest {

    static byte[] golden(String name) {
        return Golden.load(InitramfsGoldenTest.class, name);
    }

    static List<String> lines(String name) {
        return Arrays.asList(new String(golden(name), StandardCharsets.UTF_8).split("\n"));
    }

    static Listing read(byte[] b) throws IOException {
        return Initramfs.read(new ByteArrayInputStream(b));
    }

    static List<String> names(Listing l) {
        return l.entries().stream().map(CpioEntry::name).toList();
    }

    @Test
    void newcListsWhatCpioLists() throws IOException {
        Listing l = read(golden("newc.cpio"));
        assertEquals(lines("newc.cpio.list"), names(l));
        assertEquals(List.of(new Part(0, Compression.NONE, 1, 19)), l.parts());
        CpioEntry vmbus = l.entries().stream().filter(e -> e.baseName().equals("hv_vmbus.ko.xz")).findFirst()
                .orElseThrow();
        assertEquals("usr/lib/modules/6.1.0-golden/kernel/drivers/hv/hv_vmbus.ko.xz", vmbus.name());
        assertEquals(22, vmbus.size());
        assertTrue(vmbus.isRegularFile());
        CpioEntry bin = l.entries().stream().filter(e -> e.name().equals("bin")).findFirst().orElseThrow();
        assertTrue(bin.isSymlink());
        assertEquals(7, bin.size()); // "usr/bin"
        assertTrue(l.entries().get(0).isDirectory());
    }

    @Test
    void crcFormatIsReadAndItsChecksumChecked() throws IOException {
        byte[] b = golden("crc.cpio");
        assertEquals(lines("crc.cpio.list"), names(read(b)));
        int data = indexOf(b, "vmbus module stand-in");
        b[data] = 'V';
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> read(b));
        assertTrue(e.getMessage().matches("initramfs cpio header in the initramfs @0x[0-9A-F]+: c_check of "
                + "usr/lib/modules/6.1.0-golden/kernel/drivers/hv/hv_vmbus.ko.xz is 0x0000[0-9A-F]{4} - the data sums "
                + "to 0x0000[0-9A-F]{4}"), e.getMessage());
    }

    @Test
    void everyCompressionListsTheSameArchive() throws IOException {
        List<String> expected = lines("newc.cpio.list");
        String[][] cases = {{"newc.cpio.gzip", "GZIP"}, {"newc.cpio.xz", "XZ"}, {"newc.cpio.zst", "ZSTD"},
            {"newc.cpio.lz4", "LZ4"}, {"newc.cpio.lzma", "LZMA"}};
        for (String[] c : cases) {
            Listing l = read(golden(c[0]));
            assertEquals(expected, names(l), c[0]);
            assertEquals(List.of(new Part(0, Compression.valueOf(c[1]), 1, 19)), l.parts(), c[0]);
        }
    }

    @Test
    void earlyMicrocodeArchiveBeforeTheCompressedOne() throws IOException {
        Listing l = read(golden("early-gzip.img"));
        List<String> expected = new ArrayList<>(lines("early.cpio.list"));
        expected.addAll(lines("newc.cpio.list"));
        assertEquals(expected, names(l));
        assertEquals(List.of(new Part(0, Compression.NONE, 1, 5), new Part(1024, Compression.GZIP, 1, 19)),
                l.parts());
        assertEquals(0, l.entries().get(4).segment());
        assertEquals(1, l.entries().get(5).segment());
    }

    @Test
    void eachCompressedPartEndsWhereItsStreamEnds() throws IOException {
        Listing l = read(golden("chain.img"));
        long gz = golden("newc.cpio.gzip").length;
        long xz = golden("newc.cpio.xz").length;
        long zst = golden("newc.cpio.zst").length;
        long lzma = golden("newc.cpio.lzma").length;
        assertEquals(List.of(new Part(0, Compression.NONE, 1, 5), new Part(1024, Compression.GZIP, 1, 19),
                new Part(1024 + gz, Compression.XZ, 1, 19), new Part(1024 + gz + xz, Compression.ZSTD, 1, 19),
                new Part(1024 + gz + xz + zst, Compression.LZMA, 1, 19),
                new Part(1024 + gz + xz + zst + lzma, Compression.LZ4, 1, 19)), l.parts());
        assertEquals(5 + 5 * 19, l.entries().size());
    }

    @Test
    void readingStopsAtTheMemberTheCallerWaitsFor() throws IOException {
        // chain.img: the early archive, then five compressed copies; stop in the first (gzip) copy
        Listing l = Initramfs.read(new ByteArrayInputStream(golden("chain.img")),
                e -> e.name().endsWith("hv_netvsc.ko"));
        assertEquals(false, l.complete());
        assertEquals(5 + 17, l.entries().size());
        assertEquals("usr/lib/modules/6.1.0-golden/kernel/drivers/net/hyperv/hv_netvsc.ko",
                l.entries().get(l.entries().size() - 1).name());
        assertEquals(List.of(Compression.NONE), l.parts().stream().map(Part::compression).toList());
        assertEquals(true, Initramfs.read(new ByteArrayInputStream(golden("chain.img")), e -> false).complete());
    }

    @Test
    void theDecodersDoNotCloseTheInitramfsUnderneath() throws IOException {
        // xz and zstd close their input when closed; the part after theirs must still be read from the same file
        byte[] chain = golden("chain.img");
        InputStream refusingAfterClose = new FilterInputStream(new ByteArrayInputStream(chain)) {
            private boolean closed;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (closed) {
                    throw new IOException("read after close");
                }
                return super.read(b, off, len);
            }

            @Override
            public int read() throws IOException {
                if (closed) {
                    throw new IOException("read after close");
                }
                return super.read();
            }

            @Override
            public void close() {
                closed = true;
            }
        };
        assertEquals(6, Initramfs.read(refusingAfterClose).parts().size());
    }

    @Test
    void oldPortableCpioIsRefused() {
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> read(golden("odc.cpio")));
        assertEquals("initramfs cpio header in the initramfs @0x0: c_magic is \"070707\" - should be 070701 or "
                + "070702 (newc): an old binary-portable cpio, which Linux refuses", e.getMessage());
        byte[] b = golden("newc.cpio");
        b[3] = 'X';
        assertEquals("initramfs cpio header in the initramfs @0x0: c_magic is \"070X01\" - should be 070701 or "
                + "070702 (newc)", assertThrows(CorruptFormatException.class, () -> read(b)).getMessage());
    }

    @Test
    void headerFieldsAreChecked() {
        byte[] b = golden("newc.cpio");
        b[CpioReader.OFFSET_MODE + 3] = 'G';
        assertEquals("initramfs cpio header in the initramfs @0xE: c_mode is \"000G41ED\" - should be 8 hex digits",
                assertThrows(CorruptFormatException.class, () -> read(b)).getMessage());
        byte[] c = golden("newc.cpio");
        System.arraycopy("00000000".getBytes(StandardCharsets.US_ASCII), 0, c, CpioReader.OFFSET_NAMESIZE, 8);
        assertEquals("initramfs cpio header in the initramfs @0x5E: c_namesize is 0 - should be 1 to 4096",
                assertThrows(CorruptFormatException.class, () -> read(c)).getMessage());
        byte[] d = golden("newc.cpio");
        System.arraycopy("00002000".getBytes(StandardCharsets.US_ASCII), 0, d, CpioReader.OFFSET_NAMESIZE, 8);
        assertEquals("initramfs cpio header in the initramfs @0x5E: c_namesize is 8192 - should be 1 to 4096",
                assertThrows(CorruptFormatException.class, () -> read(d)).getMessage());
        byte[] e = golden("newc.cpio");
        e[CpioReader.HEADER_SIZE + 1] = 'x'; // the first name is ".", namesize 2: its NUL overwritten
        assertEquals("initramfs cpio header in the initramfs @0x6E: the name is not NUL-terminated within its "
                + "c_namesize of 2", assertThrows(CorruptFormatException.class, () -> read(e)).getMessage());
    }

    @Test
    void truncationIsNamed() {
        byte[] b = golden("newc.cpio");
        int data = indexOf(b, "vmbus module stand-in");
        assertEquals("initramfs cpio header in the initramfs @0x" + Integer.toHexString(data).toUpperCase()
                        + ": the data ends inside usr/lib/modules/6.1.0-golden/kernel/drivers/hv/hv_vmbus.ko.xz "
                        + "(10 of 22 bytes)",
                assertThrows(CorruptFormatException.class, () -> read(Arrays.copyOf(b, data + 10))).getMessage());
        assertEquals("initramfs cpio header in the initramfs @0x0: the data ends inside a cpio header (50 of 110 "
                + "bytes)", assertThrows(CorruptFormatException.class, () -> read(Arrays.copyOf(b, 50)))
                .getMessage());
    }

    @Test
    void gzipTrailerAndHeaderAreChecked() throws IOException {
        byte[] gz = golden("newc.cpio.gzip");
        byte[] a = gz.clone();
        a[a.length - 8] ^= 1;
        assertTrue(assertThrows(CorruptFormatException.class, () -> read(a)).getMessage()
                .matches("initramfs gzip member at 0x0 @0x1BC: CRC32 is 0x[0-9A-F]{8} - the decompressed data's is "
                        + "0x[0-9A-F]{8}"));
        byte[] b = gz.clone();
        b[b.length - 4] ^= 1;
        assertEquals("initramfs gzip member at 0x0 @0x1C0: ISIZE is 3073 - should be 3072",
                assertThrows(CorruptFormatException.class, () -> read(b)).getMessage());
        byte[] c = gz.clone();
        c[3] = (byte) 0x80;
        assertEquals("initramfs gzip member at 0x0 @0x3: FLG is 80 - should be reserved bits 5-7 clear",
                assertThrows(CorruptFormatException.class, () -> read(c)).getMessage());
        byte[] d = gz.clone();
        d[2] = 7;
        assertEquals("initramfs gzip member at 0x0 @0x2: CM is 07 - should be 08 (deflate)",
                assertThrows(UnsupportedFormatException.class, () -> read(d)).getMessage());
        byte[] e = Arrays.copyOf(gz, 200);
        assertEquals("initramfs gzip member at 0x0 @0xA: the data ends inside the gzip data (0 bytes decompressed)",
                assertThrows(CorruptFormatException.class, () -> read(e)).getMessage().replaceAll(
                        "\\(\\d+ bytes", "(0 bytes"));
    }

    @Test
    void zstdFrameHeaderAndBlocksAreChecked() {
        byte[] zst = golden("newc.cpio.zst");
        byte[] a = zst.clone();
        a[4] |= 0x08;
        assertTrue(assertThrows(CorruptFormatException.class, () -> read(a)).getMessage()
                .startsWith("initramfs zstd frame at 0x0 @0x4: Frame_Header_Descriptor is 0x"));
        // a window descriptor asking for 2 GiB, in a frame that is not single-segment
        byte[] b = zst.clone();
        b[4] = 0x00;
        b[5] = (byte) 0xA8;
        assertEquals("initramfs zstd frame at 0x0 @0x5: the zstd frame's window is 2147483648 bytes, more than the "
                + "128 MiB Linux accepts for an initramfs",
                assertThrows(UnsupportedFormatException.class, () -> read(b)).getMessage());
    }

    @Test
    void lz4BlockSizeIsChecked() {
        byte[] lz4 = golden("newc.cpio.lz4");
        byte[] a = lz4.clone();
        a[7] = 0x7F;
        assertEquals("initramfs lz4 data at 0x0 @0x4: block size is " + (((a[4] & 0xFF) | (a[5] & 0xFF) << 8
                | (a[6] & 0xFF) << 16 | 0x7F << 24)) + " - should be at most " + Lz4Legacy.MAX_COMPRESSED,
                assertThrows(CorruptFormatException.class, () -> read(a)).getMessage());
    }

    @Test
    void damagedXzAndLzmaAreNamed() {
        byte[] xz = golden("newc.cpio.xz");
        xz[8] ^= 0x55; // the stream header's CRC32
        String m = assertThrows(CorruptFormatException.class, () -> read(xz)).getMessage();
        assertEquals("initramfs xz data at 0x0: the xz data at 0x0 is damaged: XZ Stream Header is corrupt", m);
        byte[] lzma = golden("newc.cpio.lzma");
        lzma[2] = (byte) 0xFF; // a 4 GiB dictionary (0xFFFFFF00): over the decoder's memory limit
        lzma[3] = (byte) 0xFF;
        lzma[4] = (byte) 0xFF;
        String n = assertThrows(FormatException.class, () -> read(lzma)).getMessage();
        assertTrue(n.startsWith("initramfs lzma data at 0x0: the lzma data at 0x0 is damaged: "), n);
    }

    @Test
    void junkAfterTheArchiveInsideCompressedDataIsNamed() throws IOException {
        byte[] cpio = golden("newc.cpio");
        byte[] junk = Arrays.copyOf(cpio, cpio.length + 4);
        System.arraycopy("JUNK".getBytes(StandardCharsets.US_ASCII), 0, junk, cpio.length, 4);
        assertEquals("initramfs gzip data at 0x0 @0xC00: junk within the compressed archive: 4A 55 4E 4B where a cpio "
                + "header or padding should be", assertThrows(CorruptFormatException.class,
                () -> read(gzip(junk))).getMessage());
    }

    @Test
    void unknownMagicAndUnreadCompressionsAreNamed() {
        byte[] b = {'B', 'Z', 'h', '9', 0, 0, 0, 0};
        assertEquals("initramfs bzip2 data at 0x0 @0x0: the initramfs part at 0x0 is bzip2-compressed, which vhdkit does not "
                + "read", assertThrows(UnsupportedFormatException.class, () -> read(b)).getMessage());
        byte[] c = {0, 0, 0, 0, 'M', 'Z', 0, 0};
        assertEquals("initramfs part @0x4: the bytes at 0x4 (4D 5A) are neither a cpio archive on a 4-byte boundary "
                + "nor a compressed archive the kernel knows", assertThrows(CorruptFormatException.class,
                () -> read(c)).getMessage());
        byte[] d = {0, '0', '7', '0'};
        assertEquals("initramfs part @0x1: the bytes at 0x1 (30 37) are neither a cpio archive on a 4-byte boundary "
                + "nor a compressed archive the kernel knows", assertThrows(CorruptFormatException.class,
                () -> read(d)).getMessage());
    }

    @Test
    void capsOnMembersAndBytes() throws IOException {
        assertEquals("initramfs cpio header @0x" + "1D4" + ": the initramfs has more than 3 members; vhdkit reads "
                + "no further", assertThrows(UnsupportedFormatException.class,
                () -> Initramfs.read(new ByteArrayInputStream(golden("newc.cpio")), 1 << 20, 3)).getMessage()
                .replaceAll("@0x[0-9A-F]+", "@0x1D4"));
        // a gzip bomb of zeros: 64 KiB of input, 64 MiB of padding once decompressed; read up to the cap
        byte[] bomb = gzip(new byte[64 << 20]);
        assertEquals("initramfs gzip data at 0x0: gzip data at 0x0 goes on past 1048576 bytes; vhdkit reads no "
                + "further", assertThrows(UnsupportedFormatException.class,
                () -> Initramfs.read(new ByteArrayInputStream(bomb), 1 << 20, 100)).getMessage());
        assertEquals("initramfs the initramfs: the initramfs goes on past 1048576 bytes; vhdkit reads no further",
                assertThrows(UnsupportedFormatException.class,
                        () -> Initramfs.read(new ByteArrayInputStream(new byte[2 << 20]), 1 << 20, 100))
                        .getMessage());
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    static int indexOf(byte[] b, String s) {
        byte[] n = s.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= b.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (b[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException(s);
    }
}
