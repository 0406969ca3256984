package io.vhdkit.lvm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.io.Extent;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import io.vhdkit.testing.Golden;
import io.vhdkit.testing.SparseImage;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the LVM2 reader on a device (FUZZING.md): label, pv_header, mda_header and its raw_locns, the text
 * metadata (wrapped or not), the VG it decodes to and the LVs mapped from it. The device is a {@link SparseImage}
 * scanned by {@link Lvm#scan}; each LV is read at both ends and its extents listed. Seeds: the heads of PVs written
 * by the lvm2 tools (README.md beside them), each as a device of its pv_header's size.
 */
class LvmFuzzTest {

    static Stream<Arguments> seeds() {
        return Stream.of("mbr-p2.head.gz", "gpt-p1.head.gz", "wrap.head.gz").map(name -> {
            byte[] head = Golden.load(LvmFuzzTest.class, name);
            byte[] seed = SparseImage.encode(head);
            ByteBuffer.wrap(seed).putInt(0, (int) (LvmTestSupport.deviceSize(head) / SparseImage.SECTOR));
            return Arguments.of((Object) seed);
        });
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void lvmDevice(byte[] input) {
        FuzzContract.check("lvm", input, () -> {
            LvmScan scan = Lvm.scan(List.of(SparseImage.decode(input).disk("pv")), List.of("pv"));
            for (LvmVolume v : scan.volumes()) {
                long size = v.size();
                try {
                    for (long at : new long[] {0, size - 4096}) {
                        if (at >= 0 && size > 0) {
                            v.disk().read(at, ByteBuffer.allocate((int) Math.min(4096, size - at)));
                        }
                    }
                    for (Extent e : v.disk().allocatedExtents()) {
                        if (e.offset() + e.length() > size) {
                            throw new AssertionError("extent " + e + " beyond the LV");
                        }
                    }
                } catch (io.vhdkit.format.FormatException unreadable) {
                    // an LV on a missing PV, or damaged: the next one is still read
                }
            }
        });
    }
}
