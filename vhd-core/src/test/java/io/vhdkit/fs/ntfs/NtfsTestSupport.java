package io.vhdkit.fs.ntfs;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.io.Extent;
import io.vhdkit.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The golden image of {@code src/test/resources/io/vhdkit/fs/ntfs} (recipe: {@code make-golden.sh}; see
 * fixtures/ntfs/README.md), an in-memory disk with a patch overlay, and helpers to patch MFT records through their fixups.
 *
 * <p>The golden: 3 MiB, 512-byte sectors, 1 KiB clusters and MFT records, 4 KiB index blocks; files listed in
 * {@code golden.manifest.tsv} (path, size, sha256), plus {@code /dir} (150 entries: INDX blocks under the root),
 * {@code /links} (target.bin and 30 hard links: an attribute list), {@code /symlinks} (absolute, relative,
 * junction) and {@code /wof.dll} (a WOF reparse point).
 */
final class NtfsTestSupport {

    static final String GOLDEN = "golden.img.gz";
    private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

    private NtfsTestSupport() {
    }

    /** A fresh copy of the golden image. */
    static byte[] golden() {
        return shared().clone();
    }

    /** The golden image, shared: never modify it. */
    static byte[] shared() {
        return CACHE.computeIfAbsent(GOLDEN, n -> Golden.load(NtfsTestSupport.class, n));
    }

    /** The golden manifest: path to {size, sha256}. */
    static Map<String, String[]> goldenManifest() {
        Map<String, String[]> out = new TreeMap<>();
        String text = new String(Golden.load(NtfsTestSupport.class, "golden.manifest.tsv"), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                String[] f = line.split("\t");
                out.put(f[0], new String[]{f[1], f[2]});
            }
        }
        return out;
    }

    static NtfsFileSystem open(byte[] b) throws IOException {
        return NtfsFileSystem.open(MemoryDisk.of(b));
    }

    static NtfsNode resolve(NtfsFileSystem fs, String path) throws IOException {
        FsNode n = new PathResolver(fs).resolve(path, false).node();
        return (NtfsNode) n;
    }

    static byte[] content(NtfsFileSystem fs, String path) throws IOException {
        return FsFiles.readAll(fs, resolve(fs, path), 64 << 20);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The volume offset of MFT record {@code n} of the golden (as the unpatched image maps it). */
    static long recordAt(long n) throws IOException {
        return open(shared()).mft().offsetOf(n);
    }

    static int u16(byte[] b, long at) {
        return Short.toUnsignedInt(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort((int) at));
    }

    static long u32(byte[] b, long at) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt((int) at));
    }

    static long i64(byte[] b, long at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong((int) at);
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

    static void put64(byte[] b, long at, long v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) at, v);
    }

    /**
     * Where byte {@code offset} of the multi-sector record at {@code recordAt} really lives on disk: the last two
     * bytes of each 512-byte stride are kept in the update sequence array.
     */
    static long fixedUp(byte[] b, long recordAt, int offset) {
        if (offset % 512 >= 510) {
            int usa = u16(b, recordAt + 4);
            return recordAt + usa + 2 + 2L * (offset / 512) + (offset % 512 - 510);
        }
        return recordAt + offset;
    }

    /** Writes {@code value} (little-endian, {@code bytes} long) at {@code offset} of the record, through fixups. */
    static void putInRecord(byte[] b, long recordAt, int offset, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            b[(int) fixedUp(b, recordAt, offset + i)] = (byte) (value >>> (8 * i));
        }
    }

    static long getInRecord(byte[] b, long recordAt, int offset, int bytes) {
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = v << 8 | (b[(int) fixedUp(b, recordAt, offset + i)] & 0xFF);
        }
        return v;
    }

    /** The offset within record {@code n}'s raw bytes of its first attribute of {@code type}, or -1. */
    static int attributeOffset(byte[] b, long recordAt, int type) {
        int p = (int) getInRecord(b, recordAt, 0x14, 2);
        while (p < 4096) {
            int t = (int) getInRecord(b, recordAt, p, 4);
            if (t == -1 || t == 0xFFFFFFFF) {
                return -1;
            }
            if (t == type) {
                return p;
            }
            p += (int) getInRecord(b, recordAt, p + 4, 4);
        }
        return -1;
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

    /** Asserts the exception's message contains each part. */
    static <T extends FormatException> T assertMessage(T e, String... parts) {
        for (String p : parts) {
            assertContains(e.getMessage(), p);
        }
        return e;
    }

    /**
     * A disk in memory for tests: bytes with some of them replaced (a patch overlay, so that mutants of the golden
     * image do not copy it), cut or extended with zeros to a size.
     */
    static final class MemoryDisk implements VirtualDisk {

        private final byte[] bytes;
        private final long size;
        private final TreeMap<Long, Byte> patches;

        private MemoryDisk(byte[] bytes, long size, Map<Long, Byte> patches) {
            this.bytes = bytes;
            this.size = size;
            this.patches = new TreeMap<>(patches);
        }

        static MemoryDisk of(byte[] bytes) {
            return new MemoryDisk(bytes, bytes.length, Map.of());
        }

        static MemoryDisk patched(byte[] bytes, Map<Long, Byte> patches, long size) {
            return new MemoryDisk(bytes, size, patches);
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            int n = dst.remaining();
            if (position < 0 || position > size || n > size - position) {
                throw new CorruptFormatException(FieldRef.of("disk", "memory disk", "read range",
                        FieldRef.NO_OFFSET), "a read of " + n + " bytes at " + position + " lies outside the disk");
            }
            int start = dst.position();
            int have = (int) Math.max(0, Math.min(n, bytes.length - position));
            if (have > 0) {
                dst.put(bytes, (int) position, have);
            }
            for (int i = have; i < n; i++) {
                dst.put((byte) 0);
            }
            for (Map.Entry<Long, Byte> p : patches.subMap(position, position + n).entrySet()) {
                dst.put(start + (int) (p.getKey() - position), p.getValue());
            }
        }

        @Override
        public List<Extent> allocatedExtents() {
            return size == 0 ? List.of() : List.of(new Extent(0, size));
        }

        @Override
        public void close() {
            // nothing held
        }
    }

    /** Severity shorthand for tests. */
    static final Severity WARNING = Severity.WARNING;
}
