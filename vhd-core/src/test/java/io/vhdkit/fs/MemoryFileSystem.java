package io.vhdkit.fs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A tiny in-memory filesystem to test path resolution on its own; the real readers are tested on real images. */
final class MemoryFileSystem implements FileSystem {

    private record Node(long id, FileStat stat, Map<String, Long> children, byte[] data) implements FsNode {
    }

    private final List<Node> nodes = new ArrayList<>();
    private final boolean caseSensitive;

    MemoryFileSystem(boolean caseSensitive) {
        this.caseSensitive = caseSensitive;
        nodes.add(new Node(0, stat(FileType.DIRECTORY, 0), new LinkedHashMap<>(), new byte[0]));
    }

    private static FileStat stat(FileType type, long size) {
        int mode = switch (type) {
            case DIRECTORY -> 040755;
            case SYMLINK -> 0120777;
            default -> 0100644;
        };
        return new FileStat(type, size, mode, 0, 0, Instant.EPOCH, 1);
    }

    /** Adds a file under the directory at {@code dirId}; returns its id. */
    long add(long dirId, String name, FileType type, String content) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        Node n = new Node(nodes.size(), stat(type, data.length), new LinkedHashMap<>(), data);
        nodes.add(n);
        nodes.get((int) dirId).children().put(name, n.id());
        return n.id();
    }

    @Override
    public FsInfo info() {
        return new FsInfo("memory", null, null, 0, 512, caseSensitive, List.of());
    }

    @Override
    public long rootId() {
        return 0;
    }

    @Override
    public FsNode node(long id) {
        return nodes.get((int) id);
    }

    @Override
    public List<DirEntry> list(FsNode dir) {
        List<DirEntry> out = new ArrayList<>();
        ((Node) dir).children().forEach((name, id) -> out.add(new DirEntry(name, id, nodes.get(id.intValue()).type())));
        return out;
    }

    @Override
    public int read(FsNode file, long position, ByteBuffer dst) {
        byte[] data = ((Node) file).data();
        if (position >= data.length) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), data.length - position);
        dst.put(data, (int) position, n);
        return n;
    }

    @Override
    public String readLink(FsNode link) {
        return new String(((Node) link).data(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
    }
}
