package io.vhdkit.fs.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The two tiny committed images (recipe: fixtures/ext/mkgolden.sh, see the README beside them), decoded field by
 * field, then corrupted one field at a time: each damage gives its own exception and message, or an anomaly.
 */
class ExtGoldenTest {

    static final long SB = 1024;

    static byte[] ext4() {
        return Golden.load(ExtGoldenTest.class, "tiny-ext4.img.gz");
    }

    static byte[] ext2() {
        return Golden.load(ExtGoldenTest.class, "tiny-ext2.img.gz");
    }

    static ExtFileSystem open(byte[] b) throws IOException {
        return ExtFileSystem.open(new ExtImages.ByteDisk(b));
    }

    static void le16(byte[] b, long offset, int value) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort((int) offset, (short) value);
    }

    static void le32(byte[] b, long offset, long value) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt((int) offset, (int) value);
    }

    static int get32(byte[] b, long offset) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt((int) offset);
    }

    /** Recomputes the metadata_csum superblock checksum, so that a mutation reaches the code behind it. */
    static void fixChecksum(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, (int) SB, Superblock.OFFSET_CHECKSUM);
        le32(b, SB + Superblock.OFFSET_CHECKSUM, ~crc.getValue());
    }

    static <T extends FormatException> String fails(Class<T> type, Executable e) {
        return assertThrows(type, e).getMessage();
    }

    static ExtNode resolve(ExtFileSystem fs, String path) throws IOException {
        return (ExtNode) new PathResolver(fs).resolve(path, false).node();
    }

    // ------------------------------------------------------------------ decoding

    @Test
    void decodesTheTinyExt4() throws Exception {
        ExtFileSystem fs = open(ext4());
        Superblock sb = fs.superblock();
        assertEquals(128, sb.inodesCount());
        assertEquals(1024, sb.blocksCount());
        assertEquals(1, sb.firstDataBlock());
        assertEquals(0, sb.logBlockSize());
        assertEquals(8192, sb.blocksPerGroup());
        assertEquals(128, sb.inodesPerGroup());
        assertEquals(256, sb.inodeSize());
        assertEquals(64, sb.descSize());
        assertTrue(sb.checksumValid());
        assertEquals("ext4", fs.info().type());
        assertEquals("tiny-ext4", fs.info().label());
        assertEquals("0b0b0b0b-1111-4222-8333-444444444444", fs.info().uuid());
        assertEquals(1024 * 1024, fs.info().size());
        assertEquals(List.of(), fs.info().anomalies());
        GroupDescriptor gd = fs.groupDescriptor(0);
        assertEquals(2 * 1024, gd.offset());
        ExtNode inline = resolve(fs, "/inline.txt");
        assertTrue(inline.inode().hasFlag(Inode.FLAG_INLINE_DATA));
        assertEquals("small file kept in the inode\n", new String(FsFiles.readAll(fs, inline, 100)));
        ExtNode extents = resolve(fs, "/extents.bin");
        assertTrue(extents.inode().hasFlag(Inode.FLAG_EXTENTS));
        assertEquals(1, Superblock.u16(extents.inode().iBlock(), ExtentMap.OFFSET_DEPTH));
        byte[] data = FsFiles.readAll(fs, extents, 1 << 20);
        assertEquals(33 * 1024, data.length);
        assertEquals(0, data[1024 + 5]);       // a hole between the pieces
        assertEquals("inline.txt", fs.readLink(resolve(fs, "/fast-link")));
        assertEquals("dir/" + "long-target-".repeat(8), fs.readLink(resolve(fs, "/slow-link")));
        ExtNode dir = resolve(fs, "/dir");
        assertTrue(fs.isIndexed(dir.inode()));
        assertEquals(60, fs.list(dir).size());
        ExtNode small = resolve(fs, "/small");
        assertTrue(small.inode().hasFlag(Inode.FLAG_INLINE_DATA));
        assertEquals(List.of("a"), fs.list(small).stream().map(DirEntry::name).toList());
    }

    @Test
    void decodesTheTinyExt2() throws Exception {
        ExtFileSystem fs = open(ext2());
        assertEquals("ext2", fs.info().type());
        assertEquals(128, fs.superblock().inodeSize());
        assertEquals(32, fs.superblock().descSize());
        ExtNode f = resolve(fs, "/indirect.bin");
        assertEquals(301 * 1024, f.stat().size());
        byte[] data = FsFiles.readAll(fs, f, 1 << 20);
        assertEquals(0, data[1024]);
        assertEquals("indirect.bin", fs.readLink(resolve(fs, "/link")));
        IndirectMap map = new IndirectMap(fs.volume(), f.inode());
        assertEquals(new BlockMap.Run(100, 1, 26, BlockMap.Kind.MAPPED), map.find(100));
        assertEquals(new BlockMap.Run(300, 1, 29, BlockMap.Kind.MAPPED), map.find(300));
        assertEquals(BlockMap.Kind.HOLE, map.find(200).kind());
        assertEquals(12 + 256 + 256 * 256 + 256L * 256 * 256, map.capacity());
    }

    // ------------------------------------------------------------------ superblock

    @Test
    void superblockDamage() throws Exception {
        byte[] b = ext4();
        le16(b, SB + Superblock.OFFSET_MAGIC, 0x1234);
        assertEquals("ext superblock @0x438: s_magic is 0x1234 - should be 0xEF53",
                fails(NotThisFormatException.class, () -> open(b)));

        assertThrows(NotThisFormatException.class, () -> ExtFileSystem.open(new ExtImages.ByteDisk(new byte[1500])));

        byte[] c = ext4();
        le32(c, SB + Superblock.OFFSET_FEATURE_INCOMPAT, get32(c, SB + Superblock.OFFSET_FEATURE_INCOMPAT) | 0x1001);
        fixChecksum(c);
        assertEquals("ext4 superblock @0x460: the filesystem uses the incompatible feature(s) compression, dirdata, "
                + "which this reader does not implement", fails(UnsupportedFormatException.class, () -> open(c)));

        byte[] j = ext4();
        le32(j, SB + Superblock.OFFSET_FEATURE_INCOMPAT, get32(j, SB + Superblock.OFFSET_FEATURE_INCOMPAT) | 0x8);
        assertTrue(fails(UnsupportedFormatException.class, () -> open(j)).contains("external ext3/ext4 journal"));

        byte[] l = ext4();
        le32(l, SB + Superblock.OFFSET_LOG_BLOCK_SIZE, 7);
        fixChecksum(l);
        assertEquals("ext4 superblock @0x418: s_log_block_size is 7 - should be 0 to 6 (1 KiB to 64 KiB blocks)",
                fails(CorruptFormatException.class, () -> open(l)));

        byte[] i = ext4();
        le32(i, SB + Superblock.OFFSET_INODES_COUNT, 129);
        fixChecksum(i);
        assertEquals("ext4 superblock @0x400: s_inodes_count is 129 - should be 128 (1 groups of 128)",
                fails(CorruptFormatException.class, () -> open(i)));

        byte[] s = ext4();
        le16(s, SB + Superblock.OFFSET_INODE_SIZE, 100);
        fixChecksum(s);
        assertEquals("ext4 superblock @0x458: s_inode_size is 100 - should be a power of two from 128 to the block "
                + "size (1024)", fails(CorruptFormatException.class, () -> open(s)));

        byte[] d = ext4();
        le16(d, SB + Superblock.OFFSET_DESC_SIZE, 48);
        fixChecksum(d);
        assertEquals("ext4 superblock @0x4FE: s_desc_size is 48 - should be a power of two from 64 to 1024",
                fails(CorruptFormatException.class, () -> open(d)));

        byte[] f = ext4();
        le32(f, SB + Superblock.OFFSET_FIRST_DATA_BLOCK, 0);
        fixChecksum(f);
        assertEquals("ext4 superblock @0x414: s_first_data_block is 0 - should be 1 (1 KiB blocks)",
                fails(CorruptFormatException.class, () -> open(f)));

        byte[] n = ext4();
        le32(n, SB + Superblock.OFFSET_BLOCKS_COUNT_LO, 0);
        fixChecksum(n);
        assertTrue(fails(CorruptFormatException.class, () -> open(n)).startsWith(
                "ext4 superblock @0x404: s_blocks_count is 0 - should be more than s_first_data_block (1)"));

        byte[] g = ext4();
        le32(g, SB + Superblock.OFFSET_BLOCKS_PER_GROUP, 100_000);
        fixChecksum(g);
        assertTrue(fails(CorruptFormatException.class, () -> open(g)).startsWith(
                "ext4 superblock @0x420: s_blocks_per_group is 100000 - should be 8 to 8192"));
    }

    @Test
    void superblockAnomalies() throws Exception {
        byte[] b = ext4();
        b[(int) SB + 0x3FC] ^= 1;
        Finding f = open(b).info().anomalies().get(0);
        assertEquals("superblock.checksum", f.code());
        assertEquals(Severity.ERROR, f.severity());
        assertEquals(SB + 0x3FC, f.where().offset());

        byte[] r = ext4();
        le32(r, SB + Superblock.OFFSET_FEATURE_INCOMPAT, get32(r, SB + Superblock.OFFSET_FEATURE_INCOMPAT) | 0x4);
        fixChecksum(r);
        Finding rec = open(r).info().anomalies().get(0);
        assertEquals("journal.needs-recovery", rec.code());
        assertEquals(Severity.WARNING, rec.severity());

        byte[] e = ext4();
        le16(e, SB + Superblock.OFFSET_STATE, 3);
        fixChecksum(e);
        assertEquals("superblock.state", open(e).info().anomalies().get(0).code());

        byte[] t = Arrays.copyOf(ext4(), 900 * 1024);     // the volume ends before the filesystem does
        Finding cut = open(t).info().anomalies().get(0);
        assertEquals("volume.size", cut.code());
        assertEquals(Severity.WARNING, cut.severity());
        ExtFileSystem fs = open(t);
        assertEquals(60, fs.list(resolve(fs, "/dir")).size());      // everything in use lies before the cut
        byte[] short40 = Arrays.copyOf(ext4(), 40 * 1024);           // the inode table lies past this cut
        assertEquals("ext4 inode 2 @0xA800: inode 2 inode table block: 1024 bytes at offset 43008 lie outside the "
                + "volume (40960 bytes)", fails(CorruptFormatException.class, () -> open(short40)));
    }

    @Test
    void blkidTypes() {
        byte[] b = ext2();
        Superblock sb = Superblock.decode(ByteBuffer.wrap(b, (int) SB, 1024));
        assertEquals("ext2", assertDoesNotThrow(sb));
        le32(b, SB + Superblock.OFFSET_FEATURE_COMPAT, get32(b, SB + Superblock.OFFSET_FEATURE_COMPAT) | 0x4);
        assertEquals("ext3", assertDoesNotThrow(Superblock.decode(ByteBuffer.wrap(b, (int) SB, 1024))));
        le32(b, SB + Superblock.OFFSET_FEATURE_RO_COMPAT, get32(b, SB + Superblock.OFFSET_FEATURE_RO_COMPAT) | 0x40);
        assertEquals("ext4", assertDoesNotThrow(Superblock.decode(ByteBuffer.wrap(b, (int) SB, 1024))));
        le32(b, SB + Superblock.OFFSET_FLAGS, 4);
        assertEquals("ext4dev", assertDoesNotThrow(Superblock.decode(ByteBuffer.wrap(b, (int) SB, 1024))));
    }

    private static String assertDoesNotThrow(Superblock sb) {
        try {
            return ExtFileSystem.blkidType(sb);
        } catch (UnsupportedFormatException e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------ descriptors and inodes

    @Test
    void inodeAndDescriptorDamage() throws Exception {
        ExtFileSystem clean = open(ext4());
        GroupDescriptor gd = clean.groupDescriptor(0);
        assertEquals("ext4 inode 0: number is 0 - should be 1 to 128 (s_inodes_count)",
                fails(CorruptFormatException.class, () -> clean.node(0)));
        assertThrows(CorruptFormatException.class, () -> clean.node(129));

        byte[] t = ext4();
        le32(t, gd.offset() + GroupDescriptor.OFFSET_INODE_TABLE_LO, 5000);
        assertEquals("ext4 group descriptor 0 @0x808: bg_inode_table points to block 5000 (+32 blocks), outside the "
                + "filesystem's blocks (2 to 1023)", fails(CorruptFormatException.class, () -> open(t)));

        byte[] u = ext4();
        le16(u, gd.offset() + GroupDescriptor.OFFSET_FLAGS, GroupDescriptor.INODE_UNINIT);
        assertTrue(fails(CorruptFormatException.class, () -> open(u))
                .endsWith("inode 2 is not in use: its group's inode table is uninitialized"));

        ExtNode root = (ExtNode) clean.root();
        byte[] m = ext4();
        le16(m, root.inode().offset() + Inode.OFFSET_MODE, 0100644);
        assertEquals(String.format("ext4 inode 2 @0x%X: the root inode is not a directory (i_mode 0100644)",
                root.inode().offset()), fails(CorruptFormatException.class, () -> open(m)));

        ExtNode file = resolve(clean, "/blocks.bin");
        byte[] z = ext4();
        le16(z, file.inode().offset() + Inode.OFFSET_LINKS_COUNT, 0);
        ExtFileSystem fz = open(z);
        assertTrue(fails(CorruptFormatException.class, () -> fz.node(file.id()))
                .contains("is not in use (its link count is 0)"));

        byte[] x = ext4();
        le16(x, file.inode().offset() + Inode.OFFSET_EXTRA_ISIZE, 130);
        ExtFileSystem fx = open(x);
        assertEquals(String.format("ext4 inode %d @0x%X: i_extra_isize is 130 - should be a multiple of 4, at most 128",
                file.id(), file.inode().offset() + 0x80), fails(CorruptFormatException.class, () -> fx.node(file.id())));

        byte[] s = ext4();
        le32(s, file.inode().offset() + Inode.OFFSET_SIZE_HIGH, 0x80000000L);
        assertTrue(fails(CorruptFormatException.class, () -> open(s).node(file.id())).contains("i_size_high"));

        byte[] enc = ext4();
        le32(enc, file.inode().offset() + Inode.OFFSET_FLAGS, file.inode().flags() | Inode.FLAG_ENCRYPT);
        ExtFileSystem fe = open(enc);
        assertTrue(fails(UnsupportedFormatException.class, () -> FsFiles.readAll(fe, fe.node(file.id()), 4096))
                .contains("is encrypted (fscrypt"));
    }

    // ------------------------------------------------------------------ extents and block maps

    @Test
    void extentDamage() throws Exception {
        ExtFileSystem clean = open(ext4());
        ExtNode f = resolve(clean, "/extents.bin");
        long root = f.inode().offset() + Inode.OFFSET_BLOCK;
        long leafBlock = Superblock.u32(f.inode().iBlock(), 12 + 4);
        long leaf = leafBlock * 1024;

        byte[] a = ext4();
        le16(a, root + ExtentMap.OFFSET_MAGIC, 0xF30B);
        assertEquals(String.format("ext4 inode %d extent tree @0x%X: eh_magic is 0xF30B - should be 0xF30A", f.id(),
                root), readFails(a, f.id(), CorruptFormatException.class));

        byte[] d = ext4();
        le16(d, root + ExtentMap.OFFSET_DEPTH, 6);
        assertTrue(readFails(d, f.id(), CorruptFormatException.class).endsWith("eh_depth is 6 - should be at most 5"));

        byte[] c = ext4();
        le16(c, leaf + ExtentMap.OFFSET_DEPTH, 1);
        assertTrue(readFails(c, f.id(), CorruptFormatException.class)
                .endsWith("eh_depth is 1 - should be 0 (one less than its parent's)"));

        byte[] e = ext4();
        le16(e, leaf + ExtentMap.OFFSET_ENTRIES, 100);
        assertTrue(readFails(e, f.id(), CorruptFormatException.class).contains("eh_entries is 100"));

        byte[] m = ext4();
        le16(m, root + ExtentMap.OFFSET_MAX, 5);
        assertTrue(readFails(m, f.id(), CorruptFormatException.class)
                .endsWith("eh_max is 5 - should be at most 4 (what the node has room for)"));

        byte[] z = ext4();
        le16(z, leaf + 12 + 12 + 4, 0);       // the second extent's ee_len
        assertTrue(readFails(z, f.id(), CorruptFormatException.class).contains("ee_len is 0"));

        byte[] o = ext4();
        le32(o, leaf + 12 + 12, 0);          // the second extent now starts where the first does
        assertTrue(readFails(o, f.id(), CorruptFormatException.class).contains("overlaps the previous extent"));

        byte[] p = ext4();
        le32(p, leaf + 12 + 8, 70000);       // the first extent's ee_start_lo
        assertTrue(readFails(p, f.id(), CorruptFormatException.class).contains("ee_start points to block 70000"));

        // a node that is its own child: the root says depth 2, the leaf says 1 and its first entry points to itself
        byte[] loop = ext4();
        le16(loop, root + ExtentMap.OFFSET_DEPTH, 2);
        le16(loop, leaf + ExtentMap.OFFSET_DEPTH, 1);
        le32(loop, leaf + 12, 0);
        le32(loop, leaf + 12 + 4, leafBlock);
        le16(loop, leaf + 12 + 8, 0);
        assertTrue(readFails(loop, f.id(), CorruptFormatException.class).contains("one of its own ancestors"));

        // unwritten extents read as zeros
        byte[] u = ext4();
        le16(u, leaf + 12 + 4, 32768 + 1);
        ExtFileSystem fu = open(u);
        byte[] data = FsFiles.readAll(fu, fu.node(f.id()), 1 << 20);
        assertEquals(0, data[5]);
        assertTrue(FsFiles.readAll(clean, f, 1 << 20)[5] != 0 || FsFiles.readAll(clean, f, 1 << 20)[6] != 0);

        // extents on a filesystem without the feature
        byte[] nf = ext4();
        le32(nf, SB + Superblock.OFFSET_FEATURE_INCOMPAT, get32(nf, SB + Superblock.OFFSET_FEATURE_INCOMPAT) & ~0x40);
        fixChecksum(nf);
        assertTrue(readFails(nf, f.id(), CorruptFormatException.class).contains("without the extent feature"));
    }

    @Test
    void blockMapDamage() throws Exception {
        ExtFileSystem clean = open(ext2());
        ExtNode f = resolve(clean, "/indirect.bin");
        byte[] a = ext2();
        le32(a, f.inode().offset() + Inode.OFFSET_BLOCK + 4 * 13, 99999);     // the double indirect pointer
        assertEquals(String.format("ext2 inode %d block map @0x%X: double indirect points to block 99999, outside "
                + "the filesystem's blocks (2 to 511)", f.id(), f.inode().offset() + Inode.OFFSET_BLOCK + 52),
                readFails(a, f.id(), CorruptFormatException.class));
        byte[] b = ext2();
        le32(b, 25L * 1024 + 4 * 88, 1);      // entry 88 of the single indirect block (logical 100): the superblock
        assertTrue(readFails(b, f.id(), CorruptFormatException.class).contains("block pointer points to block 1"));
    }

    static <T extends FormatException> String readFails(byte[] image, long id, Class<T> type) {
        return fails(type, () -> {
            ExtFileSystem fs = open(image);
            FsFiles.readAll(fs, fs.node(id), 1 << 20);
        });
    }

    // ------------------------------------------------------------------ directories, inline data, symlinks

    @Test
    void directoryDamage() throws Exception {
        ExtFileSystem clean = open(ext4());
        ExtNode dir = resolve(clean, "/dir");
        long leaf = clean.directoryBlock(dir, 1) * 1024;

        byte[] r = ext4();
        le16(r, leaf + DirBlock.OFFSET_REC_LEN, 13);
        assertTrue(listFails(r, dir.id()).endsWith("rec_len 13 is not a multiple of 4"));
        byte[] s = ext4();
        le16(s, leaf + DirBlock.OFFSET_REC_LEN, 8);
        assertTrue(listFails(s, dir.id()).endsWith("rec_len 8 is smaller than the minimum 12"));
        byte[] o = ext4();
        le16(o, leaf + DirBlock.OFFSET_REC_LEN, 2048);
        assertTrue(listFails(o, dir.id()).contains("runs past the end of the block"));
        byte[] n = ext4();
        n[(int) leaf + DirBlock.OFFSET_NAME_LEN] = (byte) 200;
        assertTrue(listFails(n, dir.id()).contains("is too small for name_len 200"));
        byte[] i = ext4();
        le32(i, leaf + DirBlock.OFFSET_INODE, 5000);
        assertEquals(String.format("ext4 inode %d directory @0x%X: the entry at byte 0 names inode 5000, beyond "
                + "s_inodes_count (128)", dir.id(), leaf), listFails(i, dir.id()));
        byte[] sl = ext4();
        sl[(int) leaf + DirBlock.OFFSET_NAME] = '/';
        assertTrue(listFails(sl, dir.id()).contains("contains a '/'"));

        // a damaged htree root: lookups fall back to a linear scan, as the kernel's do
        long root = clean.directoryBlock(dir, 0) * 1024;
        byte[] h = ext4();
        h[(int) root + HashTree.OFFSET_HASH_VERSION] = 9;
        ExtFileSystem fh = open(h);
        ExtNode dh = (ExtNode) fh.node(dir.id());
        assertThrows(CorruptFormatException.class, () -> new HashTree(fh, dh).lookup("file-number-007".getBytes()));
        assertTrue(fh.lookup(dh, "file-number-007").isPresent());
        assertEquals(Optional.empty(), fh.lookup(dh, "file-number-999"));
        assertEquals(60, fh.list(dh).size());
        for (int at = 0x24; at <= 0x24 + 8 * 8; at += 8) {
            le32(h, root + at, 77);           // every child's block, past the directory's end
        }
        h[(int) root + HashTree.OFFSET_HASH_VERSION] = 1;
        ExtFileSystem fhb = open(h);
        ExtNode dhb = (ExtNode) fhb.node(dir.id());
        assertTrue(fails(CorruptFormatException.class, () -> new HashTree(fhb, dhb).lookup("file-number-000"
                .getBytes())).contains("points to directory block 77"));
        assertTrue(fhb.lookup(dhb, "file-number-000").isPresent());
        le16(h, root + 0x22, 0);            // count 0
        ExtFileSystem fc = open(h);
        ExtNode dc = (ExtNode) fc.node(dir.id());
        assertTrue(fails(CorruptFormatException.class, () -> new HashTree(fc, dc).lookup("file-number-000"
                .getBytes())).contains("count 0"));
    }

    static String listFails(byte[] image, long dirId) {
        return fails(CorruptFormatException.class, () -> {
            ExtFileSystem fs = open(image);
            fs.list(fs.node(dirId));
        });
    }

    @Test
    void inlineAndSymlinkDamage() throws Exception {
        ExtFileSystem clean = open(ext4());
        ExtNode inline = resolve(clean, "/inline.txt");
        int ibody = Inode.GOOD_OLD_SIZE + inline.inode().extraIsize();
        byte[] a = ext4();
        le32(a, inline.inode().offset() + ibody, 0);
        assertTrue(readFails(a, inline.id(), CorruptFormatException.class)
                .contains("no in-inode extended attributes"));
        byte[] v = ext4();
        le16(v, inline.inode().offset() + ibody + 4 + InlineData.OFFSET_VALUE_OFFS, 200);
        le32(v, inline.inode().offset() + ibody + 4 + InlineData.OFFSET_VALUE_SIZE, 100);
        assertTrue(readFails(v, inline.id(), CorruptFormatException.class)
                .contains("lies outside the inode's attribute space"));

        ExtNode small = resolve(clean, "/small");
        byte[] d = ext4();
        le16(d, small.inode().offset() + Inode.OFFSET_BLOCK + 4 + DirBlock.OFFSET_REC_LEN, 60);
        assertTrue(listFails(d, small.id()).contains("runs past the end of the block"));

        ExtNode fast = resolve(clean, "/fast-link");
        byte[] f = ext4();
        le32(f, fast.inode().offset() + Inode.OFFSET_SIZE_LO, 60);
        ExtFileSystem ff = open(f);
        assertTrue(fails(CorruptFormatException.class, () -> ff.readLink(ff.node(fast.id())))
                .contains("does not fit there"));
        byte[] e = ext4();
        le32(e, fast.inode().offset() + Inode.OFFSET_SIZE_LO, 0);
        ExtFileSystem fe = open(e);
        assertTrue(fails(CorruptFormatException.class, () -> fe.readLink(fe.node(fast.id())))
                .contains("has a target of 0 bytes"));
        ExtNode slow = resolve(clean, "/slow-link");
        byte[] l = ext4();
        le32(l, slow.inode().offset() + Inode.OFFSET_SIZE_LO, 5000);
        ExtFileSystem fl = open(l);
        assertTrue(fails(CorruptFormatException.class, () -> fl.readLink(fl.node(slow.id())))
                .contains("has a target of 5000 bytes"));
    }

    @Test
    void casefoldedDirectoriesAreSearchedIgnoringCase() throws Exception {
        ExtFileSystem clean = open(ext4());
        ExtNode dir = resolve(clean, "/dir");
        byte[] b = ext4();
        le32(b, SB + Superblock.OFFSET_FEATURE_INCOMPAT, get32(b, SB + Superblock.OFFSET_FEATURE_INCOMPAT)
                | Features.INCOMPAT_CASEFOLD);
        fixChecksum(b);
        le32(b, dir.inode().offset() + Inode.OFFSET_FLAGS, dir.inode().flags() | Inode.FLAG_CASEFOLD);
        ExtFileSystem fs = open(b);
        ExtNode folded = (ExtNode) fs.node(dir.id());
        assertEquals("file-number-007", fs.lookup(folded, "FILE-Number-007").orElseThrow().name());
        assertEquals("file-number-007", fs.lookup(folded, "file-number-007").orElseThrow().name());
        assertEquals(Optional.empty(), clean.lookup(dir, "FILE-Number-007"), "without casefold, case counts");
        assertTrue(fs.info().caseSensitive());
    }

    @Test
    void misuseIsAnIllegalArgument() throws Exception {
        ExtFileSystem fs = open(ext4());
        ExtFileSystem other = open(ext4());
        FsNode file = resolve(fs, "/blocks.bin");
        assertThrows(IllegalArgumentException.class, () -> fs.list(file));
        assertThrows(IllegalArgumentException.class, () -> fs.readLink(file));
        assertThrows(IllegalArgumentException.class, () -> other.read(file, 0, ByteBuffer.allocate(1)));
        assertEquals(0, fs.read(file, 0, ByteBuffer.allocate(0)));
        assertEquals(Optional.empty(), fs.lookup(fs.root(), "a/b"));
        assertEquals(Optional.empty(), fs.lookup(fs.root(), "x".repeat(256)));
    }
}
