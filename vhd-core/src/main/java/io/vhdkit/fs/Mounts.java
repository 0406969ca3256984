package io.vhdkit.fs;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which filesystem is mounted where: a root filesystem and others at absolute mount points ({@code /boot},
 * {@code /boot/efi}, {@code /var}), as {@code /etc/fstab} lays them out on the running system.
 */
public final class Mounts {

    private final FileSystem root;
    private final Map<String, FileSystem> points;

    private Mounts(FileSystem root, Map<String, FileSystem> points) {
        this.root = Objects.requireNonNull(root, "root");
        this.points = points;
    }

    /** A single filesystem at {@code /}. */
    public static Mounts of(FileSystem root) {
        return new Mounts(root, Map.of());
    }

    /** {@code root} at {@code /} and each filesystem at its mount point (absolute, normalized, not "/"). */
    public static Mounts of(FileSystem root, Map<String, FileSystem> points) {
        Map<String, FileSystem> copy = new TreeMap<>();
        points.forEach((path, fs) -> {
            if (!path.startsWith("/") || path.equals("/") || path.endsWith("/") || path.contains("//")) {
                throw new IllegalArgumentException("mount point " + path);
            }
            copy.put(path, Objects.requireNonNull(fs));
        });
        return new Mounts(root, Map.copyOf(copy));
    }

    public FileSystem root() {
        return root;
    }

    /** The filesystem mounted exactly at {@code path}, if any. */
    public Optional<FileSystem> at(String path) {
        return Optional.ofNullable(points.get(path));
    }

    /** Mount points and their filesystems, sorted by path. */
    public Map<String, FileSystem> points() {
        return new TreeMap<>(points);
    }
}
