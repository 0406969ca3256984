package io.vhdkit.validator.linux;

import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.Resolved;
import io.vhdkit.validator.ImageContext;
import io.vhdkit.validator.linux.LinuxConfig.PasswdEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Facts about the Linux root of an image that several rules share: its accounts, its systemd units, its provisioning
 * agents and their configuration. Reads only the few files it names.
 */
public final class LinuxSystem {

    /** systemd unit directories whose {@code *.wants} links enable units ({@code systemctl enable}, presets). */
    static final List<String> UNIT_DIRS = List.of("/etc/systemd/system", "/usr/lib/systemd/system",
            "/lib/systemd/system");
    /** Directories listed at most when looking for {@code *.wants} links. */
    static final int MAX_WANTS_DIRS = 200;
    public static final List<String> WAAGENT_UNITS = List.of("walinuxagent.service", "waagent.service");
    public static final List<String> CLOUD_INIT_UNITS = List.of("cloud-init-local.service", "cloud-init.service",
            "cloud-init-main.service", "cloud-init-network.service");

    private final ImageContext ctx;

    public LinuxSystem(ImageContext ctx) {
        this.ctx = ctx;
    }

    public List<PasswdEntry> passwd() throws IOException {
        return ctx.readText("/etc/passwd").map(LinuxConfig::passwd).orElse(List.of());
    }

    public long uidMin() throws IOException {
        return ctx.readText("/etc/login.defs").map(LinuxConfig::uidMin).orElse(1000L);
    }

    /** The size of a regular file (symlinks followed), or empty when it is not one. */
    public Optional<Long> fileSize(String path) throws IOException {
        Optional<Resolved> f = ctx.find(path);
        return f.filter(r -> r.node().type() == FileType.REGULAR).map(r -> r.node().stat().size());
    }

    public boolean waagentInstalled() throws IOException {
        return ctx.isFile("/usr/sbin/waagent") || ctx.isFile("/usr/bin/waagent") || ctx.isFile("/usr/local/sbin/waagent");
    }

    public boolean cloudInitInstalled() throws IOException {
        return ctx.isFile("/usr/bin/cloud-init") || ctx.isFile("/usr/local/bin/cloud-init");
    }

    /** The first of {@code units} that is enabled, or empty. */
    public Optional<String> enabledUnit(List<String> units) throws IOException {
        for (String unit : units) {
            if (enabled(unit)) {
                return Optional.of(unit);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a systemd unit is enabled: a link to it in a {@code *.wants} directory of the unit directories, and it
     * is not masked (linked to /dev/null in /etc/systemd/system). On a root without systemd, an {@code S??name} link
     * in {@code /etc/rc2.d} to {@code rc5.d} counts.
     */
    public boolean enabled(String unit) throws IOException {
        var masked = ctx.findNoFollow("/etc/systemd/system/" + unit);
        if (masked.isPresent() && masked.get().node().type() == FileType.SYMLINK
                && masked.get().fs().readLink(masked.get().node()).equals("/dev/null")) {
            return false;
        }
        int listed = 0;
        for (String dir : UNIT_DIRS) {
            for (DirEntry e : ctx.list(dir)) {
                if (e.name().endsWith(".wants") && listed++ < MAX_WANTS_DIRS
                        && ctx.findNoFollow(dir + "/" + e.name() + "/" + unit).isPresent()) {
                    return true;
                }
            }
        }
        String script = unit.replace(".service", "");
        for (int level = 2; level <= 5; level++) {
            for (DirEntry e : ctx.list("/etc/rc" + level + ".d")) {
                if (e.name().matches("S\\d\\d" + java.util.regex.Pattern.quote(script))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Why cloud-init would not run though its units are enabled: its disable file, or empty. */
    public Optional<String> cloudInitDisabledBy() throws IOException {
        if (ctx.findNoFollow("/etc/cloud/cloud-init.disabled").isPresent()) {
            return Optional.of("/etc/cloud/cloud-init.disabled exists");
        }
        return Optional.empty();
    }

    /** /etc/waagent.conf, or empty. */
    public Optional<java.util.Map<String, String>> waagentConf() throws IOException {
        return ctx.readText("/etc/waagent.conf").map(LinuxConfig::waagentConf);
    }

    /** cloud-init's config files in the order it merges them: cloud.cfg, then cloud.cfg.d/*.cfg sorted. */
    public List<String> cloudConfigFiles() throws IOException {
        List<String> out = new ArrayList<>();
        if (ctx.isFile("/etc/cloud/cloud.cfg")) {
            out.add("/etc/cloud/cloud.cfg");
        }
        TreeMap<String, String> parts = new TreeMap<>();
        for (DirEntry e : ctx.list("/etc/cloud/cloud.cfg.d")) {
            if (e.name().endsWith(".cfg")) {
                parts.put(e.name(), "/etc/cloud/cloud.cfg.d/" + e.name());
            }
        }
        for (String p : parts.values()) {
            if (ctx.isFile(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** A top-level cloud-init setting after merging, with the file that set it last. */
    public Optional<String[]> cloudConfig(String key) throws IOException {
        Optional<String[]> found = Optional.empty();
        for (String f : cloudConfigFiles()) {
            Optional<String> v = ctx.readText(f).flatMap(t -> LinuxConfig.yamlTopLevel(t, key));
            if (v.isPresent()) {
                found = Optional.of(new String[] {v.get(), f});
            }
        }
        return found;
    }
}
