package io.vhdkit.validator.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.testing.Fixtures;
import io.vhdkit.validator.linux.Initramfs.Compression;
import io.vhdkit.validator.linux.Initramfs.Listing;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reader on the real initramfs images of fixtures/linux-validate, made by mkinitramfs (initramfs-tools) for the
 * Debian cloud kernel in each compression it offers, one with an early microcode archive in front: every listing
 * equals lsinitramfs's.
 */
public class InitramfsFixtureTest {

    static Path file(String name) {
        return Fixtures.file("linux-validate", "initrd/" + name);
    }

    /** lsinitramfs's listing of a fixture's initramfs. */
    public static List<String> lsinitramfs(String name) {
        try {
            return Files.readAllLines(file(name + ".lsinitramfs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Listing read(String name) throws IOException {
        try (InputStream in = Files.newInputStream(file(name))) {
            return Initramfs.read(in);
        }
    }

    static List<String> names(Listing l) {
        return l.entries().stream().map(CpioEntry::name).toList();
    }

    @Test
    void everyCompressionListsWhatLsinitramfsLists() throws IOException {
        String[][] cases = {{"most.zstd", "ZSTD"}, {"list.zstd", "ZSTD"}, {"list.gzip", "GZIP"}, {"list.lz4", "LZ4"},
            {"list.xz", "XZ"}, {"list.lzma", "LZMA"}};
        for (String[] c : cases) {
            Listing l = read(c[0]);
            assertEquals(lsinitramfs(c[0]), names(l), c[0]);
            assertEquals(1, l.parts().size(), c[0]);
            assertEquals(Compression.valueOf(c[1]), l.parts().get(0).compression(), c[0]);
        }
    }

    @Test
    void earlyMicrocodeThenTheMainArchive() throws IOException {
        long early = Files.size(file("early.cpio"));
        assertEquals(0, early % 512, "cpio pads its archive to 512 bytes");
        String[][] cases = {{"early-list.gzip", "GZIP"}, {"early-list.zstd", "ZSTD"}, {"early-list.xz", "XZ"}};
        for (String[] c : cases) {
            Listing l = read(c[0]);
            assertEquals(lsinitramfs(c[0]), names(l), c[0]);
            assertEquals(List.of(Compression.NONE, Compression.valueOf(c[1])),
                    l.parts().stream().map(Initramfs.Part::compression).toList(), c[0]);
            assertEquals(early, l.parts().get(1).offset(), c[0]);
            assertEquals("kernel/x86/microcode/GenuineIntel.bin", l.entries().stream()
                    .filter(e -> e.segment() == 0 && e.isRegularFile()).findFirst().orElseThrow().name(), c[0]);
        }
    }

    @Test
    void theDefaultInitramfsHasTheHypervDriversAndTheListOneHasNot() throws IOException {
        List<String> most = read("most.zstd").entries().stream().filter(CpioEntry::isRegularFile)
                .map(CpioEntry::baseName).toList();
        assertTrue(most.containsAll(List.of("hv_vmbus.ko", "hv_storvsc.ko", "hv_netvsc.ko")), most.toString());
        assertFalse(read("list.zstd").entries().stream().anyMatch(e -> e.baseName().startsWith("hv_")));
    }
}
