package io.vhdkit.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.GZIPInputStream;

/**
 * Golden bytes committed under {@code src/test/resources/io/vhdkit/<format>/}, each with its recipe in the README
 * beside it, and helpers to corrupt one field at a time.
 */
public final class Golden {

    private Golden() {
    }

    /** A resource, gunzipped when its name ends in {@code .gz}. */
    public static byte[] load(Class<?> owner, String name) {
        try (InputStream raw = owner.getResourceAsStream(name)) {
            if (raw == null) {
                throw new IllegalStateException("missing test resource " + name + " next to " + owner.getName());
            }
            try (InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void putInt(byte[] b, long offset, int value) {
        ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).putInt((int) offset, value);
    }

    public static void putLong(byte[] b, long offset, long value) {
        ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).putLong((int) offset, value);
    }

    public static int getInt(byte[] b, long offset) {
        return ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).getInt((int) offset);
    }

    public static long getLong(byte[] b, long offset) {
        return ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).getLong((int) offset);
    }

    /**
     * Recomputes a VHD checksum in place: the one's complement of the byte sum of {@code length} bytes at
     * {@code start}, with the four bytes at {@code start + checksumOffset} taken as zero.
     */
    public static void fixChecksum(byte[] b, long start, int length, int checksumOffset) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            if (i < checksumOffset || i >= checksumOffset + 4) {
                sum += b[(int) start + i] & 0xFF;
            }
        }
        putInt(b, start + checksumOffset, ~sum);
    }
}
