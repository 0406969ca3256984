package io.vhdkit.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resume journal: what a crash can leave of it, and what is read back. */
class JournalTest {

    private static final int CHUNK = 1 << 20;
    /** A 10-chunk upload: chunk indexes 0 to 9. */
    private static final UploadSource.SourceIdentity SOURCE =
            new UploadSource.SourceIdentity("/images/a.vhd", 10L * CHUNK, 1234L, "00112233", 10L * CHUNK);

    @TempDir
    Path tmp;

    private Path journal(int... done) throws Exception {
        Path p = tmp.resolve("j").resolve("a.journal");
        try (Journal j = Journal.create(p, SOURCE, "https://acct.blob.core.windows.net/c/a.vhd?sv=1&sig=SECRET",
                CHUNK)) {
            for (int d : done) {
                j.done(d);
            }
        }
        return p;
    }

    private static BitSet bits(int... set) {
        BitSet b = new BitSet();
        for (int i : set) {
            b.set(i);
        }
        return b;
    }

    private static void append(Path p, byte[] bytes) throws Exception {
        Files.write(p, bytes, StandardOpenOption.APPEND);
    }

    @Test
    void headerIdentifiesTheUploadWithoutTheSas() throws Exception {
        Path p = journal(0, 5);
        Journal.State s = Journal.read(p);
        assertEquals(SOURCE, s.source());
        assertEquals(CHUNK, s.chunkSize());
        assertEquals("https://acct.blob.core.windows.net/c/a.vhd", s.destination());
        assertEquals(bits(0, 5), s.done());
        assertFalse(Files.readString(p).contains("SECRET"));
        assertFalse(Files.exists(p.resolveSibling("a.journal.tmp")), "the temporary header file was renamed");
    }

    /** A write torn by a crash (no newline) does not count, and is cut before the next run appends. */
    @Test
    void tornLastLineIsIgnoredAndCutBeforeAppending() throws Exception {
        Path p = journal(0, 5);
        append(p, "1".getBytes(StandardCharsets.US_ASCII)); // "1" of a "12\n" that never finished
        assertEquals(bits(0, 5), Journal.read(p).done());
        try (Journal j = Journal.append(p)) {
            j.done(7);
        }
        // without the cut this would read "17": a chunk that was never acknowledged
        assertEquals(bits(0, 5, 7), Journal.read(p).done());
        assertTrue(Files.readString(p).endsWith("\n5\n7\n"), Files.readString(p));
    }

    /** What a power loss can leave (NULs, a half block), or anything else that is not an index of the plan. */
    @Test
    void garbageLinesAreIgnored() throws Exception {
        Path p = journal(3);
        append(p, new byte[] {0, 0, 0, 0, '\n'});
        append(p, "12x\n-1\n+2\n 4\n007\n10\n99999999999\n\n9\n".getBytes(StandardCharsets.US_ASCII));
        append(p, new byte[] {'8', 0, '\n'});
        // 10 is past the last chunk (9); 007, +2 and " 4" are not plain indexes
        assertEquals(bits(3, 9), Journal.read(p).done());
    }

    @Test
    void aJournalWithoutItsWholeHeaderIsNone() throws Exception {
        Path p = tmp.resolve("torn-header.journal");
        Files.writeString(p, "{\"version\":1,\"destination\":\"https://a/c/b\",\"source\":\"x\",\"fileSiz");
        assertNull(Journal.read(p));
        Files.write(p, new byte[4096]); // a header block a crash left as zeros
        assertNull(Journal.read(p));
        Files.writeString(p, "");
        assertNull(Journal.read(p));
        assertNull(Journal.read(tmp.resolve("missing.journal")));
    }

    /** Lines written since the last forced write are forced on close. */
    @Test
    void linesAreForcedToDiskOnClose() throws Exception {
        Path p = tmp.resolve("sync.journal");
        Journal j = Journal.create(p, SOURCE, "https://a/c/b", CHUNK);
        j.done(1);
        j.done(2);
        int before = j.syncs();
        j.close();
        assertEquals(before + 1, j.syncs());
        j.close(); // twice is harmless
        assertEquals(bits(1, 2), Journal.read(p).done());

        Journal idle = Journal.append(p);
        idle.close();
        assertEquals(0, idle.syncs(), "nothing written, nothing to force");
    }

    @Test
    void discardRemovesIt() throws Exception {
        Path p = journal(1);
        Journal.discard(p);
        assertFalse(Files.exists(p));
        Journal.discard(p); // and nothing to remove is fine
    }
}
