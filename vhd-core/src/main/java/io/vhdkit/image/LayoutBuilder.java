package io.vhdkit.image;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.fs.FileSystem;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.Mounts;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.fs.Resolved;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the root filesystem (the volume with {@code /etc/os-release} or {@code /usr/lib/os-release} for Linux,
 * {@code /Windows/System32/config} for Windows) and maps the root's {@code /etc/fstab} onto the image's volumes, by
 * UUID, label, PARTUUID, PARTLABEL or device path, as systemd-fstab-generator would at boot.
 */
final class LayoutBuilder {

    /** fstab is read whole up to this size. */
    static final int MAX_FSTAB_BYTES = 1024 * 1024;

    private static final Pattern DISK_PARTITION = Pattern.compile("/dev/(?:[shv]d|xvd)[a-z]+(\\d+)");
    private static final Pattern NVME_PARTITION = Pattern.compile("/dev/nvme\\d+n\\d+p(\\d+)");

    private final DiskImage image;
    private final List<Finding> findings = new ArrayList<>();

    LayoutBuilder(DiskImage image) {
        this.image = image;
    }

    private record Root(Volume volume, FileSystem fs, String family) {
    }

    MountLayout build() throws IOException {
        List<Root> roots = new ArrayList<>();
        for (Volume v : image.volumes()) {
            Optional<FileSystem> fs = image.fileSystemIfReadable(v);
            if (fs.isEmpty()) {
                image.fileSystemProblem(v).ifPresent(e -> findings.add(Finding.of(Severity.WARNING, e)));
                continue;
            }
            rootFamily(fs.get()).ifPresent(family -> roots.add(new Root(v, fs.get(), family)));
        }
        if (roots.isEmpty()) {
            findings.add(finding("layout.no-root", Severity.INFO, 0, "no volume holds an operating system: none has "
                    + "/etc/os-release, /usr/lib/os-release or /Windows/System32/config"));
            return new MountLayout(null, null, null, Map.of(), findings);
        }
        Root root = roots.stream().filter(r -> r.family().equals("linux")).findFirst().orElse(roots.get(0));
        if (roots.size() > 1) {
            findings.add(finding("layout.several-roots", Severity.INFO, 0, "several volumes hold an operating system ("
                    + String.join(", ", roots.stream().map(r -> r.volume().id() + " " + r.family()).toList())
                    + "); " + root.volume().id() + " is taken as the root"));
        }
        Map<String, Volume> mounted = new LinkedHashMap<>();
        Map<String, FileSystem> points = new LinkedHashMap<>();
        if (root.family().equals("linux")) {
            mapFstab(root, mounted, points);
        }
        return new MountLayout(root.volume(), root.family(), Mounts.of(root.fs(), points), mounted, findings);
    }

    private static Optional<String> rootFamily(FileSystem fs) throws IOException {
        PathResolver r = new PathResolver(fs);
        try {
            for (String p : List.of("/etc/os-release", "/usr/lib/os-release")) {
                Optional<Resolved> f = r.find(p, true);
                if (f.isPresent() && f.get().node().type() == FileType.REGULAR) {
                    return Optional.of("linux");
                }
            }
            Optional<Resolved> config = r.find("/Windows/System32/config", true);
            if (config.isPresent() && config.get().node().type() == FileType.DIRECTORY) {
                return Optional.of("windows");
            }
        } catch (FormatException | java.nio.file.FileSystemLoopException e) {
            return Optional.empty(); // a damaged or looping tree is no root to work from
        }
        return Optional.empty();
    }

    private void mapFstab(Root root, Map<String, Volume> mounted, Map<String, FileSystem> points) throws IOException {
        Optional<Resolved> fstab = new PathResolver(root.fs()).find("/etc/fstab", true);
        if (fstab.isEmpty() || fstab.get().node().type() != FileType.REGULAR) {
            findings.add(finding("fstab.missing", Severity.INFO, 0, "the root has no /etc/fstab: only the root "
                    + "filesystem is mounted"));
            return;
        }
        byte[] text;
        try {
            text = FsFiles.readAll(root.fs(), fstab.get().node(), MAX_FSTAB_BYTES);
        } catch (FormatException e) {
            findings.add(Finding.of(Severity.WARNING, e));
            return;
        }
        for (FstabEntry e : Fstab.parse(text)) {
            if (!e.mountsImageFilesystem()) {
                continue;
            }
            Optional<Volume> v = match(e);
            if (e.mountPoint().equals("/")) {
                if (v.isPresent() && !v.get().equals(root.volume())) {
                    findings.add(finding("fstab.root-mismatch", Severity.WARNING, e.line(), "/etc/fstab line "
                            + e.line() + " mounts " + v.get().id() + " at /, but the operating system was found on "
                            + root.volume().id()));
                }
                continue;
            }
            if (v.isEmpty()) {
                findings.add(finding("fstab.no-volume", Severity.WARNING, e.line(), "/etc/fstab line "
                        + e.line() + ": " + e.spec() + " (" + e.mountPoint() + ") matches no volume of the image; "
                        + e.mountPoint() + " is read from the filesystem below it"));
                continue;
            }
            if (mounted.containsKey(e.mountPoint())) {
                findings.add(finding("fstab.duplicate", Severity.WARNING, e.line(), "/etc/fstab line "
                        + e.line() + " mounts " + e.mountPoint() + " a second time; the first line is kept"));
                continue;
            }
            try {
                points.put(e.mountPoint(), image.fileSystem(v.get()));
                mounted.put(e.mountPoint(), v.get());
            } catch (FormatException ex) {
                findings.add(finding("fstab.unreadable-volume", Severity.WARNING, e.line(), "/etc/fstab line "
                        + e.line() + " mounts " + v.get().id() + " at " + e.mountPoint() + ", but it cannot be read: "
                        + ex.getMessage()));
            }
        }
    }

    /** The volume an fstab line names. */
    private Optional<Volume> match(FstabEntry e) throws IOException {
        String value = e.value();
        for (Volume v : image.volumes()) {
            boolean hit = switch (e.kind()) {
                case UUID -> fsMatches(v, true, value);
                case LABEL -> fsMatches(v, false, value);
                case PARTUUID -> v.partitionRef().map(p -> value.equalsIgnoreCase(p.partUuid())).orElse(false);
                case PARTLABEL -> v.partitionRef().map(p -> value.equals(p.name())).orElse(false);
                case DEVICE -> deviceMatches(v, value, e);
                case OTHER -> false;
            };
            if (hit) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private boolean fsMatches(Volume v, boolean byUuid, String value) throws IOException {
        Optional<FileSystem> fs = image.fileSystemIfReadable(v);
        if (fs.isEmpty()) {
            return false;
        }
        String actual = byUuid ? fs.get().info().uuid() : fs.get().info().label();
        return actual != null && (byUuid ? actual.equalsIgnoreCase(value) : actual.equals(value));
    }

    private boolean deviceMatches(Volume v, String device, FstabEntry e) {
        if (v.lvRef().isPresent()) {
            Volume.LogicalVolumeRef lv = v.lvRef().get();
            return device.equals("/dev/mapper/" + lv.mapperName()) || device.equals("/dev/" + lv.vg() + "/" + lv.lv());
        }
        if (v.partitionRef().isEmpty()) {
            return false;
        }
        for (Pattern p : List.of(DISK_PARTITION, NVME_PARTITION)) {
            Matcher m = p.matcher(device);
            if (m.matches() && m.group(1).length() < 4 && Integer.parseInt(m.group(1)) == v.partitionRef().get().index()) {
                findings.add(finding("fstab.device-name", Severity.INFO, e.line(), "/etc/fstab line " + e.line()
                        + " names " + device + ": taken as partition " + v.partitionRef().get().index()
                        + " of this disk, as if it were the first disk"));
                return true;
            }
        }
        return false;
    }

    /** A finding about the layout; {@code line} is the fstab line it concerns, or 0. */
    private static Finding finding(String code, Severity severity, int line, String message) {
        FieldRef where = FieldRef.of("image", line > 0 ? "/etc/fstab" : "layout", line > 0 ? "line " + line : "",
                FieldRef.NO_OFFSET);
        return new Finding(code, severity, where, null, null, message);
    }
}
