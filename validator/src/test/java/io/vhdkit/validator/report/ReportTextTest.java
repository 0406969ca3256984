package io.vhdkit.validator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ReportTextTest {

    @Test
    void loneSurrogatesAreEscapedPairsKept() {
        assertEquals("a\\uD800b", ReportText.wellFormed("a\uD800b"));
        assertEquals("\uD83D\uDE00", ReportText.wellFormed("\uD83D\uDE00"));
        assertNull(ReportText.wellFormed(null));
    }

    @Test
    void terminalControlsAreEscaped() {
        assertEquals("name\\x1B[2Jx\tok\\x0A", ReportText.printable("name\u001b[2Jx\tok\n"));
        assertEquals("c1\\x9B", ReportText.printable("c1\u009b"));
    }
}
