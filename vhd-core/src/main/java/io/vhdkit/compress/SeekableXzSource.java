package io.vhdkit.compress;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.io.ByteSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableXZInputStream;
import org.tukaani.xz.XZIOException;

/**
 * An xz file of several blocks read in place: a read decompresses only the blocks it touches (xz-java's
 * {@link SeekableXZInputStream}, after our own checks of the index, {@link XzIndex}), and keeps the last few in a
 * small LRU cache, so memory stays within {@link #MAX_CACHED_BYTES}. Reads are serialized (one decoder).
 */
public final class SeekableXzSource implements ByteSource {

    /** Blocks larger than this are not read in place (the caller falls back to a temporary copy). */
    public static final long MAX_BLOCK_BYTES = 64L << 20;
    /** At most this many bytes of decompressed blocks are kept. */
    public static final long MAX_CACHED_BYTES = 128L << 20;
    /** xz-java's memory limit for the index and the LZMA2 dictionary, in KiB. */
    static final int MEMORY_LIMIT_KIB = 256 << 10;

    private final Path path;
    private final XzIndex index;
    private final SeekableXZInputStream in;
    private final Map<Integer, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedBytes;
    private long decompressed;
    private long served;
    private int blocksDecoded;

    private SeekableXzSource(Path path, XzIndex index, SeekableXZInputStream in) {
        this.path = path;
        this.index = index;
        this.in = in;
    }

    /** Whether {@code index} is worth reading in place: several blocks, none too large to cache. */
    public static boolean suits(XzIndex index) {
        return index.blockCount() > 1 && index.largestBlock() <= MAX_BLOCK_BYTES;
    }

    /** Reads the index of {@code file} (every field checked). */
    public static XzIndex index(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return XzIndex.read(ch, file.toString());
        }
    }

    /** Opens {@code file}, whose index is {@code index}, read-only. */
    public static SeekableXzSource open(Path file, XzIndex index) throws IOException {
        SeekableFileInputStream raw = new SeekableFileInputStream(file.toFile());
        try {
            SeekableXZInputStream xz = new SeekableXZInputStream(raw, MEMORY_LIMIT_KIB, true);
            if (xz.length() != index.uncompressedSize() || xz.getBlockCount() != index.blockCount()) {
                xz.close();
                throw new CorruptFormatException(FieldRef.of("xz", "index", "size", FieldRef.NO_OFFSET),
                        file + ": the xz index does not read the same twice");
            }
            return new SeekableXzSource(file, index, xz);
        } catch (XZIOException e) {
            raw.close();
            throw damaged(file, -1, e);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static CorruptFormatException damaged(Path file, int block, Exception e) {
        return new CorruptFormatException(FieldRef.of("xz", block < 0 ? "stream" : "block " + block, "data",
                FieldRef.NO_OFFSET), file + " is not a readable xz file" + (block < 0 ? "" : " (block " + block + ")")
                + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }

    public XzIndex index() {
        return index;
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public long size() {
        return index.uncompressedSize();
    }

    @Override
    public synchronized void readFully(long position, ByteBuffer dst) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        long pos = position;
        while (dst.hasRemaining()) {
            int b = index.blockAt(pos);
            if (b < 0) {
                throw new EOFException(path + ": " + dst.remaining() + " bytes wanted at offset " + pos
                        + " past the end of the decompressed data (" + size() + " bytes)");
            }
            byte[] data = block(b);
            int from = (int) (pos - index.blocks().get(b).uncompressedOffset());
            int n = Math.min(dst.remaining(), data.length - from);
            dst.put(data, from, n);
            pos += n;
            served += n;
        }
    }

    private byte[] block(int b) throws IOException {
        byte[] data = cache.get(b);
        if (data != null) {
            return data;
        }
        XzIndex.Block block = index.blocks().get(b);
        data = new byte[(int) block.uncompressedSize()];
        try {
            in.seekToBlock(b);
            int got = in.readNBytes(data, 0, data.length);
            if (got != data.length) {
                throw new CorruptFormatException(FieldRef.of("xz", "block " + b, "uncompressed size",
                        block.compressedOffset()), Integer.toString(got), Long.toString(block.uncompressedSize()),
                        path + ": block " + b + " decompresses to fewer bytes than the index says");
            }
        } catch (XZIOException | EOFException e) {
            throw damaged(path, b, e);
        } catch (IOException e) {
            if (e.getClass().getName().startsWith("org.tukaani")) {
                throw damaged(path, b, e);
            }
            throw e;
        } catch (RuntimeException e) {
            throw damaged(path, b, e);
        }
        decompressed += data.length;
        blocksDecoded++;
        cache.put(b, data);
        cachedBytes += data.length;
        var it = cache.entrySet().iterator();
        while (cachedBytes > MAX_CACHED_BYTES && cache.size() > 1 && it.hasNext()) {
            var e = it.next();
            if (e.getKey() != b) {
                cachedBytes -= e.getValue().length;
                it.remove();
            }
        }
        return data;
    }

    /** Decompressed bytes served to readers: the I/O a command did. */
    @Override
    public synchronized long bytesRead() {
        return served;
    }

    /** Bytes decompressed so far (whole blocks, each counted once per decoding). */
    public synchronized long bytesDecompressed() {
        return decompressed;
    }

    public synchronized int blocksDecoded() {
        return blocksDecoded;
    }

    @Override
    public synchronized void close() throws IOException {
        cache.clear();
        in.close();
    }
}
