package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vhdkit ls}, {@code cat} and the volumes of {@code inspect}, on whole disks holding a Debian root. */
class LsCatCommandTest {

    private static String gpt() {
        return Fixtures.file("linux-disk", "gpt-esp-boot-root.vhd").toString();
    }

    private static Path tree() {
        return Fixtures.dir("debian-root").resolve("rootfs");
    }

    @Test
    void catPrintsTheFileByteForByte() throws IOException {
        CliRun r = CliRun.of("cat", gpt(), "/usr/bin/dpkg");
        assertEquals(0, r.exit(), r::toString);
        assertArrayEquals(Files.readAllBytes(tree().resolve("usr/bin/dpkg")), r.data());
    }

    @Test
    void catFollowsSymlinksInsideTheImage() throws IOException {
        CliRun r = CliRun.of("cat", gpt(), "/etc/os-release");
        assertEquals(0, r.exit(), r::toString);
        assertArrayEquals(Files.readAllBytes(tree().resolve("usr/lib/os-release")), r.data());
        assertEquals("configfile (hd0,gpt2)/grub/grub.cfg\n",
                new String(CliRun.of("cat", gpt(), "/boot/efi/EFI/debian/grub.cfg").data(), StandardCharsets.UTF_8));
    }

    @Test
    void catErrors(@TempDir Path dir) {
        CliRun missing = CliRun.of("cat", gpt(), "/etc/nope");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("/etc/nope: no such file or directory"), missing::toString);
        CliRun directory = CliRun.of("cat", gpt(), "/etc");
        assertEquals(1, directory.exit());
        assertTrue(directory.err().contains("/etc: is a directory"), directory::toString);
        assertEquals(2, CliRun.of("cat", gpt(), "etc/passwd").exit(), "relative paths are a usage error");
        assertEquals(3, CliRun.of("cat", dir.resolve("none.vhd").toString(), "/x").exit());
        // a VHDX is read (here one with no OS on it)
        CliRun vhdx = CliRun.of("cat", Fixtures.vhd("other/disk.vhdx").toString(), "/x");
        assertEquals(1, vhdx.exit());
        assertTrue(vhdx.err().contains("no operating system root was found"), vhdx::toString);
        CliRun notVhd = CliRun.of("cat", Fixtures.vhd("other/disk.qcow2").toString(), "/x");
        assertEquals(1, notVhd.exit());
        assertTrue(notVhd.err().contains("this is a QCOW2 image"), notVhd::toString);
    }

    @Test
    void lsListsSortedNamesLikeTheTree() throws IOException {
        CliRun r = CliRun.of("ls", gpt(), "/etc/apt");
        assertEquals(0, r.exit(), r::toString);
        List<String> expected = new ArrayList<>();
        try (var s = Files.list(tree().resolve("etc/apt"))) {
            s.map(p -> p.getFileName().toString()).sorted().forEach(expected::add);
        }
        assertEquals(expected, r.out().lines().toList());
    }

    @Test
    void lsLongShowsSymlinksAndMountedVolumes() {
        CliRun bin = CliRun.of("ls", "-l", gpt(), "/bin");
        assertEquals(0, bin.exit(), bin::toString);
        assertTrue(bin.out().startsWith("lrwxrwxrwx "), bin::toString);
        assertTrue(bin.out().strip().endsWith("/bin -> usr/bin"), bin::toString);
        CliRun efi = CliRun.of("ls", "-l", gpt(), "/boot/efi/EFI/BOOT");
        assertTrue(efi.out().contains("-rw-r--r--") && efi.out().contains(" 13 ") && efi.out().contains("BOOTX64.EFI"),
                efi::toString);
    }

    @Test
    void lsJsonAndOneVolume() throws IOException {
        CliRun r = CliRun.of("ls", "--format", "json", "--volume", "p2", gpt(), "/grub");
        assertEquals(0, r.exit(), r::toString);
        JsonNode d = r.json();
        assertEquals("p2", d.get("volume").asText());
        assertEquals("directory", d.get("type").asText());
        assertEquals("grub.cfg", d.get("entries").get(0).get("name").asText());
        assertEquals("0644", d.get("entries").get(0).get("mode").asText());
        assertTrue(d.get("stats").get("bytesRead").asLong() > 0);
        assertEquals(1, CliRun.of("ls", "--volume", "p9", gpt(), "/").exit());
        CliRun noRoot = CliRun.of("ls", Fixtures.file("linux-disk", "data-only.vhd").toString(), "/");
        assertEquals(1, noRoot.exit());
        assertTrue(noRoot.err().contains("pick a volume with --volume"), noRoot::toString);
    }

    @Test
    void inspectShowsVolumesAndLayout() throws IOException {
        CliRun r = CliRun.of("inspect", "--format", "json", gpt());
        assertEquals(0, r.exit(), r::toString);
        JsonNode d = r.json();
        assertEquals("GPT", d.get("partitionTable").get("scheme").asText());
        JsonNode vols = d.get("volumes");
        assertEquals(3, vols.size());
        assertEquals("p1", vols.get(0).get("id").asText());
        assertEquals("vfat", vols.get(0).get("filesystem").get("type").asText());
        assertEquals("ABCD-1234", vols.get(0).get("filesystem").get("uuid").asText());
        assertEquals("EFI System", vols.get(0).get("partition").get("type").asText());
        assertEquals("rootfs", vols.get(2).get("filesystem").get("label").asText());
        assertEquals("p3", d.get("layout").get("root").asText());
        assertEquals("linux", d.get("layout").get("family").asText());
        assertEquals("/boot", d.get("layout").get("mounts").get(0).get("path").asText());
        CliRun text = CliRun.of("inspect", Fixtures.file("lvm", "debian-lvm.vhd").toString());
        assertEquals(0, text.exit(), text::toString);
        assertTrue(text.out().contains("Partition table:     MBR") && text.out().contains("lvm2-pv"), text::toString);
        assertTrue(text.out().contains("/var"), text::toString);
    }
}
