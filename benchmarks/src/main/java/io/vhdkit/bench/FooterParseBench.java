package io.vhdkit.bench;

import io.vhdkit.io.ByteArraySource;
import io.vhdkit.vhd.DiskType;
import io.vhdkit.vhd.VhdFile;
import io.vhdkit.vhd.VhdFooter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing the VHD metadata of a real dynamic VHD made by {@code qemu-img}, all from memory (no I/O).
 *
 * <ul>
 *   <li>{@link #decodeFooter} - {@code VhdFooter.decode} of the image's 512-byte end footer: field decoding, the
 *       checksum over 512 bytes, the reserved-bytes scan.</li>
 *   <li>{@link #openDynamic} - {@code VhdFile.open(new ByteArraySource(...))} of the whole image: footer search
 *       (end footer and the copy at offset 0), dynamic header, BAT decode and the check of every allocated BAT
 *       entry. The BAT grows with the virtual size ({@code virtualMiB}: 64 MiB is 32 entries, 127 GiB, a common
 *       Azure OS disk, is 65,024 entries or 254 KiB).</li>
 * </ul>
 *
 * <p>Inputs (made in setup, reused across forks and runs, see {@link BenchData}): a sparse raw file of
 * {@code virtualMiB} with seeded random data in its first 1 MiB, 64 KiB in the middle and its last 64 KiB, converted
 * with {@code qemu-img convert -O vpc -o subformat=dynamic,force_size=on}; the VHD file is then read into memory.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
public class FooterParseBench {

    static final long SEED = 20261122L;

    /** The end footer of the smallest image, as bytes. */
    @State(Scope.Benchmark)
    public static class Footer {

        public ByteBuffer footer;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            byte[] vhd = Files.readAllBytes(SmallVhd.prepare(64));
            footer = ByteBuffer.wrap(vhd, vhd.length - VhdFooter.SIZE, VhdFooter.SIZE).slice();
            VhdFooter f = VhdFooter.decode(footer);
            if (!f.cookieValid() || f.checksum() != f.computedChecksum()) {
                throw new IllegalStateException("the end footer of the 64 MiB image is not a valid VHD footer");
            }
        }
    }

    /** A whole small dynamic VHD, in memory. */
    @State(Scope.Benchmark)
    public static class Image {

        /** The virtual size of the image. */
        @Param({"64", "130048"})
        public int virtualMiB;

        public byte[] vhd;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            vhd = Files.readAllBytes(SmallVhd.prepare(virtualMiB));
            try (VhdFile f = VhdFile.open(new ByteArraySource("bench.vhd", vhd))) {
                if (f.diskType() != DiskType.DYNAMIC || f.virtualSize() != (long) virtualMiB << 20
                        || !f.anomalies().isEmpty()) {
                    throw new IllegalStateException("unexpected image: " + f.diskType() + ", " + f.virtualSize()
                            + " bytes, anomalies " + f.anomalies());
                }
            }
        }
    }

    @Benchmark
    public VhdFooter decodeFooter(Footer s) {
        return VhdFooter.decode(s.footer);
    }

    @Benchmark
    public VhdFile openDynamic(Image s) throws IOException {
        // ByteArraySource holds nothing to release, so the returned file is not closed.
        return VhdFile.open(new ByteArraySource("bench.vhd", s.vhd));
    }

    /** The dynamic VHD of a given virtual size, built once per size. */
    static final class SmallVhd {

        static final String RAW = "sparse.raw";
        static final String VHD = "small.vhd";

        private SmallVhd() {
        }

        static Path prepare(int virtualMiB) throws IOException {
            if (virtualMiB < 2) {
                throw new IllegalArgumentException("virtualMiB must be at least 2, not " + virtualMiB);
            }
            long size = (long) virtualMiB << 20;
            Path dir = BenchData.prepare("footer-" + virtualMiB + "MiB-seed" + SEED, d -> build(d, size),
                    d -> check(d.resolve(VHD), size));
            return dir.resolve(VHD);
        }

        private static boolean check(Path vhd, long size) {
            try (VhdFile f = VhdFile.open(vhd)) {
                return f.diskType() == DiskType.DYNAMIC && f.virtualSize() == size;
            } catch (IOException | RuntimeException e) {
                BenchData.log(vhd + " is unusable: " + e);
                return false;
            }
        }

        private static void build(Path dir, long size) throws IOException {
            String qemu = BenchData.requireQemuImg();
            Path raw = dir.resolve(RAW);
            // A sparse file: holes everywhere except three random regions.
            try (RandomAccessFile f = new RandomAccessFile(Files.createFile(raw).toFile(), "rw")) {
                f.setLength(size);
            }
            BenchData.writeRandomAt(raw, 0, 1 << 20, SEED);
            BenchData.writeRandomAt(raw, size / 2, 64 << 10, SEED + 1);
            BenchData.writeRandomAt(raw, size - (64 << 10), 64 << 10, SEED + 2);
            BenchData.log("converting " + raw + " to a dynamic VHD with " + qemu);
            BenchData.convertToDynamicVhd(raw, dir.resolve(VHD));
            Files.delete(raw);
        }
    }
}
