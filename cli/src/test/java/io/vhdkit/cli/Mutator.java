package io.vhdkit.cli;

import io.vhdkit.io.Extent;
import io.vhdkit.io.SparseFiles;
import io.vhdkit.vhd.VhdFooter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Makes structure-aware mutants of a good image. It first finds the on-disk structures of every format vhdkit reads
 * (VHD footer, dynamic header, BAT, parent locators; VHDX headers and region tables; MBR/EBR and GPT; LVM label,
 * metadata area header and metadata text; ext superblock, group descriptors, inodes, extent tree nodes and
 * directory blocks; XFS superblock, AG headers, inodes, short-form directories, btree and directory blocks; FAT boot
 * sector, FAT and directory; NTFS boot sector, MFT records and $I30 index records; registry base blocks, bins, key
 * and value cells, subkey lists and log entries; initramfs cpio headers and compressed streams) by their signatures
 * and by decoding the fields that lead from one to the next, as the readers do. Then each mutant changes one of
 * them (one mutant in ten changes two to four at once): a field zeroed, set to all ones, to a random value, or off by one; random bytes or a bit flip inside it; a
 * loop (a BAT entry, extent index, btree sibling, FAT entry, index node, directory entry or subkey list pointing back
 * at itself or its parent); or the image cut short inside it. Checksums the structure carries (VHD, GPT, ext4 and
 * XFS v5 superblocks, NTFS update sequences, registry base blocks, LVM metadata) are recomputed in three mutants of
 * four, so that the mutation reaches the code behind the checksum test.
 *
 * <p>The image is only read. Everything is deterministic for a seed.
 */
final class Mutator {

    /** Structures of one kind kept at most, so that inodes do not crowd out superblocks. */
    private static final int PER_KIND = 300;

    /** A field inside a structure: its offset from the structure's start and its width in bytes. */
    record Field(int at, int width) {
    }

    /** A named rewrite of a structure's bytes (a loop, typically). */
    record Edit(String name, UnaryOperator<byte[]> apply) {
    }

    /** How a structure's mutated logical bytes are written back (checksums and fixups recomputed). */
    interface Writer {
        List<Mutant.Patch> write(byte[] logical);
    }

    /** One structure found on the image. */
    static final class Struct {
        final String kind;
        final long offset;
        final byte[] disk;
        final byte[] logical;
        final List<Field> fields = new ArrayList<>();
        final List<Edit> edits = new ArrayList<>();
        Writer writer;

        Struct(String kind, long offset, byte[] disk) {
            this.kind = kind;
            this.offset = offset;
            this.disk = disk;
            this.logical = disk.clone();
            this.writer = b -> List.of(new Mutant.Patch(offset, b));
        }

        Struct field(int at, int width) {
            if (at >= 0 && at + width <= logical.length) {
                fields.add(new Field(at, width));
            }
            return this;
        }

        Struct fields(int... atWidth) {
            for (int i = 0; i + 1 < atWidth.length; i += 2) {
                field(atWidth[i], atWidth[i + 1]);
            }
            return this;
        }

        Struct edit(String name, UnaryOperator<byte[]> apply) {
            edits.add(new Edit(name, apply));
            return this;
        }
    }

    private final Path image;
    private final FileChannel ch;
    private final long size;
    private final Map<String, List<Struct>> found = new LinkedHashMap<>();
    private final Map<String, Integer> seen = new LinkedHashMap<>();
    private final Random pick;

    private Mutator(Path image, FileChannel ch, long seed) throws IOException {
        this.image = image;
        this.ch = ch;
        this.size = ch.size();
        this.pick = new Random(seed ^ 0x5EED);
    }

    /** {@code count} mutants of {@code image}, named with {@code label}. */
    static List<Mutant> mutants(Path image, String label, int count, long seed) throws IOException {
        return mutants(image, label, count, seed, new LinkedHashMap<>());
    }

    /** {@code count} mutants of {@code image}; {@code census} gets how many structures of each kind were found. */
    static List<Mutant> mutants(Path image, String label, int count, long seed, Map<String, Integer> census)
            throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            Mutator m = new Mutator(image, ch, seed);
            m.scan();
            census.putAll(m.seen);
            return m.generate(label, count, new Random(seed));
        }
    }

    // ---------------------------------------------------------------- generation

    private List<Mutant> generate(String label, int count, Random rnd) {
        List<Mutant> out = new ArrayList<>();
        List<String> kinds = new ArrayList<>(found.keySet());
        List<Extent> data = dataExtents();
        for (int i = 0; i < count; i++) {
            int dice = rnd.nextInt(100);
            if (kinds.isEmpty() || dice < 5) {
                out.add(randomBytes(label, rnd, data));
            } else if (dice < 10) {
                out.add(truncation(label, rnd, kinds));
            } else if (dice < 20) {   // several structures at once: a damage that one check alone may not catch
                List<Mutant.Patch> ps = new ArrayList<>();
                StringBuilder name = new StringBuilder(label + "/combined");
                for (int k = 2 + rnd.nextInt(3); k > 0; k--) {
                    List<Struct> list = found.get(kinds.get(rnd.nextInt(kinds.size())));
                    Mutant one = mutate("", list.get(rnd.nextInt(list.size())), rnd);
                    ps.addAll(one.patches());
                    name.append('+').append(one.name().substring(1).replace('/', ':'));
                }
                out.add(new Mutant(name.toString(), -1, ps));
            } else {
                List<Struct> list = found.get(kinds.get(rnd.nextInt(kinds.size())));
                out.add(mutate(label, list.get(rnd.nextInt(list.size())), rnd));
            }
        }
        return out;
    }

    private Mutant randomBytes(String label, Random rnd, List<Extent> data) {
        long at;
        if (data.isEmpty()) {
            at = (long) (rnd.nextDouble() * Math.max(1, size - 64));
        } else {
            Extent e = data.get(rnd.nextInt(data.size()));
            at = e.offset() + (long) (rnd.nextDouble() * Math.max(1, e.length() - 64));
        }
        byte[] b = new byte[1 + rnd.nextInt(64)];
        rnd.nextBytes(b);
        return Mutant.patch(label + "/random@" + hex(at) + "+" + b.length, at, b);
    }

    private Mutant truncation(String label, Random rnd, List<String> kinds) {
        int how = rnd.nextInt(4);
        if (how == 0 || kinds.isEmpty()) {
            long at = (long) (rnd.nextDouble() * size) & ~511L;
            return Mutant.truncation(label + "/truncate@" + hex(at), at);
        }
        if (how == 1) {
            long at = Math.max(0, size - 1 - rnd.nextInt(1024));
            return Mutant.truncation(label + "/truncate-tail@" + hex(at), at);
        }
        List<Struct> list = found.get(kinds.get(rnd.nextInt(kinds.size())));
        Struct s = list.get(rnd.nextInt(list.size()));
        long at = Math.min(size, s.offset + rnd.nextInt(Math.max(1, s.disk.length)));
        return Mutant.truncation(label + "/" + s.kind + "@" + hex(s.offset) + "/truncate@" + hex(at), at);
    }

    private Mutant mutate(String label, Struct s, Random rnd) {
        boolean fixChecksums = rnd.nextInt(4) != 0;
        byte[] b = (fixChecksums ? s.logical : s.disk).clone();
        String what;
        int op = rnd.nextInt(10);
        if (!s.edits.isEmpty() && op < 3) {
            Edit e = s.edits.get(rnd.nextInt(s.edits.size()));
            b = e.apply.apply(b);
            what = e.name;
            fixChecksums = true;
            b = b.length == s.logical.length ? b : Arrays.copyOf(b, s.logical.length);
        } else if (!s.fields.isEmpty() && op < 8) {
            Field f = s.fields.get(rnd.nextInt(s.fields.size()));
            int v = rnd.nextInt(5);
            switch (v) {
                case 0 -> Arrays.fill(b, f.at, f.at + f.width, (byte) 0);
                case 1 -> Arrays.fill(b, f.at, f.at + f.width, (byte) 0xFF);
                case 2 -> {
                    byte[] r = new byte[f.width];
                    rnd.nextBytes(r);
                    System.arraycopy(r, 0, b, f.at, f.width);
                }
                case 3 -> {   // the top bit: a huge or negative value in either byte order
                    b[f.at] ^= (byte) 0x80;
                    b[f.at + f.width - 1] ^= (byte) 0x80;
                }
                default -> {  // off by one, in the lowest byte of either order
                    int i = rnd.nextBoolean() ? f.at : f.at + f.width - 1;
                    b[i] += rnd.nextBoolean() ? 1 : -1;
                }
            }
            what = "field+" + f.at + "/" + new String[] {"zero", "max", "random", "top-bit", "off-by-one"}[v];
        } else if (op < 9) {
            int len = Math.min(b.length, 1 + rnd.nextInt(32));
            int at = rnd.nextInt(b.length - len + 1);
            byte[] r = new byte[len];
            rnd.nextBytes(r);
            System.arraycopy(r, 0, b, at, len);
            what = "random+" + at + "x" + len;
        } else {
            int bit = rnd.nextInt(b.length * 8);
            b[bit >> 3] ^= (byte) (1 << (bit & 7));
            what = "bitflip+" + bit;
        }
        String name = label + "/" + s.kind + "@" + hex(s.offset) + "/" + what + (fixChecksums ? "" : "/raw");
        List<Mutant.Patch> patches = fixChecksums ? s.writer.write(b) : List.of(new Mutant.Patch(s.offset, b));
        return new Mutant(name, -1, patches);
    }

    // ---------------------------------------------------------------- scanning

    private List<Extent> dataExtents() {
        try {
            return SparseFiles.dataExtents(image, 0, size);
        } catch (IOException e) {
            return List.of(new Extent(0, size));
        }
    }

    private void add(Struct s) {
        int n = seen.merge(s.kind, 1, Integer::sum);
        List<Struct> list = found.computeIfAbsent(s.kind, k -> new ArrayList<>());
        if (list.size() < PER_KIND) {
            list.add(s);
        } else {   // reservoir sampling: every structure of a kind equally likely
            int j = pick.nextInt(n);
            if (j < PER_KIND) {
                list.set(j, s);
            }
        }
    }

    byte[] read(long offset, int length) {
        if (offset < 0 || offset >= size || length <= 0) {
            return new byte[0];
        }
        int n = (int) Math.min(length, size - offset);
        ByteBuffer b = ByteBuffer.allocate(n);
        try {
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            return new byte[0];
        }
        return b.array();
    }

    private void scan() throws IOException {
        byte[] head = read(0, 4096);
        if (head.length >= 8 && ascii(head, 0, 8).equals("vhdxfile")) {
            vhdx();
        }
        byte[] tail = read(Math.max(0, size - 512), 512);
        if (tail.length == 512 && ascii(tail, 0, 8).equals(VhdFooter.COOKIE)) {
            vhdFooter(size - 512, tail);
        }
        final int chunk = 1 << 20;
        for (Extent e : dataExtents()) {
            long start = e.offset() & ~4095L;
            long end = Math.min(size, e.offset() + e.length());
            for (long pos = start; pos < end; pos += chunk) {
                byte[] buf = read(pos, (int) Math.min(chunk, end - pos));
                scanChunk(pos, buf);
            }
        }
    }

    private void scanChunk(long base, byte[] buf) {
        for (int i = 0; i + 512 <= buf.length; i += 256) {
            long off = base + i;
            if (i % 512 == 0) {
                scanSector(off, buf, i);
            }
            if (buf[i] == 'I' && buf[i + 1] == 'N' && (buf[i + 4] >= 1 && buf[i + 4] <= 3) && buf[i + 5] <= 4) {
                xfsInode(off);
            }
            // ext: an inode's extent header at +0x28 of a 128-byte aligned inode
            for (int k = 0x28; k < 256; k += 128) {
                if (u16le(buf, i + k) == 0xF30A && plausibleExtentHeader(buf, i + k)) {
                    extInode(off + k - 0x28);
                }
            }
        }
    }

    private void scanSector(long off, byte[] buf, int i) {
        String sig4 = ascii(buf, i, 4);
        String sig8 = ascii(buf, i, 8);
        switch (sig8) {
            case "conectix" -> {
                if (off != size - 512) {
                    vhdFooter(off, Arrays.copyOfRange(buf, i, i + 512));
                }
            }
            case "cxsparse" -> dynamicHeader(off);
            case "EFI PART" -> gpt(off);
            case "LABELONE" -> lvmLabel(off);
            default -> { }
        }
        if (ascii(buf, i + 4, 16).equals(" LVM2 x[5A%r0N*>")) {
            lvmMda(off);
        }
        switch (sig4) {
            case "regf" -> regf(off);
            case "hbin" -> hbin(off);
            case "HvLE" -> add(new Struct("reg-log-entry", off, read(off, 512)).fields(4, 4, 8, 4, 12, 4, 16, 4,
                    20, 4, 24, 8, 32, 8, 40, 4, 44, 4));
            case "FILE" -> { if (off % 1024 == 0) { ntfsRecord("ntfs-mft-record", off, 1024); } }
            case "INDX" -> ntfsRecord("ntfs-index-record", off, 4096);
            case "XFSB" -> xfsSuper(off);
            case "XAGF" -> add(new Struct("xfs-agf", off, read(off, 512)).fields(4, 4, 8, 4, 12, 4, 16, 4, 20, 4,
                    28, 4, 32, 4, 40, 4, 44, 4, 48, 4, 52, 4, 56, 4, 60, 4));
            case "XAGI" -> add(new Struct("xfs-agi", off, read(off, 512)).fields(4, 4, 8, 4, 12, 4, 16, 4, 20, 4,
                    24, 4, 28, 4, 32, 4, 36, 4, 40, 4, 44, 4, 48, 4));
            case "BMAP", "BMA3" -> xfsBtree("xfs-bmbt", off, true);
            case "IABT", "IAB3", "FIBT", "FIB3", "ABTB", "AB3B", "ABTC", "AB3C" -> xfsBtree("xfs-btree", off, false);
            case "XD2B", "XDB3", "XD2D", "XDD3", "XD2F", "XDF3" -> add(new Struct("xfs-dir-block", off,
                    read(off, 4096)).fields(4, 2, 6, 2, 8, 2, 10, 2, 16, 8, 24, 1, 64, 8, 72, 1));
            case "0707" -> {
                if (ascii(buf, i, 6).equals("070701") || ascii(buf, i, 6).equals("070702")) {
                    add(new Struct("cpio-header", off, read(off, 512)).fields(6, 8, 14, 8, 38, 8, 54, 8, 94, 8,
                            102, 8));
                }
            }
            default -> { }
        }
        if (off % 4096 == 0 && (u8(buf, i) == 0x1F && u8(buf, i + 1) == 0x8B && u8(buf, i + 2) == 8
                || u32le(buf, i) == 0xFD2FB528L || ascii(buf, i + 1, 4).equals("7zXZ"))) {
            add(new Struct("compressed-stream", off, read(off, 4096)).fields(3, 1, 4, 4, 10, 2, 12, 4));
        }
        if (ascii(buf, i + 3, 8).equals("NTFS    ")) {
            add(new Struct("ntfs-boot", off, read(off, 512)).fields(0x0B, 2, 0x0D, 1, 0x0E, 2, 0x15, 1, 0x28, 8,
                    0x30, 8, 0x38, 8, 0x40, 1, 0x44, 1, 0x48, 8));
        } else if (u16le(buf, i + 510) == 0xAA55) {
            if (ascii(buf, i + 0x36, 3).equals("FAT") || ascii(buf, i + 0x52, 5).equals("FAT32")) {
                fat(off, buf, i);
            } else if (plausibleMbr(buf, i)) {
                mbr(off);
            }
        }
        if (off % 1024 == 0 && u16le(buf, i + 0x38) == 0xEF53 && u32le(buf, i + 0x18) <= 6
                && u32le(buf, i + 0x4C) <= 1) {
            extSuper(off);
        }
        if (off % 1024 == 0 && u16le(buf, i + 4) == 12 && u8(buf, i + 6) == 1 && buf[i + 8] == '.'
                && u8(buf, i + 18) == 2 && buf[i + 20] == '.' && buf[i + 21] == '.' && u32le(buf, i) != 0) {
            extDirBlock(off);
        }
        if (off % 1024 == 0 && u16le(buf, i) == 0xF30A && plausibleExtentHeader(buf, i) && u16le(buf, i + 6) > 0) {
            extExtentNode(off);
        }
    }

    // ---------------------------------------------------------------- VHD

    private void vhdFooter(long off, byte[] b) {
        Struct s = new Struct("vhd-footer", off, b).fields(8, 4, 12, 4, 16, 8, 24, 4, 28, 4, 36, 4, 40, 8, 48, 8,
                56, 2, 58, 1, 59, 1, 60, 4, 64, 4, 68, 16, 84, 1);
        s.writer = x -> {
            byte[] c = x.clone();
            VhdFooter.reseal(c);
            return List.of(new Mutant.Patch(off, c));
        };
        s.edit("disk-type-dynamic-fixed-size", x -> { putBe(x, 60, 4, 3); putBe(x, 16, 8, 512); return x; });
        s.edit("data-offset-to-self", x -> { putBe(x, 16, 8, off); return x; });
        s.edit("current-size-huge", x -> { putBe(x, 48, 8, Long.MAX_VALUE & ~511L); return x; });
        add(s);
    }

    private void dynamicHeader(long off) {
        byte[] b = read(off, 1024);
        if (b.length < 1024) {
            return;
        }
        Struct s = new Struct("vhd-dynamic-header", off, b).fields(8, 8, 16, 8, 24, 4, 28, 4, 32, 4, 36, 4,
                40, 16, 56, 4);
        for (int i = 0; i < 8; i++) {
            s.fields(576 + 24 * i, 4, 580 + 24 * i, 4, 584 + 24 * i, 4, 592 + 24 * i, 8);
        }
        s.writer = x -> {
            byte[] c = x.clone();
            putBe(c, 36, 4, 0);
            putBe(c, 36, 4, ~sum(c) & 0xFFFFFFFFL);
            return List.of(new Mutant.Patch(off, c));
        };
        s.edit("table-offset-to-header", x -> { putBe(x, 16, 8, off); return x; });
        s.edit("table-offset-to-footer-copy", x -> { putBe(x, 16, 8, 0); return x; });
        s.edit("block-size-1", x -> { putBe(x, 32, 4, 1); return x; });
        s.edit("max-entries-huge", x -> { putBe(x, 28, 4, 0x7FFFFFFF); return x; });
        add(s);
        long table = be(b, 16, 8);
        long entries = be(b, 28, 4);
        long blockSize = be(b, 32, 4);
        int len = (int) Math.min(entries * 4, 64 * 1024);
        byte[] bat = read(table, len);
        if (bat.length >= 8) {
            Struct t = new Struct("vhd-bat", table, bat);
            for (int i = 0; i + 4 <= bat.length && i < 1024; i += 4) {
                t.field(i, 4);
            }
            int used = -1;
            for (int i = 0; i + 4 <= bat.length; i += 4) {
                if (be(bat, i, 4) != 0xFFFFFFFFL) {
                    used = i;
                    long sector = be(bat, i, 4);
                    byte[] bitmap = read(sector * 512, 512);
                    if (bitmap.length == 512 && seen.getOrDefault("vhd-block-bitmap", 0) < 64) {
                        add(new Struct("vhd-block-bitmap", sector * 512, bitmap).fields(0, 4, 508, 4));
                    }
                }
            }
            int u = Math.max(0, used);
            t.edit("entry-to-bat-itself", x -> { putBe(x, u, 4, table / 512); return x; });
            t.edit("entry-to-header", x -> { putBe(x, u, 4, off / 512); return x; });
            t.edit("entry-to-footer-copy", x -> { putBe(x, u, 4, 0); return x; });
            t.edit("entry-past-eof", x -> { putBe(x, u, 4, size / 512 + 1); return x; });
            t.edit("entry-into-end-footer", x -> { putBe(x, u, 4, size / 512 - 1); return x; });
            t.edit("all-entries-share-a-block", x -> {
                long first = be(x, u, 4);
                for (int i = 0; i + 4 <= x.length; i += 4) {
                    putBe(x, i, 4, first);
                }
                return x;
            });
            t.edit("entries-overlap-by-one-sector", x -> {
                long first = be(x, u, 4);
                for (int i = 0; i + 4 <= x.length && i < 64; i += 4) {
                    putBe(x, i, 4, first + i / 4);
                }
                return x;
            });
            add(t);
        }
        for (int i = 0; i < 8; i++) {
            long code = be(b, 576 + 24 * i, 4);
            long dlen = be(b, 584 + 24 * i, 4);
            long doff = be(b, 592 + 24 * i, 8);
            if (code != 0 && dlen > 0 && dlen < 65536) {
                Struct p = new Struct("vhd-parent-locator", doff, read(doff, (int) dlen));
                p.edit("dot-dot-escape", x -> utf16le(x, "../../../../../../../../etc/passwd"));
                p.edit("absolute-dev", x -> utf16le(x, "/dev/zero"));
                p.edit("file-url-self", x -> utf16le(x, "file://./" + image.getFileName()));
                if (p.disk.length > 0) {
                    add(p);
                }
            }
        }
        if (blockSize == 0) {
            return;
        }
    }

    private void vhdx() {
        for (long o : new long[] {64 * 1024, 128 * 1024}) {
            byte[] b = read(o, 4096);
            if (ascii(b, 0, 4).equals("head")) {
                Struct s = new Struct("vhdx-header", o, b).fields(4, 4, 8, 8, 16, 16, 32, 16, 48, 16, 64, 2, 66, 2,
                        68, 4, 72, 8);
                s.writer = x -> List.of(new Mutant.Patch(o, crc32cAt(x, 4, 0, 4096)));
                add(s);
            }
        }
        for (long o : new long[] {192 * 1024, 256 * 1024}) {
            byte[] b = read(o, 64 * 1024);
            if (ascii(b, 0, 4).equals("regi")) {
                Struct s = new Struct("vhdx-region-table", o, b).fields(4, 4, 8, 4);
                for (int e = 0; e < 4; e++) {
                    s.fields(16 + 32 * e + 16, 8, 16 + 32 * e + 24, 4, 16 + 32 * e + 28, 4);
                }
                s.writer = x -> List.of(new Mutant.Patch(o, crc32cAt(x, 4, 0, 64 * 1024)));
                add(s);
                for (int e = 0; e < Math.min(be32le(b, 8), 8); e++) {
                    long fo = le(b, 16 + 32 * e + 16, 8);
                    long fl = le(b, 16 + 32 * e + 24, 4);
                    byte[] r = read(fo, (int) Math.min(fl, 64 * 1024));
                    if (ascii(r, 0, 8).equals("metadata")) {
                        Struct m = new Struct("vhdx-metadata", fo, r).fields(10, 2);
                        for (int k = 0; k < 8; k++) {
                            m.fields(32 + 32 * k + 16, 4, 32 + 32 * k + 20, 4, 32 + 32 * k + 24, 4);
                        }
                        int items = (int) Math.min(le(r, 10, 2), 16);
                        for (int k = 0; k < items; k++) {
                            long io = le(r, 32 + 32 * k + 16, 4);
                            m.field((int) Math.min(io, r.length - 8), 8);
                        }
                        add(m);
                    } else if (r.length >= 64) {
                        Struct bat = new Struct("vhdx-bat", fo, Arrays.copyOf(r, Math.min(r.length, 8192)));
                        for (int k = 0; k + 8 <= bat.disk.length && k < 2048; k += 8) {
                            bat.field(k, 8);
                        }
                        bat.edit("entries-share-a-block", x -> {
                            for (int k = 8; k + 8 <= x.length; k += 8) {
                                System.arraycopy(x, 0, x, k, 8);
                            }
                            return x;
                        });
                        bat.edit("entry-to-header", x -> { putLe(x, 0, 8, (1L << 20) * 0 + 6); return x; });
                        add(bat);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- partitions and LVM

    private boolean plausibleMbr(byte[] buf, int i) {
        boolean any = false;
        for (int e = 0; e < 4; e++) {
            int p = i + 446 + 16 * e;
            int status = u8(buf, p);
            if (status != 0 && status != 0x80) {
                return false;
            }
            any |= u8(buf, p + 4) != 0;
        }
        return any;
    }

    private void mbr(long off) {
        Struct s = new Struct("mbr", off, read(off, 512));
        for (int e = 0; e < 4; e++) {
            s.fields(446 + 16 * e, 1, 450 + 16 * e, 1, 454 + 16 * e, 4, 458 + 16 * e, 4);
        }
        s.edit("ebr-link-to-itself", x -> { x[450 + 16] = 0x05; putLe(x, 454 + 16, 4, 0); putLe(x, 458 + 16, 4, 1);
            return x; });
        s.edit("partition-past-disk", x -> { putLe(x, 454, 4, 0xFFFFFF00L); putLe(x, 458, 4, 0xFFFFFFFFL); return x; });
        s.edit("overlapping-partitions", x -> { System.arraycopy(x, 446, x, 462, 16); return x; });
        s.edit("extended-inside-extended", x -> { x[450] = 0x0F; x[450 + 16] = 0x0F; putLe(x, 454 + 16, 4, 0);
            return x; });
        add(s);
    }

    private void gpt(long off) {
        byte[] h = read(off, 512);
        Struct s = new Struct("gpt-header", off, h).fields(8, 4, 12, 4, 16, 4, 24, 8, 32, 8, 40, 8, 48, 8, 72, 8,
                80, 4, 84, 4, 88, 4);
        s.writer = x -> List.of(new Mutant.Patch(off, gptHeaderCrc(x)));
        s.edit("entries-at-header", x -> { putLe(x, 72, 8, le(x, 24, 8)); return x; });
        s.edit("entries-huge", x -> { putLe(x, 80, 4, 0x7FFFFFFF); return x; });
        s.edit("entry-size-odd", x -> { putLe(x, 84, 4, 129); return x; });
        s.edit("alternate-is-self", x -> { putLe(x, 32, 8, le(x, 24, 8)); return x; });
        add(s);
        long my = le(h, 24, 8);
        long entriesLba = le(h, 72, 8);
        long n = le(h, 80, 4);
        long es = le(h, 84, 4);
        long eo = off + (entriesLba - my) * 512;
        if (es == 128 && n > 0 && n <= 1024 && eo >= 0 && eo < size) {
            int len = (int) (n * es);
            byte[] entries = read(eo, len);
            if (entries.length != len) {
                return;
            }
            Struct t = new Struct("gpt-entries", eo, entries);
            for (int k = 0; k < Math.min(n, 8); k++) {
                t.fields(128 * k, 16, 128 * k + 32, 8, 128 * k + 40, 8, 128 * k + 48, 8, 128 * k + 56, 72);
            }
            t.writer = x -> {
                byte[] hh = h.clone();
                CRC32 c = new CRC32();
                c.update(x);
                putLe(hh, 88, 4, c.getValue());
                return List.of(new Mutant.Patch(eo, x), new Mutant.Patch(off, gptHeaderCrc(hh)));
            };
            t.edit("first-after-last", x -> { putLe(x, 32, 8, le(x, 40, 8) + 1); return x; });
            t.edit("covers-the-gpt", x -> { putLe(x, 32, 8, 0); return x; });
            t.edit("past-the-disk", x -> { putLe(x, 40, 8, Long.MAX_VALUE); return x; });
            t.edit("all-the-same", x -> { for (int k = 128; k < x.length; k += 128) { System.arraycopy(x, 0, x, k, 128); }
                return x; });
            add(t);
        }
    }

    private static byte[] gptHeaderCrc(byte[] x) {
        byte[] c = x.clone();
        long hs = le(c, 12, 4);
        int n = hs >= 92 && hs <= 512 ? (int) hs : 92;
        putLe(c, 16, 4, 0);
        CRC32 crc = new CRC32();
        crc.update(c, 0, n);
        putLe(c, 16, 4, crc.getValue());
        return c;
    }

    private void lvmLabel(long off) {
        Struct s = new Struct("lvm-label", off, read(off, 512)).fields(8, 8, 16, 4, 20, 4, 24, 8, 64, 8, 72, 8,
                80, 8, 88, 8, 96, 8, 104, 8, 112, 8, 120, 8);
        s.writer = x -> {
            byte[] c = x.clone();
            putLe(c, 16, 4, lvmCrc(c, 20, 512 - 20));
            return List.of(new Mutant.Patch(off, c));
        };
        s.edit("data-area-to-label", x -> { putLe(x, 64, 8, 0); return x; });
        s.edit("metadata-area-huge", x -> { putLe(x, 88, 8, Long.MAX_VALUE); return x; });
        add(s);
    }

    private void lvmMda(long off) {
        byte[] h = read(off, 512);
        Struct s = new Struct("lvm-mda-header", off, h).fields(0, 4, 20, 4, 24, 8, 32, 8, 40, 8, 48, 8, 56, 4, 60, 4,
                64, 8, 72, 8);
        s.writer = x -> {
            byte[] c = x.clone();
            putLe(c, 0, 4, lvmCrc(c, 4, 512 - 4));
            return List.of(new Mutant.Patch(off, c));
        };
        s.edit("text-wraps-forever", x -> { putLe(x, 48, 8, le(x, 32, 8) * 2); return x; });
        s.edit("text-at-header", x -> { putLe(x, 40, 8, 0); return x; });
        add(s);
        long textOff = off + le(h, 40, 8);
        long textLen = le(h, 48, 8);
        if (textLen > 0 && textLen < 1 << 20 && textOff < size) {
            byte[] text = read(textOff, (int) textLen);
            Struct t = new Struct("lvm-metadata-text", textOff, text);
            String str = new String(text, StandardCharsets.ISO_8859_1);
            for (String key : List.of("extent_size = ", "pe_start = ", "pe_count = ", "start_extent = ",
                    "extent_count = ", "stripe_count = ", "seqno = ", "stripes = [", "id = ", "segment_count = ")) {
                int at = str.indexOf(key);
                int k = 0;
                while (at >= 0 && k++ < 8) {
                    int v = at + key.length();
                    int end = v;
                    while (end < text.length && text[end] != '\n' && text[end] != ',' && end - v < 48) {
                        end++;
                    }
                    t.field(v, Math.max(1, end - v));
                    final int from = v;
                    final int to = end;
                    t.edit(key.trim() + "-huge", x -> { Arrays.fill(x, from, to, (byte) '9'); return x; });
                    t.edit(key.trim() + "-zero", x -> { Arrays.fill(x, from, to, (byte) '0'); return x; });
                    at = str.indexOf(key, end);
                }
            }
            t.edit("unbalanced-braces", x -> { for (int k = 0; k < x.length; k++) { if (x[k] == '}') { x[k] = '{'; } }
                return x; });
            t.writer = x -> {
                byte[] hh = h.clone();
                putLe(hh, 56, 4, lvmCrc(x, 0, x.length));
                putLe(hh, 0, 4, lvmCrc(hh, 4, 512 - 4));
                return List.of(new Mutant.Patch(textOff, x), new Mutant.Patch(off, hh));
            };
            add(t);
        }
    }

    /** LVM2's CRC-32 (the reflected 0xEDB88320 polynomial, initial value 0xF597A6CF, no final inversion). */
    static long lvmCrc(byte[] b, int from, int len) {
        int crc = 0xF597A6CF;
        for (int i = from; i < from + len && i < b.length; i++) {
            crc ^= b[i] & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc >>> 1) ^ (0xEDB88320 & -(crc & 1));
            }
        }
        return crc & 0xFFFFFFFFL;
    }

    // ---------------------------------------------------------------- ext2/3/4

    private static boolean plausibleExtentHeader(byte[] b, int i) {
        if (i + 12 > b.length) {
            return false;
        }
        int entries = u16le(b, i + 2);
        int max = u16le(b, i + 4);
        int depth = u16le(b, i + 6);
        return max > 0 && max <= 340 && entries <= max && depth <= 5;
    }

    private void extSuper(long off) {
        byte[] b = read(off, 1024);
        boolean csum = (le(b, 0x64, 4) & 0x400) != 0;
        Struct s = new Struct("ext-superblock", off, b).fields(0, 4, 4, 4, 0x14, 4, 0x18, 4, 0x20, 4, 0x28, 4,
                0x4C, 4, 0x54, 4, 0x58, 2, 0x5A, 2, 0x5C, 4, 0x60, 4, 0x64, 4, 0xE0, 4, 0xFE, 2, 0x104, 4, 0x150, 4,
                0x174, 1, 0x3FC, 4);
        s.writer = x -> List.of(new Mutant.Patch(off, csum ? extCsum(x) : x));
        s.edit("blocks-per-group-zero", x -> { putLe(x, 0x20, 4, 0); return x; });
        s.edit("inodes-per-group-huge", x -> { putLe(x, 0x28, 4, 0xFFFFFFF0L); return x; });
        s.edit("block-size-64m", x -> { putLe(x, 0x18, 4, 16); return x; });
        s.edit("inode-size-odd", x -> { putLe(x, 0x58, 2, 129); return x; });
        s.edit("desc-size-huge", x -> { putLe(x, 0x60, 4, le(x, 0x60, 4) | 0x80); putLe(x, 0xFE, 2, 0xFFFF); return x; });
        s.edit("root-in-journal-inode", x -> { putLe(x, 0xE0, 4, 2); return x; });
        add(s);
        if (le(b, 0x5A, 2) != 0) {
            return;   // a backup: its group descriptors are not the live ones
        }
        long fs = off - 1024;
        long bs = 1024L << Math.min(6, le(b, 0x18, 4));
        int ds = (le(b, 0x60, 4) & 0x80) != 0 ? (int) Math.max(32, Math.min(1024, le(b, 0xFE, 2))) : 32;
        long gdt = fs + (bs == 1024 ? 2048 : bs);
        byte[] g = read(gdt, (int) Math.min(bs, 4096));
        Struct t = new Struct("ext-group-descriptors", gdt, g);
        for (int k = 0; k < Math.min(8, g.length / ds); k++) {
            t.fields(ds * k, 4, ds * k + 4, 4, ds * k + 8, 4, ds * k + 0xC, 2, ds * k + 0xE, 2, ds * k + 0x10, 2,
                    ds * k + 0x12, 2, ds * k + 0x1C, 2, ds * k + 0x1E, 2, ds * k + 0x20, 4, ds * k + 0x28, 4);
        }
        t.edit("inode-table-at-superblock", x -> { putLe(x, 8, 4, fs / bs); return x; });
        t.edit("inode-table-past-end", x -> { putLe(x, 8, 4, 0xFFFFFFF0L); return x; });
        add(t);
    }

    private static byte[] extCsum(byte[] x) {
        byte[] c = x.clone();
        CRC32C crc = new CRC32C();
        crc.update(c, 0, 0x3FC);
        putLe(c, 0x3FC, 4, ~crc.getValue() & 0xFFFFFFFFL);
        return c;
    }

    private void extInode(long off) {
        byte[] b = read(off, 256);
        if (b.length < 160) {
            return;
        }
        Struct s = new Struct("ext-inode", off, b).fields(0, 2, 4, 4, 0x1A, 2, 0x1C, 4, 0x20, 4, 0x28 + 2, 2,
                0x28 + 4, 2, 0x28 + 6, 2, 0x28 + 12, 4, 0x28 + 16, 2, 0x28 + 18, 2, 0x28 + 20, 4, 0x6C, 4, 0x80, 2);
        s.edit("depth-up", x -> { putLe(x, 0x28 + 6, 2, le(x, 0x28 + 6, 2) + 1); return x; });
        s.edit("extents-overlap", x -> { putLe(x, 0x28 + 2, 2, 4); putLe(x, 0x28 + 4, 2, 4);
            for (int k = 1; k < 4; k++) { System.arraycopy(x, 0x28 + 12, x, 0x28 + 12 + 12 * k, 12); } return x; });
        s.edit("size-huge", x -> { putLe(x, 4, 4, 0xFFFFFFFFL); putLe(x, 0x6C, 4, 0x7FFFFFFF); return x; });
        s.edit("becomes-symlink", x -> { putLe(x, 0, 2, 0xA1FF); return x; });
        s.edit("becomes-directory", x -> { putLe(x, 0, 2, 0x41ED); return x; });
        s.edit("inline-data-flag", x -> { putLe(x, 0x20, 4, le(x, 0x20, 4) | 0x10000000L); return x; });
        s.edit("extent-length-uninit-max", x -> { putLe(x, 0x28 + 16, 2, 0xFFFF); return x; });
        add(s);
    }

    private void extExtentNode(long off) {
        byte[] b = read(off, 4096);
        Struct s = new Struct("ext-extent-node", off, b).fields(2, 2, 4, 2, 6, 2);
        int entries = Math.min(u16le(b, 2), 16);
        for (int k = 0; k < entries; k++) {
            s.fields(12 + 12 * k, 4, 16 + 12 * k, 4, 20 + 12 * k, 2, 22 + 12 * k, 2);
        }
        // the block number of this node, for a 4 KiB or 1 KiB block size from the start of the image (a whole-disk
        // filesystem) - right often enough to make real loops
        for (long bs : new long[] {1024, 4096}) {
            if (off % bs == 0) {
                long self = off / bs;
                s.edit("index-to-itself-" + bs, x -> { putLe(x, 6, 2, Math.max(1, le(x, 6, 2)));
                    putLe(x, 12 + 4, 4, self); putLe(x, 12 + 8, 2, self >>> 32); return x; });
            }
        }
        s.edit("entries-over-max", x -> { putLe(x, 2, 2, 0xFFFF); return x; });
        s.edit("depth-huge", x -> { putLe(x, 6, 2, 0xFFFF); return x; });
        add(s);
    }

    private void extDirBlock(long off) {
        byte[] b = read(off, 4096);
        long selfIno = le(b, 0, 4);
        Struct s = new Struct("ext-dir-block", off, b).fields(0, 4, 4, 2, 6, 1, 7, 1, 12, 4, 16, 2, 18, 1,
                0x1C, 1, 0x1D, 1, 0x1E, 1, 0x20, 2, 0x22, 2, 0x24, 4, 0x28, 4, 0x2C, 4);
        // walk the linear entries after ".." and mark their fields
        int p = 12 + u16le(b, 16);
        for (int k = 0; k < 8 && p + 8 <= b.length && p > 12; k++) {
            s.fields(p, 4, p + 4, 2, p + 6, 1, p + 7, 1);
            int rec = u16le(b, p + 4);
            if (rec < 8) {
                break;
            }
            final int q = p;
            s.edit("entry-is-its-own-dir", x -> { putLe(x, q, 4, selfIno); x[q + 7] = 2; return x; });
            s.edit("entry-rec-len-zero", x -> { putLe(x, q + 4, 2, 0); return x; });
            s.edit("entry-name-past-block", x -> { x[q + 6] = (byte) 0xFF; putLe(x, q + 4, 2, 0xFFFC); return x; });
            p += rec;
        }
        s.edit("dotdot-is-itself", x -> { putLe(x, 12, 4, selfIno); return x; });
        s.edit("htree-block-to-root", x -> { if (u16le(x, 16) > 12) { putLe(x, 0x24, 4, 0); putLe(x, 0x2C, 4, 0); }
            return x; });
        s.edit("htree-levels-huge", x -> { x[0x1E] = (byte) 0xFF; return x; });
        add(s);
    }

    // ---------------------------------------------------------------- XFS

    private long xfsBlockSize = 4096;
    private long xfsInodeSize = 256;
    private long xfsStart = -1;
    private long xfsAgBlocks = 0;

    private void xfsSuper(long off) {
        byte[] b = read(off, 512);
        boolean v5 = (be(b, 0x64, 2) & 0xF) == 5;
        if (xfsStart < 0 && be(b, 0x8, 8) > 0) {
            xfsStart = off;
            xfsBlockSize = Math.max(512, Math.min(65536, be(b, 4, 4)));
            xfsInodeSize = Math.max(256, Math.min(2048, be(b, 0x68, 2)));
            xfsAgBlocks = be(b, 0x54, 4);
        }
        Struct s = new Struct("xfs-superblock", off, b).fields(4, 4, 8, 8, 0x38, 8, 0x40, 8, 0x48, 8, 0x54, 4,
                0x58, 4, 0x5C, 4, 0x64, 2, 0x66, 2, 0x68, 2, 0x6A, 2, 0x78, 1, 0x79, 1, 0x7A, 1, 0x7B, 1, 0x7C, 1,
                0xC0, 1, 0xC8, 4, 0xD0, 4, 0xD4, 4, 0xD8, 4, 0xE0, 4);
        s.writer = x -> List.of(new Mutant.Patch(off, v5 ? crc32cAt(x, 0xE0, 0, 512) : x));
        s.edit("root-inode-zero", x -> { putBe(x, 0x38, 8, 0); return x; });
        s.edit("root-inode-huge", x -> { putBe(x, 0x38, 8, -1L); return x; });
        s.edit("agcount-huge", x -> { putBe(x, 0x58, 4, 0xFFFFFFFFL); return x; });
        s.edit("inode-log-wrong", x -> { x[0x7A] = 30; return x; });
        s.edit("blocklog-wrong", x -> { x[0x78] = 31; return x; });
        add(s);
    }

    private void xfsInode(long off) {
        byte[] b = read(off, (int) xfsInodeSize);
        if (b.length < 176) {
            return;
        }
        int lit = b[4] == 3 ? 0xB0 : 0x64;
        boolean dir = (be(b, 2, 2) & 0xF000) == 0x4000;
        Struct s = new Struct("xfs-inode", off, b).fields(2, 2, 4, 1, 5, 1, 0x10, 4, 0x38, 8, 0x40, 8, 0x48, 4,
                0x4C, 4, 0x50, 2, 0x52, 1, 0x53, 1, lit, 2, lit + 2, 2, lit + 4, 8, lit + 8, 8);
        if (b[4] == 3) {
            s.writer = x -> List.of(new Mutant.Patch(off, crc32cAt(x, 0x64, 0, x.length)));
        }
        long ino = xfsStart >= 0 && off >= xfsStart ? (off - xfsStart) / xfsInodeSize : -1;
        if (dir && b[5] == 1 && ino > 0) {
            s.edit("shortform-parent-is-self", x -> { putBe(x, lit + 2, 4, ino); return x; });
            s.edit("shortform-entry-is-self", x -> {
                int namelen = u8(x, lit + 6);
                for (int ft = 0; ft <= 1; ft++) {
                    int at = lit + 6 + 3 + namelen + (x[4] == 3 ? 1 : ft);
                    if (at + 4 <= x.length && ft == 0) {
                        putBe(x, at, 4, ino);
                    }
                }
                return x;
            });
            s.edit("shortform-count-huge", x -> { x[lit] = (byte) 0xFF; return x; });
        }
        s.edit("extents-overlap", x -> { putBe(x, 0x4C, 4, 4); for (int k = 1; k < 4; k++) {
            System.arraycopy(x, lit, x, lit + 16 * k, 16); } return x; });
        s.edit("format-btree-level-huge", x -> { x[5] = 3; putBe(x, lit, 2, 0xFFFF); putBe(x, lit + 2, 2, 1);
            return x; });
        s.edit("forkoff-past-inode", x -> { x[0x52] = (byte) 0xFF; x[0x53] = 2; return x; });
        s.edit("becomes-symlink-remote", x -> { putBe(x, 2, 2, 0xA1FF); x[5] = 2; putBe(x, 0x38, 8, 4096);
            return x; });
        add(s);
    }

    private void xfsBtree(String kind, long off, boolean longPtrs) {
        byte[] b = read(off, (int) Math.min(4096, xfsBlockSize));
        Struct s = new Struct(kind, off, b).fields(4, 2, 6, 2, 8, longPtrs ? 8 : 4, longPtrs ? 16 : 12,
                longPtrs ? 8 : 4);
        if (xfsStart >= 0 && off >= xfsStart) {
            long fsb = (off - xfsStart) / xfsBlockSize;
            long agb = xfsAgBlocks > 0 ? fsb % xfsAgBlocks : fsb;
            long self = longPtrs ? fsb : agb;
            s.edit("right-sibling-is-self", x -> { putBe(x, longPtrs ? 16 : 12, longPtrs ? 8 : 4, self); return x; });
            s.edit("left-sibling-is-self", x -> { putBe(x, 8, longPtrs ? 8 : 4, self); return x; });
            s.edit("child-is-self", x -> {
                putBe(x, 4, 2, Math.max(1, be(x, 4, 2)));
                int hdr = longPtrs ? 24 : 16;
                if (ascii(x, 0, 4).endsWith("3")) {
                    hdr = longPtrs ? 72 : 56;
                }
                int n = (int) Math.max(1, Math.min(be(x, 6, 2), 64));
                int keys = longPtrs ? 8 : (kind.contains("bmbt") ? 8 : 8);
                int maxrecs = (x.length - hdr) / (keys + (longPtrs ? 8 : 4));
                for (int k = 0; k < n; k++) {
                    int at = hdr + maxrecs * keys + k * (longPtrs ? 8 : 4);
                    if (at + 8 <= x.length) {
                        putBe(x, at, longPtrs ? 8 : 4, self);
                    }
                }
                return x;
            });
        }
        s.edit("numrecs-huge", x -> { putBe(x, 6, 2, 0xFFFF); return x; });
        add(s);
    }

    // ---------------------------------------------------------------- FAT

    private void fat(long off, byte[] buf, int i) {
        byte[] b = Arrays.copyOfRange(buf, i, i + 512);
        Struct s = new Struct("fat-boot", off, b).fields(0x0B, 2, 0x0D, 1, 0x0E, 2, 0x10, 1, 0x11, 2, 0x13, 2,
                0x15, 1, 0x16, 2, 0x1C, 4, 0x20, 4, 0x24, 4, 0x28, 2, 0x2C, 4, 0x30, 2);
        s.edit("root-cluster-is-fat", x -> { putLe(x, 0x2C, 4, 0); return x; });
        s.edit("sectors-per-cluster-zero", x -> { x[0x0D] = 0; return x; });
        add(s);
        long bps = le(b, 0x0B, 2);
        long reserved = le(b, 0x0E, 2);
        long nfats = u8(b, 0x10);
        long fatSize = le(b, 0x16, 2) != 0 ? le(b, 0x16, 2) : le(b, 0x24, 4);
        boolean fat32 = le(b, 0x16, 2) == 0;
        if (bps < 512 || bps > 4096 || fatSize == 0) {
            return;
        }
        long fatOff = off + reserved * bps;
        byte[] f = read(fatOff, 4096);
        int w = fat32 ? 4 : (ascii(b, 0x36, 5).equals("FAT12") ? 0 : 2);
        Struct t = new Struct("fat-table", fatOff, f);
        if (w > 0) {
            for (int k = 2 * w; k + w <= f.length && k < 256 * w; k += w) {
                t.field(k, w);
            }
            for (int c = 2; c < 6; c++) {
                final int cl = c;
                t.edit("cluster-" + c + "-to-itself", x -> { putLe(x, cl * w, w, cl); return x; });
            }
            t.edit("chain-loop-3-2", x -> { putLe(x, 3 * w, w, 2); return x; });
            t.edit("chain-to-cluster-1", x -> { putLe(x, 2 * w, w, 1); return x; });
            t.edit("chain-past-end", x -> { putLe(x, 2 * w, w, w == 4 ? 0x0FFFFFEF : 0xFFEF); return x; });
        }
        add(t);
        long root = fat32 ? -1 : off + (reserved + nfats * fatSize) * bps;
        if (root > 0) {
            byte[] r = read(root, 1024);
            Struct d = new Struct("fat-root-dir", root, r);
            for (int k = 0; k < r.length && k < 32 * 16; k += 32) {
                d.fields(k, 1, k + 0x0B, 1, k + 0x14, 2, k + 0x1A, 2, k + 0x1C, 4);
                final int e = k;
                d.edit("entry-" + k / 32 + "-dir-at-cluster-0", x -> { x[e + 0x0B] = 0x10; putLe(x, e + 0x1A, 2, 0);
                    return x; });
                d.edit("entry-" + k / 32 + "-huge-file", x -> { putLe(x, e + 0x1C, 4, 0xFFFFFFFFL); return x; });
            }
            add(d);
        }
    }

    // ---------------------------------------------------------------- NTFS

    /** Undoes an NTFS record's update sequence fixups; null when they do not check out. */
    private static byte[] unfix(byte[] disk) {
        int usaOff = u16le(disk, 4);
        int usaCount = u16le(disk, 6);
        if (usaCount < 2 || usaOff + 2 * usaCount > disk.length || (usaCount - 1) * 512 > disk.length) {
            return null;
        }
        byte[] b = disk.clone();
        for (int k = 1; k < usaCount; k++) {
            int end = k * 512 - 2;
            b[end] = disk[usaOff + 2 * k];
            b[end + 1] = disk[usaOff + 2 * k + 1];
        }
        return b;
    }

    /** Applies the fixups again: each sector's last two bytes go to the array, the sequence number in their place. */
    private static byte[] refix(byte[] logical) {
        byte[] b = logical.clone();
        int usaOff = u16le(b, 4);
        int usaCount = u16le(b, 6);
        if (usaCount < 2 || usaOff + 2 * usaCount > b.length) {
            return b;
        }
        for (int k = 1; k < usaCount && k * 512 <= b.length; k++) {
            int end = k * 512 - 2;
            b[usaOff + 2 * k] = logical[end];
            b[usaOff + 2 * k + 1] = logical[end + 1];
            b[end] = b[usaOff];
            b[end + 1] = b[usaOff + 1];
        }
        return b;
    }

    private void ntfsRecord(String kind, long off, int len) {
        byte[] disk = read(off, len);
        if (disk.length < len) {
            return;
        }
        byte[] logical = unfix(disk);
        if (logical == null) {
            return;
        }
        Struct s = new Struct(kind, off, disk);
        System.arraycopy(logical, 0, s.logical, 0, len);
        s.writer = x -> List.of(new Mutant.Patch(off, refix(x)));
        s.fields(4, 2, 6, 2);
        if (kind.equals("ntfs-mft-record")) {
            s.fields(0x10, 2, 0x12, 2, 0x14, 2, 0x16, 2, 0x18, 4, 0x1C, 4, 0x20, 8, 0x28, 2, 0x2C, 4);
            long recNo = le(logical, 0x2C, 4);
            s.edit("base-record-is-self", x -> { putLe(x, 0x20, 6, recNo); return x; });
            s.edit("first-attribute-past-end", x -> { putLe(x, 0x14, 2, 0xFFF8); return x; });
            int a = u16le(logical, 0x14);
            for (int k = 0; k < 16 && a > 0 && a + 16 <= len; k++) {
                long type = le(logical, a, 4);
                int alen = (int) le(logical, a + 4, 4);
                if (type == 0xFFFFFFFFL || alen < 16 || a + alen > len) {
                    break;
                }
                s.fields(a, 4, a + 4, 4, a + 8, 1, a + 9, 1, a + 10, 2, a + 12, 2);
                final int at = a;
                s.edit("attr-" + k + "-length-zero", x -> { putLe(x, at + 4, 4, 0); return x; });
                if (logical[a + 8] == 0) {
                    s.fields(a + 16, 4, a + 20, 2);
                    int vo = a + u16le(logical, a + 20);
                    if (type == 0x90 && vo + 32 <= len) {   // $INDEX_ROOT of $I30
                        s.fields(vo + 8, 4, vo + 12, 1, vo + 16, 4, vo + 20, 4, vo + 24, 4, vo + 28, 1);
                        indexEntries(s, vo + 16, len);
                    }
                } else {
                    s.fields(a + 16, 8, a + 24, 8, a + 32, 2, a + 34, 2, a + 40, 8, a + 48, 8, a + 56, 8);
                    int runs = a + u16le(logical, a + 32);
                    if (runs < a + alen) {
                        s.field(runs, Math.min(8, a + alen - runs));
                        s.edit("attr-" + k + "-run-huge", x -> { if (runs + 9 <= x.length) { x[runs] = 0x48;
                            Arrays.fill(x, runs + 1, runs + 9, (byte) 0x7F); } return x; });
                        s.edit("attr-" + k + "-run-negative", x -> { if (runs + 4 <= x.length) { x[runs] = 0x21;
                            x[runs + 1] = 8; x[runs + 2] = (byte) 0x80; x[runs + 3] = (byte) 0xFF; } return x; });
                    }
                }
                a += alen;
            }
        } else {
            s.fields(0x10, 8, 0x18, 4, 0x1C, 4, 0x20, 4, 0x24, 1);
            long vcn = le(logical, 0x10, 8);
            indexEntries(s, 0x18, len);
            s.edit("every-subnode-is-self", x -> {
                int p = 0x18 + (int) le(x, 0x18, 4);
                for (int k = 0; k < 64 && p + 16 <= x.length; k++) {
                    int el = u16le(x, p + 8);
                    if (el < 16 || p + el > x.length) {
                        break;
                    }
                    if ((le(x, p + 12, 4) & 1) != 0) {
                        putLe(x, p + el - 8, 8, vcn);
                    }
                    if ((le(x, p + 12, 4) & 2) != 0) {
                        break;
                    }
                    p += el;
                }
                return x;
            });
        }
        add(s);
    }

    /** The entries of an index node whose header is at {@code hdr}: fields, and loops through sub-nodes. */
    private static void indexEntries(Struct s, int hdr, int len) {
        byte[] b = s.logical;
        int p = hdr + (int) le(b, hdr, 4);
        for (int k = 0; k < 16 && p + 16 <= len; k++) {
            int el = u16le(b, p + 8);
            if (el < 16 || p + el > len) {
                break;
            }
            s.fields(p, 8, p + 8, 2, p + 10, 2, p + 12, 4);
            final int q = p;
            s.edit("entry-" + k + "-length-zero", x -> { putLe(x, q + 8, 2, 0); return x; });
            s.edit("entry-" + k + "-key-past-entry", x -> { putLe(x, q + 10, 2, 0xFFFF); return x; });
            s.edit("entry-" + k + "-subnode-vcn-0", x -> { if ((le(x, q + 12, 4) & 1) != 0) {
                putLe(x, q + el - 8, 8, 0); } else { putLe(x, q + 12, 4, le(x, q + 12, 4) | 1); } return x; });
            if ((le(b, p + 12, 4) & 1) != 0) {
                s.field(p + el - 8, 8);
            }
            if ((le(b, p + 12, 4) & 2) != 0) {
                break;
            }
            p += el;
        }
    }

    // ---------------------------------------------------------------- registry

    private void regf(long off) {
        byte[] b = read(off, 4096);
        Struct s = new Struct("reg-base-block", off, b).fields(4, 4, 8, 4, 0x14, 4, 0x18, 4, 0x1C, 4, 0x20, 4,
                0x24, 4, 0x28, 4, 0x2C, 4, 0x1FC, 4);
        s.writer = x -> {
            byte[] c = x.clone();
            long xor = 0;
            for (int k = 0; k < 0x1FC; k += 4) {
                xor ^= le(c, k, 4);
            }
            xor = xor == 0xFFFFFFFFL ? 0xFFFFFFFEL : xor == 0 ? 1 : xor;
            putLe(c, 0x1FC, 4, xor);
            return List.of(new Mutant.Patch(off, c));
        };
        s.edit("dirty-sequence", x -> { putLe(x, 8, 4, le(x, 4, 4) + 1); return x; });
        s.edit("root-cell-past-end", x -> { putLe(x, 0x24, 4, 0x7FFFFFF0L); return x; });
        s.edit("root-cell-is-hbin-header", x -> { putLe(x, 0x24, 4, 0); return x; });
        s.edit("bins-size-huge", x -> { putLe(x, 0x28, 4, 0xFFFFF000L); return x; });
        add(s);
    }

    private void hbin(long off) {
        byte[] h = read(off, 32);
        long binOffset = le(h, 4, 4);
        long binSize = le(h, 8, 4);
        long hiveData = off - binOffset;   // where hive cell offsets count from
        Struct s = new Struct("reg-hbin", off, h).fields(4, 4, 8, 4);
        s.edit("size-zero", x -> { putLe(x, 8, 4, 0); return x; });
        s.edit("offset-wrong", x -> { putLe(x, 4, 4, le(x, 4, 4) + 4096); return x; });
        add(s);
        if (binSize < 4096 || binSize > 1 << 20) {
            return;
        }
        byte[] bin = read(off, (int) binSize);
        int p = 32;
        int cells = 0;
        while (p + 8 <= bin.length && cells++ < 512) {
            int cellSize = (int) le(bin, p, 4);
            int abs = Math.abs(cellSize);
            if (abs < 8 || p + abs > bin.length) {
                break;
            }
            if (cellSize < 0) {
                cell(off + p, Arrays.copyOfRange(bin, p, p + abs), off + p - hiveData);
            }
            p += abs;
        }
    }

    private long rootKeyCell = -1;

    private void cell(long off, byte[] c, long cellOffset) {
        String sig = ascii(c, 4, 2);
        Struct s;
        switch (sig) {
            case "nk" -> {
                if ((le(c, 6, 2) & 0x4) != 0) {
                    rootKeyCell = cellOffset;
                }
                s = new Struct("reg-key-cell", off, c).fields(0, 4, 6, 2, 20, 4, 24, 4, 32, 4, 40, 4, 44, 4, 48, 4,
                        52, 4, 56, 4, 76, 2, 78, 2);
                s.edit("subkey-list-is-self", x -> { putLe(x, 32, 4, cellOffset); return x; });
                s.edit("parent-is-self", x -> { putLe(x, 20, 4, cellOffset); return x; });
                s.edit("value-list-is-self", x -> { putLe(x, 44, 4, cellOffset); putLe(x, 40, 4, 3); return x; });
                s.edit("name-longer-than-cell", x -> { putLe(x, 76, 2, 0xFFFF); return x; });
                s.edit("subkey-count-huge", x -> { putLe(x, 24, 4, 0x7FFFFFFF); return x; });
            }
            case "lf", "lh", "li", "ri" -> {
                int step = sig.equals("lf") || sig.equals("lh") ? 8 : 4;
                s = new Struct("reg-subkey-list", off, c).fields(0, 4, 6, 2);
                int n = (int) Math.min(le(c, 6, 2), 32);
                for (int k = 0; k < n; k++) {
                    s.field(8 + step * k, 4);
                }
                long root = rootKeyCell;
                s.edit("entry-is-the-list", x -> { putLe(x, 8, 4, cellOffset); return x; });
                if (root >= 0) {
                    s.edit("entry-is-the-root-key", x -> { putLe(x, 8, 4, root); return x; });
                }
                s.edit("becomes-index-of-itself", x -> { x[4] = 'r'; x[5] = 'i'; putLe(x, 6, 2, 1);
                    putLe(x, 8, 4, cellOffset); return x; });
                s.edit("count-huge", x -> { putLe(x, 6, 2, 0xFFFF); return x; });
            }
            case "vk" -> {
                s = new Struct("reg-value-cell", off, c).fields(0, 4, 6, 2, 8, 4, 12, 4, 16, 4, 20, 2);
                s.edit("data-inline-huge", x -> { putLe(x, 8, 4, 0x80000000L | 0x7FFFFFFFL); return x; });
                s.edit("data-huge", x -> { putLe(x, 8, 4, 0x7FFFFFF0L); return x; });
                s.edit("data-is-self", x -> { putLe(x, 12, 4, cellOffset); putLe(x, 8, 4, 100000); return x; });
            }
            case "db" -> {
                s = new Struct("reg-big-data", off, c).fields(0, 4, 6, 2, 8, 4);
                s.edit("segments-are-self", x -> { putLe(x, 8, 4, cellOffset); return x; });
            }
            case "sk" -> s = new Struct("reg-security-cell", off, c).fields(0, 4, 8, 4, 12, 4, 16, 4, 20, 4);
            default -> {
                return;
            }
        }
        s.edit("cell-size-zero", x -> { putLe(x, 0, 4, 0); return x; });
        s.edit("cell-free", x -> { putLe(x, 0, 4, -le(x, 0, 4) & 0xFFFFFFFFL); return x; });
        s.edit("cell-size-huge", x -> { putLe(x, 0, 4, 0x80000008L); return x; });
        add(s);
    }

    // ---------------------------------------------------------------- bytes

    private static byte[] crc32cAt(byte[] x, int crcAt, int from, int len) {
        byte[] c = x.clone();
        putLe(c, crcAt, 4, 0);
        CRC32C crc = new CRC32C();
        crc.update(c, from, Math.min(len, c.length - from));
        putLe(c, crcAt, 4, crc.getValue());
        return c;
    }

    private static byte[] utf16le(byte[] x, String s) {
        byte[] t = s.getBytes(StandardCharsets.UTF_16LE);
        Arrays.fill(x, (byte) 0);
        System.arraycopy(t, 0, x, 0, Math.min(t.length, x.length));
        return x;
    }

    private static long sum(byte[] b) {
        long s = 0;
        for (byte x : b) {
            s += x & 0xFF;
        }
        return s;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
    }

    private static String ascii(byte[] b, int at, int n) {
        if (at < 0 || at + n > b.length) {
            return "";
        }
        return new String(b, at, n, StandardCharsets.ISO_8859_1);
    }

    private static int u8(byte[] b, int at) {
        return at < b.length ? b[at] & 0xFF : 0;
    }

    private static int u16le(byte[] b, int at) {
        return at + 2 <= b.length ? ByteBuffer.wrap(b, at, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF : 0;
    }

    private static long u32le(byte[] b, int at) {
        return le(b, at, 4);
    }

    private static int be32le(byte[] b, int at) {
        return (int) le(b, at, 4);
    }

    static long le(byte[] b, int at, int n) {
        long v = 0;
        for (int k = n - 1; k >= 0; k--) {
            v = (v << 8) | (at + k < b.length && at + k >= 0 ? b[at + k] & 0xFF : 0);
        }
        return v;
    }

    static long be(byte[] b, int at, int n) {
        long v = 0;
        for (int k = 0; k < n; k++) {
            v = (v << 8) | (at + k < b.length && at + k >= 0 ? b[at + k] & 0xFF : 0);
        }
        return v;
    }

    static void putLe(byte[] b, int at, int n, long v) {
        for (int k = 0; k < n && at + k < b.length; k++) {
            if (at + k >= 0) {
                b[at + k] = (byte) (v >>> (8 * k));
            }
        }
    }

    static void putBe(byte[] b, int at, int n, long v) {
        for (int k = 0; k < n && at + k < b.length; k++) {
            if (at + k >= 0) {
                b[at + k] = (byte) (v >>> (8 * (n - 1 - k)));
            }
        }
    }
}
