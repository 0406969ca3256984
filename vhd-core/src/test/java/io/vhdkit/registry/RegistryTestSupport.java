package io.vhdkit.registry;

import io.vhdkit.io.ByteArraySource;
import io.vhdkit.io.ByteSource;
import io.vhdkit.io.FileByteSource;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Helpers of the registry tests: golden files, little-endian patching, whole-hive walks in hivex_dump.py's form. */
final class RegistryTestSupport {

    private RegistryTestSupport() {
    }

    static byte[] golden(String name) {
        return Golden.load(RegistryTestSupport.class, name);
    }

    static Optional<ByteSource> source(String name, byte[] bytes) {
        return bytes == null ? Optional.empty() : Optional.of(new ByteArraySource(name, bytes));
    }

    static Hive open(byte[] primary, byte[] log1, byte[] log2) throws IOException {
        return Hive.open(new ByteArraySource("hive", primary), source("LOG1", log1), source("LOG2", log2));
    }

    /** A hive file with the LOG1 and LOG2 beside it, when they exist. */
    static Hive open(Path primary) throws IOException {
        Path l1 = Path.of(primary + ".LOG1");
        Path l2 = Path.of(primary + ".LOG2");
        return Hive.open(FileByteSource.open(primary),
                Files.exists(l1) ? Optional.of(FileByteSource.open(l1)) : Optional.empty(),
                Files.exists(l2) ? Optional.of(FileByteSource.open(l2)) : Optional.empty());
    }

    static int u16(byte[] b, long at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort((int) at) & 0xFFFF;
    }

    static int u32(byte[] b, long at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt((int) at);
    }

    static void put16(byte[] b, long at, int v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort((int) at, (short) v);
    }

    static void put32(byte[] b, long at, int v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at, v);
    }

    static void put64(byte[] b, long at, long v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) at, v);
    }

    /** Recomputes the base block checksum of the 512 bytes at {@code at}. */
    static void fixChecksum(byte[] b, int at) {
        put32(b, at + BaseBlock.OFFSET_CHECKSUM, BaseBlock.checksum(ByteBuffer.wrap(b, at, 512).slice()));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Every key, depth first, subkeys in list order (the root first); at most {@code max} keys. */
    static List<RegistryKey> walk(Hive hive, int max) throws IOException {
        List<RegistryKey> out = new ArrayList<>();
        Deque<RegistryKey> todo = new ArrayDeque<>();
        todo.push(hive.root());
        while (!todo.isEmpty() && out.size() < max) {
            RegistryKey k = todo.pop();
            out.add(k);
            List<RegistryKey> subkeys = k.subkeys();
            for (int i = subkeys.size() - 1; i >= 0; i--) {
                todo.push(subkeys.get(i));
            }
        }
        return out;
    }

    /** The lines hivex_dump.py --times writes for a hive, as this reader reads it. */
    static List<String> dump(Hive hive) throws IOException {
        List<String> out = new ArrayList<>();
        for (RegistryKey k : walk(hive, Integer.MAX_VALUE)) {
            out.add("K\t" + k.path() + "\t" + Long.toUnsignedString(k.lastWrittenFiletime()));
            for (RegistryValue v : k.values()) {
                out.add("V\t" + k.path() + "\t" + v.name() + "\t" + Integer.toUnsignedString(v.type()) + "\t"
                        + hex(v.data()));
            }
        }
        return out;
    }

    /** The hive bins data of a hive file (a state the replay should give). */
    static byte[] bins(byte[] hiveFile) {
        int size = u32(hiveFile, BaseBlock.OFFSET_HIVE_BINS_DATA_SIZE);
        byte[] out = new byte[size];
        System.arraycopy(hiveFile, 4096, out, 0, size);
        return out;
    }

    /** The hive bins data the reader presents (replayed or not). */
    static byte[] bins(Hive hive) throws IOException {
        byte[] out = new byte[hive.hiveBinsDataSize()];
        hive.cells().data().read(0, out.length).get(out);
        return out;
    }
}
