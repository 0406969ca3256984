package io.vhdkit.io;

/**
 * A byte range {@code [offset, offset + length)}.
 *
 * @param offset first byte, at least 0
 * @param length number of bytes, at least 1; {@code offset + length} does not overflow
 */
public record Extent(long offset, long length) {

    public Extent {
        if (offset < 0 || length <= 0 || offset + length < 0) {
            throw new IllegalArgumentException("bad extent offset=" + offset + " length=" + length);
        }
    }

    /** The first byte after the range. */
    public long end() {
        return offset + length;
    }

    public boolean contains(long position) {
        return position >= offset && position < end();
    }

    @Override
    public String toString() {
        return "[" + offset + ", " + end() + ")";
    }
}
