package io.vhdkit.validator;

import io.vhdkit.check.Finding;
import io.vhdkit.format.FormatException;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.fs.Resolved;
import io.vhdkit.image.DiskImage;
import io.vhdkit.image.MountLayout;
import io.vhdkit.vhd.ParentNotFoundException;
import io.vhdkit.vhd.VhdChecker;
import io.vhdkit.vhd.VhdFile;
import io.vhdkit.vhd.VhdImage;
import io.vhdkit.io.ByteSource;
import io.vhdkit.io.SourceOpener;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything a rule may look at, opened lazily and once: the VHD file and its structural check, the disk's volumes
 * and mount layout, the OS root, file reads inside it, and the OS found. Reading stays within metadata and the few
 * files rules name, so that validation does not grow with the disk's size.
 */
public final class ImageContext implements Closeable {

    /** Files are read whole up to this size; larger ones are read in part by the rules that need it. */
    public static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

    private final Path image;
    private final SourceOpener opener;
    private final Profile profile;
    private final VhdFile vhd;
    private final FormatException vhdError;
    private List<Finding> structure;
    private DiskImage disk;
    private IOException diskError;
    private boolean diskTried;
    private OsInfo os;
    private final List<String> indeterminate = new ArrayList<>();
    private final Map<Class<?>, Object> shared = new HashMap<>();

    private ImageContext(Path image, SourceOpener opener, Profile profile, VhdFile vhd, FormatException vhdError) {
        this.image = image;
        this.opener = opener;
        this.profile = profile;
        this.vhd = vhd;
        this.vhdError = vhdError;
    }

    /**
     * Opens the image for validation.
     *
     * @throws IOException when the file cannot be read at all (a malformed VHD is not an exception: rules report it)
     */
    public static ImageContext open(Path image, Profile profile) throws IOException {
        return open(image, null, profile);
    }

    /**
     * Opens an image whose bytes {@code opener} gives (a compressed image read in place), named {@code image}: a
     * differencing disk's parents are looked for beside it. A null {@code opener} reads the file {@code image}.
     */
    public static ImageContext open(Path image, SourceOpener opener, Profile profile) throws IOException {
        try {
            return new ImageContext(image, opener, profile, opener == null ? VhdFile.open(image) : vhdOf(opener),
                    null);
        } catch (FormatException e) {
            return new ImageContext(image, opener, profile, null, e);
        }
    }

    private static VhdFile vhdOf(SourceOpener opener) throws IOException {
        ByteSource source = opener.open();
        try {
            return VhdFile.open(source);
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    public Path image() {
        return image;
    }

    public Profile profile() {
        return profile;
    }

    /** The VHD, when it opened. */
    public Optional<VhdFile> vhd() {
        return Optional.ofNullable(vhd);
    }

    /** Why the file is not a readable VHD, when it is not. */
    public Optional<FormatException> vhdError() {
        return Optional.ofNullable(vhdError);
    }

    /** What {@code vhdkit check} finds, computed once. */
    public synchronized List<Finding> structure() throws IOException {
        if (structure == null) {
            structure = opener == null ? new VhdChecker().check(image) : new VhdChecker().check(image, opener);
        }
        return structure;
    }

    /** The disk's volumes and layout, when the VHD and its chain open. */
    public synchronized Optional<DiskImage> disk() {
        if (!diskTried) {
            diskTried = true;
            if (vhd != null || isVhdx()) {
                try {
                    disk = opener == null ? DiskImage.open(image) : inPlace();
                } catch (FormatException | ParentNotFoundException e) {
                    diskError = e;
                } catch (IOException e) {
                    diskError = e;
                }
            }
        }
        return Optional.ofNullable(disk);
    }

    private DiskImage inPlace() throws IOException {
        VhdImage chain = VhdImage.open(image, opener.open());
        try {
            return DiskImage.of(image.toString(), chain, chain::bytesRead, chain);
        } catch (IOException | RuntimeException e) {
            chain.close();
            throw e;
        }
    }

    /** A VHDX is not a VHD (the container rules say so), but its content is read for the OS rules. */
    private boolean isVhdx() {
        if (opener != null) {
            return false;   // a compressed VHDX is read through a temporary copy
        }
        try {
            return DiskImage.isVhdx(image);
        } catch (IOException e) {
            return false;
        }
    }

    /** Why the disk's volumes could not be read, if they could not. */
    public synchronized Optional<IOException> diskError() {
        disk();
        return Optional.ofNullable(diskError);
    }

    /** The mount layout (root, fstab mounts), when the disk reads. */
    public Optional<MountLayout> layout() throws IOException {
        Optional<DiskImage> d = disk();
        return d.isPresent() ? Optional.of(d.get().layout()) : Optional.empty();
    }

    /** Paths as the running system sees them, when an OS root was found. */
    public Optional<PathResolver> root() throws IOException {
        Optional<MountLayout> l = layout();
        if (l.isEmpty() || l.get().rootVolume().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PathResolver(l.get().mounts()));
    }

    /** The OS found, computed once. */
    public synchronized OsInfo os() throws IOException {
        if (os == null) {
            os = OsDetector.detect(this);
        }
        return os;
    }

    /** The file at {@code path} (symlinks followed), or empty when it, or the root, does not exist. */
    public Optional<Resolved> find(String path) throws IOException {
        Optional<PathResolver> r = root();
        if (r.isEmpty()) {
            return Optional.empty();
        }
        try {
            return r.get().find(path, true);
        } catch (FileSystemLoopException e) {
            return Optional.empty();
        }
    }

    /** The entry at {@code path} itself, a symlink not followed. */
    public Optional<Resolved> findNoFollow(String path) throws IOException {
        Optional<PathResolver> r = root();
        if (r.isEmpty()) {
            return Optional.empty();
        }
        try {
            return r.get().find(path, false);
        } catch (FileSystemLoopException e) {
            return Optional.empty();
        }
    }

    public boolean isFile(String path) throws IOException {
        return find(path).map(f -> f.node().type() == FileType.REGULAR).orElse(false);
    }

    public boolean isDirectory(String path) throws IOException {
        return find(path).map(f -> f.node().type() == FileType.DIRECTORY).orElse(false);
    }

    /** A regular file's bytes, up to {@code max} (the head of a longer file), or empty when it is not a file. */
    public Optional<byte[]> read(String path, int max) throws IOException {
        Optional<Resolved> f = find(path);
        if (f.isEmpty() || f.get().node().type() != FileType.REGULAR) {
            return Optional.empty();
        }
        int n = (int) Math.min(Math.min(max, MAX_FILE_BYTES), f.get().node().stat().size());
        byte[] out = new byte[n];
        try (InputStream in = FsFiles.newInputStream(f.get().fs(), f.get().node())) {
            int got = in.readNBytes(out, 0, n);
            return Optional.of(got == n ? out : Arrays.copyOf(out, got));
        }
    }

    /** A text file (UTF-8), up to {@link #MAX_FILE_BYTES}. */
    public Optional<String> readText(String path) throws IOException {
        return read(path, MAX_FILE_BYTES).map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The names in a directory, or empty when it is not one. */
    public List<DirEntry> list(String path) throws IOException {
        Optional<Resolved> d = find(path);
        if (d.isEmpty() || d.get().node().type() != FileType.DIRECTORY) {
            return List.of();
        }
        return d.get().fs().list(d.get().node());
    }

    /**
     * What several rules of a family share (the Windows registry and its readings, ...), made once per image by
     * {@code make} on first use. {@code make} should be cheap: the object it returns reads the image lazily.
     */
    public synchronized <T> T shared(Class<T> type, Function<ImageContext, T> make) {
        Object o = shared.get(type);
        if (o == null) {
            o = make.apply(this);
            shared.put(type, o);
        }
        return type.cast(o);
    }

    /** Says that a rule could not tell, so that the OS state is reported as unknown rather than guessed. */
    public synchronized void indeterminate(String why) {
        indeterminate.add(why);
    }

    public synchronized List<String> indeterminateReasons() {
        return List.copyOf(indeterminate);
    }

    /** Bytes read from the image so far. */
    public long bytesRead() {
        long n = vhd == null ? 0 : vhd.source().bytesRead();
        return n + (disk == null ? 0 : disk.bytesRead());
    }

    @Override
    public void close() throws IOException {
        try {
            if (disk != null) {
                disk.close();
            }
        } finally {
            if (vhd != null) {
                vhd.close();
            }
        }
    }
}
