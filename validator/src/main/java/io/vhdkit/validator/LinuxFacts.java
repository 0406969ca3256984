package io.vhdkit.validator;

import io.vhdkit.fs.FileType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Facts about a Linux root that several rules and the OS report share. */
final class LinuxFacts {

    /** Where systemd unit links live, system-wide (systemctl enable writes these). */
    static final List<String> WANTS_DIRS = List.of("/etc/systemd/system/multi-user.target.wants",
            "/etc/systemd/system/cloud-init.target.wants", "/etc/systemd/system/network-online.target.wants",
            "/etc/systemd/system/default.target.wants");

    private LinuxFacts() {
    }

    /** {@code systemd}, {@code sysvinit}, or null, from what {@code /sbin/init} is. */
    static String init(ImageContext ctx) throws IOException {
        var init = ctx.findNoFollow("/sbin/init");
        if (init.isEmpty()) {
            init = ctx.findNoFollow("/usr/sbin/init");
        }
        if (init.isPresent() && init.get().node().type() == FileType.SYMLINK) {
            String target = init.get().fs().readLink(init.get().node());
            if (target.contains("systemd")) {
                return "systemd";
            }
        }
        if (ctx.isDirectory("/usr/lib/systemd/system") || ctx.isDirectory("/lib/systemd/system")) {
            return "systemd";
        }
        return init.isPresent() ? "sysvinit" : null;
    }

    /** The agents installed: {@code waagent}, {@code cloud-init}. */
    static List<String> agents(ImageContext ctx) throws IOException {
        List<String> out = new ArrayList<>();
        if (waagentInstalled(ctx)) {
            out.add("waagent");
        }
        if (cloudInitInstalled(ctx)) {
            out.add("cloud-init");
        }
        return out;
    }

    static boolean waagentInstalled(ImageContext ctx) throws IOException {
        return ctx.isFile("/usr/sbin/waagent") || ctx.isFile("/usr/bin/waagent");
    }

    static boolean cloudInitInstalled(ImageContext ctx) throws IOException {
        return ctx.isFile("/usr/bin/cloud-init") || ctx.isFile("/usr/local/bin/cloud-init");
    }

    /** Whether a systemd unit is enabled: a link to it in one of the usual {@code *.wants} directories. */
    static boolean enabled(ImageContext ctx, String unit) throws IOException {
        for (String dir : WANTS_DIRS) {
            if (ctx.findNoFollow(dir + "/" + unit).isPresent()) {
                return true;
            }
        }
        return false;
    }
}
