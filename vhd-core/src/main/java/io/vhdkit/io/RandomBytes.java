package io.vhdkit.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Random bytes for identifiers (a new VHD's unique id, temporary file names) from the kernel's {@code /dev/urandom},
 * or from {@link SecureRandom} where there is none. Reading the device costs one small read; a first
 * {@code SecureRandom} (and so {@link UUID#randomUUID()}) loads the security providers, about 30 ms of a
 * command's start.
 */
public final class RandomBytes {

    private static final Path URANDOM = Path.of("/dev/urandom");

    private RandomBytes() {
    }

    /** {@code n} random bytes. */
    public static byte[] of(int n) {
        byte[] b = new byte[n];
        try (FileChannel ch = FileChannel.open(URANDOM, StandardOpenOption.READ)) {
            ByteBuffer dst = ByteBuffer.wrap(b);
            while (dst.hasRemaining()) {
                if (ch.read(dst) < 0) {
                    throw new IOException("end of " + URANDOM);
                }
            }
            return b;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            new SecureRandom().nextBytes(b);
            return b;
        }
    }

    /** A random (version 4, IETF variant) UUID, as {@link UUID#randomUUID()} makes. */
    public static UUID uuid() {
        byte[] b = of(16);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new UUID(bb.getLong(), bb.getLong());
    }
}
