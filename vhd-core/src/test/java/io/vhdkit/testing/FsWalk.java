package io.vhdkit.testing;

import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileSystem;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.PathResolver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Drives a filesystem the way the validator does, so a fuzz target reaches the deep code: the root is listed, a
 * bounded walk lists directories, looks names up, reads the head and a middle piece of each file (at most
 * {@link #MAX_READ} bytes) and each symlink, and a few paths an OS probe asks for are resolved.
 */
public final class FsWalk {

    /** Path errors a filesystem raises by contract besides the format family: a missing name, a loop, a file used as a
     *  directory. */
    public static final List<Class<? extends IOException>> PATH_ERRORS = List.of(FileSystemException.class);
    public static final int MAX_NODES = 200;
    public static final int MAX_READ = 64 * 1024;
    private static final String[] PATHS = {"/etc/os-release", "/etc/fstab", "/boot/grub/grub.cfg",
        "/Windows/System32/config/SYSTEM", "/lost+found", "/a/../b/./c", "/link", "/dir/file-number-042"};

    private FsWalk() {
    }

    public static void walk(FileSystem fs) throws IOException {
        fs.info();
        Deque<FsNode> todo = new ArrayDeque<>();
        Set<Long> seen = new HashSet<>();
        todo.add(fs.root());
        int visited = 0;
        while (!todo.isEmpty() && visited++ < MAX_NODES) {
            FsNode n = todo.poll();
            if (!seen.add(n.id())) {
                continue;
            }
            switch (n.type()) {
                case DIRECTORY -> {
                    for (DirEntry e : fs.list(n)) {
                        if (todo.size() < MAX_NODES) {
                            todo.add(fs.node(e.id()));
                        }
                        fs.lookup(n, e.name());
                    }
                    fs.lookup(n, "no-such-name");
                }
                case REGULAR -> {
                    fs.read(n, 0, ByteBuffer.allocate(MAX_READ / 2));
                    long size = n.stat().size();
                    if (size > 0) {
                        fs.read(n, size / 2, ByteBuffer.allocate(MAX_READ / 2));
                    }
                }
                case SYMLINK -> fs.readLink(n);
                default -> {
                }
            }
        }
        PathResolver resolver = new PathResolver(fs);
        for (DirEntry e : fs.list(fs.root())) {
            resolver.find("/" + e.name(), true);
        }
        for (String path : PATHS) {
            resolver.find(path, true);
        }
    }
}
