package io.vhdkit.vhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ParentLocatorEntryTest {

    private static ParentLocatorEntry withSpace(int space) {
        return new ParentLocatorEntry(0, PlatformCode.W2KU.fourCC(), space, 10, 0, 4096);
    }

    @Test
    void dataSpaceBelow512CountsSectors() {
        assertEquals(512, withSpace(1).dataSpaceBytes().getAsLong());
        assertEquals(511 * 512, withSpace(511).dataSpaceBytes().getAsLong());
    }

    @Test
    void dataSpaceMultipleOf512CountsBytes() {
        assertEquals(512, withSpace(512).dataSpaceBytes().getAsLong());
        assertEquals(4096, withSpace(4096).dataSpaceBytes().getAsLong());
    }

    @Test
    void otherDataSpacesAreInvalid() {
        assertTrue(withSpace(513).dataSpaceBytes().isEmpty());
        assertTrue(withSpace(-1).dataSpaceBytes().isEmpty());
    }

    @Test
    void platformCodesAreTheSpecs() {
        assertEquals("W2ru", PlatformCode.W2RU.fourCC().text());
        assertEquals("W2ku", PlatformCode.W2KU.fourCC().text());
        assertEquals("Wi2r", PlatformCode.WI2R.fourCC().text());
        assertEquals("Wi2k", PlatformCode.WI2K.fourCC().text());
        assertEquals("Mac ", PlatformCode.MAC.fourCC().text());
        assertEquals("MacX", PlatformCode.MACX.fourCC().text());
    }
}
