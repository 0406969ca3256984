package io.vhdkit.lvm;

import java.nio.charset.StandardCharsets;

/**
 * One copy of a VG's text metadata as read from a metadata area: the bytes before the terminating NUL, and where they
 * lie on the device. When the copy wrapped around the end of the circular area, its first {@code firstLength} bytes
 * are at {@code firstOffset} and the rest at {@code secondOffset} (just after the mda_header).
 *
 * @param bytes        the text, without the NUL
 * @param location     the raw_locn it was found through
 * @param firstOffset  absolute device offset of the first byte
 * @param firstLength  bytes in the first piece
 * @param secondOffset absolute device offset of the second piece (meaningful when {@link #wrapped()})
 */
public record MetadataText(byte[] bytes, RawLocation location, long firstOffset, long firstLength, long secondOffset) {

    /** Whether the copy runs past the end of the metadata area and continues after the mda_header. */
    public boolean wrapped() {
        return firstLength < location.size();
    }

    /**
     * The text for the parser: one char per byte (ISO 8859-1), so that a char index is a byte index. String values
     * are decoded as UTF-8 by the parser.
     */
    public String text() {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** The absolute device offset of byte {@code index} of the text. */
    public long offsetOf(long index) {
        return index < firstLength ? firstOffset + index : secondOffset + (index - firstLength);
    }
}
