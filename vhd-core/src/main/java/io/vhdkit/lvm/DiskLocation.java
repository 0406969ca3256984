package io.vhdkit.lvm;

/**
 * A {@code disk_locn} of the pv_header (lvm2 {@code lib/format_text/format-text.h}): a byte offset from the start of
 * the physical volume and a size in bytes, both uint64 little-endian. A data area's size is 0 when it runs to the end
 * of the device. The values are as stored: an offset or size above {@link Long#MAX_VALUE} reads as negative and is
 * refused where it is used.
 */
public record DiskLocation(long offset, long size) {

    /** Bytes of one entry on disk. */
    public static final int SIZE = 16;
}
