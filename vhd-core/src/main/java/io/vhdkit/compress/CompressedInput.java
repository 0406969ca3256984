package io.vhdkit.compress;

import io.airlift.compress.zstd.ZstdInputStream;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.io.ByteSource;
import io.vhdkit.io.FileByteSource;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A compressed image ({@code .vhd.gz}, {@code .vhd.xz}, {@code .vhd.bz2}, {@code .vhd.zst}, or a {@code .tar} /
 * {@code .tar.gz} / {@code .tar.xz} holding one image) made readable at random: an xz file of several blocks is read
 * in place through its index ({@link SeekableXzSource}); anything else is decompressed once into a sparse temporary
 * copy whose zero runs are never written (a 30 GiB disk holding 2 GiB costs 2 GiB), deleted on {@link #close()} and
 * at JVM exit.
 *
 * <p>Hostile inputs: a damaged or truncated stream is a {@link CorruptFormatException}; the expanded size is bounded
 * by {@link #MAX_EXPANDED_BYTES} (more than any VHD or VHDX can be) and the bytes written by the free space of the
 * temporary directory, or a smaller cap: a decompression bomb ends with a clear {@link TempSpaceException} or a
 * format error, never a full disk.
 */
public final class CompressedInput implements Closeable {

    /** Larger than a VHDX's 64 TiB maximum plus its metadata: nothing real expands past it. */
    public static final long MAX_EXPANDED_BYTES = (64L << 40) + (1L << 30);

    /** Kept free in the temporary directory beyond what the copy uses. */
    public static final long RESERVE_BYTES = 64L << 20;

    static final int CHUNK = 64 * 1024;

    /** How the input is packed. */
    public enum Codec {
        NONE("uncompressed"), GZIP("gzip"), XZ("xz"), BZIP2("bzip2"), ZSTD("zstd"), TAR("tar"), TAR_GZIP("tar.gz"),
        TAR_XZ("tar.xz"), TAR_BZIP2("tar.bz2"), TAR_ZSTD("tar.zst");

        private final String label;

        Codec(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * Where and how much temporary space may be used.
     *
     * @param tempDir  the directory for the sparse copy (java.io.tmpdir when null)
     * @param maxBytes at most this many bytes of data written to the copy (its zero runs are not counted), or
     *                 {@code Long.MAX_VALUE} for the free space of {@code tempDir}
     */
    public record Options(Path tempDir, long maxBytes, boolean inPlace) {
        /** Always a file: a seekable xz file is decompressed to a temporary copy too. */
        public Options(Path tempDir, long maxBytes) {
            this(tempDir, maxBytes, false);
        }

        public static Options defaults() {
            return new Options(null, Long.MAX_VALUE);
        }

        /**
         * The same, letting an xz file of several blocks be read in place through {@link #source()} (the caller
         * reads a {@link ByteSource}, not {@link #path()}).
         */
        public Options withInPlace() {
            return new Options(tempDir, maxBytes, true);
        }

        public Path dir() {
            return tempDir != null ? tempDir : Path.of(System.getProperty("java.io.tmpdir"));
        }
    }

    private final Path original;
    private final Codec codec;
    private final Path path;
    private final boolean temporary;
    private final String member;
    private final long stored;
    private final SeekableXzSource inPlace;

    private CompressedInput(Path original, Codec codec, Path path, boolean temporary, String member, long stored,
                            SeekableXzSource inPlace) {
        this.original = original;
        this.codec = codec;
        this.path = path;
        this.temporary = temporary;
        this.member = member;
        this.stored = stored;
        this.inPlace = inPlace;
    }

    /** The codec from the file's first bytes (and, for a compressed stream, whether it holds a tar archive). */
    public static Codec detect(Path file) throws IOException {
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        Codec outer = outer(head, n);
        if (outer == Codec.NONE) {
            return isTar(head, n) ? Codec.TAR : Codec.NONE;
        }
        byte[] inner = new byte[512];
        int m;
        try (InputStream raw = Files.newInputStream(file); InputStream in = decoder(outer, new BufferedInputStream(raw))) {
            m = in.readNBytes(inner, 0, inner.length);
        } catch (IOException | RuntimeException e) {
            return outer; // damaged: open() reports it
        }
        if (!isTar(inner, m)) {
            return outer;
        }
        return switch (outer) {
            case GZIP -> Codec.TAR_GZIP;
            case XZ -> Codec.TAR_XZ;
            case BZIP2 -> Codec.TAR_BZIP2;
            case ZSTD -> Codec.TAR_ZSTD;
            default -> outer;
        };
    }

    private static Codec outer(byte[] b, int n) {
        if (n >= 2 && (b[0] & 0xFF) == 0x1F && (b[1] & 0xFF) == 0x8B) {
            return Codec.GZIP;
        }
        if (n >= 6 && (b[0] & 0xFF) == 0xFD && b[1] == '7' && b[2] == 'z' && b[3] == 'X' && b[4] == 'Z' && b[5] == 0) {
            return Codec.XZ;
        }
        if (n >= 4 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h' && b[3] >= '1' && b[3] <= '9') {
            return Codec.BZIP2;
        }
        if (n >= 4 && (b[0] & 0xFF) == 0x28 && (b[1] & 0xFF) == 0xB5 && (b[2] & 0xFF) == 0x2F
                && (b[3] & 0xFF) == 0xFD) {
            return Codec.ZSTD;
        }
        return Codec.NONE;
    }

    private static boolean isTar(byte[] b, int n) {
        return n >= 262 && b[257] == 'u' && b[258] == 's' && b[259] == 't' && b[260] == 'a' && b[261] == 'r';
    }

    static InputStream decoder(Codec outer, InputStream in) throws IOException {
        return switch (outer) {
            case GZIP -> GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
            case XZ -> new XZCompressorInputStream(in, true);
            case BZIP2 -> new BZip2CompressorInputStream(in, true);
            case ZSTD -> new ZstdInputStream(in);
            default -> in;
        };
    }

    static Codec outerOf(Codec c) {
        return switch (c) {
            case TAR_GZIP -> Codec.GZIP;
            case TAR_XZ -> Codec.XZ;
            case TAR_BZIP2 -> Codec.BZIP2;
            case TAR_ZSTD -> Codec.ZSTD;
            case TAR -> Codec.NONE;
            default -> c;
        };
    }

    static boolean isTarCodec(Codec c) {
        return c.name().startsWith("TAR");
    }

    /**
     * Opens {@code file}: an uncompressed file is used as it is; an xz file of several blocks is read in place when
     * {@link Options#inPlace()} allows it; any other compressed one is decompressed into a sparse temporary copy.
     *
     * @throws FormatException    when the compressed data or the archive is damaged, or holds no single image, or
     *                            decompresses past what the image can be (a decompression bomb)
     * @throws TempSpaceException when the temporary copy would not fit
     */
    public static CompressedInput open(Path file, Options options) throws IOException {
        Codec codec = detect(file);
        if (codec == Codec.NONE) {
            return new CompressedInput(file, codec, file, false, null, 0, null);
        }
        long xzDeclared = -1;
        if (codec == Codec.XZ) {
            Optional<XzIndex> index = xzIndex(file);
            if (index.isPresent()) {
                xzDeclared = index.get().uncompressedSize();
                if (options.inPlace() && SeekableXzSource.suits(index.get())) {
                    return new CompressedInput(file, codec, null, false, null, 0,
                            SeekableXzSource.open(file, index.get()));
                }
            }
        }
        Path dir = options.dir();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "vhdkit-", ".img");
        temp.toFile().deleteOnExit();
        try {
            long stored;
            String member;
            try (ImageStream in = ImageStream.open(file)) {
                if (xzDeclared >= 0) {
                    in.bound(xzDeclared, "the size the xz index declares");
                }
                member = in.member().orElse(null);
                stored = copySparse(file, in, temp, options);
            }
            return new CompressedInput(file, codec, temp, true, member, stored, null);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * The index of a single-stream xz file, every field checked; empty for several concatenated streams (they are
     * read front to back).
     *
     * @throws FormatException when the index is damaged or declares more than any image can be
     */
    public static Optional<XzIndex> xzIndex(Path file) throws IOException {
        try {
            return Optional.of(SeekableXzSource.index(file));
        } catch (UnsupportedFormatException e) {
            if ("count".equals(e.where().field())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The uncompressed size an xz file's index declares (checked before anything is decompressed), or -1 when the
     * index cannot be read: then the stream's own checks report the damage.
     */
    static long xzDeclaredSize(Path file) {
        try (org.tukaani.xz.SeekableXZInputStream in = new org.tukaani.xz.SeekableXZInputStream(
                new org.tukaani.xz.SeekableFileInputStream(file.toFile()))) {
            return in.length();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The one regular file of a tar archive, positioned for reading. */
    static TarArchiveEntry single(TarArchiveInputStream tar, Path file) throws IOException {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            if (entry.isFile()) {
                return entry;
            }
            if (!entry.isDirectory()) {
                throw new UnsupportedFormatException(FieldRef.of("tar", "entry", "type", FieldRef.NO_OFFSET),
                        file + " holds " + entry.getName() + ", which is not a regular file; the archive should hold "
                        + "one disk image");
            }
        }
        throw new UnsupportedFormatException(FieldRef.of("tar", "archive", "entries", FieldRef.NO_OFFSET),
                file + " is a tar archive holding no file; it should hold one disk image");
    }

    static FormatException damaged(Path file, Codec codec, Throwable e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.io.EOFException) {
            why = "it ends before the compressed data does (truncated)";
        }
        return new CorruptFormatException(FieldRef.of(codec.label(), "stream", "data", FieldRef.NO_OFFSET),
                file + " is not a readable " + codec.label() + " file: " + why, e);
    }

    /** Copies {@code in} to {@code temp}, seeking over zero chunks; returns the bytes written. */
    private static long copySparse(Path file, ImageStream in, Path temp, Options options) throws IOException {
        Path dir = options.dir();
        long limit = Math.min(options.maxBytes(), Math.max(0, Files.getFileStore(dir).getUsableSpace() - RESERVE_BYTES));
        byte[] buf = new byte[CHUNK];
        long position = 0;
        long written = 0;
        long nextSpaceCheck = 256L << 20;
        boolean first = true;
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            while (true) {
                int n = in.readNBytes(buf, 0, CHUNK);
                if (n <= 0) {
                    break;
                }
                if (first) {
                    first = false;
                    in.boundByVhdHead(buf, n);
                }
                if (!zeros(buf, n)) {
                    if (written + n > limit) {
                        throw new TempSpaceException(file, dir, written + n, limit, options.maxBytes() != Long.MAX_VALUE);
                    }
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                    long p = position;
                    while (b.hasRemaining()) {
                        p += out.write(b, p);
                    }
                    written += n;
                    if (written >= nextSpaceCheck) {
                        nextSpaceCheck = written + (256L << 20);
                        long free = Files.getFileStore(dir).getUsableSpace() - RESERVE_BYTES;
                        limit = Math.min(limit, written + Math.max(0, free));
                    }
                }
                position += n;
            }
        }
        in.checkComplete();
        try (RandomAccessFile f = new RandomAccessFile(temp.toFile(), "rw")) {
            f.setLength(position);
        }
        return written;
    }

    static FormatException tooLarge(Path file, Codec codec, long size) {
        return new UnsupportedFormatException(FieldRef.of(codec.label(), "stream", "size", FieldRef.NO_OFFSET),
                file + " expands to more than " + MAX_EXPANDED_BYTES + " bytes (" + size + " so far), more than any "
                + "VHD or VHDX can be: it is not a disk image (a decompression bomb?)");
    }

    static boolean zeros(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The file named on the command line. */
    public Path original() {
        return original;
    }

    public Codec codec() {
        return codec;
    }

    /**
     * A plain file with the image's bytes: the original when it was not compressed.
     *
     * @throws IllegalStateException when the image is read in place ({@link #inPlace()}): use {@link #source()}
     */
    public Path path() {
        if (inPlace != null) {
            throw new IllegalStateException(original + " is read in place: use source()");
        }
        return path;
    }

    /** The seekable xz source, when the image is read in place rather than through a temporary copy. */
    public Optional<SeekableXzSource> inPlace() {
        return Optional.ofNullable(inPlace);
    }

    /**
     * The image's bytes: the in-place xz source (owned by this object: closed with it), or a new read-only source on
     * {@link #path()} that the caller closes.
     */
    public ByteSource source() throws IOException {
        if (inPlace != null) {
            return new Unclosed(inPlace);
        }
        return FileByteSource.open(path);
    }

    public boolean compressed() {
        return codec != Codec.NONE;
    }

    /** The archive member read, for a tar archive. */
    public Optional<String> member() {
        return Optional.ofNullable(member);
    }

    /** Bytes of data written to the temporary copy (zeros are not written). */
    public long storedBytes() {
        return stored;
    }

    /** How the input was read, for messages: "gzip, decompressed to a sparse temporary copy (2.0 MiB written)". */
    public String describe() {
        if (!compressed()) {
            return codec.label();
        }
        if (inPlace != null) {
            return codec.label() + ", " + inPlace.index().blockCount() + " blocks, read in place ("
                    + String.format(Locale.ROOT, "%.1f MiB", inPlace.bytesDecompressed() / 1048576.0)
                    + " decompressed of " + String.format(Locale.ROOT, "%.1f MiB", inPlace.size() / 1048576.0) + ")";
        }
        return codec.label() + (member != null ? " member " + member : "") + ", decompressed to a sparse temporary "
                + "copy (" + String.format(Locale.ROOT, "%.1f MiB", stored / 1048576.0) + " written)";
    }

    @Override
    public void close() throws IOException {
        if (inPlace != null) {
            inPlace.close();
        }
        if (temporary) {
            Files.deleteIfExists(path);
        }
    }

    /** A view of a source that its user may close without closing the source. */
    private record Unclosed(ByteSource s) implements ByteSource {
        @Override
        public String name() {
            return s.name();
        }

        @Override
        public long size() throws IOException {
            return s.size();
        }

        @Override
        public void readFully(long position, ByteBuffer dst) throws IOException {
            s.readFully(position, dst);
        }

        @Override
        public long bytesRead() {
            return s.bytesRead();
        }

        @Override
        public void close() {
        }
    }

    /** Marks the I/O errors of the file itself, so that they are not taken for damaged compressed data. */
    static final class SourceStream extends FilterInputStream {
        static final class SourceFailure extends RuntimeException {
            private static final long serialVersionUID = 1L;

            SourceFailure(IOException cause) {
                super(cause);
            }

            @Override
            public synchronized IOException getCause() {
                return (IOException) super.getCause();
            }
        }

        SourceStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw new SourceFailure(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw new SourceFailure(e);
            }
        }
    }
}
