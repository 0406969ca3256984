package io.vhdkit.lvm;

/**
 * A raw_locn of the mda_header (lvm2 {@code lib/format_text/layout.h}; little-endian): where a copy of the text
 * metadata lies in the metadata area. Slot 0 holds the committed metadata, slot 1 the precommitted copy while a
 * change is in progress.
 *
 * @param offset   byte offset of the text from the start of the metadata area (that is, of the mda_header)
 * @param size     bytes of text, the terminating NUL included
 * @param checksum {@link LvmCrc} of the text
 * @param flags    {@link #FLAG_IGNORED}: the area is not kept up to date and is not read
 */
public record RawLocation(long offset, long size, int checksum, int flags) {

    public static final int SIZE = 24;
    public static final int OFFSET_OFFSET = 0;
    public static final int OFFSET_SIZE = 8;
    public static final int OFFSET_CHECKSUM = 16;
    public static final int OFFSET_FLAGS = 20;
    /** {@code RAW_LOCN_IGNORED}. */
    public static final int FLAG_IGNORED = 0x1;

    public boolean ignored() {
        return (flags & FLAG_IGNORED) != 0;
    }
}
