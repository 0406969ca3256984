package io.vhdkit.vhd;

import java.nio.file.Path;

/**
 * A place where a differencing disk's parent may be.
 *
 * @param path the file to try
 * @param via  how the path was found, for messages: {@code "W2ru locator"}, {@code "parent name beside the child"}
 */
public record ParentCandidate(Path path, String via) {
}
