package io.vhdkit.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.HexFormat;

/**
 * The local record of an upload, for {@code --resume}: a JSON header line identifying the source, the destination
 * (its URL without the SAS) and the chunk size, then one line per chunk the service acknowledged (its index in
 * decimal).
 *
 * <p>Durability: a chunk's line is written only after the service acknowledged the chunk, so whatever of the file
 * survives never claims a chunk that was not acknowledged. A process killed at any moment (even with SIGKILL) leaves
 * every written line in the page cache, hence in the file. Against a power loss or an OS crash:
 * <ul>
 *   <li>the header is written to a temporary file, forced to disk, renamed into place, and the directory is forced,
 *       so a journal is either absent or has its whole header;</li>
 *   <li>chunk lines are forced at most every {@link #SYNC_INTERVAL_NANOS} (group commit) and on close: a crash loses
 *       at most the last second of lines, whose chunks are then sent again;</li>
 *   <li>on read, only complete lines that are a plain index inside the plan count: a torn last line (no newline), a
 *       line of NULs a file system left after a crash, or any other garbage is ignored;</li>
 *   <li>on append, a torn last line is cut off first, so that the next index is never glued to its digits;</li>
 *   <li>the journal of a destination is {@linkplain #discard discarded} (and the deletion forced) before its blob is
 *       created or replaced, so an old journal never vouches for chunks of a new blob.</li>
 * </ul>
 */
public final class Journal implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Chunk lines are forced to disk at most this often (and on close). */
    static final long SYNC_INTERVAL_NANOS = 1_000_000_000L;
    /** A chunk line: a plain decimal index, no sign, no leading zeros beyond "0", at most 10 digits. */
    private static final java.util.regex.Pattern INDEX = java.util.regex.Pattern.compile("0|[1-9][0-9]{0,9}");

    private final Path path;
    private final FileChannel channel;
    private long lastSync = System.nanoTime();
    private boolean dirty;
    private int syncs;

    private Journal(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** The default journal of a destination: under {@code $XDG_STATE_HOME/vhdkit/uploads} (or ~/.local/state). */
    public static Path defaultPath(String destinationWithoutQuery) {
        String base = System.getenv("XDG_STATE_HOME");
        Path dir = base != null && !base.isBlank() ? Path.of(base)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return dir.resolve("vhdkit").resolve("uploads").resolve(sha256(destinationWithoutQuery).substring(0, 32)
                + ".journal");
    }

    /** What an earlier run left: its header and the chunks it completed. */
    public record State(UploadSource.SourceIdentity source, String destination, int chunkSize, BitSet done) {
    }

    /**
     * Reads a journal, or returns null when there is none or its header is unreadable. Only complete lines count:
     * a torn last line and lines that are not an index inside the plan are ignored.
     */
    public static State read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            return null;
        }
        byte[] bytes = Files.readAllBytes(path);
        int end = lastNewline(bytes) + 1; // what follows the last newline is a torn line
        String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n", -1);
        if (end == 0 || lines.length == 0) {
            return null;
        }
        JsonNode h;
        try {
            h = JSON.readTree(lines[0]);
        } catch (IOException e) {
            return null;
        }
        if (h == null || h.path("version").asInt() != 1 || h.path("chunkSize").asInt() <= 0
                || h.path("size").asLong() < 0) {
            return null;
        }
        UploadSource.SourceIdentity id = new UploadSource.SourceIdentity(h.path("source").asText(),
                h.path("fileSize").asLong(), h.path("mtime").asLong(), h.path("uniqueId").asText(),
                h.path("size").asLong());
        int chunkSize = h.path("chunkSize").asInt();
        long chunks = (id.size() + chunkSize - 1) / chunkSize;
        BitSet done = new BitSet();
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            if (INDEX.matcher(l).matches()) {
                long index = Long.parseLong(l);
                if (index < chunks) {
                    done.set((int) index);
                }
            }
            // anything else is garbage a crash left (NULs, a torn write): that chunk is sent again
        }
        return new State(id, h.path("destination").asText(), chunkSize, done);
    }

    private static int lastNewline(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Starts a new journal at {@code path}, replacing any old one. */
    public static Journal create(Path path, UploadSource.SourceIdentity source, String destination, int chunkSize)
            throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        ObjectNode h = JSON.createObjectNode();
        h.put("version", 1);
        h.put("destination", Secrets.withoutQuery(destination));
        h.put("source", source.path());
        h.put("fileSize", source.fileSize());
        h.put("mtime", source.mtime());
        h.put("uniqueId", source.uniqueId());
        h.put("size", source.size());
        h.put("chunkSize", chunkSize);
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap((JSON.writeValueAsString(h) + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                c.write(b);
            }
            c.force(true);
        }
        Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(path);
        return append(path);
    }

    /** Continues an existing journal, first cutting off a torn last line (a write a crash interrupted). */
    public static Journal append(Path path) throws IOException {
        FileChannel c = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long keep = completeLength(c);
            if (keep < c.size()) {
                c.truncate(keep);
                c.force(false);
            }
            c.position(keep);
            return new Journal(path, c);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The length of the journal up to and including its last newline. */
    private static long completeLength(FileChannel c) throws IOException {
        long size = c.size();
        ByteBuffer b = ByteBuffer.allocate(4096);
        for (long end = size; end > 0; ) {
            long start = Math.max(0, end - b.capacity());
            b.clear().limit((int) (end - start));
            while (b.hasRemaining()) {
                if (c.read(b, start + b.position()) < 0) {
                    throw new IOException("the journal shrank while it was read");
                }
            }
            for (int i = (int) (end - start) - 1; i >= 0; i--) {
                if (b.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    /**
     * Deletes the journal at {@code path}, if any, and forces the deletion to disk: called before a blob is created
     * or replaced, so that no journal of an earlier blob survives to vouch for chunks of the new one.
     */
    public static void discard(Path path) throws IOException {
        if (Files.deleteIfExists(path)) {
            forceDirectory(path);
        }
    }

    /** Forces a directory entry change (create, rename, delete) to disk; a no-op where directories cannot be opened. */
    private static void forceDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can open a directory (Windows); the rename is still atomic
        }
    }

    public Path path() {
        return path;
    }

    /**
     * Records that the service acknowledged chunk {@code index} (call it only then). The line is forced to disk with
     * the others at most every {@link #SYNC_INTERVAL_NANOS}, and on close.
     */
    public synchronized void done(int index) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((index + "\n").getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
            channel.write(b);
        }
        dirty = true;
        long now = System.nanoTime();
        if (now - lastSync >= SYNC_INTERVAL_NANOS) {
            sync(now);
        }
    }

    private void sync(long now) throws IOException {
        channel.force(false);
        syncs++;
        dirty = false;
        lastSync = now;
    }

    /** How many times the chunk lines were forced to disk (for tests). */
    synchronized int syncs() {
        return syncs;
    }

    /** Closes and deletes the journal: the upload is complete. */
    public void finish() throws IOException {
        close();
        Files.deleteIfExists(path);
    }

    @Override
    public synchronized void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            if (dirty) {
                sync(System.nanoTime());
            }
        } finally {
            channel.close();
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
