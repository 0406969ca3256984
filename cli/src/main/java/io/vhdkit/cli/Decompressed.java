package io.vhdkit.cli;

import io.vhdkit.compress.CompressedInput;
import java.io.IOException;
import java.nio.file.Path;

/** Opens a possibly compressed input for validate, inspect and convert (see {@link CompressedInput}). */
final class Decompressed {

    private Decompressed() {
    }

    static CompressedInput open(Path image, Path tempDir) throws IOException {
        return CompressedInput.open(image, new CompressedInput.Options(tempDir, Long.MAX_VALUE));
    }
}
