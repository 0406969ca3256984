package io.vhdkit.fs;

/**
 * A path resolved to a file.
 *
 * @param path the canonical absolute path, with the on-disk spelling of each name and symlinks followed
 * @param fs   the filesystem that holds the file
 * @param node the file
 */
public record Resolved(String path, FileSystem fs, FsNode node) {
}
