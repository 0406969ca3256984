package io.vhdkit.image;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One line of {@code /etc/fstab} (fstab(5)): what to mount, where, as what.
 *
 * @param spec       the first field, unescaped: {@code UUID=...}, {@code LABEL=...}, {@code PARTUUID=...},
 *                   {@code PARTLABEL=...} or a device path
 * @param mountPoint the second field, unescaped ({@code \040} is a space)
 * @param type       the filesystem type ({@code ext4}, {@code vfat}, {@code swap}, {@code none})
 * @param options    the mount options
 * @param line       the line number, for messages
 */
public record FstabEntry(String spec, String mountPoint, String type, List<String> options, int line) {

    public FstabEntry {
        Objects.requireNonNull(spec);
        Objects.requireNonNull(mountPoint);
        Objects.requireNonNull(type);
        options = List.copyOf(options);
    }

    /** How the first field names the volume. */
    public enum Kind { UUID, LABEL, PARTUUID, PARTLABEL, DEVICE, OTHER }

    public Kind kind() {
        String upper = spec.toUpperCase(Locale.ROOT);
        for (Kind k : List.of(Kind.UUID, Kind.LABEL, Kind.PARTUUID, Kind.PARTLABEL)) {
            if (upper.startsWith(k.name() + "=")) {
                return k;
            }
        }
        if (spec.startsWith("/dev/disk/by-uuid/")) {
            return Kind.UUID;
        }
        if (spec.startsWith("/dev/disk/by-label/")) {
            return Kind.LABEL;
        }
        if (spec.startsWith("/dev/disk/by-partuuid/")) {
            return Kind.PARTUUID;
        }
        if (spec.startsWith("/dev/disk/by-partlabel/")) {
            return Kind.PARTLABEL;
        }
        return spec.startsWith("/dev/") ? Kind.DEVICE : Kind.OTHER;
    }

    /** The value after {@code UUID=} (quotes removed) or after {@code /dev/disk/by-uuid/}, etc. */
    public String value() {
        int eq = spec.indexOf('=');
        String v;
        if (kind() == Kind.DEVICE || kind() == Kind.OTHER) {
            v = spec;
        } else if (spec.startsWith("/dev/disk/")) {
            v = Fstab.unescapeUdev(spec.substring(spec.lastIndexOf('/') + 1));
        } else {
            v = spec.substring(eq + 1);
        }
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            v = v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** Whether this line mounts a filesystem of the image at an absolute path (not swap, proc, tmpfs, a bind). */
    public boolean mountsImageFilesystem() {
        if (!mountPoint.startsWith("/") || type.equals("swap") || options.contains("bind")
                || options.contains("rbind")) {
            return false;
        }
        return switch (type) {
            case "proc", "sysfs", "tmpfs", "devpts", "devtmpfs", "none", "nfs", "nfs4", "cifs", "smb3", "fuse",
                    "efivarfs", "debugfs", "securityfs", "cgroup", "cgroup2", "mqueue", "hugetlbfs", "overlay",
                    "squashfs", "iso9660", "udf" -> false;
            default -> true;
        };
    }
}
