package io.vhdkit.registry;

import static io.vhdkit.registry.RegistryTestSupport.golden;
import static io.vhdkit.registry.RegistryTestSupport.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded random damage to the metadata of the golden hive and of the golden dirty hives and their logs (base
 * blocks, hive bin headers, every small cell, log entry headers and page tables, the dirty vector): whatever the
 * bytes, opening, replaying, walking, listing, looking up and decoding give a result or a {@link FormatException},
 * never a runtime exception, an error or a hang. Then targeted cases for the loops and limits.
 */
class RegistryHostileInputTest {

    private static final int ROUNDS = 6000;
    private static final int MAX_KEYS = 2000;

    /** Files of one hive (primary, LOG1, LOG2; a log may be null) and the regions worth damaging in each. */
    private record Seed(String name, byte[][] files, List<List<int[]>> hot) {
    }

    private static Seed hiveSeed() {
        byte[] hive = golden("golden.hive.gz");
        return new Seed("golden", new byte[][] {hive, null, null}, List.of(hiveRegions(hive), List.of(), List.of()));
    }

    private static Seed newLogSeed() {
        byte[] primary = golden("dirty-new-SOFTWARE.gz");
        byte[] log1 = golden("dirty-new-SOFTWARE.LOG1.gz");
        byte[] log2 = golden("dirty-new-SOFTWARE.LOG2.gz");
        return new Seed("new-format", new byte[][] {primary, log1, log2},
                List.of(hiveRegions(primary), entryRegions(log1), entryRegions(log2)));
    }

    private static Seed oldLogSeed() {
        byte[] primary = golden("dirty-old-SOFTWARE.gz");
        byte[] log1 = golden("dirty-old-SOFTWARE.LOG1.gz");
        List<int[]> logRegions = List.of(new int[] {0, 1024}, new int[] {1024, 4096});
        return new Seed("old-format", new byte[][] {primary, log1, new byte[0]},
                List.of(hiveRegions(primary), logRegions, List.of()));
    }

    /** The base block's first sector, every hive bin header, every allocated cell of up to 1 KiB. */
    private static List<int[]> hiveRegions(byte[] hive) {
        List<int[]> out = new ArrayList<>();
        out.add(new int[] {0, 512});
        int size = u32(hive, BaseBlock.OFFSET_HIVE_BINS_DATA_SIZE);
        int bin = 0;
        while (bin < size) {
            int binSize = u32(hive, 4096 + bin + 8);
            out.add(new int[] {4096 + bin, 32});
            int cell = bin + 32;
            while (cell < bin + binSize) {
                int c = u32(hive, 4096 + cell);
                if (c < 0 && -c <= 1024) {
                    out.add(new int[] {4096 + cell, -c});
                }
                cell += Math.abs(c);
            }
            bin += binSize;
        }
        return out;
    }

    /** The base block of a new-format log and the header and page table of each entry. */
    private static List<int[]> entryRegions(byte[] log) {
        List<int[]> out = new ArrayList<>();
        out.add(new int[] {0, 512});
        int pos = 512;
        while (pos + 40 <= log.length && u32(log, pos) == LogReplay.HVLE) {
            out.add(new int[] {pos, 40 + 8 * u32(log, pos + 20)});
            pos += u32(log, pos + 4);
        }
        return out;
    }

    @Test
    void mutatedHivesAndLogsFailOnlyWithFormatExceptions() throws IOException {
        Seed[] seeds = {hiveSeed(), newLogSeed(), oldLogSeed()};
        Random random = new Random(20261122);
        int opened = 0;
        int walked = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Seed s = seeds[round % seeds.length];
            byte[][] files = mutate(s, random);
            try {
                Hive h = RegistryTestSupport.open(files[0], files[1], files[2]);
                opened++;
                if (exercise(h, random)) {
                    walked++;
                }
            } catch (FormatException expected) {
                // the one allowed failure
            } catch (IOException | RuntimeException | Error e) {
                fail("round " + round + " (" + s.name() + "): " + e, e);
            }
        }
        assertTrue(opened > ROUNDS / 2, "most mutants should still open, got " + opened);
        assertTrue(walked > ROUNDS / 10, "many mutants should be walked to the end, got " + walked);
    }

    /** Walks every key (each key node once, at most {@link #MAX_KEYS}), reads and decodes every value. */
    private static boolean exercise(Hive h, Random random) throws IOException {
        h.replayStatus().describe();
        boolean clean = true;
        Deque<RegistryKey> todo = new ArrayDeque<>();
        Set<Long> seen = new HashSet<>();
        try {
            todo.push(h.root());
        } catch (FormatException e) {
            return false;
        }
        int keys = 0;
        while (!todo.isEmpty() && keys++ < MAX_KEYS) {
            RegistryKey k = todo.pop();
            if (!seen.add(k.offset())) {
                continue;
            }
            try {
                List<RegistryKey> subkeys = k.subkeys();
                todo.addAll(subkeys);
                if (!subkeys.isEmpty()) {
                    String name = subkeys.get(random.nextInt(subkeys.size())).name();
                    k.subkey(random.nextBoolean() ? name.toUpperCase() : name.toLowerCase());
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
            } catch (FormatException e) {
                clean = false;
            }
        }
        try {
            ControlSets.resolve(h, "CurrentControlSet\\Services");
        } catch (FormatException e) {
            // no Select key in these hives
        }
        return clean;
    }

    /** Copies of the seed's files with a few bytes of their metadata changed, or a file cut short. */
    private static byte[][] mutate(Seed s, Random random) {
        byte[][] out = new byte[3][];
        for (int i = 0; i < 3; i++) {
            out[i] = s.files()[i] == null ? null : s.files()[i].clone();
        }
        int changes = 1 + random.nextInt(6);
        for (int c = 0; c < changes; c++) {
            int f = random.nextInt(3);
            List<int[]> regions = s.hot().get(f);
            if (out[f] == null || regions.isEmpty()) {
                continue;
            }
            int[] r = regions.get(random.nextInt(regions.size()));
            int at = r[0] + random.nextInt(r[1]);
            byte old = out[f][at];
            out[f][at] = switch (random.nextInt(6)) {
                case 0 -> 0;
                case 1 -> (byte) 0xFF;
                case 2 -> (byte) (old + 1);
                case 3 -> (byte) (old - 1);
                case 4 -> (byte) (old ^ (1 << random.nextInt(8)));
                default -> (byte) random.nextInt(256);
            };
        }
        if (random.nextInt(20) == 0) {
            int f = random.nextInt(3);
            if (out[f] != null && out[f].length > 0) {
                out[f] = Arrays.copyOf(out[f], random.nextInt(out[f].length));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------ targeted cases

    /** The golden hive with a key whose subkey list holds its own parent: the parent check ends the loop. */
    @Test
    void aSubkeyListThatPointsBackUpIsRefused() throws IOException {
        byte[] b = golden("golden.hive.gz");
        Hive h = Hive.open(b);
        RegistryKey l5 = h.key("Deep\\L1\\L2\\L3\\L4\\L5").orElseThrow();
        RegistryKey l4 = h.key("Deep\\L1\\L2\\L3\\L4").orElseThrow();
        RegistryKey l1 = h.key("Deep\\L1").orElseThrow();
        // L4's only subkey is L5: make its list point to L1 instead (an ancestor)
        int list = 4096 + u32(b, (int) l4.offset() + 4 + KeyNode.OFFSET_SUBKEY_LIST);
        int element = list + 4 + 4;
        assertEquals((int) l5.offset() - 4096, u32(b, element));
        RegistryTestSupport.put32(b, element, (int) l1.offset() - 4096);
        CorruptFormatException e = assertThrows(CorruptFormatException.class,
                () -> Hive.open(b).key("Deep\\L1\\L2\\L3\\L4").orElseThrow().subkeys());
        assertEquals(String.format("regf key node @0x%X: parent is 0x%X - should be 0x%X (the key whose subkey list "
                + "holds it)", l1.offset() + 4 + KeyNode.OFFSET_PARENT, u32(b, (int) l1.offset() + 4 + 16),
                l4.offset() - 4096), e.getMessage());
    }

    /** A chain of keys deeper than Windows allows: built by pointing a key's list at a copy of itself. */
    @Test
    void keysDeeperThanTheLimitAreRefused() throws IOException {
        // L5 becomes its own subkey: its parent field names itself, so the parent check passes on every level and
        // only the depth limit stops the descent
        byte[] b = golden("golden.hive.gz");
        Hive h = Hive.open(b);
        RegistryKey l4 = h.key("Deep\\L1\\L2\\L3\\L4").orElseThrow();
        int l4list = 4096 + u32(b, (int) l4.offset() + 4 + KeyNode.OFFSET_SUBKEY_LIST);
        int l5 = u32(b, l4list + 8);
        int l5node = 4096 + l5 + 4;
        RegistryTestSupport.put32(b, l5node + KeyNode.OFFSET_PARENT, l5);
        RegistryTestSupport.put32(b, l5node + KeyNode.OFFSET_SUBKEY_COUNT, 1);
        RegistryTestSupport.put32(b, l5node + KeyNode.OFFSET_SUBKEY_LIST, l4list - 4096);   // [lh: L5]
        RegistryTestSupport.put32(b, l4list + 8, l5);
        // L4 still lists L5, whose parent is now itself: open the chain from L5 down
        Hive damaged = Hive.open(b);
        assertThrows(CorruptFormatException.class, () -> damaged.key("Deep\\L1\\L2\\L3\\L4\\L5"));
        RegistryKey start = new RegistryKey(damaged, KeyNode.read(damaged.cells(), l5,
                Regf.ref("test", "", 0)), "L5", 5);
        RegistryKey k = start;
        int steps = 0;
        try {
            while (true) {
                k = k.subkeys().get(0);
                steps++;
            }
        } catch (UnsupportedFormatException limit) {
            assertTrue(limit.getMessage().contains("more than 512"), limit.getMessage());
        }
        assertEquals(RegistryKey.MAX_DEPTH - 5, steps);
        assertEquals(RegistryKey.MAX_DEPTH, k.depth());
        String deep = "L5\\".repeat(600);
        assertThrows(IllegalArgumentException.class, () -> start.key(deep));
    }

    @Test
    void overlappingAndHugeLogEntriesAreBounded() throws IOException {
        // an entry that claims the whole 2 GiB of hive bins data and a huge page: refused before anything is read
        byte[] log1 = golden("dirty-new-SOFTWARE.LOG1.gz");
        RegistryTestSupport.put32(log1, 512 + 16, 0x7FFFF000);
        RegistryTestSupport.put32(log1, 512 + 40, 0);
        RegistryTestSupport.put32(log1, 512 + 40 + 4, 0x7FFFF000);
        LogReplayTest.rehash(log1, 512);
        Hive h = RegistryTestSupport.open(golden("dirty-new-SOFTWARE.gz"), log1, null);
        assertEquals(ReplayStatus.Kind.NOT_REPLAYED, h.replayStatus().kind());
        assertTrue(h.replayStatus().whyNotReplayed().contains("do not fit in the entry"),
                h.replayStatus().whyNotReplayed());
    }
}
