package io.vhdkit.vhdx;

import io.vhdkit.io.Buffers;
import io.vhdkit.io.ByteSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * A VHDX file as it is after its log is replayed, without writing the file: the replayed writes are kept in memory
 * as ranges (4 KiB sectors of data, or zeros) laid over the file, later writes over earlier ones; bytes past the end
 * of the file (the log may extend it) read as zeros. Every read of the structures and of the payload goes through it.
 */
final class LogOverlaySource implements ByteSource {

    /** A replayed range {@code [start, end)}: bytes of {@code data} from {@code dataOffset}, or zeros. */
    private record Piece(long start, long end, byte[] data, int dataOffset) {
    }

    private final ByteSource file;
    private final long fileSize;
    private final TreeMap<Long, Piece> pieces = new TreeMap<>();
    private long size;

    LogOverlaySource(ByteSource file) throws IOException {
        this.file = file;
        this.fileSize = file.size();
        this.size = fileSize;
    }

    /** Lays {@code length} bytes at {@code start} over the file: {@code data} (from 0), or zeros when null. */
    void write(long start, long length, byte[] data) {
        long end = start + length;
        Map.Entry<Long, Piece> before = pieces.lowerEntry(start);
        if (before != null && before.getValue().end() > start) {
            cut(before.getValue(), start, end);
        }
        for (Piece p : pieces.subMap(start, true, end, false).values().toArray(new Piece[0])) {
            cut(p, start, end);
        }
        pieces.put(start, new Piece(start, end, data, 0));
        size = Math.max(size, end);
    }

    /** Removes {@code [start, end)} from {@code p}, keeping what is outside. */
    private void cut(Piece p, long start, long end) {
        pieces.remove(p.start());
        if (p.start() < start) {
            pieces.put(p.start(), new Piece(p.start(), start, p.data(), p.dataOffset()));
        }
        if (p.end() > end) {
            pieces.put(end, new Piece(end, p.end(), p.data(),
                    p.data() == null ? 0 : p.dataOffset() + (int) (end - p.start())));
        }
    }

    /** The file is at least {@code length} bytes after the replay (MS-VHDX 2.3.3: LastFileOffset). */
    void extendTo(long length) {
        size = Math.max(size, length);
    }

    /** How many ranges the replay laid over the file. */
    int ranges() {
        return pieces.size();
    }

    @Override
    public String name() {
        return file.name();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void readFully(long position, ByteBuffer dst) throws IOException {
        int n = dst.remaining();
        if (position < 0 || position > size || n > size - position) {
            throw new EOFException(name() + ": " + n + " bytes wanted at offset " + position + " past the end ("
                    + size + " bytes after the log replay)");
        }
        long pos = position;
        long end = position + n;
        while (pos < end) {
            Map.Entry<Long, Piece> at = pieces.floorEntry(pos);
            Piece p = at != null && at.getValue().end() > pos ? at.getValue() : null;
            if (p != null) {
                int len = (int) (Math.min(end, p.end()) - pos);
                ByteBuffer part = Buffers.take(dst, len);
                if (p.data() == null) {
                    Buffers.putZeros(part, len);
                } else {
                    part.put(p.data(), p.dataOffset() + (int) (pos - p.start()), len);
                }
                pos += len;
                continue;
            }
            Long next = pieces.higherKey(pos);
            long stop = Math.min(end, next == null ? end : next);
            if (pos < fileSize) {
                long fromFile = Math.min(stop, fileSize) - pos;
                file.readFully(pos, Buffers.take(dst, (int) fromFile));
                pos += fromFile;
            } else {
                int len = (int) (stop - pos);
                Buffers.putZeros(Buffers.take(dst, len), len);
                pos += len;
            }
        }
    }

    @Override
    public long bytesRead() {
        return file.bytesRead();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
