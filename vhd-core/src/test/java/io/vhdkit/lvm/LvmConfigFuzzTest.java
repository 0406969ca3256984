package io.vhdkit.lvm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import io.vhdkit.testing.Golden;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of LVM's text metadata (FUZZING.md): the config parser, then the VG decoder, on the text as a metadata
 * area hands it over (one char per byte). Seeds: {@code vgcfgbackup}'s file of a VG and the metadata texts of the
 * golden PV heads (README.md beside them).
 */
class LvmConfigFuzzTest {

    static Stream<Arguments> seeds() {
        return FuzzSeeds.raw(Golden.load(LvmConfigFuzzTest.class, "mbr.vg"),
                LvmTestSupport.text(Golden.load(LvmConfigFuzzTest.class, "mbr-p2.head.gz"), 4096)
                        .getBytes(StandardCharsets.ISO_8859_1),
                LvmTestSupport.text(Golden.load(LvmConfigFuzzTest.class, "gpt-p1.head.gz"), 4096)
                        .getBytes(StandardCharsets.ISO_8859_1));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void lvmConfigText(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        FuzzContract.check("lvm-config", input, () -> {
            ConfigSection root = ConfigParser.parse(text, "fuzz", null);
            MetadataDecoder.decode(root, "fuzz", null);
        });
    }
}
