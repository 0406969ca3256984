package io.vhdkit.registry;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vhdkit.io.ByteArraySource;
import io.vhdkit.io.ByteSource;
import io.vhdkit.testing.FuzzContract;
import io.vhdkit.testing.FuzzSeeds;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target of the registry hive reader without logs (FUZZING.md): base block, hive bins, cells, key nodes, subkey
 * lists (lf/lh/li/ri), value lists, big data; the hive is opened by {@link Hive#open(byte[])} and walked as the
 * validator does (every key once, at most {@link #MAX_KEYS}, every value decoded, names looked up, the current
 * control set resolved). Seed: the hivex-made golden hive (README.md beside it).
 */
class HiveFuzzTest {

    static final int MAX_KEYS = 2000;

    static Stream<Arguments> seeds() {
        return FuzzSeeds.raw(RegistryTestSupport.golden("golden.hive.gz"),
                RegistryTestSupport.golden("dirty-state0.gz"));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void hive(byte[] input) {
        FuzzContract.check("hive", input, () -> walk(Hive.open(input)));
    }

    /** Walks every key once (at most {@link #MAX_KEYS}), reads every value, looks names up. */
    static void walk(Hive h) throws IOException {
        h.replayStatus().describe();
        Deque<RegistryKey> todo = new ArrayDeque<>();
        Set<Long> seen = new HashSet<>();
        todo.push(h.root());
        int keys = 0;
        while (!todo.isEmpty() && keys++ < MAX_KEYS) {
            RegistryKey k = todo.pop();
            if (!seen.add(k.offset())) {
                continue;
            }
            List<RegistryKey> subkeys = k.subkeys();
            todo.addAll(subkeys);
            if (!subkeys.isEmpty()) {
                k.subkey(subkeys.get(0).name().toUpperCase());
            }
            k.subkey("no-such-key");
            k.className();
            k.symbolicLinkTarget();
            for (RegistryValue v : k.values()) {
                v.data();
                v.string();
                v.multiString();
                v.integer();
            }
            k.value("no-such-value");
        }
        ControlSets.resolve(h, "CurrentControlSet\\Services");
        h.key("Microsoft\\Windows NT\\CurrentVersion");
    }

    /** The hive with its LOG1 and LOG2 ({@link FuzzSeeds#join}; an empty part is a log that is not there). */
    static Hive open(byte[][] files) throws IOException {
        return Hive.open(new ByteArraySource("hive", files[0]), log("hive.LOG1", files[1]), log("hive.LOG2", files[2]));
    }

    private static Optional<ByteSource> log(String name, byte[] b) {
        return b.length == 0 ? Optional.empty() : Optional.of(new ByteArraySource(name, b));
    }
}
