package io.vhdkit.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file written under a temporary name in its target's directory and renamed into place only when complete, so
 * that a run killed midway leaves nothing under the final name. The temporary file is named
 * {@code .NAME.RANDOM.vhdkit-partial}; {@link #close()} without {@link #commit()} deletes it (a process killed with
 * SIGKILL cannot, and leaves it behind: it is never mistaken for the output).
 */
public final class AtomicFile implements Closeable {

    /** The suffix of the temporary files. */
    public static final String PARTIAL_SUFFIX = ".vhdkit-partial";

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final boolean replace;
    private boolean committed;

    private AtomicFile(Path target, Path temp, FileChannel channel, boolean replace) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.replace = replace;
    }

    /**
     * Creates the temporary file for {@code target}.
     *
     * @param replace whether an existing {@code target} may be replaced; if not, an existing one fails now and again
     *                at {@link #commit()}
     */
    public static AtomicFile create(Path target, boolean replace) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (!replace && Files.exists(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "already exists");
        }
        Path dir = absolute.getParent();
        Path temp = newTemp(dir, "." + absolute.getFileName() + ".");
        try {
            FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.READ);
            return new AtomicFile(absolute, temp, ch, replace);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** A new empty file with the default permissions (umask applies, unlike {@code Files.createTempFile}'s 0600). */
    private static Path newTemp(Path dir, String prefix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            long random = java.nio.ByteBuffer.wrap(RandomBytes.of(Long.BYTES)).getLong();
            Path p = dir.resolve(prefix + Long.toUnsignedString(random, 36) + PARTIAL_SUFFIX);
            try {
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** Gives the temporary file the POSIX permissions of {@code original} (a file it replaces), where supported. */
    public void copyPermissionsFrom(Path original) throws IOException {
        try {
            Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(original));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX filesystem: the default permissions stay
        }
    }

    /** The channel to write the content through. */
    public FileChannel channel() {
        return channel;
    }

    public Path temporaryPath() {
        return temp;
    }

    public Path target() {
        return target;
    }

    /** Flushes the content to disk, closes it and renames it to the target in one step. */
    public void commit() throws IOException {
        commit(true);
    }

    /**
     * Closes the content and renames it to the target in one step; with {@code durable}, the content is forced to
     * disk before the rename and the rename after it ({@code fsync} of the file and of its directory), so that a
     * crash of the machine cannot leave a target with missing data. Without, the rename is still atomic for the
     * processes of a running system, and the data reaches the disk when the kernel writes it back.
     */
    public void commit(boolean durable) throws IOException {
        if (durable) {
            channel.force(true);
        }
        channel.close();
        if (!replace && Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "appeared while it was being written");
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(target + ": the filesystem cannot rename atomically", e);
        }
        committed = true;
        if (durable) {
            syncDirectory(target.getParent());
        }
    }

    /** Makes the rename durable where the platform allows opening a directory (Linux, macOS). */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows cannot open a directory: the rename is still atomic, only its durability is the OS's
        }
    }

    /** Deletes the temporary file unless committed. */
    @Override
    public void close() throws IOException {
        if (committed) {
            return;
        }
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
