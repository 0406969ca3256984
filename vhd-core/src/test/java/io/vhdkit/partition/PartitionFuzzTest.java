package io.vhdkit.partition;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.disk.DiskSlice;
import io.vhdkit.disk.RawDisk;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import io.vhdkit.testing.Golden;
import io.vhdkit.testing.SparseImage;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the partition tables (FUZZING.md): MBR with its extended/logical chain, protective MBR, GPT primary
 * and backup header and entry array. The disk is a {@link SparseImage}, read by {@link PartitionTable#read}; each
 * partition's slice is read at both ends. Seeds: the sfdisk-made MBR and GPT goldens (README.md beside them).
 */
class PartitionFuzzTest {

    static Stream<Arguments> seeds() {
        return FuzzSeeds.sparse(Golden.load(PartitionFuzzTest.class, "mbr.img.gz"),
                Golden.load(PartitionFuzzTest.class, "gpt.img.gz"));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void partitionTable(byte[] input) {
        FuzzContract.check("partition", input, () -> {
            RawDisk disk = SparseImage.decode(input).disk("fuzz.img");
            PartitionTable t = PartitionTable.read(disk);
            t.findings().forEach(Object::toString);
            t.volumes();
            for (Partition p : t.partitions()) {
                p.type().name();
                DiskSlice s = p.slice(disk);
                if (s.offset() + s.size() > disk.size()) {
                    throw new AssertionError("partition " + p + " beyond the disk");
                }
                if (s.size() > 0) {
                    int n = (int) Math.min(s.size(), 4096);
                    s.read(s.size() - n, ByteBuffer.allocate(n));
                    s.read(0, ByteBuffer.allocate(n));
                }
            }
            if (t instanceof NoPartitionTable none) {
                none.wholeDisk(disk).size();
            }
        });
    }
}
