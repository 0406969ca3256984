package io.vhdkit.vhd;

import java.util.Optional;

/**
 * A used parent locator entry with its path data read from the file.
 *
 * @param entry the entry in the dynamic header
 * @param path  the decoded path or URL, or null when it could not be read
 * @param problem why the path could not be read, or null
 */
public record ParentLocator(ParentLocatorEntry entry, String path, String problem) {

    public Optional<String> pathText() {
        return Optional.ofNullable(path);
    }

    public Optional<PlatformCode> platform() {
        return entry.platform();
    }
}
