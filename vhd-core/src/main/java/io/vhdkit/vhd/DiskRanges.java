package io.vhdkit.vhd;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import java.nio.ByteBuffer;

/** Bounds checks shared by the virtual disk readers. */
final class DiskRanges {

    private DiskRanges() {
    }

    /** Fails when {@code [position, position + dst.remaining())} is not inside a disk of {@code size} bytes. */
    static void check(String name, long size, long position, ByteBuffer dst) throws CorruptFormatException {
        int length = dst.remaining();
        if (position < 0 || position > size || length > size - position) {
            throw new CorruptFormatException(FieldRef.of("VHD", "virtual disk", "read range", FieldRef.NO_OFFSET),
                    "bytes " + position + " to " + (position + length), "within 0 to " + size,
                    "a read of " + length + " bytes at " + position + " lies outside the virtual disk of " + size
                            + " bytes (" + name + ")");
        }
    }
}
