package io.vhdkit.fs.ext;

/**
 * The htree directory hashes of fs/ext4/hash.c (and e2fsprogs lib/ext2fs/dirhash.c): the legacy "dx_hack" hash,
 * half-MD4 and TEA, each in a signed and an unsigned flavour (which one depends on how the creating machine's
 * {@code char} was signed, recorded in the superblock's s_flags). The result has its low bit cleared, as the
 * kernel's does; bit 0 of an index entry's hash marks a hash collision continuing from the previous block.
 */
public final class DirHash {

    public static final int LEGACY = 0;
    public static final int HALF_MD4 = 1;
    public static final int TEA = 2;
    public static final int LEGACY_UNSIGNED = 3;
    public static final int HALF_MD4_UNSIGNED = 4;
    public static final int TEA_UNSIGNED = 5;
    public static final int SIPHASH = 6;

    private static final int[] DEFAULT_SEED = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};

    private DirHash() {
    }

    /**
     * The major hash of {@code name} (at most 255 bytes) as {@code ext4fs_dirhash} computes it.
     *
     * @param version one of the versions above, already adjusted for unsigned (+3); SIPHASH is not supported
     * @param seed    s_hash_seed; all zeros (or null) selects the default seed
     * @throws IllegalArgumentException for an unknown version or SIPHASH (casefolded encrypted directories)
     */
    public static int hash(byte[] name, int version, int[] seed) {
        int[] buf = DEFAULT_SEED.clone();
        if (seed != null && (seed[0] | seed[1] | seed[2] | seed[3]) != 0) {
            System.arraycopy(seed, 0, buf, 0, 4);
        }
        int hash;
        switch (version) {
            case LEGACY -> hash = dxHack(name, true);
            case LEGACY_UNSIGNED -> hash = dxHack(name, false);
            case HALF_MD4, HALF_MD4_UNSIGNED -> {
                int[] in = new int[8];
                for (int p = 0, len = name.length; len > 0; len -= 32, p += 32) {
                    toHashBuffer(name, p, len, in, 8, version == HALF_MD4);
                    halfMd4(buf, in);
                }
                hash = buf[1];
            }
            case TEA, TEA_UNSIGNED -> {
                int[] in = new int[4];
                for (int p = 0, len = name.length; len > 0; len -= 16, p += 16) {
                    toHashBuffer(name, p, len, in, 4, version == TEA);
                    tea(buf, in);
                }
                hash = buf[0];
            }
            default -> throw new IllegalArgumentException("directory hash version " + version);
        }
        hash &= ~1;
        if (hash == (0x7fffffff << 1)) {
            hash = (0x7fffffff - 1) << 1;     // EXT4_HTREE_EOF_32BIT is reserved
        }
        return hash;
    }

    /** dx_hack_hash_signed / _unsigned. */
    private static int dxHack(byte[] name, boolean signed) {
        int hash0 = 0x12a3fe2d;
        int hash1 = 0x37abe8f9;
        for (byte c : name) {
            int v = signed ? c : c & 0xFF;
            int hash = hash1 + (hash0 ^ (v * 7152373));
            if ((hash & 0x80000000) != 0) {
                hash -= 0x7fffffff;
            }
            hash1 = hash0;
            hash0 = hash;
        }
        return hash0 << 1;
    }

    /** str2hashbuf_signed / _unsigned: packs up to 4 * num bytes into num words, padded with the length. */
    private static void toHashBuffer(byte[] msg, int start, int len, int[] buf, int num, boolean signed) {
        int pad = len | (len << 8);
        pad |= pad << 16;
        int val = pad;
        if (len > num * 4) {
            len = num * 4;
        }
        int out = 0;
        for (int i = 0; i < len; i++) {
            int c = signed ? msg[start + i] : msg[start + i] & 0xFF;
            val = c + (val << 8);
            if (i % 4 == 3) {
                buf[out++] = val;
                val = pad;
                num--;
            }
        }
        if (--num >= 0) {
            buf[out++] = val;
        }
        while (--num >= 0) {
            buf[out++] = pad;
        }
    }

    private static int f(int x, int y, int z) {
        return z ^ (x & (y ^ z));
    }

    private static int g(int x, int y, int z) {
        return (x & y) + ((x ^ y) & z);
    }

    private static int h(int x, int y, int z) {
        return x ^ y ^ z;
    }

    private static final int K2 = 013240474631;
    private static final int K3 = 015666365641;

    /** half_md4_transform: the basic MD4 mixing with 3 rounds of 8 steps. */
    private static void halfMd4(int[] buf, int[] in) {
        int a = buf[0];
        int b = buf[1];
        int c = buf[2];
        int d = buf[3];
        a = Integer.rotateLeft(a + f(b, c, d) + in[0], 3);
        d = Integer.rotateLeft(d + f(a, b, c) + in[1], 7);
        c = Integer.rotateLeft(c + f(d, a, b) + in[2], 11);
        b = Integer.rotateLeft(b + f(c, d, a) + in[3], 19);
        a = Integer.rotateLeft(a + f(b, c, d) + in[4], 3);
        d = Integer.rotateLeft(d + f(a, b, c) + in[5], 7);
        c = Integer.rotateLeft(c + f(d, a, b) + in[6], 11);
        b = Integer.rotateLeft(b + f(c, d, a) + in[7], 19);

        a = Integer.rotateLeft(a + g(b, c, d) + in[1] + K2, 3);
        d = Integer.rotateLeft(d + g(a, b, c) + in[3] + K2, 5);
        c = Integer.rotateLeft(c + g(d, a, b) + in[5] + K2, 9);
        b = Integer.rotateLeft(b + g(c, d, a) + in[7] + K2, 13);
        a = Integer.rotateLeft(a + g(b, c, d) + in[0] + K2, 3);
        d = Integer.rotateLeft(d + g(a, b, c) + in[2] + K2, 5);
        c = Integer.rotateLeft(c + g(d, a, b) + in[4] + K2, 9);
        b = Integer.rotateLeft(b + g(c, d, a) + in[6] + K2, 13);

        a = Integer.rotateLeft(a + h(b, c, d) + in[3] + K3, 3);
        d = Integer.rotateLeft(d + h(a, b, c) + in[7] + K3, 9);
        c = Integer.rotateLeft(c + h(d, a, b) + in[2] + K3, 11);
        b = Integer.rotateLeft(b + h(c, d, a) + in[6] + K3, 15);
        a = Integer.rotateLeft(a + h(b, c, d) + in[1] + K3, 3);
        d = Integer.rotateLeft(d + h(a, b, c) + in[5] + K3, 9);
        c = Integer.rotateLeft(c + h(d, a, b) + in[0] + K3, 11);
        b = Integer.rotateLeft(b + h(c, d, a) + in[4] + K3, 15);

        buf[0] += a;
        buf[1] += b;
        buf[2] += c;
        buf[3] += d;
    }

    /** TEA_transform: 16 rounds of the Tiny Encryption Algorithm. */
    private static void tea(int[] buf, int[] in) {
        int sum = 0;
        int b0 = buf[0];
        int b1 = buf[1];
        int a = in[0];
        int b = in[1];
        int c = in[2];
        int d = in[3];
        for (int n = 0; n < 16; n++) {
            sum += 0x9E3779B9;
            b0 += ((b1 << 4) + a) ^ (b1 + sum) ^ ((b1 >>> 5) + b);
            b1 += ((b0 << 4) + c) ^ (b0 + sum) ^ ((b0 >>> 5) + d);
        }
        buf[0] += b0;
        buf[1] += b1;
    }
}
