package io.vhdkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RandomBytesTest {

    @Test
    void uuidsAreVersion4IetfVariantAndDistinct() {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            UUID u = RandomBytes.uuid();
            assertEquals(4, u.version());
            assertEquals(2, u.variant());
            seen.add(u);
        }
        assertEquals(1000, seen.size());
    }

    @Test
    void bytesOfTheLengthAskedAndNotConstant() {
        assertEquals(0, RandomBytes.of(0).length);
        byte[] a = RandomBytes.of(64);
        assertEquals(64, a.length);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(RandomBytes.of(64)));
    }
}
