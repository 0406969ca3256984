package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * validate, inspect and convert on compressed inputs made at test time (gzip, xz in one block and in 1 MiB blocks,
 * bzip2, zstd, tar, tar.gz) give what they give on the plain VHD; VHDX made by qemu-img from real partitioned disks
 * are read by validate's OS rules, inspect and ls.
 */
class CompressedAndVhdxInputTest {

    @TempDir
    static Path dir;

    private static Path copy(Path vhd) {
        Path c = dir.resolve(vhd.getFileName());
        if (!Files.exists(c)) {
            Tools.check("coreutils", "cp", "--sparse=always", vhd.toString(), c.toString());
        }
        return c;
    }

    private static Path pack(Path vhd, String kind) {
        Path c = copy(vhd);
        String n = c.getFileName().toString();
        String f = "'" + c + "'";
        String[] spec = switch (kind) {
            case "gz" -> new String[] {".gz", "gzip", "gzip", "gzip -1 -c " + f};
            case "xz" -> new String[] {".xz", "xz", "xz-utils", "xz -0 -T1 -c " + f};
            case "xz-blocks" -> new String[] {".b.xz", "xz", "xz-utils", "xz -0 -T1 --block-size=1MiB -c " + f};
            case "bz2" -> new String[] {".bz2", "bzip2", "bzip2", "bzip2 -1 -c " + f};
            case "zst" -> new String[] {".zst", "zstd", "zstd", "zstd -1 -q -c " + f};
            case "tar" -> new String[] {".tar", "tar", "tar", "tar -C '" + dir + "' -cf - '" + n + "'"};
            case "tar.gz" -> new String[] {".tar.gz", "tar", "tar", "tar -C '" + dir + "' -cf - '" + n + "' | gzip -1"};
            default -> throw new IllegalArgumentException(kind);
        };
        Path out = dir.resolve(n + spec[0]);
        if (!Files.exists(out)) {
            Tools.requireTool(spec[1], spec[2]);
            Tools.requireTool("gzip", "gzip");
            Tools.check("bash", "bash", "-c", "set -o pipefail; " + spec[3] + " > '" + out + "'");
        }
        return out;
    }

    /** A report without the image's name, the time taken, and the Source line of a compressed input. */
    private static String normalized(String text, Path image) {
        return Arrays.stream(text.replace(image.toString(), "IMAGE").replace(image.getFileName().toString(), "IMAGE")
                        .split("\n"))
                .filter(l -> !l.startsWith("Source:") && !l.matches("\\s*read \\d+ bytes in \\d+ ms"))
                .collect(Collectors.joining("\n"));
    }

    private static Path fixture(String which) {
        return switch (which) {
            case "linux" -> Fixtures.file("linux-disk", "mbr-logical.vhd");
            case "data" -> Fixtures.root().resolve("samples/data-disk-20m.vhd");
            default -> throw new IllegalArgumentException(which);
        };
    }

    @ParameterizedTest
    @CsvSource({"linux, gz", "linux, zst", "linux, tar", "linux, tar.gz", "linux, xz-blocks", "data, xz",
            "data, xz-blocks", "data, bz2", "data, gz", "data, tar.gz"})
    void sameResultsAsThePlainVhd(String which, String kind) throws IOException {
        Path plain = copy(fixture(which));
        Path packed = pack(plain, kind);

        CliRun v1 = CliRun.of("validate", plain.toString());
        CliRun v2 = CliRun.of("validate", "--temp-dir", dir.resolve("t").toString(), packed.toString());
        assertEquals(v1.exit(), v2.exit(), v2::toString);
        assertEquals(normalized(v1.out(), plain), normalized(v2.out(), packed));
        assertTrue(v2.out().startsWith(packed.toString()), "reported under the name given: " + v2.out());

        CliRun i1 = CliRun.of("inspect", plain.toString());
        CliRun i2 = CliRun.of("inspect", packed.toString());
        assertEquals(i1.exit(), i2.exit(), i2::toString);
        assertEquals(normalized(i1.out(), plain), normalized(i2.out(), packed));
        assertTrue(i2.out().contains("Source:"), i2.out());

        Path out1 = dir.resolve(which + "-" + kind + "-plain.vhd");
        Path out2 = dir.resolve(which + "-" + kind + "-packed.vhd");
        Files.deleteIfExists(out1);
        Files.deleteIfExists(out2);
        CliRun c1 = CliRun.of("convert", plain.toString(), out1.toString());
        CliRun c2 = CliRun.of("convert", packed.toString(), out2.toString());
        assertEquals(0, c1.exit(), c1::toString);
        assertEquals(0, c2.exit(), c2::toString);
        assertTrue(Tools.qemuCompare(Tools.opts("vpc", out1), Tools.opts("vpc", out2)));
        // both fixed: their data parts compared as raw, byte for byte (qemu before 10 sizes vhdk disks by CHS)
        assertEquals(Files.size(out1), Files.size(out2));
        assertTrue(Tools.qemuCompare(Tools.rawOpts(out1, Files.size(out1) - 512),
                Tools.rawOpts(out2, Files.size(out2) - 512)));
        try (var s = Files.list(dir.resolve("t"))) {
            assertEquals(0, s.count(), "the temporary copy is deleted");
        }
    }

    /**
     * A Linux disk in 1 MiB xz blocks is validated in place: no temporary file, and the OS rules read a small part
     * of the disk (the report's bytesRead), not all of it.
     */
    @Test
    void multiBlockXzIsValidatedInPlace() throws IOException {
        Path plain = copy(fixture("linux"));
        Path packed = pack(plain, "xz-blocks");
        Path temp = Files.createDirectories(dir.resolve("in-place-tmp"));
        CliRun v = CliRun.of("validate", "--temp-dir", temp.toString(), "--format", "json", packed.toString());
        JsonNode report = Json.MAPPER.readTree(v.out());
        JsonNode one = report.isArray() ? report.get(0) : report;
        long read = one.path("stats").path("bytesRead").asLong(-1);
        assertTrue(read > 0 && read < Files.size(plain) / 4, "read " + read + " of " + Files.size(plain) + ": " + v);
        assertTrue(one.toString().contains("linux"), one.toString());
        try (var s = Files.list(temp)) {
            assertEquals(0, s.count(), "no temporary copy");
        }
    }

    @Test
    void damagedCompressedInputIsAFinding() throws IOException {
        Path packed = pack(copy(fixture("data")), "gz");
        byte[] b = Files.readAllBytes(packed);
        Path cut = dir.resolve("cut.vhd.gz");
        Files.write(cut, Arrays.copyOf(b, b.length / 2));
        CliRun v = CliRun.of("validate", cut.toString());
        assertEquals(ExitCodes.FINDINGS, v.exit(), v::toString);
        assertTrue(v.err().contains("truncated"), v.err());
        CliRun i = CliRun.of("inspect", cut.toString());
        assertEquals(ExitCodes.FINDINGS, i.exit(), i::toString);
        Path out = dir.resolve("cut-out.vhd");
        CliRun c = CliRun.of("convert", cut.toString(), out.toString());
        assertEquals(ExitCodes.FINDINGS, c.exit(), c::toString);
        assertTrue(Files.notExists(out));
    }

    private static Path vhdx(Path vhd) {
        Path out = dir.resolve(vhd.getFileName() + ".vhdx");
        if (!Files.exists(out)) {
            Tools.check("qemu-utils", "qemu-img", "convert", "-f", "vpc", "-O", "vhdx", vhd.toString(), out.toString());
        }
        return out;
    }

    /** The rule lines of a text report, without the container rules (a VHDX is not a VHD). */
    private static String osFindings(String text) {
        return Arrays.stream(text.split("\n")).filter(l -> l.startsWith("  OS:") || l.matches("\\s+\\[(linux|windows|os)/.*"))
                .collect(Collectors.joining("\n"));
    }

    @ParameterizedTest
    @CsvSource({"linux-disk, mbr-logical.vhd", "windows-disk, audit.vhd"})
    void vhdxIsReadForItsContent(String corpus, String name) throws IOException {
        Path vhd = Fixtures.file(corpus, name);
        Path vhdx = vhdx(vhd);

        CliRun v1 = CliRun.of("validate", vhd.toString());
        CliRun v2 = CliRun.of("validate", vhdx.toString());
        assertEquals(ExitCodes.FINDINGS, v2.exit(), v2::toString);
        assertTrue(v2.out().contains("[vhd/not-vhd]"), v2.out());
        assertTrue(v2.out().contains("vhdkit convert IN OUT.vhd"), v2.out());
        assertTrue(v1.out().contains("  OS: "), v1.out());
        assertEquals(osFindings(v1.out()), osFindings(v2.out()));

        JsonNode i1 = CliRun.of("inspect", "--format", "json", vhd.toString()).json();
        CliRun r2 = CliRun.of("inspect", "--format", "json", vhdx.toString());
        assertEquals(0, r2.exit(), r2::toString);
        JsonNode i2 = r2.json();
        assertEquals("vhdx", i2.get("format").asText());
        assertEquals(i1.get("virtualSize"), i2.get("virtualSize"));
        assertTrue(i2.get("vhdx").get("blockSize").asLong() > 0);
        assertEquals(512, i2.get("vhdx").get("logicalSectorSize").asInt());
        assertEquals(i1.get("partitionTable"), i2.get("partitionTable"));
        assertEquals(i1.get("volumes"), i2.get("volumes"));
        assertEquals(i1.get("os"), i2.get("os"));
    }

    @Test
    void lsAndCatOnAVhdx() {
        Path vhd = Fixtures.file("linux-disk", "mbr-logical.vhd");
        Path vhdx = vhdx(vhd);
        CliRun l1 = CliRun.of("ls", vhd.toString(), "/etc");
        CliRun l2 = CliRun.of("ls", vhdx.toString(), "/etc");
        assertEquals(0, l2.exit(), l2::toString);
        assertEquals(l1.out(), l2.out());
        CliRun c1 = CliRun.of("cat", vhd.toString(), "/etc/os-release");
        CliRun c2 = CliRun.of("cat", vhdx.toString(), "/etc/os-release");
        assertEquals(0, c2.exit(), c2::toString);
        assertTrue(Arrays.equals(c1.data(), c2.data()) && c2.data().length > 0);
    }
}
