package io.vhdkit.windows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.fs.FsFileSource;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.image.DiskImage;
import io.vhdkit.image.Volume;
import io.vhdkit.disk.ContentType;
import io.vhdkit.registry.Hive;
import io.vhdkit.registry.ReplayStatus;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The registry of the Windows disks of fixtures/windows-disk: hives made by hivex, read through VHD, GPT, NTFS. */
class WindowsRegistryTest {

    private static final String STATE = "Microsoft\\Windows\\CurrentVersion\\Setup\\State";

    private static Path image(String name) {
        return Fixtures.file("windows-disk", name + ".vhd");
    }

    private static String imageState(WindowsRegistry reg) throws IOException {
        return reg.hive("SOFTWARE").orElseThrow().value(STATE, "ImageState").orElseThrow().string().orElseThrow();
    }

    @Test
    void everyHiveReadsBackAsHivexWroteIt() throws IOException {
        Path hives = Fixtures.dir("windows-disk").resolve("hives");
        try (DiskImage img = DiskImage.open(image("generalized"))) {
            PathResolver r = img.resolver(Optional.empty());
            assertEquals("windows", img.layout().osFamily());
            for (String h : new String[] {"SYSTEM", "SOFTWARE", "SAM", "SECURITY", "DEFAULT"}) {
                FsFileSource f = FsFileSource.of(r.resolve(WindowsRegistry.hivePath(h), true));
                ByteBuffer b = ByteBuffer.allocate((int) f.size());
                f.readFully(0, b);
                assertArrayEquals(Files.readAllBytes(hives.resolve("generalized." + h)), b.array(), h);
            }
        }
    }

    @Test
    void pathsInAnyCaseAndCurrentControlSet() throws IOException {
        try (DiskImage img = DiskImage.open(image("cdrom-disabled"))) {
            WindowsRegistry reg = new WindowsRegistry(img.resolver(Optional.empty()));
            assertEquals(Optional.of(2), reg.currentControlSet());
            RegistryPath p = RegistryPath.parse("hklm\\system\\CURRENTCONTROLSET\\Services\\CDROM");
            var key = reg.key(p).orElseThrow();
            assertEquals("ControlSet002\\Services\\cdrom", key.path());
            assertEquals(4, key.value("start").orElseThrow().integer().getAsLong(),
                    "the current set disables the driver; ControlSet001 does not");
            assertEquals(1, reg.key(RegistryPath.parse("HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\cdrom"))
                    .orElseThrow().value("Start").orElseThrow().integer().getAsLong());
            assertEquals("United States", reg.key(RegistryPath.parse("HKU\\.default\\Control Panel\\International"))
                    .orElseThrow().value("sCountry").orElseThrow().string().orElseThrow());
            assertTrue(reg.key(RegistryPath.parse("HKLM\\SOFTWARE\\No\\Such\\Key")).isEmpty());
            assertTrue(reg.hive("COMPONENTS").isEmpty(), "no such hive file in the image");
        }
    }

    @Test
    void aDirtyHiveIsReadAsWindowsRecoversIt() throws IOException {
        Path replayed = Fixtures.file("windows-disk", "dirty.SOFTWARE.replayed");
        for (String v : new String[] {"dirty", "dirty-old-log"}) {
            try (DiskImage img = DiskImage.open(image(v))) {
                WindowsRegistry reg = new WindowsRegistry(img.resolver(Optional.empty()));
                Hive software = reg.hive("SOFTWARE").orElseThrow();
                assertEquals(ReplayStatus.Kind.REPLAYED, software.replayStatus().kind(), v);
                assertTrue(software.replayStatus().trustworthy(), v);
                assertEquals("IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE", imageState(reg),
                        v + ": the primary file says COMPLETE; the logs end with sysprep's last write");
                assertEquals(Hive.open(Files.readAllBytes(replayed)).value(STATE, "ImageState").orElseThrow()
                        .string(), software.value(STATE, "ImageState").orElseThrow().string());
            }
        }
        try (DiskImage img = DiskImage.open(image("dirty-unreplayable"))) {
            WindowsRegistry reg = new WindowsRegistry(img.resolver(Optional.empty()));
            ReplayStatus s = reg.hive("SOFTWARE").orElseThrow().replayStatus();
            assertFalse(s.trustworthy(), "a log entry with a bad hash stops recovery: " + s.describe());
            assertTrue(s.describe().contains("Hash-1"), s.describe());
        }
    }

    @Test
    void cleanHivesNeedNoLogs() throws IOException {
        try (DiskImage img = DiskImage.open(image("specialized"))) {
            WindowsRegistry reg = new WindowsRegistry(img.resolver(Optional.empty()));
            assertEquals(ReplayStatus.Kind.CLEAN, reg.hive("SOFTWARE").orElseThrow().replayStatus().kind());
            assertEquals("IMAGE_STATE_COMPLETE", imageState(reg));
        }
    }

    @Test
    void bitLockerVolumeSaysSo() throws IOException {
        try (DiskImage img = DiskImage.open(image("bitlocker"))) {
            Volume p3 = img.volume("p3").orElseThrow();
            assertEquals(ContentType.BITLOCKER, p3.content());
            UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> img.fileSystem(p3));
            assertTrue(e.getMessage().contains("encrypted with BitLocker"), e.getMessage());
            assertTrue(e.getMessage().contains("manage-bde -off"), e.getMessage());
        }
    }

    @Test
    void pathsThatNameNoOfflineHiveAreRefusedWithAReason() {
        assertEquals(Optional.empty(), RegistryPath.parse("HKLM").hive());
        assertEquals("SOFTWARE", RegistryPath.parse("HKEY_LOCAL_MACHINE\\software\\").hive().orElseThrow());
        assertEquals("Microsoft\\Windows", RegistryPath.parse("HKLM\\SOFTWARE\\Microsoft\\Windows").keyPath());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryPath.parse("HKLM\\HARDWARE"))
                .getMessage().contains("running system"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryPath.parse("HKCU\\Software"))
                .getMessage().contains("HKLM"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryPath.parse("HKU\\S-1-5-21-1"))
                .getMessage().contains("NTUSER.DAT"));
        assertEquals("HKEY_USERS\\.DEFAULT\\Control Panel",
                RegistryPath.parse("hku\\.default").display("Control Panel"));
    }
}
