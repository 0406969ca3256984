package io.vhdkit.fs.xfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileType;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Directories on golden bytes: shortform (golden-v5 /dir), block with free entries (golden-v5 /deleted, 4 KiB
 * directory blocks of 1 KiB blocks), leaf with stale entries (golden-v5 /deleted-leaf), node (golden-v4 /node, no
 * CRCs, 4 KiB directory blocks of 512-byte blocks), and 8-byte inode numbers (/i8 of the built v5 image). One
 * thing is damaged at a time.
 */
class XfsDirectoryTest {

    private static final long LEAF_V5 = (32L << 30) / 1024;
    private static final long LEAF_V4 = (32L << 30) / 512;

    private final byte[] v5 = XfsSuperblockTest.v5();
    private final byte[] v4 = XfsSuperblockTest.v4();
    private final XfsFileSystem pristine5;
    private final XfsFileSystem pristine4;

    XfsDirectoryTest() throws IOException {
        pristine5 = XfsTestSupport.open(v5.clone());
        pristine4 = XfsTestSupport.open(v4.clone());
    }

    private static long byteOf(XfsFileSystem fs, long fsb) throws CorruptFormatException {
        return fs.geometry().fsbToByte(fsb, 1, FieldRef.of("XFS", "test", "block", 0));
    }

    /** Where file block {@code block} of {@code path} is. */
    private static long blockAt(XfsFileSystem fs, String path, long block) throws IOException {
        for (XfsExtent e : fs.extents(XfsGoldenTest.at(fs, path))) {
            if (block >= e.fileOffset() && block < e.fileEnd()) {
                return byteOf(fs, e.startBlock() + block - e.fileOffset());
            }
        }
        throw new AssertionError(path + " has no block " + block);
    }

    private static void fails(Executable run, String message) {
        CorruptFormatException e = assertThrows(CorruptFormatException.class, run);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private void listFails5(String path, String message) {
        fails(() -> {
            XfsFileSystem fs = XfsTestSupport.open(v5);
            fs.list(XfsGoldenTest.at(fs, path));
        }, message);
    }

    private void lookupFails5(String path, String name, String message) {
        fails(() -> {
            XfsFileSystem fs = XfsTestSupport.open(v5);
            fs.lookup(XfsGoldenTest.at(fs, path), name);
        }, message);
    }

    // ------------------------------------------------------------------ shortform

    private long sf() throws IOException {
        return XfsGoldenTest.at(pristine5, "/dir").offset() + 176;
    }

    private void fixDirInode() throws IOException {
        XfsTestSupport.fixCrc(v5, XfsGoldenTest.at(pristine5, "/dir").offset(), 512, XfsInode.OFFSET_CRC);
    }

    @Test
    void shortformEntries() throws IOException {
        XfsInode dir = XfsGoldenTest.at(pristine5, "/dir");
        assertEquals(XfsInode.FORMAT_LOCAL, dir.format());
        List<DirEntry> list = pristine5.list(dir);
        assertEquals(List.of("hard-b", "socket", "fifo", "null", "nvme", "owned", "name with spaces"),
                list.stream().map(DirEntry::name).toList());
        assertEquals(FileType.SOCKET, list.get(1).type());
        assertEquals(FileType.CHAR_DEVICE, list.get(3).type());
        assertEquals(XfsGoldenTest.at(pristine5, "/hard-a").ino(), list.get(0).id());
        // count, i8count, the 4-byte parent, then namelen, offset (0x60), name, file type, 4-byte inode
        long at = sf();
        assertEquals(7, v5[(int) at]);
        assertEquals(0, v5[(int) at + 1]);
        assertEquals(pristine5.rootId(), Golden.getInt(v5, at + 2));
        assertEquals(6, v5[(int) at + 6]);
        assertEquals(0x60, Short.toUnsignedInt(ByteBuffer.wrap(v5).getShort((int) at + 7)));
        assertEquals("hard-b", new String(v5, (int) at + 9, 6, StandardCharsets.US_ASCII));
        assertEquals(1, v5[(int) at + 15]);
        assertEquals(list.get(0).id(), Golden.getInt(v5, at + 16));
        assertEquals(Optional.empty(), pristine5.lookup(dir, "."));
        assertEquals(Optional.empty(), pristine5.lookup(dir, ".."));
        assertEquals(Optional.empty(), pristine5.lookup(dir, ""));
        assertEquals(Optional.empty(), pristine5.lookup(dir, "HARD-B"));
    }

    @Test
    void shortformDamage() throws IOException {
        long at = sf();
        v5[(int) at] = 8;
        fixDirInode();
        listFails5("/dir", "entry 7 of 8 runs past the 107 bytes of the directory");
        v5[(int) at] = 7;
        v5[(int) at + 6] = 0;
        fixDirInode();
        listFails5("/dir", "entry 0 namelen is 0 - should be at least 1");
        v5[(int) at + 6] = 6;
        v5[(int) at + 11] = '/';
        fixDirInode();
        listFails5("/dir", "the name \"ha/d-b\" contains '/'");
        v5[(int) at + 11] = 0;
        fixDirInode();
        listFails5("/dir", "the name \"ha\\0d-b\" contains a NUL byte");
        v5[(int) at + 11] = 'r';
        v5[(int) at + 15] = 9;
        fixDirInode();
        listFails5("/dir", "file type is 9 - should be 0 to 8");
        v5[(int) at + 15] = 1;
        Golden.putInt(v5, at + 16, -1);
        fixDirInode();
        listFails5("/dir", "entry 0 inode 4294967295 is not an inode number of this filesystem");
        Golden.putInt(v5, at + 16, (int) XfsGoldenTest.at(pristine5, "/hard-a").ino());
        v5[(int) at + 20 + 1] = 0;           // entry 1 (at 6 + 14) gets entry 0's offset, 0x60
        v5[(int) at + 20 + 2] = 0x60;
        fixDirInode();
        listFails5("/dir", "entry 1 offset is 96 - should be more than 96 (increasing)");
    }

    @Test
    void shortformSizeMustMatch() throws IOException {
        long inode = XfsGoldenTest.at(pristine5, "/dir").offset();
        Golden.putLong(v5, inode + XfsInode.OFFSET_SIZE, 115);
        fixDirInode();
        listFails5("/dir", "the 7 entries take 107 bytes but di_size is 115");
        Golden.putLong(v5, inode + XfsInode.OFFSET_SIZE, 5);
        fixDirInode();
        listFails5("/dir", "di_size is 5 - should be at least 6 (the shortform header)");
    }

    @Test
    void eightByteInodeNumbers() throws IOException {
        try (XfsTestSupport.PatchedDisk disk = new XfsTestSupport.PatchedDisk(
                XfsTestSupport.disk(Fixtures.file("xfs", "v5.img")))) {
            XfsFileSystem fs = XfsFileSystem.open(disk);
            XfsInode i8 = XfsGoldenTest.at(fs, "/i8");
            List<DirEntry> list = fs.list(i8);
            assertEquals(10, list.size());
            assertTrue(list.stream().anyMatch(e -> e.id() > 0xFFFF_FFFFL), list.toString());
            int big = (int) list.stream().filter(e -> e.id() > 0xFFFF_FFFFL).count();   // the parent is 128
            byte[] inode = disk.get(i8.offset(), 512);
            assertEquals(big, inode[176 + 1]);
            inode[176 + 1] = (byte) (big - 1);
            XfsTestSupport.fixCrc(inode, 0, 512, XfsInode.OFFSET_CRC);
            disk.put(i8.offset(), inode);
            fails(() -> {
                XfsFileSystem damaged = XfsFileSystem.open(disk);
                damaged.list(XfsGoldenTest.at(damaged, "/i8"));
            }, "i8count is " + (big - 1) + " - should be " + big + " (the parent and entries with inode numbers "
                    + "above 2^32)");
        }
    }

    // ------------------------------------------------------------------ block

    private long block() throws IOException {
        return blockAt(pristine5, "/deleted", 0);
    }

    private void fixBlock(long at) {
        XfsTestSupport.fixCrc(v5, at, 4096, XfsDirectory.DATA_OFFSET_CRC);
    }

    @Test
    void blockFormWithFreeEntries() throws IOException {
        XfsInode dir = XfsGoldenTest.at(pristine5, "/deleted");
        assertEquals(4096, dir.stat().size());
        long at = block();
        assertEquals(XfsDirectory.DATA_BLOCK_MAGIC_V5, Golden.getInt(v5, at));
        // ".", "..", then a free entry of 24 bytes where entry-00 was
        assertEquals(0xFFFF, Short.toUnsignedInt(ByteBuffer.wrap(v5).getShort((int) at + 96)));
        assertEquals(24, Short.toUnsignedInt(ByteBuffer.wrap(v5).getShort((int) at + 98)));
        List<String> names = pristine5.list(dir).stream().map(DirEntry::name).toList();
        assertEquals(20, names.size());
        assertEquals("entry-01", names.get(0));
        for (String n : names) {
            assertEquals(n, pristine5.lookup(dir, n).orElseThrow().name());
        }
        assertEquals(Optional.empty(), pristine5.lookup(dir, "entry-00"));
    }

    @Test
    void blockFormDamage() throws IOException {
        long at = block();
        Golden.putInt(v5, at, XfsDirectory.DATA_MAGIC_V5);
        fixBlock(at);
        listFails5("/deleted", "directory block 0 of directory ");
        listFails5("/deleted", "magic is 0x58444433 - should be 0x58444233 (XDB3)");
        Golden.putInt(v5, at, XfsDirectory.DATA_BLOCK_MAGIC_V5);
        int count = Golden.getInt(v5, at + 4096 - 8);
        Golden.putInt(v5, at + 4096 - 8, 100000);
        fixBlock(at);
        listFails5("/deleted", "tail count is 100000 - should be at most 503 leaf entries in the block");
        Golden.putInt(v5, at + 4096 - 8, count);
        v5[(int) at + 99] = 5;
        fixBlock(at);
        listFails5("/deleted", "unused length is 5 - should be a multiple of 8 from 8 to");
        v5[(int) at + 99] = 24;
        v5[(int) at + 120 + 24 - 1] = 0;     // entry-01's tag (it starts at 120 and takes 24 bytes)
        fixBlock(at);
        listFails5("/deleted", "tag is 0 - should be 120 (the entry's offset)");
        v5[(int) at + 120 + 24 - 1] = 120;
        Golden.putLong(v5, at + 120, 1L << 40);
        fixBlock(at);
        listFails5("/deleted", "inode 1099511627776 is not an inode number of this filesystem");
    }

    @Test
    void v5BlockHeaders() throws IOException {
        long at = block();
        long ino = XfsGoldenTest.at(pristine5, "/deleted").ino();
        v5[(int) at + 200] ^= 1;
        listFails5("/deleted", "crc is 0x");
        v5[(int) at + 200] ^= 1;
        Golden.putLong(v5, at + XfsDirectory.DATA_OFFSET_OWNER, ino + 2);
        fixBlock(at);
        listFails5("/deleted", "owner is " + (ino + 2) + " - should be " + ino);
        Golden.putLong(v5, at + XfsDirectory.DATA_OFFSET_OWNER, ino);
        Golden.putLong(v5, at + XfsDirectory.DATA_OFFSET_BLKNO, 1);
        fixBlock(at);
        listFails5("/deleted", "blkno is 1 - should be " + at / 512 + " (where the block is)");
    }

    /** The index of the block's leaf entry for {@code name}. */
    private int leafEntry(long blockAt, int count, int start, String name) {
        int hash = XfsDaHash.hash(name.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < count; i++) {
            if (Golden.getInt(v5, blockAt + start + i * 8L) == hash) {
                return i;
            }
        }
        throw new AssertionError("no leaf entry for " + name);
    }

    @Test
    void lookupChecksTheAddressItFollows() throws IOException {
        long at = block();
        int count = Golden.getInt(v5, at + 4096 - 8);
        int start = 4096 - 8 - count * 8;
        int i = leafEntry(at, count, start, "entry-01");
        assertEquals(120 / 8, Golden.getInt(v5, at + start + i * 8L + 4));
        Golden.putInt(v5, at + start + i * 8L + 4, 13);     // offset 104: inside the free entry
        fixBlock(at);
        lookupFails5("/deleted", "entry-01", "points to directory offset 104, where no entry starts");
        Golden.putInt(v5, at + start + i * 8L + 4, 4096 / 8);
        fixBlock(at);
        lookupFails5("/deleted", "entry-01", "points to directory offset 4096, outside the data blocks");
        Golden.putInt(v5, at + start + i * 8L + 4, 0);      // stale: no longer found
        fixBlock(at);
        XfsFileSystem fs = XfsTestSupport.open(v5);
        assertEquals(Optional.empty(), fs.lookup(XfsGoldenTest.at(fs, "/deleted"), "entry-01"));
        assertEquals(20, fs.list(XfsGoldenTest.at(fs, "/deleted")).size());   // listing reads the data
    }

    // ------------------------------------------------------------------ leaf

    @Test
    void leafFormWithStaleEntries() throws IOException {
        XfsInode dir = XfsGoldenTest.at(pristine5, "/deleted-leaf");
        long leaf = blockAt(pristine5, "/deleted-leaf", LEAF_V5);
        assertEquals(XfsDirectory.LEAF1_MAGIC_V5, Short.toUnsignedInt(ByteBuffer.wrap(v5).getShort((int) leaf + 8)));
        int stale = Short.toUnsignedInt(ByteBuffer.wrap(v5).getShort((int) leaf + 58));
        assertTrue(stale > 0, "stale entries: " + stale);
        List<DirEntry> list = pristine5.list(dir);
        assertEquals(150, list.size());
        for (DirEntry e : list) {
            assertEquals(e, pristine5.lookup(dir, e.name()).orElseThrow());
        }
        assertEquals(Optional.empty(), pristine5.lookup(dir, "entry-000-"));      // deleted: a stale entry

        Golden.putInt(v5, leaf + 8, 0);
        XfsTestSupport.fixCrc(v5, leaf, 4096, XfsDirectory.DA_OFFSET_CRC);
        lookupFails5("/deleted-leaf", "entry-003-yyy", "magic is 0x0000 - should be 0x3DF1 (leaf1) or 0x3EBE "
                + "(da node)");
        XfsFileSystem fs = XfsTestSupport.open(v5);
        assertEquals(150, fs.list(XfsGoldenTest.at(fs, "/deleted-leaf")).size());   // the data blocks are intact
    }

    @Test
    void aLeafDirectoryWithOneDataBlockIsNotABlockDirectory() throws IOException {
        XfsInode dir = XfsGoldenTest.at(pristine5, "/leaf-one-block");
        assertEquals(4096, dir.stat().size());       // as large as a block directory
        long leaf = blockAt(pristine5, "/leaf-one-block", LEAF_V5);
        assertEquals(XfsDirectory.LEAF1_MAGIC_V5, Short.toUnsignedInt(ByteBuffer.wrap(v5).getShort((int) leaf + 8)));
        List<DirEntry> list = pristine5.list(dir);
        assertEquals(130, list.size());
        for (DirEntry e : list) {
            assertEquals(e, pristine5.lookup(dir, e.name()).orElseThrow());
        }
        // a block directory must be one directory block long
        long inode = XfsGoldenTest.at(pristine5, "/deleted").offset();
        Golden.putLong(v5, inode + XfsInode.OFFSET_SIZE, 8192);
        XfsTestSupport.fixCrc(v5, inode, 512, XfsInode.OFFSET_CRC);
        listFails5("/deleted", "di_size is 8192 - should be 4096 (one directory block: nothing is mapped after it)");
    }

    @Test
    void leafFormDamage() throws IOException {
        long leaf = blockAt(pristine5, "/deleted-leaf", LEAF_V5);
        byte[] saved = java.util.Arrays.copyOfRange(v5, (int) leaf, (int) leaf + 4096);
        v5[(int) leaf + 56] = (byte) 0xEA;      // count 0xEA.. entries: more than fit beside the bests
        XfsTestSupport.fixCrc(v5, leaf, 4096, XfsDirectory.DA_OFFSET_CRC);
        lookupFails5("/deleted-leaf", "entry-003-yyy", "count is 60");
        System.arraycopy(saved, 0, v5, (int) leaf, 4096);
        int count = Short.toUnsignedInt(ByteBuffer.wrap(v5).getShort((int) leaf + 56));
        int hash = XfsDaHash.hash("entry-003-yyy".getBytes(StandardCharsets.UTF_8));
        int index = -1;
        for (int i = 0; i < count; i++) {
            if (Golden.getInt(v5, leaf + 64 + i * 8L) == hash) {
                index = i;
            }
        }
        assertTrue(index >= 0);
        Golden.putInt(v5, leaf + 64 + index * 8L + 4, -1);
        XfsTestSupport.fixCrc(v5, leaf, 4096, XfsDirectory.DA_OFFSET_CRC);
        // the largest address is the last 8 bytes below 32 GiB: a data block the directory does not have
        lookupFails5("/deleted-leaf", "entry-003-yyy", "file block 33554428 of a directory block is not mapped");
        v5[(int) leaf + 300] ^= 1;
        lookupFails5("/deleted-leaf", "entry-003-yyy", "crc is 0x");
    }

    // ------------------------------------------------------------------ node (v4)

    private long nodeRoot() throws IOException {
        return blockAt(pristine4, "/node", LEAF_V4);
    }

    private void v4LookupFails(String name, String message) {
        fails(() -> {
            XfsFileSystem fs = XfsTestSupport.open(v4);
            fs.lookup(XfsGoldenTest.at(fs, "/node"), name);
        }, message);
    }

    @Test
    void nodeFormLookups() throws IOException {
        XfsInode dir = XfsGoldenTest.at(pristine4, "/node");
        assertEquals(XfsInode.FORMAT_BTREE, dir.format());
        long root = nodeRoot();
        assertEquals(XfsDirectory.NODE_MAGIC_V4, Short.toUnsignedInt(ByteBuffer.wrap(v4).getShort((int) root + 8)));
        assertEquals(1, Short.toUnsignedInt(ByteBuffer.wrap(v4).getShort((int) root + 14)));      // level
        List<DirEntry> list = pristine4.list(dir);
        assertEquals(900, list.size());
        for (DirEntry e : list) {
            assertEquals(e, pristine4.lookup(dir, e.name()).orElseThrow());
        }
        assertEquals(FileType.REGULAR, list.get(0).type());    // mkfs.xfs 6.1 sets ftype on v4 too
    }

    /** The leafn block the root routes {@code name}'s hash to: the first entry whose hash is not below it. */
    private long leafnFor(String name) throws IOException {
        long root = nodeRoot();
        long hash = Integer.toUnsignedLong(XfsDaHash.hash(name.getBytes(StandardCharsets.UTF_8)));
        int count = Short.toUnsignedInt(ByteBuffer.wrap(v4).getShort((int) root + 12));
        for (int i = 0; i < count; i++) {
            if (Integer.toUnsignedLong(Golden.getInt(v4, root + 16 + i * 8L)) >= hash) {
                return blockAt(pristine4, "/node", Integer.toUnsignedLong(Golden.getInt(v4, root + 16 + i * 8L + 4)));
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void nodeFormDamage() throws IOException {
        long root = nodeRoot();
        byte[] saved = java.util.Arrays.copyOfRange(v4, (int) root, (int) root + 4096);
        v4[(int) root + 15] = 0;
        v4LookupFails("node-entry-500", "level is 0 - should be 1 to 5");
        v4[(int) root + 15] = 1;
        int count = Short.toUnsignedInt(ByteBuffer.wrap(v4).getShort((int) root + 12));
        assertTrue(count >= 2, "leaves: " + count);
        for (int i = 0; i < count; i++) {
            Golden.putInt(v4, root + 16 + i * 8L + 4, 5);    // a data block, not a block of the leaf section
        }
        v4LookupFails("node-entry-001", "is 5 - should be a block of the leaf section, from 67108864 below "
                + "134217728");
        System.arraycopy(saved, 0, v4, (int) root, 4096);
        int h0 = Golden.getInt(v4, root + 16);
        Golden.putInt(v4, root + 16 + 8, 0);           // entry 1's hash below entry 0's
        v4LookupFails("node-entry-001", "hash 1 is 0x00000000 - should be at least " + XfsGeometry.hex(h0)
                + " (sorted)");
        System.arraycopy(saved, 0, v4, (int) root, 4096);
        long leafn = leafnFor("node-entry-001");
        assertEquals(XfsDirectory.LEAFN_MAGIC_V4, Short.toUnsignedInt(ByteBuffer.wrap(v4).getShort((int) leafn + 8)));
        v4[(int) leafn + 8] = 0;
        v4LookupFails("node-entry-001", "magic is 0x00FF - should be 0xD2FF (leafn)");
    }

    @Test
    void leafnSiblingLoopsAreCaught() throws IOException {
        long root = nodeRoot();
        long firstLeafBlock = Integer.toUnsignedLong(Golden.getInt(v4, root + 16 + 4));
        long leafn = blockAt(pristine4, "/node", firstLeafBlock);
        int count = Short.toUnsignedInt(ByteBuffer.wrap(v4).getShort((int) leafn + 12));
        // from the first entry that names a file on, the first leaf's entries get that file's hash and lose their
        // addresses, so a lookup of the name runs to the end of the leaf; its right sibling is made the leaf itself
        java.util.Map<Integer, String> names = new java.util.HashMap<>();
        for (DirEntry e : pristine4.list(XfsGoldenTest.at(pristine4, "/node"))) {
            names.put(XfsDaHash.hash(e.name().getBytes(StandardCharsets.UTF_8)), e.name());
        }
        int first = 0;
        while (!names.containsKey(Golden.getInt(v4, leafn + 16 + first * 8L))) {
            first++;
        }
        int hash = Golden.getInt(v4, leafn + 16 + first * 8L);
        String name = names.get(hash);
        for (int i = first; i < count; i++) {
            Golden.putInt(v4, leafn + 16 + i * 8L, hash);
            Golden.putInt(v4, leafn + 16 + i * 8L + 4, 0);
        }
        Golden.putInt(v4, leafn, (int) firstLeafBlock);
        v4LookupFails(name, "the sibling chain loops back to block " + firstLeafBlock);
    }

    @Test
    void directoryBlocksMustBeWhollyMapped() throws IOException {
        XfsInode dir = XfsGoldenTest.at(pristine4, "/block");
        assertEquals(List.of(8L), pristine4.extents(dir).stream().map(XfsExtent::blockCount).toList());
        long rec = dir.offset() + 100 + 8;           // the record's second long: blockcount in the low 21 bits
        Golden.putLong(v4, rec, Golden.getLong(v4, rec) - 1);
        fails(() -> {
            XfsFileSystem fs = XfsTestSupport.open(v4);
            fs.list(XfsGoldenTest.at(fs, "/block"));
        }, "file block 7 of a directory block is not mapped");
    }
}
