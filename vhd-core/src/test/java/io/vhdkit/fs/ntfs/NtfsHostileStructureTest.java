package io.vhdkit.fs.ntfs;

import static io.vhdkit.fs.ntfs.NtfsTestSupport.assertMessage;
import static io.vhdkit.fs.ntfs.NtfsTestSupport.attributeOffset;
import static io.vhdkit.fs.ntfs.NtfsTestSupport.getInRecord;
import static io.vhdkit.fs.ntfs.NtfsTestSupport.golden;
import static io.vhdkit.fs.ntfs.NtfsTestSupport.open;
import static io.vhdkit.fs.ntfs.NtfsTestSupport.putInRecord;
import static io.vhdkit.fs.ntfs.NtfsTestSupport.resolve;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.PathResolver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Targeted damage to the golden image: the loops and limits of the "hostile input" list, each refused with a
 * {@link CorruptFormatException} that names the structure, the field and its offset in the volume. Golden layout
 * (see {@link NtfsTestSupport}): 1 KiB clusters and MFT records, 4 KiB INDX blocks; {@code /dir} has a two-level
 * index under its root (blocks at VCN 16 and 60 hold the leaves), {@code /links/target.bin} has 31 names and an
 * attribute list placing most of them in extension records 224 to 230.
 */
class NtfsHostileStructureTest {

    /** Hang detector only: each case takes milliseconds. */
    private static final Duration HANG = Duration.ofSeconds(10);

    private static CorruptFormatException corrupt(byte[] image, Probe probe) {
        return assertTimeoutPreemptively(HANG, () -> assertThrows(CorruptFormatException.class,
                () -> probe.run(open(image))));
    }

    @FunctionalInterface
    private interface Probe {
        void run(NtfsFileSystem fs) throws IOException;
    }

    private static void assertWhere(CorruptFormatException e, String structure, String field, long offset) {
        FieldRef w = e.where();
        assertEquals("NTFS", w.format(), e.getMessage());
        assertEquals(structure, w.structure(), e.getMessage());
        assertEquals(field, w.field(), e.getMessage());
        assertEquals(offset, w.offset(), e.getMessage());
    }

    // ------------------------------------------------------------------ the $I30 B+ tree

    /** The index of /dir on the pristine golden, to find its blocks and entries. */
    private static DirectoryIndex dirIndex() throws IOException {
        NtfsFileSystem fs = open(NtfsTestSupport.shared());
        return fs.index(resolve(fs, "/dir"));
    }

    /** Sets the child VCN of entry {@code i} of the INDX block at {@code vcn} (through the block's fixups). */
    private static long setChild(byte[] image, DirectoryIndex index, long vcn, int i, long child) throws IOException {
        long blockAt = index.blockAt(vcn);
        IndexNode.Entry e = index.block(vcn, null).entries().get(i);
        int length = (int) getInRecord(image, blockAt, (int) (e.at() - blockAt) + IndexNode.ENTRY_LENGTH, 2);
        int field = (int) (e.at() - blockAt) + length - 8;
        assertEquals(e.child(), getInRecord(image, blockAt, field, 8), "the child VCN where the test expects it");
        putInRecord(image, blockAt, field, child, 8);
        return e.at();
    }

    @Test
    void anIndexBlockPointingToItselfIsALoop() throws IOException {
        DirectoryIndex index = dirIndex();
        assertEquals(16, index.root().entries().get(0).child());
        byte[] b = golden();
        long at = setChild(b, index, 16, 0, 16);
        CorruptFormatException e = corrupt(b, fs -> fs.list(resolve(fs, "/dir")));
        assertMessage(e, "index entry points to VCN 16, the node itself or one of its ancestors: the index loops");
        assertWhere(e, "MFT record 70 $I30", "index entry child VCN", at);
        // looking a name up in that part of the tree descends into the same loop
        CorruptFormatException lookup = corrupt(b, fs -> fs.lookup(resolve(fs, "/dir"),
                "entry 000 with a name long enough to fill index blocks quickly, " + "x".repeat(40) + ".txt"));
        assertMessage(lookup, "the index loops");
    }

    @Test
    void anIndexBlockPointingToAnAncestorIsALoop() throws IOException {
        // root -> 16 -> 60 (a sibling made a child) -> 16 (its ancestor)
        DirectoryIndex index = dirIndex();
        byte[] b = golden();
        setChild(b, index, 16, 0, 60);
        long at = setChild(b, index, 60, 0, 16);
        CorruptFormatException e = corrupt(b, fs -> fs.list(resolve(fs, "/dir")));
        assertMessage(e, "index entry points to VCN 16, the node itself or one of its ancestors");
        assertWhere(e, "MFT record 70 $I30", "index entry child VCN", at);
    }

    @Test
    void twoEntriesPointingToOneBlockAreRefused() throws IOException {
        DirectoryIndex index = dirIndex();
        byte[] b = golden();
        long at = setChild(b, index, 16, 1, 0);   // entry 1 points where entry 0 already does
        CorruptFormatException e = corrupt(b, fs -> fs.list(resolve(fs, "/dir")));
        assertMessage(e, "index entry points to VCN 0, which another entry already points to");
        assertWhere(e, "MFT record 70 $I30", "index entry child VCN", at);
    }

    @Test
    void indexEntriesRunningPastTheBlockAreRefused() throws IOException {
        DirectoryIndex index = dirIndex();
        long blockAt = index.blockAt(16);
        IndexNode.Entry first = index.block(16, null).entries().get(0);
        int offset = (int) (first.at() - blockAt);
        for (int length : new int[] {0xFFF8, 4096, 0, 12}) {
            byte[] b = golden();
            putInRecord(b, blockAt, offset + IndexNode.ENTRY_LENGTH, length, 2);
            CorruptFormatException e = corrupt(b, fs -> fs.list(resolve(fs, "/dir")));
            assertMessage(e, "index entry length is " + length + " - should be a multiple of 8 from ");
            assertWhere(e, "MFT record 70 $I30 INDX block at VCN 16", "index entry length",
                    first.at() + IndexNode.ENTRY_LENGTH);
        }
        // the block's own header: more bytes in use than the block has
        byte[] b = golden();
        putInRecord(b, blockAt, DirectoryIndex.INDX_HEADER + IndexNode.HEADER_INDEX_LENGTH, 0x10000, 4);
        CorruptFormatException e = corrupt(b, fs -> fs.list(resolve(fs, "/dir")));
        assertMessage(e, "the node's index length 65536");
        assertWhere(e, "MFT record 70 $I30 INDX block at VCN 16", "index length",
                blockAt + DirectoryIndex.INDX_HEADER + IndexNode.HEADER_INDEX_LENGTH);
    }

    /** Points the entry named {@code name} of directory {@code path}'s index at {@code reference}. */
    private static long pointEntry(byte[] b, String path, String name, long reference) throws IOException {
        NtfsFileSystem pristine = open(NtfsTestSupport.shared());
        NtfsNode dir = resolve(pristine, path);
        DirectoryIndex index = pristine.index(dir);
        IndexNode.Entry entry = index.entries().stream().filter(x -> x.key().name().equals(name)).findFirst()
                .orElseThrow();
        long container = index.root().entries().contains(entry) ? NtfsTestSupport.recordAt(dir.id())
                : index.blockAt(0);
        assertEquals(entry.reference(), getInRecord(b, container, (int) (entry.at() - container), 8),
                "the entry where the test expects it");
        putInRecord(b, container, (int) (entry.at() - container), reference, 8);
        return entry.at();
    }

    @Test
    void aDirectoryListingItselfIsRefusedAndNoWalkLoops() throws IOException {
        NtfsFileSystem pristine = open(NtfsTestSupport.shared());
        NtfsNode symlinks = resolve(pristine, "/symlinks");
        byte[] b = golden();
        // /symlinks (record 231) lists itself as "junction": the reference is in use, a base record, same sequence
        long at = pointEntry(b, "/symlinks", "junction", symlinks.id() | (long) symlinks.sequence() << 48);
        CorruptFormatException e = corrupt(b, fs -> fs.list(resolve(fs, "/symlinks")));
        assertMessage(e, "the entry \"junction\" of directory 231 refers to MFT record 231, which has no such name "
                + "in this directory");
        assertWhere(e, "MFT record 231 $I30", "index entry file reference", at);
        // the path walk ends with the same checked error, however deep the loop would go
        CorruptFormatException walk = corrupt(b, fs -> new PathResolver(fs).resolve(
                "/symlinks/junction/junction/junction/junction/absolute", true));
        assertMessage(walk, "which has no such name in this directory");
        // the other names of /symlinks are still found
        NtfsFileSystem fs = open(b);
        assertEquals("/hello.txt", new PathResolver(fs).resolve("/symlinks/absolute", true).path());
    }

    @Test
    void aDirectoryListingTheRootHidesItAsAMetafile() throws IOException {
        NtfsFileSystem pristine = open(NtfsTestSupport.shared());
        byte[] b = golden();
        // /links lists the root (record 5) as "target.bin": records below 16 are metafiles, never listed or found,
        // so the root cannot be reached below itself
        pointEntry(b, "/links", "target.bin", Ntfs.FILE_ROOT | (long) pristine.root().sequence() << 48);
        NtfsFileSystem fs = open(b);
        NtfsNode links = resolve(fs, "/links");
        assertTrue(fs.list(links).stream().noneMatch(x -> x.name().equals("target.bin")));
        assertTrue(fs.lookup(links, "target.bin").isEmpty());
        assertEquals(30, fs.list(links).size(), "the 30 hard links and nothing else");
    }

    // ------------------------------------------------------------------ hard links and MFT references

    @Test
    void aLinkCountThatDisagreesWithTheNamesIsRefused() throws IOException {
        long at = NtfsTestSupport.recordAt(223);
        byte[] b = golden();
        assertEquals(31, getInRecord(b, at, MftRecord.OFFSET_LINK_COUNT, 2));
        putInRecord(b, at, MftRecord.OFFSET_LINK_COUNT, 30, 2);
        CorruptFormatException e = corrupt(b, fs -> fs.node(223));
        assertMessage(e, "MFT record 223 counts 30 hard links but has 31 $FILE_NAME attributes");
        assertWhere(e, "MFT record 223", "link count", at + MftRecord.OFFSET_LINK_COUNT);
        assertEquals("30", e.actual().orElseThrow());
    }

    @Test
    void anExtensionRecordOfAnotherFileOrOfItselfIsRefused() throws IOException {
        long at224 = NtfsTestSupport.recordAt(224);
        long base = getInRecord(golden(), at224, MftRecord.OFFSET_BASE_RECORD, 8);
        assertEquals(223, Ntfs.refRecord(base));
        // extension 224 claims to belong to extension 225, which belongs to 223: a chain, not a base
        byte[] chain = golden();
        putInRecord(chain, at224, MftRecord.OFFSET_BASE_RECORD, 225 | base & 0xFFFF_0000_0000_0000L, 8);
        CorruptFormatException e = corrupt(chain, fs -> fs.node(223));
        assertMessage(e, "the attribute list of MFT record 223 names MFT record 224, which belongs to record 225");
        assertWhere(e, "MFT record 224", "base record", at224 + MftRecord.OFFSET_BASE_RECORD);
        // extension 224 claims to belong to itself: asked for as a file, it is an extension, never a base
        byte[] self = golden();
        putInRecord(self, at224, MftRecord.OFFSET_BASE_RECORD, 224 | base & 0xFFFF_0000_0000_0000L, 8);
        assertMessage(corrupt(self, fs -> fs.node(223)), "which belongs to record 224");
        CorruptFormatException asFile = corrupt(self, fs -> fs.node(224));
        assertMessage(asFile, "MFT record 224 is an extension record of file 224, not a file of its own");
        assertWhere(asFile, "MFT record 224", "base record", at224 + MftRecord.OFFSET_BASE_RECORD);
        // the base record claiming to be an extension of itself: no file
        long at223 = NtfsTestSupport.recordAt(223);
        byte[] base223 = golden();
        putInRecord(base223, at223, MftRecord.OFFSET_BASE_RECORD, 223, 8);
        assertMessage(corrupt(base223, fs -> fs.node(223)), "is an extension record of file 223");
    }

    /** The attribute list of /links/target.bin (non-resident): its clusters' offset. */
    private static long attributeListAt() throws IOException {
        NtfsFileSystem fs = open(NtfsTestSupport.shared());
        FileRecord f = fs.mft().file(223);
        List<Attribute> list = f.segments(Ntfs.AT_ATTRIBUTE_LIST, "");
        Runlist runs = AttributeData.of(fs.reader(), fs.geometry(), list, f.structure()).runs();
        return fs.geometry().clusterOffset(runs.lcn(0));
    }

    @Test
    void anAttributeListPointingBackAtItsBaseRecordIsRefused() throws IOException {
        long list = attributeListAt();
        byte[] b = golden();
        // find the first entry that places an attribute in record 224 and point it at the base record 223
        int p = 0;
        while (Ntfs.refRecord(NtfsTestSupport.i64(b, list + p + AttributeList.OFFSET_REFERENCE)) != 224) {
            p += NtfsTestSupport.u16(b, list + p + AttributeList.OFFSET_LENGTH);
        }
        long ref = NtfsTestSupport.i64(b, list + p + AttributeList.OFFSET_REFERENCE);
        NtfsTestSupport.put64(b, list + p + AttributeList.OFFSET_REFERENCE, 223 | ref & 0xFFFF_0000_0000_0000L);
        CorruptFormatException e = corrupt(b, fs -> fs.node(223));
        assertTrue(e.getMessage().contains("which has no such attribute")
                || e.getMessage().contains("but that instance is"), e.getMessage());
        assertEquals("MFT record 223", e.where().structure(), e.getMessage());
        // listing an attribute list as living in an extension record: only the base record may hold it
        byte[] again = golden();
        NtfsTestSupport.put32(again, list + p + AttributeList.OFFSET_TYPE, Ntfs.AT_ATTRIBUTE_LIST);
        assertMessage(corrupt(again, fs -> fs.node(223)), "the attribute list places an attribute list in record "
                + "224: it must be in the base record");
    }

    @Test
    void anExtensionRecordWithItsOwnAttributeListIsRefused() throws IOException {
        // turn the first attribute of extension 224 (a $FILE_NAME) into an $ATTRIBUTE_LIST: extension records
        // cannot chain further, so there is no loop to follow
        long at = NtfsTestSupport.recordAt(224);
        byte[] b = golden();
        int first = (int) getInRecord(b, at, MftRecord.OFFSET_ATTRS_OFFSET, 2);
        assertEquals(Ntfs.AT_FILE_NAME, getInRecord(b, at, first, 4));
        putInRecord(b, at, first, Ntfs.AT_ATTRIBUTE_LIST, 4);
        CorruptFormatException e = corrupt(b, fs -> fs.node(223));
        assertTrue(e.getMessage().contains("has an attribute list of its own")
                || e.getMessage().contains("no such attribute"), e.getMessage());
    }

    // ------------------------------------------------------------------ the MFT's own runlist

    /** Rewrites the mapping pairs of $MFT's $DATA (record 0), which must have room for them. */
    private static byte[] mftPairs(String hex) throws IOException {
        long at = NtfsTestSupport.recordAt(0);
        byte[] b = golden();
        int data = attributeOffset(b, at, Ntfs.AT_DATA);
        int pairs = data + (int) getInRecord(b, at, data + Attribute.OFFSET_MAPPING_PAIRS, 2);
        int room = data + (int) getInRecord(b, at, data + Attribute.OFFSET_LENGTH, 4) - pairs;
        byte[] p = HexFormat.of().parseHex(hex.replace(" ", ""));
        assertTrue(p.length <= room, "room for " + p.length + " bytes of mapping pairs: " + room);
        for (int i = 0; i < room; i++) {
            putInRecord(b, at, pairs + i, i < p.length ? p[i] & 0xFF : 0, 1);
        }
        return b;
    }

    @Test
    void theMftMappedBeyondTheVolumeIsRefused() throws IOException {
        // 251 clusters at LCN 0x7FFFFF: the volume has 3071
        CorruptFormatException e = corrupt(mftPairs("32 fb00 ffff7f 00"), fs -> fs.root());
        assertMessage(e, "the run at VCN 0 covers clusters 8388607 to 8388857, beyond the volume's 3071 clusters");
        assertEquals("MFT record 0", e.where().structure());
        assertEquals("mapping pairs", e.where().field());
        // the last run ending one cluster past the volume
        assertMessage(corrupt(mftPairs("22 fb00 050b 00"), fs -> fs.root()),
                "covers clusters 2821 to 3071, beyond the volume's 3071 clusters");
    }

    @Test
    void theMftMappedOntoItselfIsCaughtByTheRecordNumbers() throws IOException {
        // VCN 0-7 and VCN 8-250 both at LCN 16: record 8 onwards would be records 0 to 242 again
        CorruptFormatException e = corrupt(mftPairs("11 08 10  12 f300 00 00"), fs -> fs.root());
        assertMessage(e, "record number is 2 - should be 10 (where the record is in the MFT)");
        assertEquals("MFT record 10", e.where().structure());
        assertEquals("record number", e.where().field());
    }

    @Test
    void aSparseOrShortMftIsRefused() throws IOException {
        assertMessage(corrupt(mftPairs("11 08 10  02 f300 00"), fs -> fs.root()),
                "the MFT has a sparse run at VCN 8: its records must all be on disk");
        assertMessage(corrupt(mftPairs("11 08 10 00"), fs -> fs.root()),
                "the runs end at VCN 7 but the attribute's highest VCN is 250");
    }

    // ------------------------------------------------------------------ runlists of files

    private static Runlist runs(String pairs, long lowest, long highest, long clusters) throws CorruptFormatException {
        byte[] b = HexFormat.of().parseHex(pairs.replace(" ", ""));
        return Runlist.decode(b, 0, b.length, lowest, highest, clusters, "test", 0x400, Runlist.MAX_RUNS);
    }

    @Test
    void runLengthsAndOffsetsThatOverflowALongAreRefused() {
        // an 8-byte length of 2^63 - 1
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("08 ffffffffffffff7f 00", 0, 15, 100)),
                "ends after the attribute's highest VCN 15");
        // with the highest VCN at the limit too: still no overflow past it
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("18 ffffffffffffff7f 10 00", 0,
                Attribute.MAX_VCN, 100)), "covers clusters 16 to");
        // an LCN delta of 2^63 - 1 after a run at 0x20: the sum wraps negative and is refused as such
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("11 01 20  81 01 ffffffffffffff7f 00",
                0, 1, 100)), "covers clusters -");
        // the most negative length
        assertMessage(assertThrows(CorruptFormatException.class, () -> runs("08 0000000000000080 00", 0, 15, 100)),
                "has length -9223372036854775808 - should be positive");
    }

    @Test
    void overlappingSegmentsAndTooManyRunsAreRefused() throws CorruptFormatException {
        Runlist first = runs("11 10 20 00", 0, 15, 100);
        Runlist overlapping = runs("11 10 40 00", 8, 23, 100);
        Runlist.Builder b = new Runlist.Builder();
        b.add(first, "test");
        assertMessage(assertThrows(CorruptFormatException.class, () -> b.add(overlapping, "test")),
                "an attribute segment starts at VCN 8 but the previous one ends before VCN 16");
        // two segments of 600,000 one-cluster sparse runs: more than an attribute may have together
        int n = 600_000;
        byte[] pairs = new byte[2 * n + 1];
        for (int i = 0; i < n; i++) {
            pairs[2 * i] = 0x01;
            pairs[2 * i + 1] = 0x01;
        }
        Runlist one = Runlist.decode(pairs, 0, pairs.length, 0, n - 1, 100, "test", 0, Runlist.MAX_RUNS);
        Runlist two = Runlist.decode(pairs, 0, pairs.length, n, 2L * n - 1, 100, "test", 0, Runlist.MAX_RUNS);
        Runlist.Builder many = new Runlist.Builder();
        many.add(one, "test");
        assertMessage(assertThrows(CorruptFormatException.class, () -> many.add(two, "test")),
                "more than " + Runlist.MAX_RUNS + " runs");
        assertEquals(n, many.build().count(), "the runs before the refused segment are intact");
    }

    @Test
    void aFileRunBeyondTheVolumeIsRefusedWhenItsRecordIsRead() throws IOException {
        long at = NtfsTestSupport.recordAt(65);   // /data.bin, 10000 bytes in one run
        byte[] b = golden();
        int data = attributeOffset(b, at, Ntfs.AT_DATA);
        int pairs = data + (int) getInRecord(b, at, data + Attribute.OFFSET_MAPPING_PAIRS, 2);
        int header = (int) getInRecord(b, at, pairs, 1);
        int lengthBytes = header & 0xF;
        // the LCN (1 or 2 bytes) made 0x7FFF, far beyond the 3071 clusters
        putInRecord(b, at, pairs, 0x20 | lengthBytes, 1);
        putInRecord(b, at, pairs + 1 + lengthBytes, 0x7FFF, 2);
        putInRecord(b, at, pairs + 3 + lengthBytes, 0, 1);
        CorruptFormatException e = corrupt(b, fs -> resolve(fs, "/data.bin"));
        assertMessage(e, "covers clusters 32767 to");
        assertEquals("MFT record 65", e.where().structure());
        assertEquals("mapping pairs", e.where().field());
        assertEquals(at + pairs, e.where().offset());
    }

    // ------------------------------------------------------------------ compressed data

    @Test
    void aCompressedFileClaimingATerabyteCostsNoMoreThanWhatIsRead() throws IOException {
        long at = NtfsTestSupport.recordAt(67);   // /compressed.txt, 40000 bytes in LZNT1 units
        byte[] b = golden();
        int data = attributeOffset(b, at, Ntfs.AT_DATA);
        long tera = 1L << 40;
        for (int field : new int[] {Attribute.OFFSET_ALLOCATED_SIZE, Attribute.OFFSET_DATA_SIZE,
                Attribute.OFFSET_INITIALIZED_SIZE}) {
            putInRecord(b, at, data + field, tera, 8);
        }
        NtfsFileSystem fs = open(b);
        NtfsNode n = resolve(fs, "/compressed.txt");
        assertEquals(tera, n.stat().size());
        assertTrue(n.compressed());
        // the start reads as before
        byte[] want = NtfsTestSupport.content(open(NtfsTestSupport.shared()), "/compressed.txt");
        ByteBuffer head = ByteBuffer.allocate(want.length);
        while (head.hasRemaining() && fs.read(n, head.position(), head) > 0) {
            // reading
        }
        assertArrayEquals(want, head.array());
        // past the runs: a checked error naming the unmapped VCN, after reading one unit at most
        CorruptFormatException e = assertTimeoutPreemptively(HANG, () -> assertThrows(CorruptFormatException.class,
                () -> fs.read(n, tera - 100, ByteBuffer.allocate(4096))));
        assertMessage(e, "is not mapped: the runs end at VCN");
        assertEquals("MFT record 67", e.where().structure());
        // whole-file reads refuse up front
        UnsupportedFormatException whole = assertThrows(UnsupportedFormatException.class,
                () -> FsFiles.readAll(fs, n, 1 << 20));
        assertMessage(whole, "1099511627776 bytes, more than the 1048576 read whole");
    }

    @Test
    void lznt1ChunksClaimingMoreThan4KiBAreRefused() {
        // a compressed chunk whose tokens would write a 4097th byte: literals 'a' then a back-reference of 4095 + 3
        byte[] chunk = new byte[6];
        chunk[0] = (byte) 0x03;              // size - 3 = 3: the chunk is 6 bytes
        chunk[1] = (byte) 0xB0;              // compressed, signature 3
        chunk[2] = 0x02;                     // flags: a literal, then a back-reference
        chunk[3] = 'a';
        chunk[4] = (byte) 0xFF;              // displacement 0 (1 back), length 0xFFF + 3
        chunk[5] = 0x0F;
        byte[] out = new byte[4096];
        CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> Lznt1.decompress(chunk,
                chunk.length, out, out.length, FieldRef.of("NTFS", "unit", "data", 0x1000)));
        assertMessage(e, "LZNT1: a back-reference at offset 4 copies 4098 bytes, past the end of its 4096-byte "
                + "chunk");
        assertEquals(0x1004, e.where().offset());
        // a chunk filled to 4096 bytes by a back-reference, then one more literal (a chunk's size field has 12 bits:
        // an uncompressed chunk cannot claim more than 4096 bytes)
        byte[] full = {0x05, (byte) 0xB0, 0x02, 'a', (byte) 0xFC, 0x0F, 'b', 'c'};
        assertMessage(assertThrows(CorruptFormatException.class, () -> Lznt1.decompress(full, full.length,
                new byte[8192], 8192, FieldRef.of("NTFS", "unit", "data", 0))),
                "LZNT1: a literal at offset 6 overflows its 4096-byte chunk");
    }

    // ------------------------------------------------------------------ reparse data and $UpCase

    @Test
    void reparseDataShorterThanItSaysIsRefused() throws IOException {
        long at = NtfsTestSupport.recordAt(232);   // /symlinks/absolute, resident $REPARSE_POINT
        byte[] pristine = golden();
        int rp = attributeOffset(pristine, at, Ntfs.AT_REPARSE_POINT);
        int value = rp + (int) getInRecord(pristine, at, rp + Attribute.OFFSET_VALUE_OFFSET, 2);
        int valueLength = (int) getInRecord(pristine, at, rp + Attribute.OFFSET_VALUE_LENGTH, 4);
        // the reparse header claims 0xFFFF bytes of data
        byte[] b = pristine.clone();
        putInRecord(b, at, value + ReparsePoint.OFFSET_DATA_LENGTH, 0xFFFF, 2);
        CorruptFormatException e = corrupt(b, fs -> resolve(fs, "/symlinks/absolute"));
        assertMessage(e, "$REPARSE_POINT data length is 65535 - should be at most " + (valueLength - 8));
        assertWhere(e, "MFT record 232", "$REPARSE_POINT data length", at + value + ReparsePoint.OFFSET_DATA_LENGTH);
        // the substitute name reaching past the path buffer
        byte[] name = pristine.clone();
        putInRecord(name, at, value + ReparsePoint.HEADER + 2, 0x7FFE, 2);
        CorruptFormatException n = corrupt(name, fs -> resolve(fs, "/symlinks/absolute"));
        assertMessage(n, "reparse substitute name is 32766 bytes at offset 0 - should be even, within the");
        // a symlink whose data is too short for its name offsets
        byte[] shortData = pristine.clone();
        putInRecord(shortData, at, value + ReparsePoint.OFFSET_DATA_LENGTH, 6, 2);
        assertMessage(corrupt(shortData, fs -> resolve(fs, "/symlinks/absolute")),
                "reparse data is 6 - should be at least 12 bytes (the name offsets and flags)");
    }

    @Test
    void anUpCaseTableTooShortOrOddIsRefused() throws IOException {
        long at = NtfsTestSupport.recordAt(Ntfs.FILE_UPCASE);
        for (long size : new long[] {0, 1, 131071, 131074}) {
            byte[] b = golden();
            int data = attributeOffset(b, at, Ntfs.AT_DATA);
            long allocated = getInRecord(b, at, data + Attribute.OFFSET_ALLOCATED_SIZE, 8);
            if (size > allocated) {
                putInRecord(b, at, data + Attribute.OFFSET_ALLOCATED_SIZE, size + 1023 & -1024, 8);
            }
            putInRecord(b, at, data + Attribute.OFFSET_DATA_SIZE, size, 8);
            putInRecord(b, at, data + Attribute.OFFSET_INITIALIZED_SIZE, size, 8);
            CorruptFormatException e = corrupt(b, fs -> fs.root());
            if (size > 131072) {
                assertMessage(e, "$DATA is " + size + " bytes, more than the 131072 such an attribute may hold");
            } else {
                assertMessage(e, "size is " + size + " - should be an even number of bytes up to 131072");
                assertEquals("$UpCase", e.where().structure());
            }
        }
        // runs that map less than the table's size: the read stops with a checked error
        byte[] b = golden();
        int data = attributeOffset(b, at, Ntfs.AT_DATA);
        int pairs = data + (int) getInRecord(b, at, data + Attribute.OFFSET_MAPPING_PAIRS, 2);
        long highest = getInRecord(b, at, data + Attribute.OFFSET_HIGHEST_VCN, 8);
        int header = (int) getInRecord(b, at, pairs, 1);
        long length = getInRecord(b, at, pairs + 1, header & 0xF);
        assertEquals(highest + 1, length, "$UpCase in one run");
        putInRecord(b, at, pairs + 1, 8, header & 0xF);              // 8 clusters of the 128
        putInRecord(b, at, data + Attribute.OFFSET_HIGHEST_VCN, 7, 8);
        assertMessage(corrupt(b, fs -> fs.root()), "is not mapped: the runs end at VCN 8 but the data needs more");
    }

    @Test
    void theDamageOfOneFileLeavesTheOthersReadable() throws IOException {
        // a sanity check of the cases above: the pristine golden reads, and a damaged /data.bin leaves /hello.txt
        long at = NtfsTestSupport.recordAt(65);
        byte[] b = golden();
        putInRecord(b, at, MftRecord.OFFSET_LINK_COUNT, 7, 2);
        NtfsFileSystem fs = open(b);
        assertEquals("Hello, golden NTFS!\n", new String(NtfsTestSupport.content(fs, "/hello.txt"),
                java.nio.charset.StandardCharsets.UTF_8));
        assertThrows(CorruptFormatException.class, () -> resolve(fs, "/data.bin"));
        assertTrue(Arrays.equals(NtfsTestSupport.content(open(NtfsTestSupport.shared()), "/hello.txt"),
                NtfsTestSupport.content(fs, "/hello.txt")));
    }
}
