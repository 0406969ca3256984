package io.vhdkit.validator.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** libzstd through JNA against the pure-Java decoder, on the committed zstd initramfs made by the real zstd. */
class NativeZstdTest {

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = NativeZstdTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void libzstdIsUsedAndAgreesWithTheJavaDecoder() throws IOException {
        assertTrue(NativeZstd.nativeAvailable(), "libzstd (Debian package libzstd1) should load through JNA");
        byte[] zst = resource("newc.cpio.zst");
        byte[] expected = new ZstdInputStream(new ByteArrayInputStream(zst)).readAllBytes();
        try (InputStream in = NativeZstd.open(new ByteArrayInputStream(zst))) {
            assertArrayEquals(expected, in.readAllBytes());
        }
        assertArrayEquals(resource("newc.cpio"), expected);
    }

    @Test
    void aTruncatedOrDamagedFrameIsMalformed() throws IOException {
        byte[] zst = resource("newc.cpio.zst");
        byte[] cut = Arrays.copyOf(zst, zst.length / 2);
        assertThrows(NativeZstd.Malformed.class, () -> {
            try (InputStream in = NativeZstd.open(new ByteArrayInputStream(cut))) {
                in.readAllBytes();
            }
        });
        byte[] bad = zst.clone();
        for (int i = 12; i < bad.length - 4; i += 7) {
            bad[i] ^= 0x5A;
        }
        assertThrows(NativeZstd.Malformed.class, () -> {
            try (InputStream in = NativeZstd.open(new ByteArrayInputStream(bad))) {
                in.readAllBytes();
            }
        });
    }
}
