package io.vhdkit.validator.rules;

import io.vhdkit.check.Severity;
import io.vhdkit.disk.ContentType;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.Resolved;
import io.vhdkit.image.DiskImage;
import io.vhdkit.image.Fstab;
import io.vhdkit.image.FstabEntry;
import io.vhdkit.image.Volume;
import io.vhdkit.validator.Hit;
import io.vhdkit.validator.ImageContext;
import io.vhdkit.validator.linux.LinuxConfig;
import io.vhdkit.validator.linux.LinuxConfig.PasswdEntry;
import io.vhdkit.validator.linux.LinuxSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The Linux deprovisioning and Azure guest rules: what {@code waagent -deprovision+user} and {@code cloud-init clean}
 * remove (agent state, machine ID, users, histories, host keys, cloud-init's cache), and what Azure needs of a Linux
 * guest (an agent, no swap on the OS disk, the serial console, the Hyper-V drivers at boot). The strengths follow
 * the research notes: strong signals decide (and count as evidence of a specialized OS), weak ones warn.
 */
final class LinuxRules {

    static final String DEPROVISION = "run `waagent -deprovision+user -force`, then `cloud-init clean --logs "
            + "--machine-id`";

    /** Home directories looked into, at most (root first, then /etc/passwd's order): /etc/passwd is hostile too. */
    static final int MAX_HOMES = 1024;

    private LinuxRules() {
    }

    /** The note that says not every home was looked into. */
    static Hit tooManyHomes(int homes) {
        return Hit.at("/etc/passwd", "/etc/passwd names " + homes + " home directories; the first " + MAX_HOMES
                + " were checked").withSeverity(Severity.INFO);
    }

    /** Up to {@code max} names, then how many more. */
    static String some(List<String> names, int max) {
        if (names.size() <= max) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, max)) + " and " + (names.size() - max) + " more";
    }

    // ---------------------------------------------------------------------------------------------------------------

    static final class WaagentState extends BaseRule {
        /** What the agent writes while provisioning, named first, in this order. */
        private static final List<Pattern> TELLING = List.of(Pattern.compile("provisioned"),
                Pattern.compile("ovf-env\\.xml"), Pattern.compile("GoalState\\..*\\.xml"), Pattern.compile(".*\\.prv"),
                Pattern.compile("WALinuxAgent-.*"), Pattern.compile("Certificates\\..*"));

        WaagentState() {
            super("linux/waagent-state", Scope.LINUX, "/var/lib/waagent is empty: the Azure Linux agent's state of "
                    + "a provisioned VM was removed", "run `waagent -deprovision+user -force` (it empties "
                    + "/var/lib/waagent), then `cloud-init clean --logs --machine-id`", Severity.ERROR, null, null);
        }

        @Override
        public boolean specializationEvidence() {
            return true;
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            List<DirEntry> entries = ctx.list("/var/lib/waagent");
            if (entries.isEmpty()) {
                return List.of();
            }
            List<String> names = new ArrayList<>(entries.stream().map(DirEntry::name).sorted().toList());
            names.sort(java.util.Comparator.comparingInt(WaagentState::rank));
            return List.of(Hit.at("/var/lib/waagent", "/var/lib/waagent holds " + entries.size()
                    + (entries.size() == 1 ? " entry" : " entries") + " the agent writes on a provisioned VM ("
                    + some(names, 5) + "): the image was not deprovisioned"));
        }

        private static int rank(String name) {
            for (int i = 0; i < TELLING.size(); i++) {
                if (TELLING.get(i).matcher(name).matches()) {
                    return i;
                }
            }
            return TELLING.size();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    static final class MachineId extends BaseRule {
        private static final Pattern ID = Pattern.compile("[0-9a-fA-F]{32}");

        MachineId() {
            super("linux/machine-id", Scope.LINUX, "/etc/machine-id is empty, absent or \"uninitialized\", so that "
                    + "each VM makes its own", "empty it: `truncate -s 0 /etc/machine-id` (or `cloud-init clean "
                    + "--machine-id`); delete a /var/lib/dbus/machine-id that is not a link to it",
                    Severity.ERROR, null, null);
        }

        @Override
        public boolean specializationEvidence() {
            return true;
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            List<Hit> out = new ArrayList<>();
            check(ctx, "/etc/machine-id", out);
            var dbus = ctx.findNoFollow("/var/lib/dbus/machine-id");
            if (dbus.isPresent() && dbus.get().node().type() == FileType.REGULAR) {
                check(ctx, "/var/lib/dbus/machine-id", out);
            }
            return out;
        }

        private static void check(ImageContext ctx, String path, List<Hit> out) throws IOException {
            Optional<byte[]> b = ctx.read(path, 4096);
            if (b.isEmpty()) {
                return;
            }
            String v = new String(b.get(), StandardCharsets.US_ASCII).strip();
            if (v.isEmpty() || v.equals("uninitialized")) {
                return;
            }
            if (ID.matcher(v).matches()) {
                out.add(Hit.at(path, path + " holds the machine ID " + v.toLowerCase(Locale.ROOT) + ": every VM made "
                        + "from this image would share it (systemd derives network identifiers, such as the DHCP "
                        + "client ID, from it)"));
            } else {
                out.add(Hit.at(path, path + " holds " + b.get().length + " bytes that are neither a machine ID, "
                        + "nothing, nor \"uninitialized\"; systemd will replace them, but this is not what "
                        + "deprovisioning leaves").withSeverity(Severity.INFO));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    static final class SshHostKeys extends BaseRule {
        SshHostKeys() {
            super("linux/ssh-host-keys", Scope.LINUX, "No SSH host keys are left in /etc/ssh, or the "
                            + "provisioning agent replaces them on first boot (cloud-init's ssh_deletekeys, waagent's "
                            + "Provisioning.RegenerateSshHostKeyPair=y)", "delete them: `rm -f /etc/ssh/ssh_host_*` "
                            + "(`waagent -deprovision` does with Provisioning.RegenerateSshHostKeyPair=y); the "
                            + "provisioning agent makes new ones on first boot", Severity.ERROR, null, null);
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            TreeSet<String> keys = new TreeSet<>();
            for (DirEntry e : ctx.list("/etc/ssh")) {
                if (e.name().startsWith("ssh_host_") && e.name().endsWith("_key")) {
                    keys.add(e.name());
                }
            }
            if (keys.isEmpty()) {
                return List.of();
            }
            LinuxSystem sys = new LinuxSystem(ctx);
            String what = "/etc/ssh holds the host key" + (keys.size() == 1 ? " " : "s ") + String.join(", ", keys)
                    + ": every VM made from this image would present the same host identity";
            // cloud-init's cc_ssh (per instance) deletes and remakes them unless ssh_deletekeys is false
            boolean ciInstalled = sys.cloudInitInstalled();
            Optional<String> unit = ciInstalled ? sys.enabledUnit(LinuxSystem.CLOUD_INIT_UNITS) : Optional.empty();
            Optional<String> disabled = sys.cloudInitDisabledBy();
            if (unit.isPresent() && disabled.isEmpty()) {
                Optional<String[]> deleteKeys = sys.cloudConfig("ssh_deletekeys");
                if (deleteKeys.isPresent() && !LinuxConfig.yamlTrue(deleteKeys.get()[0])) {
                    return List.of(Hit.at("/etc/ssh", what + ": cloud-init would replace them, but ssh_deletekeys: "
                            + deleteKeys.get()[0] + " in " + deleteKeys.get()[1] + " keeps them"));
                }
                return List.of(Hit.at("/etc/ssh", what + " until cloud-init replaces them on first boot "
                        + "(ssh_deletekeys is true by default)").withSeverity(Severity.WARNING));
            }
            String ci = !ciInstalled ? "cloud-init is not installed" : disabled.isPresent() ? "cloud-init is disabled ("
                    + disabled.get() + ")" : "cloud-init is not enabled";
            // waagent, when it provisions (Provisioning.Agent=waagent, or auto without cloud-init), remakes them with
            // Provisioning.RegenerateSshHostKeyPair=y (pa/provision/default.py reg_ssh_host_key; the code's default is n)
            String wa;
            if (!sys.waagentInstalled()) {
                wa = "waagent is not installed";
            } else if (sys.enabledUnit(LinuxSystem.WAAGENT_UNITS).isEmpty()) {
                wa = "waagent is not enabled";
            } else {
                Map<String, String> conf = sys.waagentConf().orElse(Map.of());
                String agent = conf.getOrDefault("Provisioning.Agent", "auto");
                String regen = conf.getOrDefault("Provisioning.RegenerateSshHostKeyPair", "n");
                if (!agent.equalsIgnoreCase("waagent") && !agent.equalsIgnoreCase("auto")) {
                    wa = "waagent does not provision (Provisioning.Agent=" + agent + " in /etc/waagent.conf)";
                } else if (!regen.equalsIgnoreCase("y")) {
                    wa = "waagent provisions but keeps them (Provisioning.RegenerateSshHostKeyPair=" + regen
                            + " in /etc/waagent.conf)";
                } else {
                    return List.of(Hit.at("/etc/ssh", what + " until the Azure Linux agent replaces them when it "
                            + "provisions the VM (Provisioning.Agent=" + agent + ", Provisioning."
                            + "RegenerateSshHostKeyPair=y in /etc/waagent.conf; " + ci + ")")
                            .withSeverity(Severity.WARNING));
                }
            }
            return List.of(Hit.at("/etc/ssh", what + ", and nothing replaces them (" + ci + "; " + wa + ")"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    static final class ShellHistory extends BaseRule {
        static final List<String> FILES = List.of(".bash_history", ".zsh_history", ".sh_history", ".history");

        ShellHistory() {
            super("linux/shell-history", Scope.LINUX, "No shell history is left in root's or a login user's home",
                    "delete it (`rm -f ~/.bash_history`, as the Azure docs say after deprovisioning) and build with "
                            + "`export HISTSIZE=0`", Severity.ERROR, Severity.WARNING, null);
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            LinuxSystem sys = new LinuxSystem(ctx);
            long uidMin = sys.uidMin();
            Map<String, String> homes = new LinkedHashMap<>();
            homes.put("/root", "root");
            for (PasswdEntry p : sys.passwd()) {
                if ((p.uid() == 0 || p.uid() >= uidMin && p.uid() != 65534 || LinuxConfig.loginShell(p.shell()))
                        && p.home().startsWith("/") && !p.home().equals("/") && !p.home().equals("/nonexistent")) {
                    homes.putIfAbsent(p.home(), p.name());
                }
            }
            List<Hit> out = new ArrayList<>();
            int n = 0;
            for (Map.Entry<String, String> h : homes.entrySet()) {
                if (n++ == MAX_HOMES) {
                    out.add(tooManyHomes(homes.size()));
                    break;
                }
                for (String f : FILES) {
                    String path = h.getKey() + "/" + f;
                    Optional<Long> size = sys.fileSize(path);
                    if (size.isPresent() && size.get() > 0) {
                        out.add(Hit.at(path, path + " (" + h.getValue() + "'s shell history) holds " + size.get()
                                + " bytes: the commands typed while the image was built, passwords and tokens among "
                                + "them sometimes").withFix("delete it: `rm -f " + path + "`; build with `export "
                                + "HISTSIZE=0`"));
                    }
                }
            }
            return out;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    static final class UserCredentials extends BaseRule {
        UserCredentials() {
            super("linux/user-credentials", Scope.LINUX, "No user account has a password or authorized SSH keys "
                    + "(the VM's admin is made at provisioning)", "run `waagent -deprovision+user -force` (it deletes "
                    + "the provisioned user); delete other build users (`userdel -r USER`) and every "
                    + "~/.ssh/authorized_keys", Severity.ERROR, null, null);
        }

        @Override
        public boolean specializationEvidence() {
            return true;
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            LinuxSystem sys = new LinuxSystem(ctx);
            long uidMin = sys.uidMin();
            List<PasswdEntry> users = sys.passwd();
            Map<String, String> shadow = ctx.readText("/etc/shadow").map(LinuxConfig::shadow).orElse(Map.of());
            List<Hit> out = new ArrayList<>();
            for (PasswdEntry p : users) {
                if (p.uid() < uidMin || p.uid() == 65534 || p.name().equals("nobody")) {
                    continue;
                }
                String field = p.password().equals("x") ? shadow.getOrDefault(p.name(), "") : p.password();
                String file = p.password().equals("x") ? "/etc/shadow" : "/etc/passwd";
                if (LinuxConfig.usablePassword(field)) {
                    out.add(Hit.at(file, "the account " + p.name() + " (uid " + p.uid() + ") has a password ("
                            + (LinuxConfig.hashMethod(field).equals("DES") ? "a DES crypt hash"
                            : "a " + LinuxConfig.hashMethod(field) + " hash") + " in " + file + "): every VM made "
                            + "from this image would accept it").withFix("delete the account (`userdel -r " + p.name()
                            + "`, or `waagent -deprovision+user -force` if the agent made it) or lock it (`passwd -l "
                            + p.name() + "`)"));
                }
            }
            Set<String> homes = new LinkedHashSet<>();
            homes.add("/root");
            for (PasswdEntry p : users) {
                if (p.home().startsWith("/") && !p.home().equals("/") && !p.home().equals("/nonexistent")) {
                    homes.add(p.home());
                }
            }
            int n = 0;
            for (String home : homes) {
                if (n++ == MAX_HOMES) {
                    out.add(tooManyHomes(homes.size()));
                    break;
                }
                for (String f : List.of("/.ssh/authorized_keys", "/.ssh/authorized_keys2")) {
                    String path = home + f;
                    Optional<byte[]> b = ctx.read(path, 1 << 20);
                    if (b.isEmpty() || b.get().length == 0) {
                        continue;
                    }
                    List<String> comments = new ArrayList<>();
                    int keys = 0;
                    for (String line : new String(b.get(), StandardCharsets.UTF_8).split("\n")) {
                        String l = line.strip();
                        if (l.isEmpty() || l.startsWith("#")) {
                            continue;
                        }
                        keys++;
                        String[] parts = l.split("\\s+");
                        int type = 0;
                        while (type < parts.length && !parts[type].matches("(ssh|ecdsa|sk)-[-\\w@.]+")) {
                            type++;
                        }
                        if (type + 2 < parts.length) {
                            comments.add(parts[parts.length - 1]);
                        }
                    }
                    if (keys == 0) {
                        continue;
                    }
                    out.add(Hit.at(path, path + " holds " + keys + (keys == 1 ? " key" : " keys")
                            + (comments.isEmpty() ? "" : " (" + some(comments, 3) + ")") + ": whoever holds the "
                            + "private key can log in to every VM made from this image")
                            .withFix("delete it: `rm -f " + path + "`"));
                }
            }
            return out;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * The other side of the evidence rules, for {@code azure-specialized}: Azure attaches a specialized OS disk as it
     * is, without provisioning it (no ovf-env.xml, no admin user, no SSH key is made), so a disk that was deprovisioned
     * boots with no account to log in to and an agent waiting for provisioning data that never comes.
     */
    static final class Deprovisioned extends BaseRule {
        private final List<BaseRule> evidence = List.of(new WaagentState(), new MachineId(), new UserCredentials());

        Deprovisioned() {
            super("linux/deprovisioned", Scope.LINUX, "An OS disk attached as it is (azure-specialized) was not "
                    + "deprovisioned: it keeps the agent's state, its machine ID or a user who can log in",
                    "attach the disk as it was before `waagent -deprovision+user`, or capture this one as a "
                    + "generalized image (validate it with --profile azure-generalized) and create VMs from the "
                    + "image, which provisions a new admin user", null, Severity.ERROR, null);
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            for (BaseRule r : evidence) {
                if (r.check(ctx).stream().anyMatch(h -> h.severity() != Severity.INFO)) {
                    return List.of();
                }
            }
            return List.of(Hit.at("/etc/passwd", "this OS disk was deprovisioned: /var/lib/waagent holds no "
                    + "provisioning state, /etc/machine-id is empty and no user has a password or authorized SSH "
                    + "keys. Azure does not provision a specialized disk, so the VM would boot with no account to "
                    + "log in to"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    static final class CloudInitState extends BaseRule {
        CloudInitState() {
            super("linux/cloud-init-state", Scope.LINUX, "cloud-init's cache of a previous instance is gone "
                            + "(/var/lib/cloud holds nothing but seed/)", "run `cloud-init clean --logs "
                            + "--machine-id` (it deletes everything in /var/lib/cloud but seed/)",
                    Severity.WARNING, null, null);
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            List<String> left = new ArrayList<>();
            for (DirEntry e : ctx.list("/var/lib/cloud")) {
                if (!e.name().equals("seed")) {
                    left.add(e.name());
                }
            }
            if (left.isEmpty()) {
                return List.of();
            }
            left.sort(null);
            String instance = ctx.readText("/var/lib/cloud/data/instance-id").map(String::strip)
                    .filter(s -> !s.isEmpty() && s.length() < 200).map(s -> "; the cached instance is " + s)
                    .orElse("");
            String what = "/var/lib/cloud holds cloud-init's state of a previous instance (" + some(left, 6) + ")"
                    + instance;
            Optional<String[]> manual = new LinuxSystem(ctx).cloudConfig("manual_cache_clean");
            if (manual.isPresent() && LinuxConfig.yamlTrue(manual.get()[0])) {
                return List.of(Hit.at("/var/lib/cloud", what + ", and manual_cache_clean: " + manual.get()[0] + " in "
                        + manual.get()[1] + " makes cloud-init trust it: VMs made from this image would skip their "
                        + "per-instance setup (users, SSH keys, host keys)").withSeverity(Severity.ERROR));
            }
            return List.of(Hit.at("/var/lib/cloud", what + ": cloud-init sees the new VM's instance ID differ and "
                    + "starts over, but the cache should not ship"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    static final class AgentMissing extends BaseRule {
        AgentMissing() {
            super("linux/agent-missing", Scope.LINUX, "A provisioning agent (the Azure Linux agent or cloud-init) "
                    + "is installed and enabled, and configured to provision", "install and enable them: `apt-get "
                    + "install waagent cloud-init` (or `dnf install WALinuxAgent cloud-init`), `systemctl enable "
                    + "walinuxagent cloud-init-local cloud-init` (waagent.service on RHEL and SUSE)",
                    Severity.ERROR, Severity.ERROR, null);
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            LinuxSystem sys = new LinuxSystem(ctx);
            boolean waagent = sys.waagentInstalled();
            Optional<String> waagentUnit = waagent ? sys.enabledUnit(LinuxSystem.WAAGENT_UNITS) : Optional.empty();
            boolean cloudInit = sys.cloudInitInstalled();
            Optional<String> ciUnit = cloudInit ? sys.enabledUnit(LinuxSystem.CLOUD_INIT_UNITS) : Optional.empty();
            Optional<String> ciDisabled = sys.cloudInitDisabledBy();
            boolean ciRuns = ciUnit.isPresent() && ciDisabled.isEmpty();
            List<Hit> out = new ArrayList<>();
            if (waagentUnit.isEmpty() && !ciRuns) {
                String w = waagent ? "waagent is installed but walinuxagent.service / waagent.service is not enabled"
                        : "waagent is not installed";
                String c = !cloudInit ? "cloud-init is not installed"
                        : ciUnit.isEmpty() ? "cloud-init is installed but none of " + String.join(", ",
                        LinuxSystem.CLOUD_INIT_UNITS) + " is enabled"
                        : "cloud-init is disabled (" + ciDisabled.get() + ")";
                out.add(Hit.at("/etc/systemd/system", "no provisioning agent will run: " + w + "; " + c + ". "
                        + "Without one the VM never reports ready, and Azure fails the deployment"));
            }
            Optional<Map<String, String>> conf = sys.waagentConf();
            if (waagentUnit.isPresent() && conf.isPresent()) {
                String agent = conf.get().getOrDefault("Provisioning.Agent", "auto");
                if (agent.equalsIgnoreCase("disabled")) {
                    if (ctx.profile() == io.vhdkit.validator.Profile.AZURE_GENERALIZED) {
                        out.add(Hit.at("/etc/waagent.conf", "Provisioning.Agent=disabled in /etc/waagent.conf: "
                                + "nothing provisions the VM (no user, no SSH key, no host name); that suits a "
                                + "specialized image (a migrated VM), not a generalized one").withFix("set "
                                + "Provisioning.Agent=auto (or cloud-init, with cloud-init enabled) in "
                                + "/etc/waagent.conf, or validate with --profile azure-specialized"));
                    }
                } else if (agent.equalsIgnoreCase("cloud-init") && !ciRuns) {
                    out.add(Hit.at("/etc/waagent.conf", "Provisioning.Agent=cloud-init in /etc/waagent.conf, but "
                            + (!cloudInit ? "cloud-init is not installed" : ciUnit.isEmpty()
                            ? "cloud-init is not enabled" : "cloud-init is disabled (" + ciDisabled.get() + ")")
                            + ": waagent alone will not provision the VM").withSeverity(Severity.WARNING).withFix(
                            "enable cloud-init, or set Provisioning.Agent=auto in /etc/waagent.conf"));
                }
            }
            return out;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    static final class Swap extends BaseRule {
        static final String GPT_SWAP = "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F";
        static final String SIGNATURE = "SWAPSPACE2";
        static final List<String> SWAP_FILES = List.of("/swapfile", "/swap.img", "/swap");

        Swap() {
            super("linux/swap", Scope.LINUX, "No swap on the OS disk (Azure's policy: swap goes on the resource "
                            + "disk)", "remove the swap partition or file and its /etc/fstab line; let the agent make "
                            + "swap on the resource disk (cloud-init's mounts/swap settings, or ResourceDisk.EnableSwap=y "
                            + "in /etc/waagent.conf without cloud-init)", Severity.WARNING, Severity.WARNING, null);
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            List<Hit> out = new ArrayList<>();
            Optional<DiskImage> disk = ctx.disk();
            if (disk.isPresent()) {
                for (Volume v : disk.get().volumes()) {
                    List<String> why = new ArrayList<>();
                    if (v.partitionRef().isPresent()) {
                        String type = v.partitionRef().get().typeId();
                        if (type.equalsIgnoreCase("0x82") || type.equalsIgnoreCase(GPT_SWAP)) {
                            why.add("its partition type is Linux swap (" + type + ")");
                        }
                    }
                    if (v.content() == ContentType.SWAP) {
                        why.add("it holds a swap signature");
                    }
                    if (!why.isEmpty()) {
                        out.add(Hit.of("volume " + v.id() + " (" + (v.size() >> 20) + " MiB) is swap on the OS disk: "
                                + String.join(", ", why)));
                    }
                }
            }
            Set<String> files = new LinkedHashSet<>();
            Optional<byte[]> fstab = ctx.read("/etc/fstab", 1 << 20);
            if (fstab.isPresent()) {
                for (FstabEntry e : Fstab.parse(fstab.get())) {
                    if (e.type().equals("swap")) {
                        String target = e.spec().startsWith("/") && !e.spec().startsWith("/dev/") ? " (a swap file)"
                                : "";
                        out.add(Hit.at("/etc/fstab", "/etc/fstab line " + e.line() + " turns on swap on "
                                + e.spec() + target));
                        if (!target.isEmpty()) {
                            files.add(e.spec());
                        }
                    }
                }
            }
            files.addAll(SWAP_FILES);
            for (String f : files) {
                Optional<Resolved> r = ctx.find(f);
                if (r.isEmpty() || r.get().node().type() != FileType.REGULAR) {
                    continue;
                }
                long size = r.get().node().stat().size();
                Optional<String> sig = swapSignature(ctx, f);
                if (sig.isPresent()) {
                    out.add(Hit.at(f, f + " is a swap file of " + (size >> 20) + " MiB (" + sig.get() + ")"));
                }
            }
            return out;
        }

        /** mkswap's signature at the end of the first page: 4 KiB pages, or 64 KiB (arm64, ppc64). */
        private static Optional<String> swapSignature(ImageContext ctx, String path) throws IOException {
            Optional<byte[]> head = ctx.read(path, 65536);
            if (head.isEmpty()) {
                return Optional.empty();
            }
            for (int page : new int[] {4096, 16384, 65536}) {
                if (head.get().length >= page && new String(head.get(), page - 10, 10, StandardCharsets.US_ASCII)
                        .equals(SIGNATURE)) {
                    return Optional.of(SIGNATURE + " at " + (page - 10));
                }
            }
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    static final class KernelCmdline extends BaseRule {
        KernelCmdline() {
            super("linux/kernel-cmdline", Scope.LINUX, "The kernel command line sends the console to the serial "
                    + "port (console=ttyS0; ttyAMA0 on arm64), for Azure's serial console and boot diagnostics",
                    "add `console=ttyS0,115200n8 earlyprintk=ttyS0,115200 rootdelay=300` to GRUB_CMDLINE_LINUX in "
                            + "/etc/default/grub and regenerate the configuration (`update-grub`, or `grub2-mkconfig "
                            + "-o /boot/grub2/grub.cfg`; `grubby --update-kernel=ALL --args=console=ttyS0` with BLS "
                            + "entries)", Severity.ERROR, Severity.WARNING, null);
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            String port = arm64(ctx) ? "ttyAMA0" : "ttyS0";
            List<String> read = new ArrayList<>();
            List<String[]> missing = new ArrayList<>(); // path, what[, the fix when it is more precise than the rule's]
            // /etc/default/grub and its grub.d parts, sourced in order
            Map<String, String> vars = new LinkedHashMap<>();
            boolean defaults = false;
            for (String f : defaultGrubFiles(ctx)) {
                Optional<String> t = ctx.readText(f);
                if (t.isPresent()) {
                    read.add(f);
                    defaults = true;
                    LinuxConfig.shellAssignments(t.get(), vars);
                }
            }
            boolean defaultsHaveConsole = false;
            if (defaults && (vars.containsKey("GRUB_CMDLINE_LINUX") || vars.containsKey("GRUB_CMDLINE_LINUX_DEFAULT"))) {
                String both = vars.getOrDefault("GRUB_CMDLINE_LINUX", "") + " "
                        + vars.getOrDefault("GRUB_CMDLINE_LINUX_DEFAULT", "");
                defaultsHaveConsole = LinuxConfig.hasConsole(both, port);
                if (!defaultsHaveConsole) {
                    missing.add(new String[] {"/etc/default/grub", "GRUB_CMDLINE_LINUX=\""
                            + vars.getOrDefault("GRUB_CMDLINE_LINUX", "") + "\" and GRUB_CMDLINE_LINUX_DEFAULT=\""
                            + vars.getOrDefault("GRUB_CMDLINE_LINUX_DEFAULT", "") + "\" (/etc/default/grub"
                            + (read.size() > 1 ? " and its grub.d parts" : "") + ")"});
                }
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (String f : List.of("/boot/grub2/grubenv", "/boot/grub/grubenv")) {
                Optional<String> t = ctx.readText(f);
                if (t.isPresent()) {
                    read.add(f);
                    Map<String, String> e = LinuxConfig.grubenv(t.get());
                    env.putAll(e);
                    if (e.containsKey("kernelopts") && !LinuxConfig.hasConsole(e.get("kernelopts"), port)) {
                        missing.add(new String[] {f, "kernelopts=\"" + e.get("kernelopts") + "\" (" + f + ")"});
                    }
                }
            }
            for (String f : grubCfgFiles(ctx)) {
                Optional<String> t = ctx.readText(f);
                if (t.isEmpty()) {
                    continue;
                }
                read.add(f);
                List<String> lines = LinuxConfig.grubKernelLines(t.get());
                if (!lines.isEmpty()) {
                    String first = lines.get(0).replace("$kernelopts", env.getOrDefault("kernelopts", ""));
                    if (!LinuxConfig.hasConsole(first, port)) {
                        missing.add(new String[] {f, "the first kernel line of " + f + " (\"" + first + "\")"
                                + (defaultsHaveConsole ? ", though /etc/default/grub has it: " + f + " was not "
                                + "regenerated since" : ""), defaultsHaveConsole ? "regenerate " + f + " from "
                                + "/etc/default/grub: `" + (f.contains("grub2") ? "grub2-mkconfig -o " + f
                                : "update-grub") + "`" : null});
                    }
                }
            }
            for (DirEntry e : ctx.list("/boot/loader/entries")) {
                String f = "/boot/loader/entries/" + e.name();
                if (!e.name().endsWith(".conf") || read.size() > 64) {
                    continue;
                }
                Optional<String> opts = ctx.readText(f).flatMap(LinuxConfig::blsOptions);
                read.add(f);
                if (opts.isPresent()) {
                    String o = opts.get().replace("$kernelopts", env.getOrDefault("kernelopts", ""));
                    if (!LinuxConfig.hasConsole(o, port)) {
                        missing.add(new String[] {f, "the options of " + f + " (\"" + o + "\")"});
                    }
                }
            }
            if (read.isEmpty()) {
                return List.of(Hit.of("no boot loader configuration was found (/etc/default/grub, "
                        + "/boot/grub/grub.cfg, /boot/grub2/grub.cfg, /boot/loader/entries/*.conf, grubenv): whether "
                        + "the kernel logs to " + port + " cannot be told").withSeverity(Severity.INFO));
            }
            List<Hit> out = new ArrayList<>();
            for (String[] m : missing) {
                Hit h = Hit.at(m[0], "no console=" + port + " in " + m[1] + ": Azure's serial console and boot "
                        + "diagnostics would show nothing (boot configuration read: " + String.join(", ", read) + ")");
                out.add(m.length > 2 && m[2] != null ? h.withFix(m[2]) : h);
            }
            return out;
        }

        private static List<String> defaultGrubFiles(ImageContext ctx) throws IOException {
            List<String> out = new ArrayList<>();
            out.add("/etc/default/grub");
            TreeSet<String> parts = new TreeSet<>();
            for (DirEntry e : ctx.list("/etc/default/grub.d")) {
                if (e.name().endsWith(".cfg")) {
                    parts.add("/etc/default/grub.d/" + e.name());
                }
            }
            out.addAll(parts);
            return out;
        }

        private static List<String> grubCfgFiles(ImageContext ctx) throws IOException {
            List<String> out = new ArrayList<>(List.of("/boot/grub/grub.cfg", "/boot/grub2/grub.cfg"));
            for (DirEntry e : ctx.list("/boot/efi/EFI")) {
                if (!e.name().equalsIgnoreCase("BOOT")) {
                    out.add("/boot/efi/EFI/" + e.name() + "/grub.cfg");
                }
            }
            return out;
        }

        /** The machine of the root's shell (ELF e_machine 0xB7 is AArch64). */
        static boolean arm64(ImageContext ctx) throws IOException {
            for (String f : List.of("/bin/sh", "/usr/bin/sh", "/bin/bash")) {
                Optional<byte[]> b = ctx.read(f, 20);
                if (b.isPresent() && b.get().length >= 20 && b.get()[0] == 0x7F && b.get()[1] == 'E') {
                    int machine = b.get()[5] == 2 ? (b.get()[18] & 0xFF) << 8 | (b.get()[19] & 0xFF)
                            : (b.get()[18] & 0xFF) | (b.get()[19] & 0xFF) << 8;
                    return machine == 0xB7;
                }
            }
            return false;
        }
    }
}
