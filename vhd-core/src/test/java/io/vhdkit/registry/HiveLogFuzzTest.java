package io.vhdkit.registry;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the registry hive reader with its transaction logs (FUZZING.md): three files in one input
 * ({@link FuzzSeeds#join}: the primary, .LOG1, .LOG2), opened by {@link Hive#open} - which validates the logs and
 * replays their dirty pages (old format: a dirty vector; new format: HvLE entries) - and walked like
 * {@link HiveFuzzTest}. Seeds: the dirty hives and logs written by Windows-format generators and checked with hivex
 * (README.md beside them), old and new log formats.
 */
class HiveLogFuzzTest {

    static Stream<Arguments> seeds() {
        return FuzzSeeds.raw(
                FuzzSeeds.join(RegistryTestSupport.golden("dirty-new-SOFTWARE.gz"),
                        RegistryTestSupport.golden("dirty-new-SOFTWARE.LOG1.gz"),
                        RegistryTestSupport.golden("dirty-new-SOFTWARE.LOG2.gz")),
                FuzzSeeds.join(RegistryTestSupport.golden("dirty-old-SOFTWARE.gz"),
                        RegistryTestSupport.golden("dirty-old-SOFTWARE.LOG1.gz"), new byte[0]));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void hiveWithLogs(byte[] input) {
        byte[][] files = FuzzSeeds.split(input, 3);
        FuzzContract.check("hive-logs", input, () -> HiveFuzzTest.walk(HiveFuzzTest.open(files)));
    }
}
