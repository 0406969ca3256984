package io.vhdkit.vhd;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.io.ByteArraySource;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the VHD footer and dynamic header on small files taken byte for byte (FUZZING.md): the footer
 * decoded on its own, then the bytes opened by {@link VhdFile#open} as a whole file and exercised like
 * {@link VhdFileFuzzTest}. Seeds: the qemu-img goldens' metadata - a fixed VHD's footer alone, and a dynamic VHD's
 * footer copy, header and BAT with its footer (its data blocks left out).
 */
class VhdFooterFuzzTest {

    static Stream<Arguments> seeds() {
        byte[] fixed = VhdFileFuzzTest.golden("fixed-1m.vhd.gz");
        byte[] dynamic = VhdFileFuzzTest.golden("dynamic-4m.vhd.gz");
        byte[] metadata = Arrays.copyOf(dynamic, 2048 + VhdFooter.SIZE);     // footer copy, header, BAT
        System.arraycopy(dynamic, dynamic.length - VhdFooter.SIZE, metadata, 2048, VhdFooter.SIZE);
        return FuzzSeeds.raw(Arrays.copyOfRange(fixed, fixed.length - VhdFooter.SIZE, fixed.length), metadata);
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void vhdFooter(byte[] input) {
        FuzzContract.check("vhd-footer", input, () -> {
            if (input.length >= VhdFooter.SIZE) {
                VhdFooter f = VhdFooter.decode(ByteBuffer.wrap(input, input.length - VhdFooter.SIZE, VhdFooter.SIZE)
                        .slice());
                f.checksumValid();
                f.diskType();
            }
            try (VhdFile file = VhdFile.open(new ByteArraySource("fuzz.vhd", input))) {
                VhdFileFuzzTest.exercise(file, VhdFileFuzzTest.goldenParent());
            }
        });
    }
}
