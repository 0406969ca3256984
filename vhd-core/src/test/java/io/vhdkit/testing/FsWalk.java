package io.vhdkit.testing;

import io.vhdkit.disk.RawDisk;
import io.vhdkit.format.FormatException;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileSystem;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.io.ByteArraySource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.util.ArrayDeque;
import java.util.Arrays;
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
    public static final int MAX_READ = 8 * 1024;
    private static final String[] PATHS = {"/etc/os-release", "/etc/fstab", "/boot/grub/grub.cfg",
        "/Windows/System32/config/SYSTEM", "/lost+found", "/a/../b/./c", "/link", "/dir/file-number-042"};

    private FsWalk() {
    }

    /** Opens a filesystem on a volume. */
    @FunctionalInterface
    public interface Opener {
        FileSystem open(RawDisk volume) throws IOException;
    }

    /**
     * A seed of a filesystem image with the file data left out: every 512-byte piece of every file's content (its
     * last piece zero-padded, as the filesystem stores it) is zeroed where the image holds it, so what is left is the
     * metadata - superblocks, inodes, MFT records, directories, extent maps - and the {@link SparseImage} seed is
     * small.
     * The files are found by the filesystem's own reader on the intact image.
     */
    public static byte[] metadataOnly(byte[] image, Opener opener) {
        Set<ByteBuffer> data = new HashSet<>();
        try (FileSystem fs = opener.open(new RawDisk(new ByteArraySource("seed", image)))) {
            Deque<FsNode> todo = new ArrayDeque<>();
            Set<Long> seen = new HashSet<>();
            todo.add(fs.root());
            while (!todo.isEmpty()) {
                FsNode n = todo.poll();
                if (!seen.add(n.id())) {
                    continue;
                }
                if (n.type() == FileType.DIRECTORY) {
                    for (DirEntry e : fs.list(n)) {
                        todo.add(fs.node(e.id()));
                    }
                } else if (n.type() == FileType.REGULAR) {
                    byte[] content;
                    try {
                        content = FsFiles.readAll(fs, n, 64 << 20);
                    } catch (FormatException unreadable) {
                        continue;     // a file the golden holds on purpose (compressed by WOF, ...): its bytes stay
                    }
                    for (int at = 0; at < content.length; at += SparseImage.SECTOR) {
                        byte[] piece = Arrays.copyOfRange(content, at, at + SparseImage.SECTOR);
                        if (Arrays.mismatch(piece, new byte[SparseImage.SECTOR]) >= 0) {
                            data.add(ByteBuffer.wrap(piece));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a seed image does not read", e);
        }
        byte[] out = image.clone();
        for (int at = 0; at + SparseImage.SECTOR <= out.length; at += SparseImage.SECTOR) {
            if (data.contains(ByteBuffer.wrap(out, at, SparseImage.SECTOR))) {
                Arrays.fill(out, at, at + SparseImage.SECTOR, (byte) 0);
            }
        }
        return out;
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
