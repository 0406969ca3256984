package io.vhdkit.cli;

import io.vhdkit.compress.CompressedInput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Opens a possibly compressed input for validate, inspect, check and convert (see {@link CompressedInput}). */
final class Decompressed {

    private static final byte[] VHDX = "vhdxfile".getBytes(StandardCharsets.US_ASCII);

    private Decompressed() {
    }

    /** A plain file: the input itself, or a sparse temporary copy of a compressed one. */
    static CompressedInput open(Path image, Path tempDir) throws IOException {
        return CompressedInput.open(image, new CompressedInput.Options(tempDir, Long.MAX_VALUE));
    }

    /**
     * Like {@link #open}, but an xz file of several blocks holding a VHD is read in place
     * ({@link CompressedInput#inPlace()}): only the blocks a reader touches are decompressed, and nothing is written.
     */
    static CompressedInput openInPlace(Path image, Path tempDir) throws IOException {
        CompressedInput packed = CompressedInput.open(image,
                new CompressedInput.Options(tempDir, Long.MAX_VALUE).withInPlace());
        if (packed.inPlace().isEmpty()) {
            return packed;
        }
        boolean vhdx;
        try {
            ByteBuffer head = packed.inPlace().get().read(0, (int) Math.min(VHDX.length, packed.inPlace().get().size()));
            vhdx = head.equals(ByteBuffer.wrap(VHDX));
        } catch (IOException | RuntimeException e) {
            packed.close();
            throw e;
        }
        if (!vhdx) {
            return packed;
        }
        packed.close();   // the VHDX reader reads files: a temporary copy
        return open(image, tempDir);
    }
}
