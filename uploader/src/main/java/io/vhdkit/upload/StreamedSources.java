package io.vhdkit.upload;

import io.vhdkit.compress.CompressedInput;
import io.vhdkit.compress.ImageStream;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.vhd.DiskType;
import io.vhdkit.vhd.DynamicHeader;
import io.vhdkit.vhd.VhdFile;
import io.vhdkit.vhd.VhdFooter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/** Opens a compressed image as a {@link StreamedSource} when its layout allows reading it front to back. */
final class StreamedSources {

    private static final int SECTOR = VhdFooter.SECTOR_SIZE;
    /** A dynamic header further in than this is not looked for in a stream (qemu-img and Hyper-V put it at 512). */
    static final long MAX_HEADER_OFFSET = 1L << 20;
    static final long UNUSED_ENTRY = 0xFFFF_FFFFL;

    private StreamedSources() {
    }

    /** The streamed source, or empty when the image must be read at random (a temporary copy). */
    static Optional<UploadSource> open(Path path, boolean raw, CompressedInput.Codec codec) throws IOException {
        byte[] head = new byte[SECTOR];
        int n;
        try (ImageStream s = ImageStream.open(path)) {
            n = s.readNBytes(head, 0, SECTOR);
        }
        if (!raw && n == SECTOR && VhdFooter.hasCookie(ByteBuffer.wrap(head))) {
            return dynamic(path, codec, head);
        }
        return Optional.of(straight(path, raw, codec));
    }

    private static String where(Path path, CompressedInput.Codec codec, ImageStream s) {
        return " in " + codec.label() + s.member().map(m -> " (member " + m + ")").orElse("");
    }

    private static UploadSource.SourceIdentity identity(Path path, long mtime, String uid, long size)
            throws IOException {
        return new UploadSource.SourceIdentity(path.toAbsolutePath().toString(), Files.size(path), mtime, uid, size);
    }

    /**
     * A fixed VHD or a raw image: measured by a first pass (its length and its last 512 bytes, the fixed footer),
     * then streamed.
     */
    private static UploadSource straight(Path path, boolean raw, CompressedInput.Codec codec) throws IOException {
        long total = 0;
        byte[] tail = new byte[SECTOR];
        int tailLength = 0;
        try (ImageStream m = ImageStream.open(path)) {
            byte[] buf = new byte[1 << 16];
            for (int got; (got = m.read(buf, 0, buf.length)) > 0; ) {
                total += got;
                if (got >= SECTOR) {
                    System.arraycopy(buf, got - SECTOR, tail, 0, SECTOR);
                    tailLength = SECTOR;
                } else {
                    int keep = Math.min(tailLength, SECTOR - got);
                    System.arraycopy(tail, tailLength - keep, tail, 0, keep);
                    System.arraycopy(buf, 0, tail, keep, got);
                    tailLength = keep + got;
                }
            }
            m.checkComplete();
        }
        long mtime = Files.getLastModifiedTime(path).toMillis();
        ImageStream s = ImageStream.open(path);
        try {
            String in = where(path, codec, s) + ", streamed (decompressed twice: once to measure it; no temporary "
                    + "copy)";
            if (raw) {
                if (total == 0 || total % SECTOR != 0) {
                    throw new UploadException(UploadException.Kind.REFUSED, path + ": a raw image must be a whole "
                            + "number of 512-byte sectors, and it holds " + total + " bytes");
                }
                UUID uid = UploadSources.rawUniqueId(path, total, mtime);
                return new StreamedSource(s, new StreamedSource.Straight(total), total,
                        UploadSources.rawFooter(total, uid, mtime), path.toString(),
                        "raw image" + in + ", fixed VHD footer appended on the fly", identity(path, mtime,
                        uid.toString(), total + SECTOR));
            }
            VhdFooter footer = tailLength == SECTOR ? VhdFooter.decode(ByteBuffer.wrap(tail)) : null;
            if (footer == null || !footer.cookieValid()) {
                throw new NotThisFormatException(FieldRef.of("VHD", "footer", "cookie", Math.max(0, total - SECTOR)),
                        path + " holds " + total + " bytes with no VHD footer at their end: it is not a fixed VHD; if "
                        + "it is a raw disk image, upload it with --from-raw");
            }
            long v = total - SECTOR;
            if (!footer.checksumValid() || footer.diskType().orElse(null) != DiskType.FIXED
                    || footer.currentSize() != v || !footer.currentSizeValid()) {
                throw new NotThisFormatException(FieldRef.of("VHD", "footer", "current size", v
                        + VhdFooter.OFFSET_CURRENT_SIZE), path + ": the footer at the end of what it holds is not the "
                        + "sound footer of a fixed VHD of " + v + " bytes; run vhdkit check " + path);
            }
            return new StreamedSource(s, new StreamedSource.Straight(v), v, tail.clone(), path.toString(),
                    "fixed VHD" + in, identity(path, mtime, footer.uniqueId().toString(), total));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * A dynamic VHD: footer copy, header and BAT from the start, then its blocks, which must lie in the file in
     * ascending virtual order after the BAT. Empty (read through a temporary copy) for a differencing disk or any
     * other layout.
     */
    private static Optional<UploadSource> dynamic(Path path, CompressedInput.Codec codec, byte[] head)
            throws IOException {
        VhdFooter footer = VhdFooter.decode(ByteBuffer.wrap(head));
        if (!footer.checksumValid() || footer.diskType().orElse(null) != DiskType.DYNAMIC
                || !footer.currentSizeValid() || footer.dataOffset() < SECTOR
                || footer.dataOffset() > MAX_HEADER_OFFSET) {
            return Optional.empty();
        }
        ImageStream s = ImageStream.open(path);
        boolean done = false;
        try {
            int headLength = (int) footer.dataOffset() + DynamicHeader.SIZE;
            byte[] start = new byte[headLength];
            s.readExactly(start, 0, headLength);
            s.boundByVhdHead(start, headLength);
            DynamicHeader h = DynamicHeader.decode(ByteBuffer.wrap(start, (int) footer.dataOffset(),
                    DynamicHeader.SIZE).slice());
            long v = footer.currentSize();
            if (!h.cookieValid() || !h.checksumValid() || !h.blockSizeIsPowerOfTwo() || h.blockSize() < SECTOR
                    || h.blockSize() > VhdFile.MAX_BLOCK_SIZE || h.maxTableEntries() <= 0
                    || h.maxTableEntries() > VhdFile.MAX_BAT_ENTRIES
                    || h.maxTableEntries() * h.blockSize() < v || h.tableOffset() < headLength) {
                return Optional.empty();
            }
            s.skipExactly(h.tableOffset() - headLength);
            int entries = (int) h.maxTableEntries();
            byte[] bat = new byte[entries * 4];
            s.readExactly(bat, 0, bat.length);
            ByteBuffer b = ByteBuffer.wrap(bat).order(ByteOrder.BIG_ENDIAN);
            long[] offsets = new long[entries];
            long next = h.tableOffset() + bat.length;
            long perBlock = h.bitmapBytes() + h.blockSize();
            for (int i = 0; i < entries; i++) {
                long e = b.getInt(i * 4) & 0xFFFF_FFFFL;
                if (e == UNUSED_ENTRY || (long) i * h.blockSize() >= v) {
                    offsets[i] = -1;
                    continue;
                }
                long at = e * SECTOR;
                if (at < next) {
                    return Optional.empty();   // out of order or overlapping: read at random instead
                }
                offsets[i] = at;
                next = at + perBlock;
            }
            long mtime = Files.getLastModifiedTime(path).toMillis();
            StreamedSource src = new StreamedSource(s, new StreamedSource.Blocks(h.blockSize(),
                    (int) h.bitmapBytes(), offsets), v, footer.asFixed().encode(), path.toString(),
                    "dynamic VHD" + where(path, codec, s) + ", streamed and converted to fixed on the fly (no "
                    + "temporary copy)", identity(path, mtime, footer.uniqueId().toString(), v + SECTOR));
            done = true;
            return Optional.of(src);
        } finally {
            if (!done) {
                s.close();
            }
        }
    }
}
