package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImagePathsTest {

    @Test
    void posixAndWindowsForms() {
        assertEquals(Optional.of("/etc/fstab"), ImagePaths.toPosix("/etc/fstab"));
        assertEquals(Optional.of("/Windows/System32/config"), ImagePaths.toPosix("C:\\Windows\\System32\\config"));
        assertEquals(Optional.of("/Windows/win.ini"), ImagePaths.toPosix("\\Windows\\win.ini"));
        assertEquals(Optional.of("/Windows/System32"), ImagePaths.toPosix("c:/Windows/System32"));
        assertEquals(Optional.of("/"), ImagePaths.toPosix("C:\\"));
        assertEquals(Optional.of("/"), ImagePaths.toPosix("C:"));
        assertEquals(Optional.of("/odd\\name"), ImagePaths.toPosix("/odd\\name"), "a POSIX name may hold a backslash");
        assertEquals(Optional.empty(), ImagePaths.toPosix("etc/fstab"));
        assertEquals(Optional.empty(), ImagePaths.toPosix("Windows\\System32"));
    }
}
