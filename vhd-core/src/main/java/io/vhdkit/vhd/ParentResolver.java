package io.vhdkit.vhd;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where to look for a differencing disk's parent, in the order Hyper-V and DiscUtils use: the relative locators
 * (W2ru, then the deprecated Wi2r), the absolute ones (W2ku, Wi2k, MacX), then the header's parent name in the
 * child's directory. Windows paths have their backslashes turned into the platform's separator; a drive-letter path
 * is also tried by its file name beside the child, since images move between machines.
 */
public final class ParentResolver {

    private ParentResolver() {
    }

    /** The candidate paths for the parent of {@code child}, which was opened from {@code childPath}. */
    public static List<ParentCandidate> candidates(VhdFile child, Path childPath) {
        Path dir = Optional.ofNullable(childPath.toAbsolutePath().getParent()).orElse(Path.of("."));
        Set<Path> seen = new LinkedHashSet<>();
        List<ParentCandidate> out = new ArrayList<>();
        for (PlatformCode code : List.of(PlatformCode.W2RU, PlatformCode.WI2R)) {
            for (ParentLocator loc : locators(child, code)) {
                windowsPath(loc.path()).map(dir::resolve).map(Path::normalize)
                        .ifPresent(p -> add(out, seen, p, code.fourCC().text() + " locator"));
            }
        }
        for (PlatformCode code : List.of(PlatformCode.W2KU, PlatformCode.WI2K)) {
            for (ParentLocator loc : locators(child, code)) {
                windowsPath(loc.path()).filter(Path::isAbsolute).map(Path::normalize)
                        .ifPresent(p -> add(out, seen, p, code.fourCC().text() + " locator"));
            }
        }
        for (ParentLocator loc : locators(child, PlatformCode.MACX)) {
            fileUrl(loc.path()).ifPresent(p -> add(out, seen, p, "MacX locator"));
        }
        String name = child.header().map(DynamicHeader::parentName).orElse("");
        fileName(name).map(dir::resolve).ifPresent(p -> add(out, seen, p, "parent name beside the child"));
        for (PlatformCode code : List.of(PlatformCode.W2KU, PlatformCode.WI2K)) {
            for (ParentLocator loc : locators(child, code)) {
                fileName(loc.path()).map(dir::resolve)
                        .ifPresent(p -> add(out, seen, p, code.fourCC().text() + " file name beside the child"));
            }
        }
        return List.copyOf(out);
    }

    private static void add(List<ParentCandidate> out, Set<Path> seen, Path p, String via) {
        if (seen.add(p)) {
            out.add(new ParentCandidate(p, via));
        }
    }

    private static List<ParentLocator> locators(VhdFile child, PlatformCode code) {
        return child.parentLocators().stream()
                .filter(l -> l.platform().orElse(null) == code && l.path() != null && !l.path().isBlank())
                .toList();
    }

    /**
     * A Windows path as a local path: separators converted; a drive-letter path stays absolute only on Windows
     * ({@code C:\images\p.vhd} is not a path on Linux).
     */
    static Optional<Path> windowsPath(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        boolean drive = text.length() >= 2 && Character.isLetter(text.charAt(0)) && text.charAt(1) == ':';
        boolean windows = java.io.File.separatorChar == '\\';
        if (drive && !windows) {
            return Optional.empty();
        }
        String local = windows ? text : text.replace('\\', '/');
        try {
            return Optional.of(Path.of(local));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** The last component of a Windows or POSIX path, if it is a usable file name (VHD and VHDX parent locators). */
    public static Optional<String> fileName(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String name = text.substring(Math.max(text.lastIndexOf('\\'), text.lastIndexOf('/')) + 1);
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0
                || name.indexOf(':') >= 0) {
            return Optional.empty();
        }
        return Optional.of(name);
    }

    /** A {@code file://} URL (RFC 2396) as a local path. */
    static Optional<Path> fileUrl(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text);
            if (!"file".equalsIgnoreCase(uri.getScheme()) || uri.getPath() == null) {
                return Optional.empty();
            }
            return Optional.of(Path.of(uri.getPath()));
        } catch (URISyntaxException | InvalidPathException e) {
            return Optional.empty();
        }
    }
}
