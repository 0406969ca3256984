package io.vhdkit.io;

import java.io.IOException;

/** Opens a new view of an image's bytes that the caller closes (a compressed image read in place). */
@FunctionalInterface
public interface SourceOpener {
    ByteSource open() throws IOException;
}
