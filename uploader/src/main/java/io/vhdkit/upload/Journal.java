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
import java.util.List;

/**
 * The local record of an upload, for {@code --resume}: a JSON header line identifying the source, the destination
 * (its URL without the SAS) and the chunk size, then one line per chunk the service acknowledged. Lines are appended
 * as chunks complete, so a process killed at any moment (even with SIGKILL) leaves every acknowledged chunk recorded;
 * a torn last line is ignored.
 */
public final class Journal implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;

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

    /** Reads a journal, or returns null when there is none or its header is unreadable. */
    public static State read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            return null;
        }
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return null;
        }
        JsonNode h;
        try {
            h = JSON.readTree(lines.get(0));
        } catch (IOException e) {
            return null;
        }
        if (h == null || h.path("version").asInt() != 1) {
            return null;
        }
        UploadSource.SourceIdentity id = new UploadSource.SourceIdentity(h.path("source").asText(),
                h.path("fileSize").asLong(), h.path("mtime").asLong(), h.path("uniqueId").asText(),
                h.path("size").asLong());
        BitSet done = new BitSet();
        for (int i = 1; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || (i == lines.size() - 1 && !endsWithNewline(path))) {
                continue;
            }
            try {
                done.set(Integer.parseInt(l));
            } catch (NumberFormatException e) {
                // a torn line: that chunk will be sent again
            }
        }
        return new State(id, h.path("destination").asText(), h.path("chunkSize").asInt(), done);
    }

    private static boolean endsWithNewline(Path path) throws IOException {
        try (FileChannel c = FileChannel.open(path, StandardOpenOption.READ)) {
            long n = c.size();
            if (n == 0) {
                return true;
            }
            ByteBuffer b = ByteBuffer.allocate(1);
            c.read(b, n - 1);
            return b.get(0) == '\n';
        }
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
        Files.write(tmp, (JSON.writeValueAsString(h) + "\n").getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return append(path);
    }

    /** Continues an existing journal. */
    public static Journal append(Path path) throws IOException {
        return new Journal(path, FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    }

    public Path path() {
        return path;
    }

    /** Records that the service acknowledged chunk {@code index}. */
    public synchronized void done(int index) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((index + "\n").getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** Closes and deletes the journal: the upload is complete. */
    public void finish() throws IOException {
        close();
        Files.deleteIfExists(path);
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
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
