package io.vhdkit.fs.xfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.fs.FileType;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Inodes on the golden images: the v3 core of /hard-a (golden-v5) and v2 cores of golden-v4, one field damaged at a
 * time (the v3 CRC recomputed unless the CRC is the point).
 */
class XfsInodeTest {

    private static final String FILE = "/hard-a";

    /** The byte offset and number of a file's inode in golden-v5. */
    private static long[] locate(byte[] image, String path) throws IOException {
        XfsInode n = XfsGoldenTest.at(XfsTestSupport.open(image), path);
        return new long[] {n.offset(), n.ino()};
    }

    /** golden-v5 with bytes of a file's inode replaced and its CRC fixed; returns the image. */
    private static byte[] v5Inode(String path, int field, byte[] value) throws IOException {
        byte[] b = XfsSuperblockTest.v5();
        long at = locate(b, path)[0];
        System.arraycopy(value, 0, b, (int) at + field, value.length);
        XfsTestSupport.fixCrc(b, at, 512, XfsInode.OFFSET_CRC);
        return b;
    }

    private static CorruptFormatException corrupt(byte[] image, String path, String message) {
        CorruptFormatException e = assertThrows(CorruptFormatException.class,
                () -> XfsGoldenTest.at(XfsTestSupport.open(image), path));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        return e;
    }

    @Test
    void decodesTheV3Core() throws IOException {
        byte[] b = XfsSuperblockTest.v5();
        XfsFileSystem fs = XfsTestSupport.open(b);
        XfsInode n = XfsGoldenTest.at(fs, FILE);
        assertEquals(3, n.version());
        assertEquals(XfsInode.FORMAT_EXTENTS, n.format());
        assertEquals(FileType.REGULAR, n.type());
        assertEquals(0100644, n.stat().mode());
        assertEquals(21, n.stat().size());
        assertEquals(2, n.stat().links());
        assertEquals(1, n.nextents());
        assertEquals(1, n.nblocks());
        // Linux 6.18 gives new inodes an empty attribute fork at 24 * 8 bytes into the 336-byte literal area
        assertEquals(24, n.forkOff());
        assertEquals(24 * 8, n.dataFork().length);
        // the offset is where inode number ino lies: AG 0, block ino >> 1, slot ino & 1 of 512-byte inodes
        assertEquals((n.ino() >> 1) * 1024 + (n.ino() & 1) * 512, n.offset());
        assertEquals(XfsInode.MAGIC, Short.toUnsignedInt(ByteBuffer.wrap(b).getShort((int) n.offset())));
        assertEquals(n.ino(), Golden.getLong(b, n.offset() + XfsInode.OFFSET_INO));
        // bigtime: nanoseconds since 1901-12-13T20:45:52Z
        long raw = Golden.getLong(b, n.offset() + XfsInode.OFFSET_MTIME);
        assertEquals(Instant.ofEpochSecond(raw / 1_000_000_000L - (1L << 31), raw % 1_000_000_000L),
                n.stat().mtime());
    }

    @Test
    void decodesV2CoresAndV1Links() throws IOException {
        byte[] b = XfsSuperblockTest.v4();
        XfsFileSystem fs = XfsTestSupport.open(b);
        XfsInode data = XfsGoldenTest.at(fs, "/data");
        assertEquals(2, data.version());
        assertEquals(4_000_000_000L, data.stat().uid());
        assertEquals(3_000_000_000L, data.stat().gid());
        XfsInode tty = XfsGoldenTest.at(fs, "/tty");
        assertEquals(FileType.CHAR_DEVICE, tty.type());
        assertEquals(XfsInode.FORMAT_DEV, tty.format());
        assertEquals(4, tty.deviceMajor());
        assertEquals(1, tty.deviceMinor());
        // a version 1 inode keeps its link count in the 16-bit di_onlink
        b[(int) data.offset() + XfsInode.OFFSET_VERSION] = 1;
        b[(int) data.offset() + XfsInode.OFFSET_ONLINK + 1] = 7;
        XfsInode v1 = XfsGoldenTest.at(XfsTestSupport.open(b), "/data");
        assertEquals(1, v1.version());
        assertEquals(7, v1.stat().links());
        b[(int) data.offset() + XfsInode.OFFSET_VERSION] = 3;
        corrupt(b, "/data", "di_version is 3 - should be 1 or 2 on a v4 filesystem");
    }

    @Test
    void magic() throws IOException {
        CorruptFormatException e = corrupt(v5Inode(FILE, XfsInode.OFFSET_MAGIC, new byte[] {0, 0}), FILE,
                "di_magic is 0x0000 - should be 0x494E (IN)");
        assertEquals(locate(XfsSuperblockTest.v5(), FILE)[0], e.where().offset());
        assertTrue(e.getMessage().startsWith("XFS inode " + locate(XfsSuperblockTest.v5(), FILE)[1] + " @0x"),
                e.getMessage());
    }

    @Test
    void crc() throws IOException {
        byte[] b = XfsSuperblockTest.v5();
        long at = locate(b, FILE)[0];
        b[(int) at + XfsInode.OFFSET_UID + 3] = 1;      // a changed owner, the CRC left as it was
        CorruptFormatException e = corrupt(b, FILE, "di_crc is 0x");
        assertEquals(at + XfsInode.OFFSET_CRC, e.where().offset());
    }

    @Test
    void selfDescribingFields() throws IOException {
        long ino = locate(XfsSuperblockTest.v5(), FILE)[1];
        corrupt(v5Inode(FILE, XfsInode.OFFSET_INO, ByteBuffer.allocate(8).putLong(ino + 1).array()), FILE,
                "di_ino is " + (ino + 1) + " - should be " + ino + " (the inode's own number)");
        corrupt(v5Inode(FILE, XfsInode.OFFSET_UUID, new byte[16]), FILE,
                "di_uuid is 00000000-0000-0000-0000-000000000000 - should be 5d0c1e55-0000-4000-8000-00000000901d");
        corrupt(v5Inode(FILE, XfsInode.OFFSET_VERSION, new byte[] {2}), FILE,
                "di_version is 2 - should be 3 on a v5 filesystem");
    }

    @Test
    void formatMustSuitTheType() throws IOException {
        corrupt(v5Inode(FILE, XfsInode.OFFSET_FORMAT, new byte[] {7}), FILE,
                "di_format is 7 - should be 2 (extents) or 3 (btree) for a regular file");
        corrupt(v5Inode(FILE, XfsInode.OFFSET_FORMAT, new byte[] {1}), FILE,
                "di_format is 1 (local) - should be 2 (extents) or 3 (btree) for a regular file");
        corrupt(v5Inode("/links/inline", XfsInode.OFFSET_FORMAT, new byte[] {3}), "/links/inline",
                "di_format is 3 (btree) - should be 1 (local) or 2 (extents) for a symlink");
        corrupt(v5Inode("/dir", XfsInode.OFFSET_FORMAT, new byte[] {0}), "/dir",
                "di_format is 0 (dev) - should be 1 (local), 2 (extents) or 3 (btree) for a directory");
        corrupt(v5Inode("/dir/fifo", XfsInode.OFFSET_FORMAT, new byte[] {2}), "/dir/fifo",
                "di_format is 2 (extents) - should be 0 (dev) for a fifo");
    }

    @Test
    void freeAndUnknownModes() throws IOException {
        long ino = locate(XfsSuperblockTest.v5(), FILE)[1];
        corrupt(v5Inode(FILE, XfsInode.OFFSET_MODE, new byte[] {0, 0}), FILE,
                "di_mode is 0: inode " + ino + " is free, but a directory entry names it");
        corrupt(v5Inode(FILE, XfsInode.OFFSET_MODE, new byte[] {(byte) 0xE1, (byte) 0xA4}), FILE,
                "di_mode is 0160644 - should be a mode with a known file type");
    }

    @Test
    void forkSizes() throws IOException {
        corrupt(v5Inode(FILE, XfsInode.OFFSET_FORKOFF, new byte[] {43}), FILE,
                "di_forkoff is 43 - should be at most 42 (the literal area is 336 bytes)");
        corrupt(v5Inode(FILE, XfsInode.OFFSET_NEXTENTS, new byte[] {0, 0, 0, 13}), FILE,
                "di_nextents is 13 - should be at most 12 extent records in the 192-byte data fork");
        byte[] noAttr = v5Inode(FILE, XfsInode.OFFSET_FORKOFF, new byte[] {0});
        assertEquals(336, XfsGoldenTest.at(XfsTestSupport.open(noAttr), FILE).dataFork().length);
        // with an attribute fork the data fork shrinks: forkoff 1 leaves 8 bytes, too few for one record
        corrupt(v5Inode(FILE, XfsInode.OFFSET_FORKOFF, new byte[] {1}), FILE,
                "di_nextents is 1 - should be at most 0 extent records in the 8-byte data fork");
        corrupt(v5Inode("/dir", XfsInode.OFFSET_SIZE, ByteBuffer.allocate(8).putLong(400).array()), "/dir",
                "di_size is 400 - should be at most 192: the data is inline (local format) in a 192-byte fork");
        corrupt(v5Inode(FILE, XfsInode.OFFSET_SIZE, ByteBuffer.allocate(8).putLong(-2).array()), FILE,
                "di_size is 18446744073709551614 - should be at most 2^63 - 1");
    }

    @Test
    void flagsNeedTheirFeatures() throws IOException {
        // without the bigtime feature, an inode with bigtime timestamps is corrupt (the root is the first read)
        byte[] b = XfsSuperblockTest.v5();
        int incompat = Golden.getInt(b, XfsSuperblock.OFFSET_FEATURES_INCOMPAT);
        Golden.putInt(b, XfsSuperblock.OFFSET_FEATURES_INCOMPAT, incompat & ~XfsSuperblock.INCOMPAT_BIGTIME);
        XfsTestSupport.fixCrc(b, 0, 512, XfsSuperblock.OFFSET_CRC);
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> XfsTestSupport.open(b));
        assertTrue(e.getMessage().contains("di_flags2 is 0x8 - should be no bigtime flag: the filesystem lacks "
                + "the bigtime feature"), e.getMessage());
        corrupt(v5Inode(FILE, XfsInode.OFFSET_FLAGS2, ByteBuffer.allocate(8).putLong(0x18).array()), FILE,
                "di_flags2 is 0x18 - should be no nrext64 flag");
    }

    @Test
    void realtimeFilesAreNotRead() throws IOException {
        byte[] b = v5Inode(FILE, XfsInode.OFFSET_FLAGS, new byte[] {0, XfsInode.FLAG_REALTIME});
        XfsFileSystem fs = XfsTestSupport.open(b);
        XfsInode n = XfsGoldenTest.at(fs, FILE);
        assertTrue(n.realtime());
        io.vhdkit.format.UnsupportedFormatException e = assertThrows(io.vhdkit.format.UnsupportedFormatException.class,
                () -> fs.read(n, 0, ByteBuffer.allocate(10)));
        assertTrue(e.getMessage().contains("is a realtime file: its data is on the realtime device, which is not "
                + "read"), e.getMessage());
        assertThrows(io.vhdkit.format.UnsupportedFormatException.class, () -> fs.extents(n));
    }

    @Test
    void inodeNumbersOutOfRange() throws IOException {
        XfsFileSystem fs = XfsTestSupport.open(XfsSuperblockTest.v5());
        for (long ino : new long[] {0, 1L << 15 << 1, (1L << 15) + 16384 * 2, -1, Long.MAX_VALUE}) {
            CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> fs.node(ino));
            assertTrue(e.getMessage().contains("inode number " + Long.toUnsignedString(ino) + " is out of range"),
                    e.getMessage());
        }
        // a valid slot that holds no inode (never initialised: zeros)
        FormatException e = assertThrows(FormatException.class, () -> fs.node((1L << 15) + 16000 * 2));
        assertTrue(e.getMessage().contains("di_magic is 0x0000"), e.getMessage());
    }
}
