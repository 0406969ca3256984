package io.vhdkit.fs.fat;

import static io.vhdkit.fs.fat.FatTestSupport.FAT12;
import static io.vhdkit.fs.fat.FatTestSupport.FAT12_ROOT;
import static io.vhdkit.fs.fat.FatTestSupport.assertContains;
import static io.vhdkit.fs.fat.FatTestSupport.golden;
import static io.vhdkit.fs.fat.FatTestSupport.open;
import static io.vhdkit.fs.fat.FatTestSupport.put16;
import static io.vhdkit.fs.fat.FatTestSupport.put8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.fs.DirEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Short names, long names and how they pair, on the golden fat12 image: "Long File Name.txt" is stored as slot 0x42
 * ("e.txt", at root+64), slot 0x01 ("Long File Nam", at root+96) and the short entry LONGFI~1.TXT (root+128).
 */
class FatNameTest {

    private static final long HELLO = FAT12_ROOT + 32;
    private static final long SLOT2 = FAT12_ROOT + 64;   // ordinal 0x42, the end of the name
    private static final long SLOT1 = FAT12_ROOT + 96;   // ordinal 0x01, the start of the name
    private static final long SHORT = FAT12_ROOT + 128;

    private static List<String> rootNames(byte[] b) throws IOException {
        FatFileSystem fs = open(b);
        return fs.list(fs.root()).stream().map(DirEntry::name).toList();
    }

    private static String secondName(byte[] b) throws IOException {
        return rootNames(b).get(1);
    }

    /** Sets UTF-16 unit {@code i} (0-12) of the slot at {@code slot}. */
    private static void unit(byte[] b, long slot, int i, int c) {
        int at = i < 5 ? 1 + 2 * i : i < 11 ? 14 + 2 * (i - 5) : 28 + 2 * (i - 11);
        put16(b, slot + at, c);
    }

    @Test
    void longNameIsUsedWhenItsSlotsAreWhole() throws IOException {
        assertEquals("Long File Name.txt", secondName(golden(FAT12)));
    }

    @Test
    void checksumMismatchFallsBackToTheShortName() throws IOException {
        byte[] b = golden(FAT12);
        put8(b, SLOT1 + 13, 0x00);
        assertEquals("LONGFI~1.TXT", secondName(b), "one slot with another checksum");
        byte[] c = golden(FAT12);
        put8(c, SLOT1 + 13, 0x11);
        put8(c, SLOT2 + 13, 0x11);
        assertEquals("LONGFI~1.TXT", secondName(c), "the slots agree, the short entry does not match");
        byte[] d = golden(FAT12);
        put8(d, SHORT + 7, '2');   // LONGFI~2: another checksum
        assertEquals("LONGFI~2.TXT", secondName(d));
    }

    @Test
    void orphanedAndOutOfSequenceSlotsFallBack() throws IOException {
        byte[] b = golden(FAT12);
        put8(b, SLOT2, 0x02);   // no "last" flag: an orphan
        assertEquals("LONGFI~1.TXT", secondName(b));
        byte[] c = golden(FAT12);
        put8(c, SLOT1, 0x03);   // a gap in the ordinals
        assertEquals("LONGFI~1.TXT", secondName(c));
        byte[] d = golden(FAT12);
        put8(d, SLOT2, 0x55);   // 21 slots: more than a name can have
        assertEquals("LONGFI~1.TXT", secondName(d));
        byte[] e = golden(FAT12);
        put8(e, SLOT2, 0xE5);   // the first slot deleted
        assertEquals("LONGFI~1.TXT", secondName(e));
        byte[] f = golden(FAT12);
        put8(f, SLOT2, 0x41);   // the name claims one slot only, then slot 1 follows again: restart, no "last"
        assertEquals("LONGFI~1.TXT", secondName(f));
    }

    @Test
    void slotsOfTheSameNameWithTheLastFlagRestart() throws IOException {
        // slot 1 turned into a one-slot name of its own ("Long File Nam") that matches the short entry
        byte[] b = golden(FAT12);
        put8(b, SLOT1, 0x41);
        assertEquals("Long File Nam", secondName(b));
    }

    @Test
    void surrogatePairsAndUnpairedSurrogates() throws IOException {
        byte[] b = golden(FAT12);
        unit(b, SLOT1, 0, 0xD83D);
        unit(b, SLOT1, 1, 0xDE00);
        assertEquals("\uD83D\uDE00ng File Name.txt", secondName(b), "U+1F600 as a surrogate pair");
        byte[] c = golden(FAT12);
        unit(c, SLOT1, 0, 0xD83D);
        assertEquals("\uFFFDong File Name.txt", secondName(c), "an unpaired high surrogate");
        byte[] d = golden(FAT12);
        unit(d, SLOT1, 12, 0xDC00);
        assertEquals("Long File Na\uFFFDe.txt", secondName(d), "an unpaired low surrogate");
    }

    @Test
    void unusableLongNamesFallBack() throws IOException {
        byte[] b = golden(FAT12);
        unit(b, SLOT1, 4, '/');
        assertEquals("LONGFI~1.TXT", secondName(b), "a slash");
        byte[] c = golden(FAT12);
        unit(c, SLOT1, 0, 0);
        assertEquals("LONGFI~1.TXT", secondName(c), "empty");
        byte[] d = golden(FAT12);
        unit(d, SLOT1, 0, '.');
        unit(d, SLOT1, 1, '.');
        unit(d, SLOT1, 2, 0);
        assertEquals("LONGFI~1.TXT", secondName(d), "\"..\"");
        byte[] e = golden(FAT12);
        unit(e, SLOT1, 5, 0);
        assertEquals("Long ", secondName(e), "a NUL ends the name early");
    }

    @Test
    void longNameWithoutTerminatorFillsItsSlots() throws IOException {
        byte[] b = golden(FAT12);
        for (int i = 5; i < 13; i++) {
            unit(b, SLOT2, i, 'x');
        }
        assertEquals("Long File Name.txtxxxxxxxx", secondName(b));
    }

    @Test
    void shortNames() throws IOException {
        byte[] b = golden(FAT12);
        put8(b, HELLO + 12, 0);
        assertEquals("HELLO.TXT", rootNames(b).get(0), "without the NT flags");
        put8(b, HELLO + 12, ShortEntry.NT_LOWER_EXTENSION);
        assertEquals("HELLO.txt", rootNames(b).get(0));
        put8(b, HELLO + 12, ShortEntry.NT_LOWER_BASE);
        assertEquals("hello.TXT", rootNames(b).get(0));
        put8(b, HELLO, 0x05);
        assertEquals("\u03C3ello.TXT", rootNames(b).get(0), "0x05 stands for 0xE5 (CP437 sigma)");
        put8(b, HELLO + 12, 0);
        put8(b, HELLO, 0x90);
        put8(b, HELLO + 1, 0x8E);
        assertEquals("\u00C9\u00C4LLO.TXT", rootNames(b).get(0), "CP437 high bytes");
        put8(b, HELLO + 12, ShortEntry.NT_LOWER_BASE);
        assertEquals("\u00E9\u00E4llo.TXT", rootNames(b).get(0), "lower case applies beyond ASCII, as on Linux");
        System.arraycopy("NOEXT      ".getBytes(), 0, b, (int) HELLO, 11);
        put8(b, HELLO + 12, 0);
        assertEquals("NOEXT", rootNames(b).get(0));
    }

    @Test
    void shortNamesThatCannotBeNames() throws IOException {
        for (String bad : new String[]{"HE/LO   TXT", "           ", "HE\0LO   TXT"}) {
            byte[] b = golden(FAT12);
            System.arraycopy(bad.getBytes(), 0, b, (int) HELLO, 11);
            FatFileSystem fs = open(b);   // opening looks for the label only and passes over the entry
            assertEquals("GOLDEN12", fs.info().label());
            CorruptFormatException e = assertThrows(CorruptFormatException.class, () -> fs.list(fs.root()));
            assertContains(e.getMessage(), "FAT directory entry @0x1A20: the short name");
            assertContains(e.getMessage(), "cannot be a file name");
        }
    }

    @Test
    void checksumIsFatgensRotation() {
        ShortEntry e = ShortEntry.decode(ByteBuffer.wrap(golden(FAT12), (int) SHORT, 32));
        assertEquals(0xD4, e.checksum(), "as the slots of LONGFI~1.TXT store it");
        assertEquals("LONGFI~1.TXT", e.shortName());
    }

    @Test
    void decodesEveryShortEntryField() {
        ShortEntry e = ShortEntry.decode(ByteBuffer.wrap(golden(FAT12), (int) HELLO, 32));
        assertEquals("HELLO   TXT", new String(e.name()));
        assertEquals(ShortEntry.ATTR_ARCHIVE, e.attributes());
        assertEquals(0x18, e.ntFlags());
        assertEquals(0x1882, e.createTime());
        assertEquals(0x5022, e.createDate());
        assertEquals(0x5022, e.accessDate());
        assertEquals(0, e.clusterHigh());
        assertEquals(0x1882, e.writeTime());
        assertEquals(0x5022, e.writeDate());
        assertEquals(2, e.clusterLow());
        assertEquals(13, e.size());
        assertEquals(Instant.parse("2020-01-02T03:04:04Z"), e.modified());
        assertEquals(2, e.firstCluster(FatType.FAT32));
    }

    @Test
    void decodesALongNameSlot() {
        LongNameSlot s = LongNameSlot.decode(ByteBuffer.wrap(golden(FAT12), (int) SLOT1, 32));
        assertEquals(1, s.sequence());
        assertEquals(false, s.last());
        assertEquals(0xD4, s.checksum());
        assertEquals("Long File Nam", new String(s.units()));
        LongNameSlot last = LongNameSlot.decode(ByteBuffer.wrap(golden(FAT12), (int) SLOT2, 32));
        assertEquals(2, last.sequence());
        assertEquals(true, last.last());
        assertEquals("e.txt\0\uFFFF\uFFFF\uFFFF\uFFFF\uFFFF\uFFFF\uFFFF", new String(last.units()));
    }
}
