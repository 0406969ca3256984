package io.vhdkit.fs;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Resolves absolute paths over {@link Mounts} the way the kernel's path walk does: {@code "."} and {@code ".."}
 * (never above the root), symlinks followed with absolute targets taken from the image's root (never the host's),
 * at most {@link #MAX_SYMLINKS} of them per walk, and mount points crossed in both directions. Names are compared as
 * each filesystem does (exactly on ext and XFS, ignoring case on FAT).
 */
public final class PathResolver {

    /** Linux's {@code MAXSYMLINKS}: past this many symlinks in one walk, ELOOP. */
    public static final int MAX_SYMLINKS = 40;
    /** Linux's {@code PATH_MAX}, applied to the path and to every symlink target. */
    public static final int MAX_PATH = 4096;
    /** Linux's {@code NAME_MAX}. */
    public static final int MAX_NAME = 255;

    private final Mounts mounts;

    public PathResolver(Mounts mounts) {
        this.mounts = mounts;
    }

    public PathResolver(FileSystem fs) {
        this(Mounts.of(fs));
    }

    public Mounts mounts() {
        return mounts;
    }

    /** One step of the walk: a directory, its filesystem and its canonical path. */
    private record Frame(FileSystem fs, FsNode node, String path) {
    }

    /**
     * The file at {@code path}; a symlink at the end is followed when {@code followLast}.
     *
     * @throws NoSuchFileException    when a component does not exist
     * @throws NotDirectoryException  when a component other than the last is not a directory
     * @throws FileSystemLoopException after {@link #MAX_SYMLINKS} symlinks
     */
    public Resolved resolve(String path, boolean followLast) throws IOException {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("an absolute path is needed: " + path);
        }
        if (path.length() > MAX_PATH) {
            throw new NoSuchFileException(path.substring(0, 64) + "...", null, "path longer than " + MAX_PATH);
        }
        Deque<Frame> stack = new ArrayDeque<>();
        Frame root = rootFrame();
        stack.push(root);
        Deque<String> todo = new ArrayDeque<>(components(path));
        int symlinks = 0;
        while (!todo.isEmpty()) {
            String name = todo.pollFirst();
            Frame dir = stack.peek();
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (stack.size() > 1) {
                    stack.pop();
                }
                continue;
            }
            if (dir.node().type() != FileType.DIRECTORY) {
                throw new NotDirectoryException(dir.path());
            }
            if (name.length() > MAX_NAME) {
                throw new NoSuchFileException(join(dir.path(), name.substring(0, 32) + "..."), null,
                        "name longer than " + MAX_NAME);
            }
            Optional<DirEntry> entry = dir.fs().lookup(dir.node(), name);
            if (entry.isEmpty()) {
                throw new NoSuchFileException(join(dir.path(), name));
            }
            String childPath = join(dir.path(), entry.get().name());
            FsNode child = dir.fs().node(entry.get().id());
            boolean last = todo.isEmpty();
            if (child.type() == FileType.SYMLINK && (!last || followLast)) {
                if (++symlinks > MAX_SYMLINKS) {
                    throw new FileSystemLoopException(childPath);
                }
                String target = dir.fs().readLink(child);
                if (target.isEmpty() || target.length() > MAX_PATH) {
                    throw new NoSuchFileException(childPath, null, "symlink target is empty or too long");
                }
                if (target.startsWith("/")) {
                    stack.clear();
                    stack.push(root);
                }
                List<String> parts = components(target);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
                continue;
            }
            Optional<FileSystem> mounted = child.type() == FileType.DIRECTORY ? mounts.at(childPath) : Optional.empty();
            if (mounted.isPresent()) {
                stack.push(new Frame(mounted.get(), mounted.get().root(), childPath));
            } else {
                stack.push(new Frame(dir.fs(), child, childPath));
            }
        }
        Frame end = stack.peek();
        return new Resolved(end.path(), end.fs(), end.node());
    }

    /** Like {@link #resolve}, but empty when the path (or a directory on the way) does not exist. */
    public Optional<Resolved> find(String path, boolean followLast) throws IOException {
        try {
            return Optional.of(resolve(path, followLast));
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Optional.empty();
        }
    }

    private Frame rootFrame() throws IOException {
        FsNode rootNode = mounts.root().root();
        if (rootNode.type() != FileType.DIRECTORY) {
            throw new CorruptFormatException(FieldRef.of(mounts.root().info().type(), "root directory", "type",
                    FieldRef.NO_OFFSET), rootNode.type().name(), "DIRECTORY");
        }
        return new Frame(mounts.root(), rootNode, "/");
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }

    private static String join(String dir, String name) {
        return dir.equals("/") ? "/" + name : dir + "/" + name;
    }
}
