package io.vhdkit.validator;

import io.vhdkit.fs.DirEntry;
import io.vhdkit.image.MountLayout;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Finds the OS on the image: for Linux, os-release (name, id, version), the installed kernels, the init system and
 * the provisioning agents with their systemd enablement; for Windows, the product from the registry (see the
 * Windows rules' support).
 */
final class OsDetector {

    private OsDetector() {
    }

    static OsInfo detect(ImageContext ctx) throws IOException {
        Optional<MountLayout> layout = ctx.layout();
        if (layout.isEmpty() || layout.get().rootVolume().isEmpty()) {
            // a Windows system volume encrypted with BitLocker, next to the boot manager that starts it
            return WindowsFacts.of(ctx).encryptedSystemVolume().isPresent() ? windows(ctx) : OsInfo.NONE;
        }
        return "windows".equals(layout.get().osFamily()) ? windows(ctx) : linux(ctx);
    }

    private static OsInfo linux(ImageContext ctx) throws IOException {
        Map<String, String> release = new LinkedHashMap<>();
        Optional<String> text = ctx.readText("/etc/os-release");
        if (text.isEmpty()) {
            text = ctx.readText("/usr/lib/os-release");
        }
        text.ifPresent(t -> release.putAll(OsRelease.parse(t)));
        Map<String, String> details = new LinkedHashMap<>();
        put(details, "id", release.get("ID"));
        put(details, "idLike", release.get("ID_LIKE"));
        put(details, "versionCodename", release.get("VERSION_CODENAME"));
        TreeSet<String> kernels = new TreeSet<>();
        for (DirEntry e : ctx.list("/lib/modules")) {
            kernels.add(e.name());
        }
        for (DirEntry e : ctx.list("/boot")) {
            if (e.name().startsWith("vmlinuz-")) {
                kernels.add(e.name().substring("vmlinuz-".length()));
            }
        }
        if (!kernels.isEmpty()) {
            details.put("kernels", String.join(" ", kernels));
        }
        put(details, "init", LinuxFacts.init(ctx));
        List<String> agents = LinuxFacts.agents(ctx);
        if (!agents.isEmpty()) {
            details.put("agents", String.join(" ", agents));
        }
        String name = release.getOrDefault("PRETTY_NAME", release.getOrDefault("NAME", "Linux"));
        return new OsInfo(OsFamily.LINUX, name, release.get("VERSION_ID"), details);
    }

    private static OsInfo windows(ImageContext ctx) throws IOException {
        return WindowsFacts.os(ctx);
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }
}
