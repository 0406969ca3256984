package io.vhdkit.image;

import io.vhdkit.check.Finding;
import io.vhdkit.fs.Mounts;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the image's filesystems are mounted on the running system: the root volume, and each other volume at the
 * place its {@code /etc/fstab} line puts it.
 *
 * @param root     the volume holding the operating system, if one was found
 * @param osFamily {@code "linux"} or {@code "windows"}, or null without a root
 * @param mounts   the filesystems for path resolution, root first
 * @param mounted  mount point to volume, for those fstab mapped onto volumes of the image
 * @param findings what could not be mapped, and the choices made
 */
public record MountLayout(Volume root, String osFamily, Mounts mounts, Map<String, Volume> mounted,
                          List<Finding> findings) {

    public MountLayout {
        mounted = Map.copyOf(mounted);
        findings = List.copyOf(findings);
    }

    public Optional<Volume> rootVolume() {
        return Optional.ofNullable(root);
    }
}
