package io.vhdkit.fs.fat;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.FsNode;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The golden images of {@code src/test/resources/io/vhdkit/fs/fat} (recipe: {@code make-golden.sh} and the README
 * there) and helpers to patch them.
 *
 * <p>Layout of the goldens (512-byte sectors and clusters; ids are byte offsets of short entries):
 * <pre>
 *   fat12.img: 1 MiB, FAT @512 (3072 bytes x 2), root @0x1A00 (512 entries), data @23040, 2003 clusters
 *   fat16.img: 2.5 MiB, FAT @512 (10240 bytes x 2), root @20992, data @37376, 5047 clusters
 *   fat32.img: 33.5 MiB, FAT @16384 (270336 bytes x 2), root cluster 2, data @557056, 67520 clusters
 * </pre>
 * Root directory of fat12 (entry offsets from the root): label 0, hello.txt 32 (NT flags 0x18), the two long-name
 * slots of "Long File Name.txt" 64 and 96, its short entry LONGFI~1.TXT 128, README.TXT 160 (read-only), SubDir's
 * slot 192 and short entry 224, frag 256 (NT flags 0x08), "Deleted Long Name.txt" (two slots and the short entry,
 * deleted) 288-352, end 384.
 */
final class FatTestSupport {

    static final String FAT12 = "fat12.img.gz";
    static final String FAT16 = "fat16.img.gz";
    static final String FAT32 = "fat32.img.gz";
    static final long FAT12_ROOT = 0x1A00;

    /** sha256 of the files of the goldens, from the recipe's seeded generator. */
    static final Map<String, String> SHA256 = Map.of(
            "/hello.txt", "dfc3a771878551e09f6ca2da103333be11a586bbef31a778b95fead05de114e1",
            "/Long File Name.txt", "b870c6b359f526bb8db7921cccf0afb80d1f0fc1ec714d2c1568bbc38a8d6647",
            "/README.TXT", "31e7f5bb6c7a6eaf42a52a8957a9503da806aabd059a9403e8df479acb819fae",
            "/SubDir/nested.bin", "91bbe7caf7c19196d8f44fb626385dd4da1962c9e2c772687601d119686bb3c1",
            "/SubDir/Deeper/empty", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "/frag/a.bin", "6a21146cacb883e8397f67ca2ec4cc7aa801408b97c712bfc168734403cbef0f",
            "/frag/b.bin", "99409a6b6c110f0992075bb4ff9792f1ce4287d4b580da9ff25d8ef8197419b0",
            "/frag/frag.bin", "40f49c14b7258d41071061654c073f44ceb763275e0a798cab9f75f67822f362");

    private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

    private FatTestSupport() {
    }

    /** A fresh copy of a golden image. */
    static byte[] golden(String name) {
        return CACHE.computeIfAbsent(name, n -> Golden.load(FatTestSupport.class, n)).clone();
    }

    /** The golden image, shared: never modify it. */
    static byte[] shared(String name) {
        return CACHE.computeIfAbsent(name, n -> Golden.load(FatTestSupport.class, n));
    }

    static FatFileSystem open(byte[] b) throws IOException {
        return FatFileSystem.open(RawDisk.of(b));
    }

    static void put8(byte[] b, long at, int v) {
        b[(int) at] = (byte) v;
    }

    static void put16(byte[] b, long at, int v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort((int) at, (short) v);
    }

    static void put32(byte[] b, long at, long v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at, (int) v);
    }

    static int get16(byte[] b, long at) {
        return Short.toUnsignedInt(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort((int) at));
    }

    static long get32(byte[] b, long at) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt((int) at));
    }

    /**
     * Sets the FAT entry of {@code cluster} to {@code value} in every FAT copy of the golden image {@code b}
     * (layout taken from a fresh open of the unpatched bytes).
     */
    static void setFat(byte[] b, FatLayout layout, long cluster, long value) {
        for (int copy = 0; copy < layout.numFats(); copy++) {
            long base = layout.fatOffset() + copy * layout.fatBytes();
            switch (layout.type()) {
                case FAT12 -> {
                    long at = base + cluster + cluster / 2;
                    int word = get16(b, at);
                    word = (cluster & 1) == 0 ? (word & 0xF000) | (int) (value & 0xFFF)
                            : (word & 0x000F) | (int) ((value & 0xFFF) << 4);
                    put16(b, at, word);
                }
                case FAT16 -> put16(b, base + cluster * 2, (int) value);
                case FAT32 -> put32(b, base + cluster * 4, (get32(b, base + cluster * 4) & 0xF000_0000L)
                        | (value & 0x0FFF_FFFFL));
            }
        }
    }

    /** The id of the file at an absolute path (components compared exactly). */
    static long id(FatFileSystem fs, String path) throws IOException {
        FsNode dir = fs.root();
        long id = fs.rootId();
        for (String part : path.substring(1).split("/")) {
            DirEntry found = null;
            for (DirEntry e : fs.list(dir)) {
                if (e.name().equals(part)) {
                    found = e;
                }
            }
            if (found == null) {
                fail("no " + part + " in " + path + ": " + fs.list(dir));
            }
            id = found.id();
            dir = fs.node(id);
        }
        return id;
    }

    static FatNode node(FatFileSystem fs, String path) throws IOException {
        return (FatNode) fs.node(id(fs, path));
    }

    static byte[] content(FatFileSystem fs, String path) throws IOException {
        return FsFiles.readAll(fs, node(fs, path), 64 << 20);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The one finding with this code and severity whose message contains {@code text}. */
    static Finding assertFinding(List<Finding> findings, String code, Severity severity, String text) {
        for (Finding f : findings) {
            if (f.code().equals(code) && f.severity() == severity && f.message().contains(text)) {
                return f;
            }
        }
        fail("no " + severity + " finding " + code + " containing \"" + text + "\" in " + findings);
        return null;
    }

    static void assertContains(String text, String part) {
        assertTrue(text.contains(part), "\"" + part + "\" not in: " + text);
    }
}
