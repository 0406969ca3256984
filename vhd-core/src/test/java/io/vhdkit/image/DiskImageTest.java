package io.vhdkit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.ContentType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.fs.Resolved;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Whole disks laid out as installers do, with a real Debian root (fixtures/linux-disk, fixtures/lvm). */
class DiskImageTest {

    private static Path disk(String name) {
        return Fixtures.file("linux-disk", name);
    }

    private static String text(PathResolver r, String path) throws IOException {
        Resolved f = r.resolve(path, true);
        return new String(FsFiles.readAll(f.fs(), f.node(), 1 << 20), StandardCharsets.UTF_8);
    }

    private static String ids(List<Volume> volumes) {
        return volumes.stream().map(v -> v.id() + ":" + v.content().label()).collect(Collectors.joining(" "));
    }

    private static void noWarnings(List<Finding> findings) {
        assertTrue(findings.stream().noneMatch(f -> f.severity() != Severity.INFO), () -> findings.toString());
    }

    @Test
    void gptWithEspBootAndRoot() throws IOException {
        try (DiskImage image = DiskImage.open(disk("gpt-esp-boot-root.vhd"))) {
            assertEquals("GPT", image.partitionTable().scheme());
            assertEquals("p1:vfat p2:ext p3:ext", ids(image.volumes()));
            Volume esp = image.volume("p1").orElseThrow();
            assertEquals("EFI System", esp.partitionRef().orElseThrow().typeName());
            assertEquals("EFI", esp.partitionRef().orElseThrow().name());
            assertEquals("9f0c5a6b-7d8e-4f10-a1b2-c3d4e5f60718", image.volume("p3").orElseThrow().partitionRef()
                    .orElseThrow().partUuid());
            MountLayout layout = image.layout();
            assertEquals("p3", layout.rootVolume().orElseThrow().id());
            assertEquals("linux", layout.osFamily());
            assertEquals(Map.of("/boot", "p2", "/boot/efi", "p1"), layout.mounted().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().id())));
            noWarnings(layout.findings());
            PathResolver r = image.resolver(Optional.empty());
            assertTrue(text(r, "/etc/os-release").contains("Debian GNU/Linux 12"));
            assertTrue(text(r, "/boot/grub/grub.cfg").contains("menuentry \"Debian\""));
            assertEquals("BOOTX64 stub\n", text(r, "/boot/efi/efi/boot/bootx64.efi"), "FAT is case-insensitive");
            assertEquals("/boot/efi/EFI/BOOT/BOOTX64.EFI", r.resolve("/boot/efi/efi/boot/bootx64.efi", true).path());
            assertEquals(300_000, r.resolve("/boot/vmlinuz-6.1.0-vhdkit", true).node().stat().size());
            assertEquals("vhdkit-debian\n", text(r, "/etc/hostname"));
            // every file of the Debian tree, through the mounts (the root's /boot is a mount point)
            List<DebianManifest.Entry> manifest = DebianManifest.read(Fixtures.file("linux-disk",
                    "debian-manifest.tsv"));
            int checked = DebianManifest.check(r, manifest, p -> !p.startsWith("/boot") && !p.equals("/etc/fstab"));
            assertTrue(checked > 6000, "checked " + checked);
        }
    }

    @Test
    void mbrWithLogicalPartitionsMountedByLabelPartuuidAndUuid() throws IOException {
        try (DiskImage image = DiskImage.open(disk("mbr-logical.vhd"))) {
            assertEquals("MBR", image.partitionTable().scheme());
            assertEquals("p1:ext p2:ext p5:ext p6:zeros", ids(image.volumes()));
            assertEquals("5648444b-05", image.volume("p5").orElseThrow().partitionRef().orElseThrow().partUuid());
            assertTrue(image.volume("p1").orElseThrow().partitionRef().orElseThrow().bootable());
            MountLayout layout = image.layout();
            assertEquals("p1", layout.rootVolume().orElseThrow().id());
            assertEquals(Map.of("/srv/data", "p2", "/var/log", "p5"), layout.mounted().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().id())));
            noWarnings(layout.findings());
            PathResolver r = image.resolver(Optional.empty());
            assertEquals("quarterly\n", text(r, "/srv/data/reports/q1.txt"));
            assertEquals("Start-Date: 2026-11-21\n", text(r, "/var/log/apt/history.log"));
            assertEquals("ext2", image.fileSystem(image.volume("p5").orElseThrow()).info().type());
        }
    }

    @Test
    void dataDiskHasNoRoot() throws IOException {
        try (DiskImage image = DiskImage.open(disk("data-only.vhd"))) {
            MountLayout layout = image.layout();
            assertTrue(layout.rootVolume().isEmpty());
            assertTrue(layout.findings().stream().anyMatch(f -> f.message().contains("no volume holds an operating "
                    + "system")), layout.findings()::toString);
            PathResolver one = image.resolver(Optional.of("p1"));
            assertEquals("not an OS\n", text(one, "/README"));
            assertEquals("p1", image.volume("datadisk").orElseThrow().id(), "volumes are found by label too");
        }
    }

    @Test
    void debianOnLvm() throws IOException {
        Path dir = Fixtures.dir("lvm");
        String vg = Files.readString(dir.resolve("manifest/debian.vg")).strip();
        try (DiskImage image = DiskImage.open(dir.resolve("debian-lvm.vhd"))) {
            assertEquals("p1:ext p2:lvm2-pv " + vg + "/root:ext " + vg + "/var:ext " + vg + "/swap:swap",
                    ids(image.volumes()));
            Volume root = image.volume(vg + "/root").orElseThrow();
            assertEquals(Volume.Kind.LOGICAL_VOLUME, root.kind());
            assertEquals(vg.replace("-", "--") + "-root", root.lvRef().orElseThrow().mapperName());
            MountLayout layout = image.layout();
            assertEquals(vg + "/root", layout.rootVolume().orElseThrow().id());
            assertEquals(Map.of("/boot", "p1", "/var", vg + "/var"), layout.mounted().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().id())));
            noWarnings(layout.findings());
            PathResolver r = image.resolver(Optional.empty());
            assertTrue(text(r, "/boot/grub/grub.cfg").contains("root=/dev/mapper/"));
            List<DebianManifest.Entry> manifest = DebianManifest.read(Fixtures.file("linux-disk",
                    "debian-manifest.tsv"));
            int checked = DebianManifest.check(r, manifest, p -> p.startsWith("/var/") || p.startsWith("/usr/lib/"));
            assertTrue(checked > 1000, "checked " + checked);
            assertEquals(ContentType.SWAP, image.volume(vg + "/swap").orElseThrow().content());
        }
    }

    @Test
    void rootAndOsReleaseReadOnlyMetadataOfA1TiBDisk() throws IOException {
        try (DiskImage image = DiskImage.open(disk("gpt-esp-boot-root.vhd"))) {
            assertEquals(1L << 40, image.disk().size());
            String osRelease = text(image.resolver(Optional.empty()), "/etc/os-release");
            assertTrue(osRelease.contains("VERSION_ID=\"12\""));
            long read = image.bytesRead();
            // partition table, 3 probes of 68 KiB, superblocks, a few group descriptors, inode table and directory
            // blocks: a bound on bytes, independent of the 1 TiB size
            assertTrue(read < 2L << 20, "read " + read + " bytes");
        }
    }
}
