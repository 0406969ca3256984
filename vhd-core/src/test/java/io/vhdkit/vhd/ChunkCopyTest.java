package io.vhdkit.vhd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.disk.RawDisk;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.io.ByteArraySource;
import io.vhdkit.io.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkCopyTest {

    private static final int MIB = 1 << 20;

    /** 26 MiB (7 chunks, the last one short): random runs that straddle pages and chunks, zeros between. */
    private static byte[] disk() {
        byte[] b = new byte[26 * MIB];
        SplittableRandom r = new SplittableRandom(20261122);
        for (int at = 512; at + 3 * MIB <= b.length; at += 5 * MIB) {
            byte[] run = new byte[3 * MIB];
            r.nextBytes(run);
            System.arraycopy(run, 0, b, at, run.length);
        }
        b[b.length - 1] = 7;
        return b;
    }

    private static long nonZeroPageBytes(byte[] b) {
        long n = 0;
        for (int at = 0; at < b.length; at += VhdWriter.PAGE) {
            for (int i = at; i < Math.min(b.length, at + VhdWriter.PAGE); i++) {
                if (b[i] != 0) {
                    n += Math.min(VhdWriter.PAGE, b.length - at);
                    break;
                }
            }
        }
        return n;
    }

    /** Collects what a sink gets, and the order it got it in. */
    private static final class Collector implements VhdWriter.Sink {
        final byte[] out;
        final List<Long> positions = new ArrayList<>();

        Collector(int size) {
            out = new byte[size];
        }

        @Override
        public synchronized void write(long diskPosition, ByteBuffer data) {
            positions.add(diskPosition);
            data.get(out, (int) diskPosition, data.remaining());
        }
    }

    @ParameterizedTest(name = "{0} workers, ordered {1}")
    @CsvSource({"1, true", "1, false", "2, true", "2, false", "4, true", "4, false"})
    void copiesEveryNonZeroPageAndNothingElse(int workers, boolean ordered) throws IOException {
        byte[] b = disk();
        Collector sink = new Collector(b.length);
        try (VirtualDisk d = new RawDisk(new ByteArraySource("disk", b))) {
            long n = ChunkCopy.copy(d, List.of(new Extent(0, b.length)), b.length, sink, ordered, WriteBehind.NONE,
                    workers);
            assertEquals(nonZeroPageBytes(b), n);
        }
        assertArrayEquals(b, sink.out);
        if (ordered) {
            for (int i = 1; i < sink.positions.size(); i++) {
                assertTrue(sink.positions.get(i) > sink.positions.get(i - 1), "disk order: " + sink.positions);
            }
        }
    }

    @ParameterizedTest(name = "{0} workers")
    @CsvSource({"1", "2", "4"})
    void onlyTheExtentsAreReadAndOverlapsOnceAligned(int workers) throws IOException {
        byte[] b = disk();
        Collector sink = new Collector(b.length);
        // two extents that share a page once aligned, and one clipped by the readable size
        List<Extent> extents = List.of(new Extent(600, 5 * MIB), new Extent(5 * MIB + 700, 2 * MIB),
                new Extent(20 * MIB, 6 * MIB));
        try (VirtualDisk d = new RawDisk(new ByteArraySource("disk", b))) {
            ChunkCopy.copy(d, extents, 24 * MIB, sink, true, WriteBehind.NONE, workers);
        }
        byte[] expected = new byte[b.length];
        System.arraycopy(b, 0, expected, 0, 7 * MIB + 4096);
        System.arraycopy(b, 20 * MIB, expected, 20 * MIB, 4 * MIB);
        assertArrayEquals(expected, sink.out);
    }

    @ParameterizedTest(name = "{0} workers, ordered {1}")
    @CsvSource({"1, true", "2, true", "2, false", "4, true", "4, false"})
    void theFirstFailureIsThrownAsItWasAndNothingHangs(int workers, boolean ordered) {
        byte[] b = disk();
        IOException broken = new io.vhdkit.format.CorruptFormatException(
                io.vhdkit.format.FieldRef.of("test", "block", "data", 9 * MIB), "a damaged block");
        VirtualDisk failing = new VirtualDisk() {
            @Override
            public long size() {
                return b.length;
            }

            @Override
            public void read(long position, ByteBuffer dst) throws IOException {
                if (position <= 9 * MIB && 9 * MIB < position + dst.remaining()) {
                    throw broken;
                }
                dst.put(b, (int) position, dst.remaining());
            }

            @Override
            public List<Extent> allocatedExtents() {
                return List.of(new Extent(0, b.length));
            }

            @Override
            public void close() {
            }
        };
        Collector sink = new Collector(b.length);
        IOException thrown = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(IOException.class,
                () -> ChunkCopy.copy(failing, failing.allocatedExtents(), b.length, sink, ordered,
                        WriteBehind.NONE, workers)));
        assertSame(broken, thrown);
        if (ordered) {
            for (long p : sink.positions) {
                assertTrue(p < 8 * MIB, "nothing after the failed chunk reaches an ordered sink: " + p);
            }
        }
    }

    @ParameterizedTest(name = "{0} workers")
    @CsvSource({"1", "2"})
    void aFailingSinkStopsTheCopy(int workers) {
        byte[] b = disk();
        IOException full = new IOException("No space left on device");
        VhdWriter.Sink sink = (pos, data) -> {
            throw full;
        };
        IOException thrown = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(IOException.class,
                () -> {
                    try (VirtualDisk d = new RawDisk(new ByteArraySource("disk", b))) {
                        ChunkCopy.copy(d, d.allocatedExtents(), b.length, sink, true, WriteBehind.NONE, workers);
                    }
                }));
        assertSame(full, thrown);
    }
}
