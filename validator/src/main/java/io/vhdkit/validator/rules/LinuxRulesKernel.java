package io.vhdkit.validator.rules;

import io.vhdkit.check.Severity;
import io.vhdkit.format.FormatException;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.Resolved;
import io.vhdkit.validator.Hit;
import io.vhdkit.validator.ImageContext;
import io.vhdkit.validator.linux.Initramfs;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** The Linux kernel rules: the Hyper-V drivers an Azure VM needs before its root is mounted. */
final class LinuxRulesKernel {

    private LinuxRulesKernel() {
    }

    /** A Hyper-V driver: its module, the kconfig option that builds it, and whether its absence is an error. */
    record Driver(String module, String option, boolean required, String role) {
    }

    static final List<Driver> DRIVERS = List.of(
            new Driver("hv_vmbus", "CONFIG_HYPERV", true, "the VMBus every Hyper-V device sits on"),
            new Driver("hv_storvsc", "CONFIG_HYPERV_STORAGE", true, "the disk controller"),
            new Driver("hv_netvsc", "CONFIG_HYPERV_NET", false, "the network adapter"));

    /** Kernels looked at, at most. */
    static final int MAX_KERNELS = 16;

    static final class HypervDrivers extends BaseRule {
        HypervDrivers() {
            super("linux/hyperv-drivers", Scope.LINUX, "Each installed kernel has the Hyper-V drivers (hv_vmbus, "
                            + "hv_storvsc, hv_netvsc) built in or in its initramfs",
                    "put the drivers in the initramfs and rebuild it: on Debian and Ubuntu add hv_vmbus, hv_storvsc "
                            + "and hv_netvsc to /etc/initramfs-tools/modules and run `update-initramfs -u -k all`; "
                            + "with dracut add `add_drivers+=\" hv_vmbus hv_netvsc hv_storvsc \"` to /etc/dracut.conf "
                            + "and run `dracut -f -v --regenerate-all`", Severity.ERROR, Severity.ERROR, null);
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            TreeSet<String> kernels = new TreeSet<>();
            for (DirEntry e : ctx.list("/lib/modules")) {
                if (ctx.isDirectory("/lib/modules/" + e.name() + "/kernel")
                        || ctx.isFile("/lib/modules/" + e.name() + "/modules.builtin")) {
                    kernels.add(e.name());
                }
            }
            for (DirEntry e : ctx.list("/boot")) {
                if (e.name().startsWith("vmlinuz-") || e.name().startsWith("vmlinux-")) {
                    kernels.add(e.name().substring(8));
                }
            }
            if (kernels.isEmpty()) {
                return List.of(Hit.of("no kernel is installed (/lib/modules and /boot hold none): the image cannot "
                        + "boot on its own, so its Hyper-V drivers cannot be checked").withSeverity(Severity.INFO));
            }
            List<Hit> out = new ArrayList<>();
            int n = 0;
            for (String k : kernels) {
                if (n++ >= MAX_KERNELS) {
                    break;
                }
                check(ctx, k, out);
            }
            return out;
        }

        private static void check(ImageContext ctx, String kver, List<Hit> out) throws IOException {
            // how each driver is built: y (built in), m (a module), n (not at all), or unknown
            Map<String, String> config = new LinkedHashMap<>();
            String configFile = null;
            for (String f : List.of("/boot/config-" + kver, "/lib/modules/" + kver + "/config")) {
                Optional<String> t = ctx.readText(f);
                if (t.isPresent()) {
                    configFile = f;
                    for (String line : t.get().split("\n")) {
                        for (Driver d : DRIVERS) {
                            if (line.startsWith(d.option() + "=")) {
                                config.put(d.module(), line.substring(d.option().length() + 1).strip());
                            } else if (line.equals("# " + d.option() + " is not set")) {
                                config.put(d.module(), "n");
                            }
                        }
                    }
                    break;
                }
            }
            Optional<String> builtinText = ctx.readText("/lib/modules/" + kver + "/modules.builtin");
            List<Driver> needed = new ArrayList<>();
            for (Driver d : DRIVERS) {
                boolean builtin = "y".equals(config.get(d.module())) || builtinText.map(t -> t.contains("/"
                        + d.module() + ".ko\n") || t.endsWith("/" + d.module() + ".ko")).orElse(false);
                if (builtin) {
                    continue;
                }
                if ("n".equals(config.get(d.module()))) {
                    out.add(Hit.at(configFile, "kernel " + kver + " is built without " + d.module() + " (" + d.role()
                            + "): \"# " + d.option() + " is not set\" in " + configFile + "; it cannot run on Azure"
                            + (d.required() ? "" : " with networking"))
                            .withSeverity(d.required() ? null : Severity.WARNING)
                            .withFix("install a kernel built for Azure or Hyper-V (Debian: linux-image-cloud-amd64; "
                                    + "Ubuntu: linux-azure)"));
                    continue;
                }
                needed.add(d);
            }
            if (needed.isEmpty()) {
                return;
            }
            String how = configFile == null ? "modules (no kernel config found)" : "modules ("
                    + String.join(", ", needed.stream().map(d -> d.option() + "=" + config.getOrDefault(d.module(), "?"))
                    .toList()) + " in " + configFile + ")";
            Optional<String> initrd = Optional.empty();
            for (String f : List.of("/boot/initrd.img-" + kver, "/boot/initramfs-" + kver + ".img",
                    "/boot/initrd-" + kver, "/boot/initramfs-" + kver)) {
                if (ctx.isFile(f)) {
                    initrd = Optional.of(f);
                    break;
                }
            }
            if (initrd.isEmpty()) {
                out.add(Hit.of("kernel " + kver + " has " + names(needed) + " as " + how + " and no initramfs "
                        + "(/boot/initrd.img-" + kver + ", /boot/initramfs-" + kver + ".img): it cannot reach its "
                        + "disk on Azure"));
                return;
            }
            Initramfs.Listing listing;
            Resolved r = ctx.find(initrd.get()).orElseThrow();
            TreeSet<String> seen = new TreeSet<>();
            try (InputStream in = FsFiles.newInputStream(r.fs(), r.node())) {
                // read no further than the last of the drivers looked for
                listing = Initramfs.read(in, e -> {
                    if (e.isRegularFile()) {
                        String m = module(e.baseName());
                        if (needed.stream().anyMatch(d -> d.module().equals(m))) {
                            seen.add(m);
                        }
                    }
                    return seen.size() == needed.size();
                });
            } catch (FormatException e) {
                out.add(Hit.at(initrd.get(), "cannot read the initramfs " + initrd.get() + " of kernel " + kver + " ("
                        + e.getMessage() + "); whether it holds " + names(needed) + " is unknown")
                        .withSeverity(Severity.WARNING));
                return;
            }
            if (!listing.complete()) {
                return; // every driver looked for was found
            }
            TreeSet<String> found = seen;
            String parts = String.join(" + ", listing.parts().stream()
                    .map(p -> p.compression() == Initramfs.Compression.NONE ? "uncompressed" : p.compression().label()).toList());
            List<Driver> missingRequired = needed.stream().filter(d -> d.required() && !found.contains(d.module()))
                    .toList();
            List<Driver> missingOptional = needed.stream().filter(d -> !d.required() && !found.contains(d.module()))
                    .toList();
            String where = "the initramfs " + initrd.get() + " (" + parts + ", " + listing.entries().size()
                    + " files)";
            if (!missingRequired.isEmpty()) {
                out.add(Hit.at(initrd.get(), where + " of kernel " + kver + " lacks " + names(missingRequired)
                        + ", which the kernel has as " + how + ": on Azure it cannot reach its disk"));
            }
            if (!missingOptional.isEmpty()) {
                out.add(Hit.at(initrd.get(), where + " of kernel " + kver + " lacks " + names(missingOptional)
                        + " (" + missingOptional.get(0).role() + "), which the kernel has as " + how + "; the "
                        + "Azure docs put it in the initramfs").withSeverity(Severity.WARNING));
            }
        }

        /** The module a file name holds: {@code hv_vmbus} for hv_vmbus.ko, .ko.xz, .ko.zst, .ko.gz; else null. */
        static String module(String baseName) {
            int ko = baseName.indexOf(".ko");
            if (ko <= 0 || !(baseName.length() == ko + 3 || baseName.charAt(ko + 3) == '.')) {
                return null;
            }
            return baseName.substring(0, ko);
        }

        private static String names(List<Driver> drivers) {
            List<String> n = drivers.stream().map(Driver::module).toList();
            return n.size() == 1 ? n.get(0) : String.join(", ", n.subList(0, n.size() - 1)) + " and "
                    + n.get(n.size() - 1);
        }
    }
}
