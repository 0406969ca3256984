package io.vhdkit.vhdx;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.vhd.ParentCandidate;
import io.vhdkit.vhd.ParentNotFoundException;
import io.vhdkit.vhd.ParentResolver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opens a differencing VHDX with its parents (MS-VHDX 2.6.2.6.3): the parent is looked for by the locator's
 * relative_path beside the child (Windows separators, ".." allowed), then by volume_path and absolute_win32_path (as
 * paths on Windows; by their file name beside the child elsewhere, since images move between machines), then by the
 * relative path's file name beside the child. The first candidate that is a VHDX whose DataWriteGuid matches the
 * parent_linkage is the parent. A parent that is a VHD is refused (the spec allows only VHDX parents), as are chains
 * deeper than {@link #MAX_CHAIN_DEPTH} and loops (a file met twice).
 */
final class VhdxChain {

    /** Deeper chains are refused. Hyper-V checkpoint chains are rarely deeper than a few dozen. */
    static final int MAX_CHAIN_DEPTH = 128;

    private VhdxChain() {
    }

    static VhdxDisk open(Path path) throws IOException {
        VhdxDisk child = VhdxDisk.openFile(path);
        try {
            Set<Path> seen = new HashSet<>(Set.of(path.toRealPath()));
            List<Path> chain = new ArrayList<>(List.of(path));
            VhdxDisk current = child;
            Path currentPath = path;
            while (current.differencing()) {
                if (chain.size() >= MAX_CHAIN_DEPTH) {
                    throw new UnsupportedFormatException(chainRef("depth"), "the differencing chain is deeper than "
                            + MAX_CHAIN_DEPTH + " files: " + describe(chain));
                }
                Path parentPath = linkParent(current, currentPath, seen, chain);
                current = current.parent().orElseThrow();
                currentPath = parentPath;
                chain.add(parentPath);
                seen.add(parentPath.toRealPath());
            }
            return child;
        } catch (IOException | RuntimeException e) {
            try {
                child.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Finds, opens, checks and links {@code child}'s parent; returns its path. */
    private static Path linkParent(VhdxDisk child, Path childPath, Set<Path> seen, List<Path> chain)
            throws IOException {
        VhdxParentLocator locator = child.parentLocator().orElseThrow();
        List<ParentCandidate> candidates = candidates(locator, childPath);
        List<ParentCandidate> tried = new ArrayList<>();
        FormatException firstProblem = null;
        for (ParentCandidate c : candidates) {
            tried.add(c);
            if (!Files.isRegularFile(c.path())) {
                continue;
            }
            if (seen.contains(c.path().toRealPath())) {
                throw new CorruptFormatException(chainRef("cycle"), "differencing chain loop: " + describe(chain)
                        + " -> " + c.path() + " (" + c.via() + "), which is already in the chain");
            }
            if (!startsWithVhdx(c.path())) {
                if (looksLikeVhd(c.path())) {
                    throw new UnsupportedFormatException(chainRef("parent file"), "the parent " + c.path() + " ("
                            + c.via() + ") of the differencing VHDX " + childPath + " is a VHD: MS-VHDX allows only "
                            + "VHDX parents. Convert the parent to VHDX with the tool that made the chain, or merge "
                            + "the chain there");
                }
                if (firstProblem == null) {
                    firstProblem = new CorruptFormatException(chainRef("parent file"), "the parent " + c.path()
                            + " (" + c.via() + ") is not a VHDX");
                }
                continue;
            }
            VhdxDisk parent;
            try {
                parent = VhdxDisk.openFile(c.path());
            } catch (FormatException e) {
                if (firstProblem == null) {
                    firstProblem = new CorruptFormatException(chainRef("parent file"), "the parent " + c.path()
                            + " (" + c.via() + ") is unreadable: " + e.getMessage(), e);
                }
                continue;
            }
            try {
                child.link(parent, c.path() + " (" + c.via() + ")");
                return c.path();
            } catch (CorruptFormatException e) {
                parent.close();
                if (firstProblem == null) {
                    firstProblem = e;
                }
            }
        }
        if (firstProblem != null) {
            throw firstProblem;
        }
        Map<String, String> paths = locator.paths();
        throw new ParentNotFoundException(childPath.toString(), paths.values().iterator().next(), tried);
    }

    /** Where to look for the parent, in order, without duplicates. */
    static List<ParentCandidate> candidates(VhdxParentLocator locator, Path childPath) {
        Path dir = Optional.ofNullable(childPath.toAbsolutePath().getParent()).orElse(Path.of("."));
        Map<String, String> paths = locator.paths();
        Set<Path> seen = new LinkedHashSet<>();
        List<ParentCandidate> out = new ArrayList<>();
        String rel = paths.get(VhdxParentLocator.RELATIVE_PATH);
        if (rel != null && !rel.startsWith("\\\\")) {
            local(rel).filter(p -> !p.isAbsolute()).map(dir::resolve).map(Path::normalize)
                    .ifPresent(p -> add(out, seen, p, "relative_path"));
        }
        boolean windows = java.io.File.separatorChar == '\\';
        for (String key : List.of(VhdxParentLocator.VOLUME_PATH, VhdxParentLocator.ABSOLUTE_WIN32_PATH)) {
            String v = paths.get(key);
            if (v != null && windows) {
                local(v).ifPresent(p -> add(out, seen, p, key));
            }
        }
        for (String key : List.of(VhdxParentLocator.RELATIVE_PATH, VhdxParentLocator.VOLUME_PATH,
                VhdxParentLocator.ABSOLUTE_WIN32_PATH)) {
            ParentResolver.fileName(paths.get(key)).map(dir::resolve)
                    .ifPresent(p -> add(out, seen, p, key + " file name beside the child"));
        }
        return List.copyOf(out);
    }

    private static void add(List<ParentCandidate> out, Set<Path> seen, Path p, String via) {
        if (seen.add(p)) {
            out.add(new ParentCandidate(p, via));
        }
    }

    /** A Windows path as a local one (backslashes turned into the platform's separator). */
    private static Optional<Path> local(String text) {
        String local = java.io.File.separatorChar == '\\' ? text : text.replace('\\', '/');
        if (local.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(local));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static boolean startsWithVhdx(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return VhdxDisk.SIGNATURE.equals(new String(in.readNBytes(8), StandardCharsets.ISO_8859_1));
        }
    }

    /** A VHD footer ("conectix") at the end, or its copy at the start. */
    private static boolean looksLikeVhd(Path p) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(p)) {
            java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(8);
            ch.read(head);
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(8);
            if (ch.size() >= 512) {
                ch.position(ch.size() - 512);
                ch.read(tail);
            }
            return "conectix".equals(new String(head.array(), StandardCharsets.ISO_8859_1))
                    || "conectix".equals(new String(tail.array(), StandardCharsets.ISO_8859_1));
        }
    }

    private static FieldRef chainRef(String field) {
        return FieldRef.of("VHDX", "differencing chain", field, FieldRef.NO_OFFSET);
    }

    private static String describe(List<Path> chain) {
        return String.join(" -> ", chain.stream().map(Path::toString).toList());
    }
}
