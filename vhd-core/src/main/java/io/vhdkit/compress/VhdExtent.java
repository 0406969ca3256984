package io.vhdkit.compress;

import io.vhdkit.vhd.DiskType;
import io.vhdkit.vhd.DynamicHeader;
import io.vhdkit.vhd.ParentLocatorEntry;
import io.vhdkit.vhd.VhdFooter;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * How long a dynamic or differencing VHD can be, from its first bytes (the footer copy and the dynamic header that
 * follows it): every block of its BAT allocated, after the furthest of header, BAT and parent locators, plus the
 * footer and {@link #SLACK} for unused gaps. Decompressing a stream that goes on past it is a bomb or damage: the
 * sizes a compressed container declares (gzip ISIZE, the xz index) are only hints. A fixed VHD or a raw image has
 * no such head: its bound is the xz index, the tar member size or {@link CompressedInput#MAX_EXPANDED_BYTES}.
 */
final class VhdExtent {

    /** Allowed beyond the computed extent, for gaps some writers leave. */
    static final long SLACK = 64L << 20;

    private VhdExtent() {
    }

    /** The bound, when {@code head} (the stream's first bytes) starts with a sound dynamic VHD's footer copy. */
    static Optional<Long> of(byte[] head, int n) {
        if (n < VhdFooter.SIZE) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(head, 0, n);
        if (!VhdFooter.hasCookie(b.duplicate())) {
            return Optional.empty();
        }
        VhdFooter footer = VhdFooter.decode(ByteBuffer.wrap(head, 0, VhdFooter.SIZE));
        Optional<DiskType> type = footer.diskType();
        if (!footer.checksumValid() || type.isEmpty() || type.get() == DiskType.FIXED) {
            return Optional.empty();
        }
        long headerAt = footer.dataOffset();
        if (headerAt < VhdFooter.SIZE || headerAt > n - DynamicHeader.SIZE) {
            return Optional.empty();
        }
        DynamicHeader h = DynamicHeader.decode(ByteBuffer.wrap(head, (int) headerAt, DynamicHeader.SIZE).slice());
        if (!h.cookieValid() || !h.checksumValid() || h.blockSize() <= 0 || h.maxTableEntries() <= 0
                || h.tableOffset() < 0) {
            return Optional.empty();
        }
        long end = Math.max(headerAt + DynamicHeader.SIZE, h.tableOffset() + round512(h.maxTableEntries() * 4));
        for (ParentLocatorEntry l : h.usedLocators()) {
            end = Math.max(end, l.dataOffset() + Math.max(0, l.dataSpaceBytes().orElse(0)));
        }
        long perBlock = h.blockSize() + h.bitmapBytes();
        if (h.maxTableEntries() > (CompressedInput.MAX_EXPANDED_BYTES - end) / perBlock) {
            return Optional.of(CompressedInput.MAX_EXPANDED_BYTES);
        }
        return Optional.of(Math.min(CompressedInput.MAX_EXPANDED_BYTES,
                end + h.maxTableEntries() * perBlock + VhdFooter.SIZE + SLACK));
    }

    private static long round512(long v) {
        return (v + 511) & ~511L;
    }
}
