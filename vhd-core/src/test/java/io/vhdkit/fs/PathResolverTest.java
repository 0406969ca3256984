package io.vhdkit.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PathResolverTest {

    private MemoryFileSystem fs;
    private PathResolver resolver;

    @BeforeEach
    void tree() {
        fs = new MemoryFileSystem(true);
        long etc = fs.add(0, "etc", FileType.DIRECTORY, "");
        fs.add(etc, "os-release", FileType.REGULAR, "ID=debian\n");
        long usr = fs.add(0, "usr", FileType.DIRECTORY, "");
        long lib = fs.add(usr, "lib", FileType.DIRECTORY, "");
        fs.add(lib, "os-release", FileType.REGULAR, "ID=usr\n");
        fs.add(etc, "rel", FileType.SYMLINK, "../usr/lib/os-release");
        fs.add(etc, "abs", FileType.SYMLINK, "/usr/lib/os-release");
        fs.add(etc, "escape", FileType.SYMLINK, "../../../../usr/lib/os-release");
        fs.add(etc, "loop1", FileType.SYMLINK, "loop2");
        fs.add(etc, "loop2", FileType.SYMLINK, "/etc/loop1");
        fs.add(etc, "dangling", FileType.SYMLINK, "/nowhere");
        fs.add(0, "lib", FileType.SYMLINK, "usr/lib");
        resolver = new PathResolver(fs);
    }

    private String content(String path) throws IOException {
        Resolved r = resolver.resolve(path, true);
        return new String(FsFiles.readAll(r.fs(), r.node(), 1024), StandardCharsets.UTF_8);
    }

    @Test
    void plainAndDotted() throws IOException {
        assertEquals("ID=debian\n", content("/etc/os-release"));
        assertEquals("ID=debian\n", content("//etc/./../etc//os-release"));
        assertEquals("/etc/os-release", resolver.resolve("/../../etc/os-release", true).path());
    }

    @Test
    void symlinksStayInsideTheImage() throws IOException {
        assertEquals("ID=usr\n", content("/etc/rel"));
        assertEquals("ID=usr\n", content("/etc/abs"));
        assertEquals("ID=usr\n", content("/etc/escape"), "'..' never climbs above the image root");
        assertEquals("ID=usr\n", content("/lib/os-release"));
        assertEquals("/usr/lib/os-release", resolver.resolve("/lib/os-release", true).path());
    }

    @Test
    void lastSymlinkNotFollowedOnRequest() throws IOException {
        Resolved r = resolver.resolve("/etc/abs", false);
        assertEquals(FileType.SYMLINK, r.node().type());
        assertEquals("/etc/abs", r.path());
    }

    @Test
    void loopsAndMissingFiles() {
        assertThrows(FileSystemLoopException.class, () -> resolver.resolve("/etc/loop1", true));
        assertThrows(NoSuchFileException.class, () -> resolver.resolve("/etc/dangling", true));
        assertThrows(NoSuchFileException.class, () -> resolver.resolve("/etc/nope", true));
        assertThrows(NotDirectoryException.class, () -> resolver.resolve("/etc/os-release/x", true));
        assertThrows(IllegalArgumentException.class, () -> resolver.resolve("etc", true));
    }

    @Test
    void findIsEmptyForMissingPaths() throws IOException {
        assertTrue(resolver.find("/etc/nope", true).isEmpty());
        assertTrue(resolver.find("/etc/os-release/x", true).isEmpty());
        assertTrue(resolver.find("/etc/os-release", true).isPresent());
    }

    @Test
    void mountPointsAreCrossedBothWays() throws IOException {
        long boot = fs.add(0, "boot", FileType.DIRECTORY, "");
        fs.add(boot, "hidden", FileType.REGULAR, "under the mount\n");
        MemoryFileSystem bootFs = new MemoryFileSystem(false);
        long grub = bootFs.add(0, "GRUB", FileType.DIRECTORY, "");
        bootFs.add(grub, "grub.cfg", FileType.REGULAR, "menu\n");
        bootFs.add(grub, "up", FileType.SYMLINK, "../../etc/os-release");
        PathResolver r = new PathResolver(Mounts.of(fs, Map.of("/boot", bootFs)));
        Resolved cfg = r.resolve("/boot/grub/GRUB.CFG", true);
        assertEquals("/boot/GRUB/grub.cfg", cfg.path(), "case-insensitive names keep their on-disk spelling");
        assertEquals(bootFs, cfg.fs());
        assertTrue(r.find("/boot/hidden", true).isEmpty(), "the mounted filesystem hides what is under it");
        Resolved up = r.resolve("/boot/GRUB/up", true);
        assertEquals("/etc/os-release", up.path());
        assertEquals(fs, up.fs());
    }
}
