package io.vhdkit.fs.xfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Symlinks on golden-v5: inline (/links/inline, "../frag"), remote in one extent of two 1 KiB blocks with one
 * v5 header (/links/remote-1000), and golden-v4's header-less remote target. One field damaged at a time.
 */
class XfsSymlinkTest {

    private static final String REMOTE = "/links/remote-1000";

    private final byte[] v5 = XfsSuperblockTest.v5();
    private final XfsFileSystem pristine;

    XfsSymlinkTest() throws IOException {
        pristine = XfsTestSupport.open(v5.clone());
    }

    private long remoteAt() throws IOException {
        XfsExtent e = pristine.extents(XfsGoldenTest.at(pristine, REMOTE)).get(0);
        assertEquals(2, e.blockCount());
        return pristine.geometry().fsbToByte(e.startBlock(), 2, FieldRef.of("XFS", "test", "block", 0));
    }

    /** The CRC covers the whole extent: both blocks. */
    private void fixRemote(long at) {
        XfsTestSupport.fixCrc(v5, at, 2048, XfsSymlink.OFFSET_CRC);
    }

    private void fails(String path, String message) {
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> {
            XfsFileSystem fs = XfsTestSupport.open(v5);
            fs.readLink(XfsGoldenTest.at(fs, path));
        });
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void remoteHeader() throws IOException {
        long at = remoteAt();
        long ino = XfsGoldenTest.at(pristine, REMOTE).ino();
        assertEquals(XfsSymlink.MAGIC, Golden.getInt(v5, at));
        assertEquals(0, Golden.getInt(v5, at + XfsSymlink.OFFSET_OFFSET));
        assertEquals(1000, Golden.getInt(v5, at + XfsSymlink.OFFSET_BYTES));
        assertEquals(ino, Golden.getLong(v5, at + XfsSymlink.OFFSET_OWNER));
        assertEquals(at / 512, Golden.getLong(v5, at + XfsSymlink.OFFSET_BLKNO));
        // the target runs on from the first block into the second, after the single header
        String target = pristine.readLink(XfsGoldenTest.at(pristine, REMOTE));
        assertEquals(target, new String(v5, (int) at + 56, 1000, StandardCharsets.US_ASCII));
    }

    @Test
    void remoteDamage() throws IOException {
        long at = remoteAt();
        long ino = XfsGoldenTest.at(pristine, REMOTE).ino();
        byte[] saved = java.util.Arrays.copyOfRange(v5, (int) at, (int) at + 2048);
        Golden.putInt(v5, at, 0);
        fixRemote(at);
        fails(REMOTE, "magic is 0x00000000 - should be 0x58534C4D (XSLM)");
        System.arraycopy(saved, 0, v5, (int) at, 2048);
        Golden.putInt(v5, at + XfsSymlink.OFFSET_OFFSET, 5);
        fixRemote(at);
        fails(REMOTE, "sl_offset is 5 - should be 0");
        System.arraycopy(saved, 0, v5, (int) at, 2048);
        Golden.putInt(v5, at + XfsSymlink.OFFSET_BYTES, 968);
        fixRemote(at);
        fails(REMOTE, "sl_bytes is 968 - should be 1000");
        System.arraycopy(saved, 0, v5, (int) at, 2048);
        Golden.putLong(v5, at + XfsSymlink.OFFSET_OWNER, 1);
        fixRemote(at);
        fails(REMOTE, "owner is 1 - should be " + ino + " (the inode it belongs to)");
        System.arraycopy(saved, 0, v5, (int) at, 2048);
        v5[(int) at + 1500] ^= 1;        // in the second block: the CRC covers the extent
        fails(REMOTE, "crc is 0x");
        System.arraycopy(saved, 0, v5, (int) at, 2048);
        v5[(int) at + 56 + 10] = 0;
        fixRemote(at);
        fails(REMOTE, "the target has a NUL byte at 10 of 1000");
    }

    private void setSize(String path, long size) throws IOException {
        long inode = XfsGoldenTest.at(pristine, path).offset();
        Golden.putLong(v5, inode + XfsInode.OFFSET_SIZE, size);
        XfsTestSupport.fixCrc(v5, inode, 512, XfsInode.OFFSET_CRC);
    }

    @Test
    void sizes() throws IOException {
        setSize(REMOTE, 0);
        fails(REMOTE, "di_size is 0 - should be 1 to 1024");
        setSize(REMOTE, 2000);
        fails(REMOTE, "di_size is 2000 - should be 1 to 1024");
        // 1024 bytes need two blocks of 968; the extent has two, but its header says 1000
        setSize(REMOTE, 1024);
        fails(REMOTE, "sl_bytes is 1000 - should be 1024");
        setSize("/links/inline", 3);
        XfsFileSystem fs = XfsTestSupport.open(v5);
        assertEquals("../", fs.readLink(XfsGoldenTest.at(fs, "/links/inline")));
    }

    @Test
    void inlineTargets() throws IOException {
        XfsInode inline = XfsGoldenTest.at(pristine, "/links/inline");
        assertEquals(XfsInode.FORMAT_LOCAL, inline.format());
        assertEquals("../frag", pristine.readLink(inline));
        assertEquals(7, inline.stat().size());
        v5[(int) inline.offset() + 176 + 2] = 0;
        XfsTestSupport.fixCrc(v5, inline.offset(), 512, XfsInode.OFFSET_CRC);
        fails("/links/inline", "the target has a NUL byte at 2 of 7");
    }

    @Test
    void unmappedRemoteBlocks() throws IOException {
        XfsInode link = XfsGoldenTest.at(pristine, REMOTE);
        long rec = link.offset() + 176;
        Golden.putLong(v5, rec, Golden.getLong(v5, rec) | (5L << 9));    // the extent now starts at file block 5
        XfsTestSupport.fixCrc(v5, link.offset(), 512, XfsInode.OFFSET_CRC);
        fails(REMOTE, "file block 0 of the 1000-byte target is not mapped");
    }

    @Test
    void v4TargetsHaveNoHeader() throws IOException {
        byte[] v4 = XfsSuperblockTest.v4();
        XfsFileSystem fs = XfsTestSupport.open(v4);
        XfsInode link = XfsGoldenTest.at(fs, "/remote-link");
        XfsExtent e = fs.extents(link).get(0);
        assertEquals(2, e.blockCount());    // 700 bytes in 512-byte blocks
        long at = fs.geometry().fsbToByte(e.startBlock(), 2, FieldRef.of("XFS", "test", "block", 0));
        assertEquals("r".repeat(700), new String(v4, (int) at, 700, StandardCharsets.US_ASCII));
        assertEquals("r".repeat(700), fs.readLink(link));
    }
}
