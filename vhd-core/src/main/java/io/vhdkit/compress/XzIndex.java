package io.vhdkit.compress;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The index of a single-stream xz file (xz file format 1.0.4, sections 2.1.2 and 4): the stream footer gives the
 * index's size, the index lists each block's unpadded and uncompressed sizes. Every field is checked against the
 * file (the blocks and the index must fill the stream exactly), counts are capped, and the CRC32s of the stream
 * flags, footer and index are verified, before anything is decompressed.
 *
 * @param blocks           the blocks in file order
 * @param uncompressedSize the sum of their uncompressed sizes
 * @param checkType        the stream's check type (0 none, 1 CRC32, 4 CRC64, 10 SHA-256)
 */
public record XzIndex(List<Block> blocks, long uncompressedSize, int checkType) {

    /** Stream header and footer size (section 2.1). */
    public static final int STREAM_HEADER_SIZE = 12;
    public static final int STREAM_FOOTER_SIZE = 12;
    static final byte[] HEADER_MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
    static final byte[] FOOTER_MAGIC = {'Y', 'Z'};
    static final int OFFSET_FOOTER_CRC = 0;
    static final int OFFSET_FOOTER_BACKWARD_SIZE = 4;
    static final int OFFSET_FOOTER_FLAGS = 8;
    static final int OFFSET_FOOTER_MAGIC = 10;
    /** Index records beyond this are refused: a 64 TiB disk in 64 KiB blocks has 2^30; real files have far fewer. */
    public static final int MAX_RECORDS = 1 << 20;
    /** The index is at most the maximum backward size, 16 GiB, by the format; we read at most this much. */
    static final long MAX_INDEX_BYTES = 32L << 20;
    /** The smallest unpadded size a record may give (section 4.3.1). */
    static final long MIN_UNPADDED_SIZE = 5;

    /**
     * One block.
     *
     * @param compressedOffset   where its block header starts in the file
     * @param unpaddedSize       its size without the padding to four bytes (section 4.3.1)
     * @param uncompressedOffset where its bytes start in the uncompressed data
     * @param uncompressedSize   how many bytes it decompresses to
     */
    public record Block(long compressedOffset, long unpaddedSize, long uncompressedOffset, long uncompressedSize) {
        public long paddedSize() {
            return (unpaddedSize + 3) & ~3L;
        }
    }

    public XzIndex {
        blocks = List.copyOf(blocks);
    }

    public int blockCount() {
        return blocks.size();
    }

    /** The largest uncompressed block. */
    public long largestBlock() {
        return blocks.stream().mapToLong(Block::uncompressedSize).max().orElse(0);
    }

    /** The block holding uncompressed byte {@code position}, by binary search; -1 past the end. */
    public int blockAt(long position) {
        int lo = 0;
        int hi = blocks.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Block b = blocks.get(mid);
            if (position < b.uncompressedOffset()) {
                hi = mid - 1;
            } else if (position >= b.uncompressedOffset() + b.uncompressedSize()) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private static FieldRef ref(String structure, String field, long offset) {
        return FieldRef.of("xz", structure, field, offset);
    }

    /**
     * Reads the index of the xz file open on {@code channel}.
     *
     * @throws NotThisFormatException       when it does not start with the xz magic
     * @throws UnsupportedFormatException   when it holds several streams (concatenated files)
     * @throws CorruptFormatException       when a field is out of range, a CRC is wrong or the sizes do not add up
     */
    public static XzIndex read(FileChannel channel, String name) throws IOException {
        long fileSize = channel.size();
        if (fileSize < STREAM_HEADER_SIZE + STREAM_FOOTER_SIZE + 8) {
            throw new CorruptFormatException(ref("file", "size", 0), Long.toString(fileSize), ">= 32",
                    name + " is too short to be an xz file");
        }
        ByteBuffer header = readAt(channel, 0, STREAM_HEADER_SIZE);
        for (int i = 0; i < HEADER_MAGIC.length; i++) {
            if (header.get(i) != HEADER_MAGIC[i]) {
                throw new NotThisFormatException(ref("stream header", "magic", 0), name + " is not an xz file");
            }
        }
        int flags = header.getShort(6) & 0xFFFF;
        checkCrc(header, 6, 2, header.getInt(8), ref("stream header", "CRC32", 8), name);
        checkFlags(flags, ref("stream header", "flags", 6), name);
        // stream padding (section 2.2): zero bytes in groups of four after the footer
        long end = fileSize;
        while (end >= 4 && readAt(channel, end - 4, 4).getInt(0) == 0) {
            end -= 4;
            if (fileSize - end > (1L << 20)) {
                throw new CorruptFormatException(ref("stream padding", "size", end), name + " ends with more than "
                        + "1 MiB of zeros after its last stream: it is damaged or not one xz file");
            }
        }
        long footerAt = end - STREAM_FOOTER_SIZE;
        if (footerAt < STREAM_HEADER_SIZE) {
            throw new CorruptFormatException(ref("stream footer", "offset", footerAt), name + " has no room for its "
                    + "stream footer");
        }
        ByteBuffer footer = readAt(channel, footerAt, STREAM_FOOTER_SIZE);
        if (footer.get(OFFSET_FOOTER_MAGIC) != FOOTER_MAGIC[0] || footer.get(OFFSET_FOOTER_MAGIC + 1) != FOOTER_MAGIC[1]) {
            throw new CorruptFormatException(ref("stream footer", "magic", footerAt + OFFSET_FOOTER_MAGIC),
                    name + ": the stream footer's magic YZ is missing (truncated or damaged)");
        }
        checkCrc(footer, OFFSET_FOOTER_BACKWARD_SIZE, 6, footer.getInt(OFFSET_FOOTER_CRC),
                ref("stream footer", "CRC32", footerAt), name);
        int footerFlags = footer.getShort(OFFSET_FOOTER_FLAGS) & 0xFFFF;
        if (footerFlags != flags) {
            throw new CorruptFormatException(ref("stream footer", "flags", footerAt + OFFSET_FOOTER_FLAGS),
                    hex(footerFlags), hex(flags), name + ": the stream footer's flags differ from the header's");
        }
        long backwardSize = ((footer.getInt(OFFSET_FOOTER_BACKWARD_SIZE) & 0xFFFF_FFFFL) + 1) * 4;
        long indexAt = footerAt - backwardSize;
        if (backwardSize > MAX_INDEX_BYTES || indexAt < STREAM_HEADER_SIZE) {
            throw new CorruptFormatException(ref("stream footer", "backward size", footerAt
                    + OFFSET_FOOTER_BACKWARD_SIZE), Long.toString(backwardSize), "<= " + Math.min(MAX_INDEX_BYTES,
                    footerAt - STREAM_HEADER_SIZE), name + ": the index size in the stream footer does not fit the file");
        }
        ByteBuffer index = readAt(channel, indexAt, (int) backwardSize);
        XzIndex parsed = parseIndex(index, indexAt, name, (flags >>> 8) & 0x0F);
        long blocksEnd = STREAM_HEADER_SIZE;
        for (Block b : parsed.blocks()) {
            blocksEnd += b.paddedSize();
        }
        if (blocksEnd != indexAt) {
            // concatenated streams (section 2): the index describes the last one, which then starts further in
            long lastStream = indexAt - (blocksEnd - STREAM_HEADER_SIZE) - STREAM_HEADER_SIZE;
            if (lastStream > STREAM_HEADER_SIZE && readAt(channel, lastStream, HEADER_MAGIC.length)
                    .equals(ByteBuffer.wrap(HEADER_MAGIC))) {
                throw new UnsupportedFormatException(ref("stream", "count", lastStream), name + " holds several xz "
                        + "streams (concatenated files): it is read front to back, not in place");
            }
            throw new CorruptFormatException(ref("index", "unpadded sizes", indexAt), Long.toString(blocksEnd - 12),
                    Long.toString(indexAt - 12), name + ": the blocks the index lists take " + (blocksEnd - 12)
                    + " bytes, but " + (indexAt - 12) + " lie between the stream header and the index");
        }
        return parsed;
    }

    /** Parses the index (section 4) at {@code indexAt}, of exactly {@code index.remaining()} bytes. */
    static XzIndex parseIndex(ByteBuffer index, long indexAt, String name, int checkType) throws FormatException {
        int size = index.remaining();
        if (index.get(0) != 0) {
            throw new CorruptFormatException(ref("index", "indicator", indexAt), hex(index.get(0) & 0xFF), "0x00",
                    name + ": the index does not start with its indicator byte 0x00");
        }
        int crcAt = size - 4;
        checkCrc(index, 0, crcAt, index.getInt(crcAt), ref("index", "CRC32", indexAt + crcAt), name);
        int[] pos = {1};
        long count = vli(index, pos, crcAt, indexAt, "number of records", name);
        // each record takes at least two bytes
        if (count > MAX_RECORDS || count > (crcAt - pos[0]) / 2) {
            throw new CorruptFormatException(ref("index", "number of records", indexAt + 1), Long.toString(count),
                    "<= " + Math.min(MAX_RECORDS, (crcAt - pos[0]) / 2), name + ": the index claims " + count
                    + " blocks, more than it has room for or than vhdkit reads in place");
        }
        List<Block> blocks = new ArrayList<>((int) count);
        long compressed = STREAM_HEADER_SIZE;
        long uncompressed = 0;
        for (int i = 0; i < count; i++) {
            long at = indexAt + pos[0];
            long unpadded = vli(index, pos, crcAt, indexAt, "unpadded size", name);
            long plain = vli(index, pos, crcAt, indexAt, "uncompressed size", name);
            if (unpadded < MIN_UNPADDED_SIZE || unpadded > indexAt) {
                throw new CorruptFormatException(ref("index record " + i, "unpadded size", at), Long.toString(unpadded),
                        MIN_UNPADDED_SIZE + ".." + indexAt, name + ": block " + i + "'s size in the index is impossible");
            }
            if (plain > CompressedInput.MAX_EXPANDED_BYTES - uncompressed) {
                throw new UnsupportedFormatException(ref("index record " + i, "uncompressed size", at),
                        name + ": the index declares more than " + CompressedInput.MAX_EXPANDED_BYTES + " bytes, more "
                        + "than any VHD or VHDX can be: it is not a disk image (a decompression bomb?)");
            }
            blocks.add(new Block(compressed, unpadded, uncompressed, plain));
            compressed += (unpadded + 3) & ~3L;
            uncompressed += plain;
            if (compressed > indexAt) {
                throw new CorruptFormatException(ref("index record " + i, "unpadded size", at), Long.toString(unpadded),
                        null, name + ": the blocks the index lists run past the index itself");
            }
        }
        int padding = (4 - (pos[0] & 3)) & 3;
        if (pos[0] + padding != crcAt) {
            throw new CorruptFormatException(ref("index", "size", indexAt), Integer.toString(pos[0] + padding + 4),
                    Integer.toString(size), name + ": the index records do not fill the index");
        }
        for (int i = pos[0]; i < crcAt; i++) {
            if (index.get(i) != 0) {
                throw new CorruptFormatException(ref("index", "padding", indexAt + i), name + ": index padding is not "
                        + "zero");
            }
        }
        return new XzIndex(blocks, uncompressed, checkType);
    }

    /** A variable-length integer (section 1.2): at most 9 bytes, no needless trailing zero byte. */
    private static long vli(ByteBuffer b, int[] pos, int limit, long base, String field, String name)
            throws FormatException {
        long at = base + pos[0];
        long value = 0;
        for (int i = 0; i < 9; i++) {
            if (pos[0] >= limit) {
                throw new CorruptFormatException(ref("index", field, at), name + ": the index ends inside a number");
            }
            int x = b.get(pos[0]++) & 0xFF;
            value |= (long) (x & 0x7F) << (7 * i);
            if ((x & 0x80) == 0) {
                if (x == 0 && i > 0) {
                    throw new CorruptFormatException(ref("index", field, at), name + ": a number in the index is not "
                            + "minimally encoded");
                }
                return value;
            }
        }
        throw new CorruptFormatException(ref("index", field, at), name + ": a number in the index is longer than 9 "
                + "bytes");
    }

    private static void checkFlags(int flags, FieldRef where, String name) throws FormatException {
        // read little-endian: the first byte (low) is reserved, the second holds the check type in its low four bits
        if ((flags & 0xF0FF) != 0) {
            throw new UnsupportedFormatException(where, name + ": unknown xz stream flags " + hex(flags));
        }
    }

    private static void checkCrc(ByteBuffer b, int from, int length, int stored, FieldRef where, String name)
            throws FormatException {
        CRC32 crc = new CRC32();
        crc.update(b.duplicate().position(from).limit(from + length));
        int computed = (int) crc.getValue();
        if (stored != computed) {
            throw new CorruptFormatException(where, hex(stored), hex(computed), name + ": CRC32 mismatch");
        }
    }

    private static String hex(int v) {
        return String.format(java.util.Locale.ROOT, "0x%08x", v);
    }

    private static ByteBuffer readAt(FileChannel ch, long at, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        long p = at;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new java.io.EOFException("short read at " + p);
            }
            p += n;
        }
        return b.flip().order(ByteOrder.LITTLE_ENDIAN);
    }
}
