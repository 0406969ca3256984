package io.vhdkit.cli;

import java.util.Optional;

/** Paths typed by users for files inside an image: POSIX ({@code /etc/fstab}) or Windows ({@code C:\Windows}). */
final class ImagePaths {

    private ImagePaths() {
    }

    /**
     * The absolute POSIX path for {@code typed}: {@code C:\Windows\System32} and {@code \Windows\System32} become
     * {@code /Windows/System32} (the drive letter is taken as the image's root volume); a path with backslashes and
     * no slash is a Windows path too. Empty when the path is relative.
     */
    static Optional<String> toPosix(String typed) {
        String p = typed;
        if (p.length() >= 2 && Character.isLetter(p.charAt(0)) && p.charAt(1) == ':') {
            p = p.substring(2);
            if (p.isEmpty()) {
                p = "\\";
            }
        }
        if (p.indexOf('\\') >= 0 && (p.startsWith("\\") || p.indexOf('/') < 0)) {
            p = p.replace('\\', '/');
        }
        return p.startsWith("/") ? Optional.of(p) : Optional.empty();
    }
}
