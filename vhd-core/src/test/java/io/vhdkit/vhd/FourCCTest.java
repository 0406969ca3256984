package io.vhdkit.vhd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FourCCTest {

    @Test
    void printableAndEscaped() {
        assertEquals("qem2", FourCC.of("qem2").text());
        assertEquals("wa\\0\\0", new FourCC(0x7761_0000).text());
        assertEquals("\\xFFab\\x5C", new FourCC(0xFF61_625C).text());
        assertEquals("0x57326B75", FourCC.of("W2ku").hex());
    }
}
