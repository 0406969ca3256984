package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Finding;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.testing.Tools;
import io.vhdkit.vhd.DiskType;
import io.vhdkit.vhd.VhdChecker;
import io.vhdkit.vhd.VhdFile;
import io.vhdkit.vhd.VhdFooter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vhdkit convert}, its outputs compared with qemu-img compare and checked with vhdkit's checker. */
class ConvertCommandTest {

    static final long MIB = 1024L * 1024;

    static Path fx(String name) {
        return Fixtures.vhd(name);
    }

    /** The output passes vhdkit check with no finding at all, and is the type and size asked for. */
    static VhdFooter assertCleanVhd(Path vhd, DiskType type, long size) throws IOException {
        List<Finding> findings = new VhdChecker().check(vhd);
        assertEquals(List.of(), findings, "vhdkit check " + vhd);
        try (VhdFile f = VhdFile.open(vhd)) {
            assertEquals(type, f.diskType());
            assertEquals(size, f.virtualSize());
            assertEquals("vhdk", f.footer().creatorApplication().text());
            assertEquals("Wi2k", f.footer().creatorHostOs().text());
            if (type == DiskType.FIXED) {
                assertEquals(size + 512, Files.size(vhd));
            }
            return f.footer();
        }
    }

    /**
     * qemu before 10.0 sizes a VHD by its CHS geometry unless the creator is one it knows ("win ", "qem2", ...): a
     * copy of a dynamic output whose creator is patched to "win " (checksums resealed) lets qemu read it by current
     * size, as Hyper-V and Azure do.
     */
    static Path qemuReadableCopy(Path vhd, Path dir) throws IOException {
        Path copy = dir.resolve("qemu-view-" + vhd.getFileName());
        Files.copy(vhd, copy);
        try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
            for (long at : new long[] {0, f.length() - 512}) {
                byte[] footer = new byte[512];
                f.seek(at);
                f.readFully(footer);
                System.arraycopy("win ".getBytes(StandardCharsets.US_ASCII), 0, footer,
                        VhdFooter.OFFSET_CREATOR_APPLICATION, 4);
                VhdFooter.reseal(footer);
                f.seek(at);
                f.write(footer);
            }
        }
        return copy;
    }

    static String sha256(Path p) throws IOException {
        try (var in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Path> partials(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".vhdkit-partial")).toList();
        }
    }

    @Test
    void dynamicToFixedIsSparseAndEqualToTheInput(@TempDir Path dir) throws IOException {
        Path in = fx("dynamic.vhd");
        String before = sha256(in);
        Path out = dir.resolve("out.vhd");
        CliRun r = CliRun.of("convert", in.toString(), out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("(dynamic VHD, 67108864 bytes (64 MiB)) -> " + out + " (fixed VHD"), r::toString);
        assertCleanVhd(out, DiskType.FIXED, 64 * MIB);
        assertTrue(Tools.qemuCompare(Tools.rawOpts(out, 64 * MIB), Tools.opts("vpc", in)));
        // sparse: no more allocated than qemu-img's own fixed conversion of the same data (fixed.vhd) + a page
        long mine = Tools.allocatedBytes(out);
        long qemus = Tools.allocatedBytes(fx("fixed.vhd"));
        assertTrue(mine <= qemus + 4096, "allocated " + mine + " vs qemu-img's " + qemus);
        assertEquals(before, sha256(in), "the input was modified");
        assertEquals(List.of(), partials(dir));
    }

    /**
     * The benchmark's layout in small: 3 MiB random runs starting 512 bytes past a 2 MiB boundary every 10 MiB, so
     * that allocated blocks are partly zero and runs straddle 4 KiB pages. For each case the output allocates no
     * more than qemu-img's conversion of the same input, measured after both were flushed ({@code sync -f}: ext4
     * allocates on write-back, so a file qemu-img has just written, unflushed, looks 4 KiB smaller than it will be:
     * its extent-tree block is not allocated yet), holds the same bytes (qemu-img compare) and passes vhdkit check.
     */
    @Test
    void allocatesNoMoreThanQemuImgOnEachCase(@TempDir Path dir) throws IOException {
        long size = 64 * MIB;
        Path raw = dir.resolve("src.raw");
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(size);
            java.util.SplittableRandom random = new java.util.SplittableRandom(7);
            byte[] run = new byte[(int) (3 * MIB)];
            for (long at = 512; at + run.length <= size; at += 10 * MIB) {
                for (int i = 0; i < run.length; i++) {
                    run[i] = (byte) (random.nextInt(255) + 1);
                }
                f.seek(at);
                f.write(run);
            }
        }
        Path dynamic = dir.resolve("in-dynamic.vhd");
        Path fixed = dir.resolve("in-fixed.vhd");
        Tools.check("qemu-utils", "qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o",
                "subformat=dynamic,force_size=on", raw.toString(), dynamic.toString());
        Tools.check("qemu-utils", "qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o",
                "subformat=fixed,force_size=on", raw.toString(), fixed.toString());
        record Case(Path in, String qemuFrom, String type, String qemuSubformat) {
        }
        for (Case c : List.of(new Case(dynamic, "vpc", "fixed", "fixed"), new Case(raw, "raw", "fixed", "fixed"),
                new Case(fixed, "vpc", "dynamic", "dynamic"))) {
            String name = c.in().getFileName() + "-to-" + c.type();
            Path mine = dir.resolve(name + ".vhdkit.vhd");
            Path qemus = dir.resolve(name + ".qemu.vhd");
            CliRun r = CliRun.of("convert", "--source-format", c.qemuFrom().equals("raw") ? "raw" : "auto",
                    "--type", c.type(), c.in().toString(), mine.toString());
            assertEquals(0, r.exit(), r::toString);
            Tools.check("qemu-utils", "qemu-img", "convert", "-f", c.qemuFrom(), "-O", "vpc", "-o",
                    "subformat=" + c.qemuSubformat() + ",force_size=on", c.in().toString(), qemus.toString());
            Tools.check("coreutils", "sync", "-f", qemus.toString());
            Tools.check("coreutils", "sync", "-f", mine.toString());
            DiskType type = c.type().equals("fixed") ? DiskType.FIXED : DiskType.DYNAMIC;
            assertCleanVhd(mine, type, size);
            String mineOpts = type == DiskType.FIXED ? Tools.rawOpts(mine, size)
                    : Tools.opts("vpc", qemuReadableCopy(mine, dir));
            assertTrue(Tools.qemuCompare(mineOpts, Tools.rawOpts(raw, size)), name + ": content differs");
            long a = Tools.allocatedBytes(mine);
            long b = Tools.allocatedBytes(qemus);
            assertTrue(a <= b, name + ": vhdkit allocates " + a + " bytes, qemu-img " + b);
        }
    }

    /**
     * A durable convert to dynamic with more data ranges than an ext4 extent-tree leaf holds (340) and enough data
     * (150 MiB) for the write-behind to flush part of it before the end. The header and the BAT are written before
     * the data, so the file's head is allocated first; written last, ext4 put the head's extent in front of a full
     * leaf and split it: one 4 KiB tree block more than qemu-img's output (seen on a 4 GiB disk).
     */
    @Test
    void dynamicOutputWithManyDataRangesAllocatesNoMoreThanQemuImg(@TempDir Path dir) throws IOException {
        int blocks = 600;
        long size = blocks * 2 * MIB;
        Path raw = dir.resolve("src.raw");
        byte[] run = new byte[256 << 10];
        java.util.Arrays.fill(run, (byte) 0x5A);
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(size);
            for (long b = 0; b < blocks; b++) {
                f.seek(b * 2 * MIB + (64 << 10));   // one run in each 2 MiB block, holes around it
                f.write(run);
            }
        }
        Path fixed = dir.resolve("in-fixed.vhd");
        Tools.check("qemu-utils", "qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o",
                "subformat=fixed,force_size=on", raw.toString(), fixed.toString());
        Path mine = dir.resolve("vhdkit.vhd");
        Path qemus = dir.resolve("qemu.vhd");
        CliRun r = CliRun.of("convert", "--type", "dynamic", fixed.toString(), mine.toString());
        assertEquals(0, r.exit(), r::toString);
        Tools.check("qemu-utils", "qemu-img", "convert", "-f", "vpc", "-O", "vpc", "-o",
                "subformat=dynamic,force_size=on", fixed.toString(), qemus.toString());
        Tools.check("coreutils", "sync", "-f", qemus.toString());
        Tools.check("coreutils", "sync", "-f", mine.toString());
        assertCleanVhd(mine, DiskType.DYNAMIC, size);
        assertTrue(Tools.qemuCompare(Tools.opts("vpc", qemuReadableCopy(mine, dir)), Tools.rawOpts(raw, size)));
        long a = Tools.allocatedBytes(mine);
        long b = Tools.allocatedBytes(qemus);
        assertTrue(a <= b, "vhdkit allocates " + a + " bytes, qemu-img " + b);
    }

    @Test
    void noSyncWritesTheSameOutput(@TempDir Path dir) throws IOException {
        Path in = fx("dynamic.vhd");
        Path out = dir.resolve("out.vhd");
        CliRun r = CliRun.of("convert", "--no-sync", in.toString(), out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertCleanVhd(out, DiskType.FIXED, 64 * MIB);
        assertTrue(Tools.qemuCompare(Tools.rawOpts(out, 64 * MIB), Tools.opts("vpc", in)));
        assertEquals(List.of(), partials(dir));
    }

    @Test
    void differencingChainToFixedReadsTheParents(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("child-fixed.vhd");
        CliRun r = CliRun.of("convert", fx("diff/grandchild.vhd").toString(), out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("differencing VHD (chain of 3 files)"), r::toString);
        assertCleanVhd(out, DiskType.FIXED, 64 * MIB);
        assertTrue(Tools.qemuCompare(Tools.rawOpts(out, 64 * MIB),
                Tools.opts("raw", fx("diff/grandchild.expected.raw"))));
    }

    @Test
    void fixedToDynamicIsEqualToTheInput(@TempDir Path dir) throws IOException {
        Path in = fx("fixed.vhd");
        Path out = dir.resolve("dyn.vhd");
        CliRun r = CliRun.of("convert", "--type", "dynamic", in.toString(), out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertCleanVhd(out, DiskType.DYNAMIC, 64 * MIB);
        assertTrue(Tools.qemuCompare(Tools.opts("vpc", qemuReadableCopy(out, dir)), Tools.rawOpts(in, 64 * MIB)));
        // zero blocks are not allocated: the data lies in 6 of the 32 blocks of 2 MiB
        try (VhdFile f = VhdFile.open(out)) {
            assertTrue(f.bat().orElseThrow().allocatedCount() <= 8, "blocks: " + f.bat().orElseThrow().allocatedCount());
        }
        // and back to fixed: the same bytes again
        Path back = dir.resolve("back.vhd");
        assertEquals(0, CliRun.of("convert", out.toString(), back.toString()).exit());
        assertTrue(Tools.qemuCompare(Tools.rawOpts(back, 64 * MIB), Tools.rawOpts(in, 64 * MIB)));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"dynamic-1m", "dynamic-32m", "fixed-1m", "fixed-32m"})
    void vhdxToFixed(String name, @TempDir Path dir) throws IOException {
        Path in = Fixtures.file("vhdx", name + ".vhdx");
        Path out = dir.resolve(name + ".vhd");
        CliRun r = CliRun.of("convert", in.toString(), out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("(VHDX, " + (name.endsWith("32m") ? 32 : 1) + " MiB blocks"), r::toString);
        assertCleanVhd(out, DiskType.FIXED, 64 * MIB);
        assertTrue(Tools.qemuCompare(Tools.rawOpts(out, 64 * MIB), Tools.opts("vhdx", in)));
        assertTrue(Tools.allocatedBytes(out) < 8 * MIB, "sparse");
    }

    @Test
    void rawWithAlignMibGrowsToTheNextMib(@TempDir Path dir) throws IOException {
        Path in = fx("src/odd-5m1536.raw");
        Path out = dir.resolve("odd.vhd");
        CliRun r = CliRun.of("convert", "--source-format", "raw", "--align-mib", in.toString(), out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("the virtual size grew from 5244416 to 6291456 bytes (--align-mib)"), r::toString);
        assertCleanVhd(out, DiskType.FIXED, 6 * MIB);
        // the grown part reads as zeros: qemu-img compare accepts a longer image whose extra part is zero
        assertTrue(Tools.qemuCompare(Tools.rawOpts(out, 6 * MIB), Tools.opts("raw", in)));
        assertTrue(Tools.allocatedBytes(out) < MIB, "sparse");
    }

    @Test
    void unalignedSizeIsKeptWithANote(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("odd.vhd");
        CliRun r = CliRun.of("convert", "--source-format", "raw", fx("src/odd-100m512.raw").toString(),
                out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("note: the virtual size 104858112 is not a whole MiB; Azure rejects it"),
                r::toString);
        assertCleanVhd(out, DiskType.FIXED, 100 * MIB + 512);
        assertTrue(Tools.qemuCompare(Tools.rawOpts(out, 100 * MIB + 512), Tools.opts("raw", fx("src/odd-100m512.raw"))));
    }

    @Test
    void rawWithAPartitionTableIsRecognised(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("mbr.vhd");
        CliRun r = CliRun.of("convert", fx("other/mbr.raw").toString(), out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("raw disk image"), r::toString);
        assertCleanVhd(out, DiskType.FIXED, 16 * MIB);
        assertTrue(Tools.qemuCompare(Tools.rawOpts(out, 16 * MIB), Tools.opts("raw", fx("other/mbr.raw"))));
    }

    @Test
    void unknownBytesAreNotGuessedToBeRaw(@TempDir Path dir) {
        Path out = dir.resolve("x.vhd");
        CliRun r = CliRun.of("convert", fx("src/odd-5m1536.raw").toString(), out.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("pass --source-format raw"), r::toString);
        assertFalse(Files.exists(out));
    }

    @Test
    void existingOutputNeedsForce(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out.vhd");
        Files.writeString(out, "keep me");
        CliRun r = CliRun.of("convert", fx("fixed.vhd").toString(), out.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(out + " exists; pass --force to replace it"), r::toString);
        assertEquals("keep me", Files.readString(out));
        assertEquals(0, CliRun.of("convert", "--force", fx("fixed.vhd").toString(), out.toString()).exit());
        assertCleanVhd(out, DiskType.FIXED, 64 * MIB);
    }

    @Test
    void outputCannotBeTheInput() {
        Path in = fx("fixed.vhd");
        CliRun r = CliRun.of("convert", "--force", in.toString(), in.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("OUT is the same file as IN"), r::toString);
    }

    @Test
    void corruptInputIsAFindingAndLeavesNoOutput(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out.vhd");
        CliRun r = CliRun.of("convert", fx("corrupt/dynamic-bat-beyond-eof.vhd").toString(), out.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("BAT @0x"), r::toString);
        assertTrue(r.err().contains("is unreadable"), r::toString);
        assertFalse(Files.exists(out));
        assertEquals(List.of(), partials(dir), "the temporary file is removed");
    }

    @Test
    void missingParentIsAFinding(@TempDir Path dir) {
        CliRun r = CliRun.of("convert", fx("diff/missing-parent.vhd").toString(), dir.resolve("o.vhd").toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("nonexistent.vhd"), r::toString);
    }

    @Test
    void missingInputExitsThree(@TempDir Path dir) {
        CliRun r = CliRun.of("convert", dir.resolve("nope.vhd").toString(), dir.resolve("o.vhd").toString());
        assertEquals(3, r.exit(), r::toString);
        assertTrue(r.err().contains("no such file"), r::toString);
    }

    @Test
    void helpDescribesTheCommand() {
        CliRun r = CliRun.of("convert", "--help");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("--align-mib"), r::toString);
        assertTrue(r.out().contains("Exit codes:"), r::toString);
    }

    @Test
    void decimalsAreWhatPrintfWouldPrint() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(20261122);
        List<Double> xs = new java.util.ArrayList<>(List.of(0.0, 0.05, 0.15, 0.25, 0.35, 1.005, 2.675, 0.125, 99.95,
                309.40234375, 1e-9, 123456789.125));
        for (int i = 0; i < 10_000; i++) {
            xs.add(r.nextLong(1L << 44) / (double) MIB);
            xs.add(r.nextDouble() * 100);
        }
        for (double x : xs) {
            assertEquals(String.format(java.util.Locale.ROOT, "%.1f", x), ConvertCommand.decimal(x, 1), "x=" + x);
            assertEquals(String.format(java.util.Locale.ROOT, "%.2f", x), ConvertCommand.decimal(x, 2), "x=" + x);
        }
    }
}
