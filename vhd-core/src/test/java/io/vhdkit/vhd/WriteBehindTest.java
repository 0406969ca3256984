package io.vhdkit.vhd;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteBehindTest {

    @Test
    void flushesWhatWasWrittenAndWaitsForIt(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("out");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            WriteBehind w = WriteBehind.of(ch);
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            for (int i = 0; i < 3; i++) {
                VhdWriter.writeFully(ch, b.clear(), (long) i << 20);
                w.written(WriteBehind.EVERY / 2);
            }
            assertDoesNotThrow(w::finish);
        }
        assertEquals(3 << 20, Files.size(f));
    }

    /** A write-back error is seen once per open file: the one the background flush got must not be lost. */
    @Test
    void aFailedBackgroundFlushIsThrownByFinish(@TempDir Path dir) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve("out"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ch.close();
        WriteBehind w = WriteBehind.of(ch);
        w.written(WriteBehind.EVERY);
        IOException e = assertThrows(IOException.class, w::finish);
        assertInstanceOf(ClosedChannelException.class, e.getCause());
    }

    @Test
    void belowTheThresholdNothingIsStarted(@TempDir Path dir) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve("out"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ch.close();
        WriteBehind w = WriteBehind.of(ch);
        w.written(WriteBehind.EVERY - 1);
        assertDoesNotThrow(w::finish); // no flush ran, so the closed channel was never touched
    }

    @Test
    void noneDoesNothing() {
        WriteBehind.NONE.written(Long.MAX_VALUE / 2);
        assertDoesNotThrow(WriteBehind.NONE::finish);
    }
}
