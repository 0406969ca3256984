package io.vhdkit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FstabTest {

    private static List<FstabEntry> parse(String text) {
        return Fstab.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void debianInstallerStyle() {
        List<FstabEntry> e = parse("""
                # /etc/fstab: static file system information.
                UUID=6a1f3c1e-0d3b-4c6e-9a47-0f1e2d3c4b5a /               ext4    errors=remount-ro 0       1
                # /boot was on /dev/sda2 during installation
                UUID="2b7e9a10-5c4d-4e3f-8a2b-1c0d9e8f7a6b"  /boot  ext4 defaults 0 2
                UUID=ABCD-1234  /boot/efi       vfat    umask=0077      0       1
                /swapfile none swap sw 0 0
                proc /proc proc defaults 0 0
                """);
        assertEquals(5, e.size());
        assertEquals(FstabEntry.Kind.UUID, e.get(0).kind());
        assertEquals("6a1f3c1e-0d3b-4c6e-9a47-0f1e2d3c4b5a", e.get(0).value());
        assertEquals("/", e.get(0).mountPoint());
        assertEquals(List.of("errors=remount-ro"), e.get(0).options());
        assertEquals(2, e.get(0).line());
        assertEquals("2b7e9a10-5c4d-4e3f-8a2b-1c0d9e8f7a6b", e.get(1).value(), "quotes are removed");
        assertEquals("ABCD-1234", e.get(2).value());
        assertTrue(e.get(2).mountsImageFilesystem());
        assertFalse(e.get(3).mountsImageFilesystem(), "swap");
        assertFalse(e.get(4).mountsImageFilesystem(), "proc");
    }

    @Test
    void escapesAndDevicePaths() {
        List<FstabEntry> e = parse("LABEL=My\\040Data /mnt/my\\040data//  xfs defaults\n"
                + "/dev/disk/by-label/EFI\\x20SYS /efi vfat defaults\n"
                + "/dev/mapper/vg--root-lv--var /var ext4 defaults\n"
                + "/srv /export none bind 0 0\n"
                + "PARTLABEL=home /home ext4\n");
        assertEquals("My Data", e.get(0).value());
        assertEquals("/mnt/my data", e.get(0).mountPoint());
        assertEquals(FstabEntry.Kind.LABEL, e.get(1).kind());
        assertEquals("EFI SYS", e.get(1).value());
        assertEquals(FstabEntry.Kind.DEVICE, e.get(2).kind());
        assertFalse(e.get(3).mountsImageFilesystem(), "bind mounts are not volumes");
        assertEquals(FstabEntry.Kind.PARTLABEL, e.get(4).kind());
        assertEquals("auto", parse("/dev/sda1 /x\n").get(0).type());
    }

    @Test
    void garbageIsSkipped() {
        assertEquals(0, parse("\u0000\u0001\n\n   \n#x\nonlyonefield\n").size());
    }
}
