package io.vhdkit.fs.xfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Data forks on golden-v5 (1 KiB blocks, 512-byte inodes with a 192-byte data fork): extent records in the inode
 * (/hard-a, /sparse), a bmap btree of one level (/frag) and of two (/sparse-btree). Records, keys, pointers and
 * block headers are damaged one at a time; v5 CRCs are recomputed unless they are the point.
 */
class XfsForkTest {

    private static final int BS = 1024;

    /** A golden-v5 copy and the reader of its pristine twin, to find where things are. */
    private final byte[] image = XfsSuperblockTest.v5();
    private final XfsFileSystem pristine;

    XfsForkTest() throws IOException {
        pristine = XfsTestSupport.open(image.clone());
    }

    private XfsInode node(String path) throws IOException {
        return XfsGoldenTest.at(pristine, path);
    }

    private long forkStart(String path) throws IOException {
        return node(path).offset() + 176;
    }

    private void fixInode(String path) throws IOException {
        XfsTestSupport.fixCrc(image, node(path).offset(), 512, XfsInode.OFFSET_CRC);
    }

    private long byteOf(long fsb) throws CorruptFormatException {
        return pristine.geometry().fsbToByte(fsb, 1, FieldRef.of("XFS", "test", "block", 0));
    }

    /** Reads the whole file from the damaged copy. */
    private CorruptFormatException readFails(String path, String message) {
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> {
            XfsFileSystem fs = XfsTestSupport.open(image);
            FsFiles.readAll(fs, XfsGoldenTest.at(fs, path), 16 << 20);
        });
        assertTrue(e.getMessage().contains(message), e.getMessage());
        return e;
    }

    private static long[] pack(long startOff, long startBlock, long count, boolean unwritten) {
        long l0 = (unwritten ? 1L << 63 : 0) | (startOff << 9) | (startBlock >>> 43);
        long l1 = (startBlock << 21) | count;
        return new long[] {l0, l1};
    }

    @Test
    void extentRecordsUnpack() {
        long maxOff = XfsExtent.MAX_FILE_OFFSET;
        long maxBlock = (1L << 52) - 1;
        long[] r = pack(maxOff, maxBlock, XfsExtent.MAX_BLOCK_COUNT, true);
        assertEquals(new XfsExtent(maxOff, maxBlock, XfsExtent.MAX_BLOCK_COUNT, true), XfsExtent.decode(r[0], r[1]));
        r = pack(5, 1L << 43, 1, false);           // a start block whose high bits are in l0
        assertEquals(new XfsExtent(5, 1L << 43, 1, false), XfsExtent.decode(r[0], r[1]));
        assertEquals(new XfsExtent(0, 0, 0, false), XfsExtent.decode(0, 0));
        assertEquals(new XfsExtent(0, 0, 0, true), XfsExtent.decode(Long.MIN_VALUE, 0));
        assertEquals(7, new XfsExtent(3, 100, 4, false).fileEnd());
    }

    @Test
    void inlineRecordsAreTheOnesXfsDbPrints() throws IOException {
        XfsInode hard = node("/hard-a");
        long at = forkStart("/hard-a");
        XfsExtent raw = XfsExtent.decode(Golden.getLong(image, at), Golden.getLong(image, at + 8));
        assertEquals(List.of(raw), pristine.extents(hard));
        assertEquals(0, raw.fileOffset());
        assertEquals(1, raw.blockCount());
        assertFalse(raw.unwritten());
    }

    @Test
    void recordsOutsideTheFilesystem() throws IOException {
        long at = forkStart("/hard-a");
        long[] r = pack(0, 3L << 14, 1, false);    // AG 3 of 2
        Golden.putLong(image, at, r[0]);
        Golden.putLong(image, at + 8, r[1]);
        fixInode("/hard-a");
        CorruptFormatException e = readFails("/hard-a", "extent 0 start block is block 49152 (AG 3 block 0, 1 blocks),"
                + " outside the 2 AGs of 16384 blocks (32768 blocks in all)");
        assertEquals(at, e.where().offset());
        r = pack(0, 16380, 5, false);              // runs past the end of AG 0
        Golden.putLong(image, at, r[0]);
        Golden.putLong(image, at + 8, r[1]);
        fixInode("/hard-a");
        readFails("/hard-a", "extent 0 start block is block 16380 (AG 0 block 16380, 5 blocks), outside");
        r = pack(0, 100, 0, false);
        Golden.putLong(image, at, r[0]);
        Golden.putLong(image, at + 8, r[1]);
        fixInode("/hard-a");
        readFails("/hard-a", "extent 0 maps 0 blocks (file block 0)");
        r = pack(XfsExtent.MAX_FILE_OFFSET, 100, 2, false);
        Golden.putLong(image, at, r[0]);
        Golden.putLong(image, at + 8, r[1]);
        fixInode("/hard-a");
        readFails("/hard-a", "extent 0 ends past the largest file offset (2^54 blocks)");
    }

    @Test
    void recordsMustBeInOrder() throws IOException {
        XfsInode sparse = node("/sparse");
        assertEquals(XfsInode.FORMAT_EXTENTS, sparse.format());
        assertTrue(sparse.nextents() >= 2);
        long at = forkStart("/sparse");
        byte[] first = java.util.Arrays.copyOfRange(image, (int) at, (int) at + 16);
        System.arraycopy(image, (int) at + 16, image, (int) at, 16);
        System.arraycopy(first, 0, image, (int) at + 16, 16);
        fixInode("/sparse");
        readFails("/sparse", "extent 1 maps file blocks 64+");
        readFails("/sparse", "which overlap or are out of order: they should lie in [");
    }

    @Test
    void btreeRootInTheInode() throws IOException {
        XfsInode frag = node("/frag");
        long at = forkStart("/frag");
        assertEquals(1, Short.toUnsignedInt(ByteBuffer.wrap(image).getShort((int) at)));
        image[(int) at + 1] = 0;
        fixInode("/frag");
        readFails("/frag", "bmdr level is 0 - should be 1 to 16");
        image[(int) at + 1] = 17;
        fixInode("/frag");
        readFails("/frag", "bmdr level is 17 - should be 1 to 16");
        image[(int) at + 1] = 1;
        image[(int) at + 3] = 0;
        fixInode("/frag");
        readFails("/frag", "bmdr numrecs is 0 - should be 1 to 11");    // (192 - 4) / 16 pointers fit
        image[(int) at + 3] = 12;
        fixInode("/frag");
        readFails("/frag", "bmdr numrecs is 12 - should be 1 to 11");
        assertEquals(frag.nextents(), pristine.extents(frag).size());
    }

    /** The first leaf of /frag: the root's first pointer, after room for 11 keys. */
    private long fragLeaf() throws IOException {
        return byteOf(Golden.getLong(image, forkStart("/frag") + 4 + 11 * 8));
    }

    private void fixBlock(long at) {
        XfsTestSupport.fixCrc(image, at, BS, DataFork.OFFSET_CRC);
    }

    @Test
    void btreeBlockHeaders() throws IOException {
        long leaf = fragLeaf();
        assertEquals(DataFork.BMA3_MAGIC, Golden.getInt(image, leaf));
        long ino = node("/frag").ino();
        byte[] saved = java.util.Arrays.copyOfRange(image, (int) leaf, (int) leaf + BS);
        Golden.putInt(image, leaf, DataFork.BMAP_MAGIC);
        fixBlock(leaf);
        readFails("/frag", "magic is 0x424D4150 - should be 0x424D4133 (BMA3)");
        System.arraycopy(saved, 0, image, (int) leaf, BS);
        image[(int) leaf + 100] ^= 1;
        CorruptFormatException crc = readFails("/frag", "crc is 0x");
        assertEquals(leaf + DataFork.OFFSET_CRC, crc.where().offset());
        System.arraycopy(saved, 0, image, (int) leaf, BS);
        image[(int) leaf + DataFork.OFFSET_LEVEL + 1] = 1;
        fixBlock(leaf);
        readFails("/frag", "level is 1 - should be 0 (one below its parent)");
        System.arraycopy(saved, 0, image, (int) leaf, BS);
        image[(int) leaf + DataFork.OFFSET_NUMRECS] = 1;     // 256 + n: more than (1024 - 72) / 16 = 59
        fixBlock(leaf);
        readFails("/frag", "numrecs is 2");
        readFails("/frag", "- should be 1 to 59");
        System.arraycopy(saved, 0, image, (int) leaf, BS);
        Golden.putLong(image, leaf + DataFork.OFFSET_OWNER, ino + 1);
        fixBlock(leaf);
        readFails("/frag", "owner is " + (ino + 1) + " - should be " + ino + " (the inode it belongs to)");
        System.arraycopy(saved, 0, image, (int) leaf, BS);
        Golden.putLong(image, leaf + DataFork.OFFSET_BLKNO, 12345);
        fixBlock(leaf);
        readFails("/frag", "blkno is 12345 - should be " + leaf / 512 + " (where the block is)");
        System.arraycopy(saved, 0, image, (int) leaf, BS);
        image[(int) leaf + DataFork.OFFSET_UUID] ^= 1;
        fixBlock(leaf);
        readFails("/frag", "uuid is 5c0c1e55-0000-4000-8000-00000000901d - should be "
                + "5d0c1e55-0000-4000-8000-00000000901d (the filesystem's metadata UUID)");
    }

    /** /sparse-btree: root (level 2, one key) -> one node (level 1) -> the leaves. */
    private long sparseNode() throws IOException {
        long at = forkStart("/sparse-btree");
        assertEquals(2, Short.toUnsignedInt(ByteBuffer.wrap(image).getShort((int) at)));
        return byteOf(Golden.getLong(image, at + 4 + 11 * 8));
    }

    @Test
    void twoLevelsReadAndKeysAreChecked() throws IOException {
        long nodeAt = sparseNode();
        assertEquals(1, Short.toUnsignedInt(ByteBuffer.wrap(image).getShort((int) nodeAt + DataFork.OFFSET_LEVEL)));
        int numrecs = Short.toUnsignedInt(ByteBuffer.wrap(image).getShort((int) nodeAt + DataFork.OFFSET_NUMRECS));
        assertTrue(numrecs > 20, "leaves under the node: " + numrecs);
        byte[] whole = FsFiles.readAll(pristine, node("/sparse-btree"), 4 << 20);
        assertEquals(2 * 1024 * 1300 + 512, whole.length);
        // swap the second and third keys
        long k1 = nodeAt + 72 + 8;
        long a = Golden.getLong(image, k1);
        Golden.putLong(image, k1, Golden.getLong(image, k1 + 8));
        Golden.putLong(image, k1 + 8, a);
        XfsTestSupport.fixCrc(image, nodeAt, BS, DataFork.OFFSET_CRC);
        readFails("/sparse-btree", "key 2 is " + a + " - should be increasing");
    }

    @Test
    void aPointerBackUpTheTreeIsCaughtByTheLevels() throws IOException {
        long nodeAt = sparseNode();
        int maxrecs = (BS - 72) / 16;
        long ptr0 = nodeAt + 72 + maxrecs * 8;
        Golden.putLong(image, ptr0, Golden.getLong(image, forkStart("/sparse-btree") + 4 + 11 * 8));   // itself
        XfsTestSupport.fixCrc(image, nodeAt, BS, DataFork.OFFSET_CRC);
        readFails("/sparse-btree", "level is 1 - should be 0 (one below its parent)");
        Golden.putLong(image, ptr0, 1L << 40);
        XfsTestSupport.fixCrc(image, nodeAt, BS, DataFork.OFFSET_CRC);
        CorruptFormatException e = readFails("/sparse-btree", "pointer 0 is block 1099511627776 (AG 67108864 block "
                + "0, 1 blocks), outside the 2 AGs");
        assertEquals(ptr0, e.where().offset());
    }

    @Test
    void recordsMustStayInsideTheirKeyRange() throws IOException {
        long nodeAt = sparseNode();
        int maxrecs = (BS - 72) / 16;
        long leaf2 = byteOf(Golden.getLong(image, nodeAt + 72 + maxrecs * 8 + 8));   // second leaf
        long key2 = Golden.getLong(image, nodeAt + 72 + 8);
        long[] r = pack(0, 100, 1, false);   // file block 0 belongs to the first leaf
        Golden.putLong(image, leaf2 + 72, r[0]);
        Golden.putLong(image, leaf2 + 80, r[1]);
        XfsTestSupport.fixCrc(image, leaf2, BS, DataFork.OFFSET_CRC);
        readFails("/sparse-btree", "record 0 maps file blocks 0+1, which overlap or are out of order: they should "
                + "lie in [" + key2 + ", ");
    }

    @Test
    void holesAndExtentsOfTheMap() throws IOException {
        DataFork fork = DataFork.of(pristine, node("/sparse-btree"));
        DataFork.Mapping m = fork.map(1);
        assertTrue(m.unwritten() || m.hole());
        DataFork.Mapping first = fork.map(0);
        assertEquals(0, first.fileOffset());
        assertFalse(first.hole());
        DataFork.Mapping past = fork.map(1L << 40);
        assertTrue(past.hole());
        assertEquals(Long.MAX_VALUE, past.end());
        DataFork.Mapping beyond = fork.map(XfsExtent.MAX_FILE_OFFSET + 1);
        assertTrue(beyond.hole());
        byte[] all = FsFiles.readAll(pristine, node("/sparse-btree"), 4 << 20);
        assertArrayEquals(new byte[512], java.util.Arrays.copyOfRange(all, 2 * 1024 * 1300, all.length));
    }
}
