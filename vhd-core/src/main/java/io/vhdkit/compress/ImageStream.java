package io.vhdkit.compress;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The decompressed bytes of a compressed image, read once front to back (the tar member when it is an archive):
 * what {@code vhdkit upload} streams and what the sparse temporary copy is made from. Errors of the file itself stay
 * {@link IOException}s; damaged compressed data is a {@link CorruptFormatException}; output past the bound (what the
 * VHD's own head allows, the tar member size, or {@link CompressedInput#MAX_EXPANDED_BYTES}) is an
 * {@link UnsupportedFormatException}: a decompression bomb never runs on.
 */
public final class ImageStream extends InputStream {

    private final Path file;
    private final CompressedInput.Codec codec;
    private final InputStream raw;
    private final InputStream in;
    private final String member;
    private final long declared;
    private long position;
    private long bound;
    private String boundReason;

    private ImageStream(Path file, CompressedInput.Codec codec, InputStream raw, InputStream in, String member,
                        long declared) {
        this.file = file;
        this.codec = codec;
        this.raw = raw;
        this.in = in;
        this.member = member;
        this.declared = declared;
        this.bound = declared >= 0 ? declared : CompressedInput.MAX_EXPANDED_BYTES;
        this.boundReason = declared >= 0 ? "the size the tar archive gives its member"
                : "more than any VHD or VHDX can be";
    }

    /** Opens {@code file} (compressed as {@link CompressedInput#detect} says) for one pass. */
    public static ImageStream open(Path file) throws IOException {
        CompressedInput.Codec codec = CompressedInput.detect(file);
        InputStream raw = new CompressedInput.SourceStream(Files.newInputStream(file));
        try {
            InputStream in = CompressedInput.decoder(CompressedInput.outerOf(codec),
                    new BufferedInputStream(raw, CompressedInput.CHUNK));
            if (!CompressedInput.isTarCodec(codec)) {
                return new ImageStream(file, codec, raw, in, null, -1);
            }
            TarArchiveInputStream tar = new TarArchiveInputStream(in);
            TarArchiveEntry entry = CompressedInput.single(tar, file);
            if (entry.getSize() > CompressedInput.MAX_EXPANDED_BYTES) {
                throw CompressedInput.tooLarge(file, codec, entry.getSize());
            }
            return new ImageStream(file, codec, raw, tar, entry.getName(), entry.getSize());
        } catch (CompressedInput.SourceStream.SourceFailure e) {
            raw.close();
            throw e.getCause();
        } catch (FormatException e) {
            raw.close();
            throw e;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw CompressedInput.damaged(file, codec, e);
        }
    }

    public Path file() {
        return file;
    }

    public CompressedInput.Codec codec() {
        return codec;
    }

    /** The tar member, for an archive. */
    public Optional<String> member() {
        return Optional.ofNullable(member);
    }

    /** The tar member's size, or -1 when nothing declares the size exactly. */
    public long declaredSize() {
        return declared;
    }

    /** Bytes decompressed so far. */
    public long position() {
        return position;
    }

    /**
     * The same file opened again from its start, with the same bound: for a reader that must go back (a second
     * pass, a verification).
     */
    public ImageStream reopen() throws IOException {
        ImageStream again = open(file);
        again.bound(bound, boundReason);
        return again;
    }

    /** Lowers the bound: reading past {@code max} bytes fails. */
    public void bound(long max, String reason) {
        if (max < bound) {
            bound = max;
            boundReason = reason;
        }
    }

    /** The bound a dynamic VHD's head sets (see {@link VhdExtent}), applied when {@code head} is one. */
    public void boundByVhdHead(byte[] head, int n) {
        VhdExtent.of(head, n).ifPresent(b -> bound(b, "what the dynamic VHD's header and BAT size allow"));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (CompressedInput.SourceStream.SourceFailure e) {
            throw e.getCause();
        } catch (FormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw CompressedInput.damaged(file, codec, e);
        }
        if (n > 0) {
            position += n;
            if (position > bound) {
                throw new UnsupportedFormatException(FieldRef.of(codec.label(), "stream", "size", bound),
                        Long.toString(position), "<= " + bound, file + " decompresses to more than " + bound
                        + " bytes, " + boundReason + ": it is damaged or a decompression bomb");
            }
        }
        return n;
    }

    /** Skips exactly {@code n} bytes (decompressing them). */
    public void skipExactly(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(CompressedInput.CHUNK, Math.max(1, n))];
        long left = n;
        while (left > 0) {
            int got = read(scratch, 0, (int) Math.min(scratch.length, left));
            if (got < 0) {
                throw ended();
            }
            left -= got;
        }
    }

    /** Reads exactly {@code len} bytes. */
    public void readExactly(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int got = read(b, off + done, len - done);
            if (got < 0) {
                throw ended();
            }
            done += got;
        }
    }

    private CorruptFormatException ended() {
        return new CorruptFormatException(FieldRef.of(codec.label(), "stream", "data", position),
                file + " ends after " + position + " decompressed bytes, before the image does (truncated?)",
                new EOFException());
    }

    /** After the image: the member's declared size was all there. */
    public void checkComplete() throws FormatException {
        if (declared >= 0 && position != declared) {
            throw new CorruptFormatException(FieldRef.of("tar", "entry", "size", FieldRef.NO_OFFSET),
                    Long.toString(position), Long.toString(declared), file + ": the archive member ends early");
        }
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
