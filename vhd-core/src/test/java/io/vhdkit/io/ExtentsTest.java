package io.vhdkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExtentsTest {

    @Test
    void normalizeSortsAndMergesTouchingRanges() {
        assertEquals(List.of(new Extent(0, 30), new Extent(40, 10)),
                Extents.normalize(List.of(new Extent(20, 10), new Extent(40, 10), new Extent(0, 20),
                        new Extent(5, 3))));
    }

    @Test
    void unionClipAndTotal() {
        List<Extent> u = Extents.union(List.of(new Extent(0, 10)), List.of(new Extent(5, 10), new Extent(100, 1)));
        assertEquals(List.of(new Extent(0, 15), new Extent(100, 1)), u);
        assertEquals(List.of(new Extent(8, 7)), Extents.clip(u, 8, 50));
        assertEquals(16, Extents.totalLength(u));
    }

    @Test
    void invalidExtents() {
        assertThrows(IllegalArgumentException.class, () -> new Extent(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Extent(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Extent(Long.MAX_VALUE, 2));
    }
}
