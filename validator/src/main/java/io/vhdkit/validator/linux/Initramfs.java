package io.vhdkit.validator.linux;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.SingleXZInputStream;
import org.tukaani.xz.XZIOException;

/**
 * Lists an initramfs as the kernel unpacks it (init/initramfs.c {@code unpack_to_rootfs}): a sequence of parts, each
 * an uncompressed newc cpio archive (an early microcode archive, typically, starting on a 4-byte boundary) or a
 * compressed stream, told by its first two bytes, holding cpio archives; zero bytes between parts are padding.
 * gzip, xz, zstd, lzma and lz4 (legacy) are read; bzip2 and lzo are named but not read.
 *
 * <p>The input is hostile: the raw input and the decompressed data are each read up to {@link #MAX_BYTES}, at most
 * {@link #MAX_ENTRIES} members and {@link #MAX_PARTS} compressed parts are accepted, names are at most 4096 bytes,
 * decoders get memory limits (xz and lzma dictionaries, zstd windows), and anything malformed raises a
 * {@link FormatException}.
 */
public final class Initramfs {

    /** Bytes of raw input, and of decompressed data, read at most. */
    public static final long MAX_BYTES = 512L << 20;
    public static final int MAX_ENTRIES = 200_000;
    public static final int MAX_PARTS = 64;
    /** Memory an xz or lzma decoder may use, in KiB (xz -9 needs 65 MiB). */
    static final int DECODER_MEMORY_KIB = 160 * 1024;

    /** How a part of the initramfs is stored. */
    public enum Compression {
        NONE, GZIP, BZIP2, LZMA, XZ, LZO, LZ4, ZSTD;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** lib/decompress.c: the kernel tells the method by the first two bytes. */
        static Compression detect(byte[] b) {
            if (b.length < 2) {
                return null;
            }
            int m = (b[0] & 0xFF) << 8 | (b[1] & 0xFF);
            return switch (m) {
                case 0x1F8B, 0x1F9E -> GZIP;
                case 0x425A -> BZIP2;
                case 0x5D00 -> LZMA;
                case 0xFD37 -> XZ;
                case 0x894C -> LZO;
                case 0x0221 -> LZ4;
                case 0x28B5 -> ZSTD;
                default -> null;
            };
        }
    }

    /**
     * A part of the initramfs.
     *
     * @param offset      where it starts in the file
     * @param compression how it is stored
     * @param archives    the cpio archives it holds
     * @param entries     their members (trailers not counted)
     */
    public record Part(long offset, Compression compression, int archives, int entries) {
    }

    /**
     * What the initramfs holds.
     *
     * @param parts   its parts, in order
     * @param entries every member of every archive, in order
     */
    public record Listing(List<Part> parts, List<CpioEntry> entries, boolean complete) {

        public Listing {
            parts = List.copyOf(parts);
            entries = List.copyOf(entries);
        }
    }

    /** Ends the reading when the caller has seen what it looks for. */
    private static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }

    private Initramfs() {
    }

    /** Reads the whole initramfs from {@code raw} (not closed). */
    public static Listing read(InputStream raw) throws IOException {
        return read(raw, MAX_BYTES, MAX_ENTRIES, e -> false);
    }

    /**
     * Reads the initramfs up to the first member for which {@code enough} is true, or to its end: a listing that
     * stopped early is not {@link Listing#complete() complete} (its parts list leaves out the part being read).
     */
    public static Listing read(InputStream raw, Predicate<CpioEntry> enough) throws IOException {
        return read(raw, MAX_BYTES, MAX_ENTRIES, enough);
    }

    /** With other caps, for the tests. */
    static Listing read(InputStream raw, long maxBytes, int maxEntries) throws IOException {
        return read(raw, maxBytes, maxEntries, e -> false);
    }

    private static Listing read(InputStream raw, long maxBytes, int maxEntries, Predicate<CpioEntry> enough)
            throws IOException {
        Reader r = new Reader(new PositionedInput(raw, maxBytes, "the initramfs"), maxBytes, maxEntries, enough);
        try {
            return r.read();
        } catch (Enough e) {
            return new Listing(r.parts, r.entries, false);
        }
    }

    private static final class Reader {

        private final PositionedInput raw;
        private final long maxBytes;
        private final int maxEntries;
        private final List<Part> parts = new ArrayList<>();
        private final List<CpioEntry> entries = new ArrayList<>();
        private final Predicate<CpioEntry> enough;
        private long decompressed;

        Reader(PositionedInput raw, long maxBytes, int maxEntries, Predicate<CpioEntry> enough) {
            this.raw = raw;
            this.maxBytes = maxBytes;
            this.maxEntries = maxEntries;
            this.enough = enough;
        }

        Listing read() throws IOException {
            int compressedParts = 0;
            while (true) {
                int b = raw.peek();
                if (b < 0) {
                    break;
                }
                if (b == 0) {
                    raw.skipZeros();
                    continue;
                }
                long at = raw.position();
                if (b == '0' && (at & 3) == 0) {
                    int before = entries.size();
                    int archives = 0;
                    // consecutive uncompressed archives, as the kernel reads them, form one part
                    do {
                        CpioReader.readArchive(raw, parts.size(), this::add);
                        archives++;
                        raw.skipZeros();
                    } while (raw.peek() == '0' && (raw.position() & 3) == 0);
                    parts.add(new Part(at, Compression.NONE, archives, entries.size() - before));
                    continue;
                }
                byte[] magic = raw.peek(2);
                Compression c = Compression.detect(magic);
                if (c == null) {
                    throw new CorruptFormatException(FieldRef.of("initramfs", "part", "magic", at), hex(magic),
                            "a cpio archive (070701) on a 4-byte boundary or a compression magic",
                            "the bytes at " + String.format(Locale.ROOT, "0x%X", at) + " (" + hex(magic) + ") are "
                                    + "neither a cpio archive on a 4-byte boundary nor a compressed archive the "
                                    + "kernel knows");
                }
                if (++compressedParts > MAX_PARTS) {
                    throw new UnsupportedFormatException(FieldRef.of("initramfs", "part", "", at),
                            "the initramfs has more than " + MAX_PARTS + " compressed parts");
                }
                readCompressed(c, at);
                if (c == Compression.LZ4) {
                    break; // it has no end of its own: it runs to the end of the data
                }
            }
            return new Listing(parts, entries, true);
        }

        private void readCompressed(Compression c, long at) throws IOException {
            String what = c.label() + " data at " + String.format(Locale.ROOT, "0x%X", at);
            InputStream decoder = switch (c) {
                case GZIP -> {
                    if ((raw.peek(2)[1] & 0xFF) == 0x9E) {
                        throw new UnsupportedFormatException(FieldRef.of("initramfs", what, "magic", at),
                                "the initramfs part at " + String.format(Locale.ROOT, "0x%X", at) + " is old-style "
                                        + "gzip (1F 9E), which vhdkit does not read");
                    }
                    yield new GzipMember(raw);
                }
                case XZ -> guard(() -> new SingleXZInputStream(raw, DECODER_MEMORY_KIB), what);
                case LZMA -> guard(() -> new LZMAInputStream(raw, DECODER_MEMORY_KIB), what);
                case ZSTD -> NativeZstd.open(new ZstdFrame(raw));
                case LZ4 -> new Lz4Legacy(raw);
                default -> throw new UnsupportedFormatException(FieldRef.of("initramfs", what, "", at), c.label(),
                        "gzip, xz, zstd, lzma or lz4", "the initramfs part at " + String.format(Locale.ROOT, "0x%X",
                        at) + " is " + c.label() + "-compressed, which vhdkit does not read");
            };
            try (InputStream d = decoder) {
                PositionedInput data = new PositionedInput(new Guarded(d, what), maxBytes - decompressed, what);
                int before = entries.size();
                int archives = 0;
                while (true) {
                    int b = data.peek();
                    if (b < 0) {
                        break;
                    }
                    if (b == 0) {
                        data.skipZeros();
                        if (data.peek() >= 0 && (data.position() & 3) != 0) {
                            throw new CorruptFormatException(FieldRef.of("initramfs", what, "padding",
                                    data.position()), "the padding after a cpio archive ends off a 4-byte boundary");
                        }
                        continue;
                    }
                    if (b != '0' || (data.position() & 3) != 0) {
                        throw new CorruptFormatException(FieldRef.of("initramfs", what, "data", data.position()),
                                "junk within the compressed archive: " + hex(data.peek(4)) + " where a cpio "
                                        + "header or padding should be");
                    }
                    CpioReader.readArchive(data, parts.size(), this::add);
                    archives++;
                }
                decompressed += data.position();
                parts.add(new Part(at, c, archives, entries.size() - before));
            }
        }

        private void add(CpioEntry e, long offset) throws UnsupportedFormatException {
            if (entries.size() >= maxEntries) {
                throw new UnsupportedFormatException(FieldRef.of("initramfs", "cpio header", "", offset),
                        "the initramfs has more than " + maxEntries + " members; vhdkit reads no further");
            }
            entries.add(e);
            if (enough.test(e)) {
                throw new Enough();
            }
        }
    }

    /** A decoder's own exceptions on damaged data, as the format exceptions vhdkit reports. */
    private static final class Guarded extends InputStream {
        private final InputStream in;
        private final String what;

        Guarded(InputStream in, String what) {
            this.in = in;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (FormatException e) {
                throw e;
            } catch (XZIOException | EOFException | NativeZstd.Malformed | RuntimeException e) {
                throw damaged(what, e);
            }
        }
    }

    private interface Opener {
        InputStream open() throws IOException;
    }

    private static InputStream guard(Opener o, String what) throws IOException {
        try {
            return o.open();
        } catch (FormatException e) {
            throw e;
        } catch (XZIOException | EOFException | NativeZstd.Malformed | RuntimeException e) {
            throw damaged(what, e);
        }
    }

    private static CorruptFormatException damaged(String what, Exception e) {
        String m = e.getMessage();
        return new CorruptFormatException(FieldRef.of("initramfs", what, "", FieldRef.NO_OFFSET),
                "the " + what + " is damaged: " + (m == null ? e.getClass().getSimpleName() : m), e);
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(s.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%02X", x & 0xFF));
        }
        return s.toString();
    }
}
