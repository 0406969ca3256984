package io.vhdkit.vhd;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.io.ByteSource;
import io.vhdkit.io.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A VHD opened with its whole chain of parents, read as one virtual disk: fixed, dynamic, or differencing down to a
 * fixed or dynamic base. Each parent is found through {@link ParentResolver}, must carry the unique id the child
 * names, and may appear only once in the chain. All files are opened read-only.
 */
public final class VhdImage implements VirtualDisk {

    /** Chains deeper than this are refused. Hyper-V snapshots chains are rarely deeper than a few dozen. */
    public static final int MAX_CHAIN_DEPTH = 128;

    /**
     * One file of the chain.
     *
     * @param path the path it was opened from
     * @param file the opened file
     * @param via  how it was found from its child, or null for the image itself
     */
    public record Link(Path path, VhdFile file, String via) {
    }

    private final List<Link> chain;
    private final VirtualDisk disk;

    private VhdImage(List<Link> chain, VirtualDisk disk) {
        this.chain = List.copyOf(chain);
        this.disk = disk;
    }

    /** Opens the VHD at {@code path} and every parent it needs. */
    public static VhdImage open(Path path) throws IOException {
        return openChain(path, null);
    }

    /**
     * Opens the VHD whose bytes {@code source} gives (a compressed image read in place or through a temporary copy)
     * as if it were at {@code location}: its parents are looked for beside {@code location}. The source is closed
     * with the image, or on failure.
     */
    public static VhdImage open(Path location, ByteSource source) throws IOException {
        VhdFile file;
        try {
            file = VhdFile.open(source);
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
        return openChain(location, file);
    }

    private static VhdImage openChain(Path path, VhdFile first) throws IOException {
        List<Link> chain = new ArrayList<>();
        try {
            chain.add(new Link(path, first != null ? first : VhdFile.open(path), null));
            Set<Path> seen = new HashSet<>(Set.of(path.toRealPath()));
            Set<UUID> ids = new HashSet<>(Set.of(chain.get(0).file().footer().uniqueId()));
            while (last(chain).file().diskType() == DiskType.DIFFERENCING) {
                if (chain.size() >= MAX_CHAIN_DEPTH) {
                    throw new UnsupportedFormatException(chainRef(last(chain).file(), "depth"),
                            "the differencing chain is deeper than " + MAX_CHAIN_DEPTH + " files");
                }
                Link parent = openParent(last(chain), seen, ids, chain);
                chain.add(parent);
                seen.add(parent.path().toRealPath());
                ids.add(parent.file().footer().uniqueId());
            }
            return new VhdImage(chain, buildDisk(chain));
        } catch (IOException | RuntimeException e) {
            closeAll(chain, e);
            throw e;
        }
    }

    private static Link last(List<Link> chain) {
        return chain.get(chain.size() - 1);
    }

    /** Chain problems are reported on the child's parent unique id, the field that links it to its parent. */
    private static FieldRef chainRef(VhdFile child, String field) {
        return FieldRef.of("VHD", "differencing chain", field,
                child.headerOffset() + DynamicHeader.OFFSET_PARENT_UNIQUE_ID);
    }

    /**
     * Tries each candidate in turn; the first readable VHD with the expected unique id wins. A candidate that is the
     * child itself or one of its descendants is a cycle.
     */
    private static Link openParent(Link child, Set<Path> seen, Set<UUID> ids, List<Link> chain) throws IOException {
        DynamicHeader header = child.file().header().orElseThrow();
        UUID wanted = header.parentUniqueId();
        if (ids.contains(wanted)) {
            throw new CorruptFormatException(chainRef(child.file(), "cycle"), "differencing chain cycle: "
                    + describe(chain) + " names parent unique id " + wanted + ", which is already in the chain");
        }
        List<ParentCandidate> candidates = ParentResolver.candidates(child.file(), child.path());
        FormatException firstProblem = null;
        List<ParentCandidate> tried = new ArrayList<>();
        for (ParentCandidate c : candidates) {
            tried.add(c);
            if (!Files.isRegularFile(c.path())) {
                continue;
            }
            if (seen.contains(c.path().toRealPath())) {
                throw new CorruptFormatException(chainRef(child.file(), "cycle"), "differencing chain cycle: "
                        + describe(chain) + " -> " + c.path() + " (" + c.via() + ")");
            }
            VhdFile parent;
            try {
                parent = VhdFile.open(c.path());
            } catch (FormatException e) {
                if (firstProblem == null) {
                    firstProblem = new CorruptFormatException(chainRef(child.file(), "parent file"), "the parent " + c.path()
                            + " (" + c.via() + ") is unreadable: " + e.getMessage(), e);
                }
                continue;
            }
            UUID actual = parent.footer().uniqueId();
            if (actual.equals(wanted)) {
                return new Link(c.path(), parent, c.via());
            }
            parent.close();
            if (firstProblem == null) {
                firstProblem = new CorruptFormatException(chainRef(child.file(), "parent unique id"), actual.toString(),
                        wanted.toString(), "the parent " + c.path() + " (" + c.via() + ") has unique id " + actual
                        + " - should be " + wanted + ": it is not the disk this child was made from");
            }
        }
        if (firstProblem != null) {
            throw firstProblem;
        }
        throw new ParentNotFoundException(child.path().toString(), header.parentName(), tried);
    }

    private static String describe(List<Link> chain) {
        return chain.stream().map(l -> l.path().toString()).collect(Collectors.joining(" -> "));
    }

    private static VirtualDisk buildDisk(List<Link> chain) {
        VirtualDisk disk = null;
        for (int i = chain.size() - 1; i >= 0; i--) {
            VhdFile f = chain.get(i).file();
            disk = f.diskType() == DiskType.FIXED ? new FixedDisk(f) : new SparseDisk(f, disk);
        }
        return disk;
    }

    private static void closeAll(List<Link> chain, Throwable primary) {
        for (Link l : chain) {
            try {
                l.file().close();
            } catch (IOException e) {
                primary.addSuppressed(e);
            }
        }
    }

    /** The image itself first, then its parent, grandparent and so on. */
    public List<Link> chain() {
        return chain;
    }

    /** The image itself. */
    public VhdFile file() {
        return chain.get(0).file();
    }

    @Override
    public long size() {
        return disk.size();
    }

    /** Bytes read from all the files of the chain so far. */
    public long bytesRead() {
        return chain.stream().mapToLong(l -> l.file().source().bytesRead()).sum();
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        disk.read(position, dst);
    }

    @Override
    public List<Extent> allocatedExtents() throws IOException {
        return disk.allocatedExtents();
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Link l : chain) {
            try {
                l.file().close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
