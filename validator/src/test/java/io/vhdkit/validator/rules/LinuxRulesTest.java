package io.vhdkit.validator.rules;

import static io.vhdkit.validator.rules.LinuxImages.facts;
import static io.vhdkit.validator.rules.LinuxImages.findings;
import static io.vhdkit.validator.rules.LinuxImages.rulesHit;
import static io.vhdkit.validator.rules.LinuxImages.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Severity;
import io.vhdkit.validator.OsState;
import io.vhdkit.validator.Profile;
import io.vhdkit.validator.RuleFinding;
import io.vhdkit.validator.ValidationResult;
import io.vhdkit.validator.linux.InitramfsFixtureTest;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Each Linux rule on the real Debian images of fixtures/linux-validate: the image that triggers it (with the rule's
 * severity and message) and images that do not; and the verdicts before and after the real deprovisioning.
 */
class LinuxRulesTest {

    static final String KERNEL = facts().get("KERNEL");

    static RuleFinding only(ValidationResult r, String rule) {
        List<RuleFinding> f = findings(r, rule);
        assertEquals(1, f.size(), rule + ": " + f);
        return f.get(0);
    }

    static void assertFinding(RuleFinding f, Severity severity, String path, String message) {
        assertEquals(severity, f.severity(), f.toString());
        assertEquals(path, f.path(), f.toString());
        assertEquals(message, f.message());
    }

    static void assertNone(String image, String rule) {
        assertEquals(List.of(), findings(validate(image), rule), image);
    }

    // ---------- before and after deprovisioning ----------

    @Test
    void provisionedImageFailsAndIsSpecialized() {
        ValidationResult r = validate("provisioned");
        assertEquals("fail", r.verdict());
        assertEquals(OsState.SPECIALIZED, r.osState());
        assertEquals(new TreeSet<>(Set.of("linux/waagent-state", "linux/machine-id", "linux/shell-history",
                "linux/user-credentials", "linux/ssh-host-keys", "linux/cloud-init-state")), rulesHit(r));
        assertEquals("Debian GNU/Linux 12 (bookworm)", r.os().name());
    }

    @Test
    void waagentDeprovisionPassesWithCloudInitsCacheLeft() {
        ValidationResult r = validate("waagent-deprovisioned");
        assertEquals("pass", r.verdict());
        assertEquals(OsState.GENERALIZED, r.osState());
        assertEquals(Set.of("linux/cloud-init-state"), rulesHit(r));
    }

    @Test
    void fullDeprovisionPassesClean() {
        ValidationResult r = validate("deprovisioned");
        assertEquals("pass", r.verdict());
        assertEquals(OsState.GENERALIZED, r.osState());
        assertEquals(List.of(), r.findings());
        assertTrue(r.rulesRun().containsAll(List.of("linux/waagent-state", "linux/machine-id", "linux/ssh-host-keys",
                "linux/shell-history", "linux/user-credentials", "linux/cloud-init-state", "linux/agent-missing",
                "linux/swap", "linux/kernel-cmdline", "linux/hyperv-drivers")), r.rulesRun().toString());
    }

    @Test
    void specializedProfileAcceptsTheProvisionedState() {
        ValidationResult r = validate("provisioned", Profile.AZURE_SPECIALIZED);
        assertEquals(OsState.SPECIALIZED, r.osState());
        assertEquals(Set.of("linux/shell-history"), rulesHit(r));
        assertTrue(r.findings().stream().filter(f -> f.rule().equals("linux/shell-history"))
                .allMatch(f -> f.severity() == Severity.WARNING));
        assertEquals("pass", r.verdict());
    }

    // ---------- one rule each ----------

    @Test
    void waagentState() {
        assertFinding(only(validate("provisioned"), "linux/waagent-state"), Severity.ERROR, "/var/lib/waagent",
                "/var/lib/waagent holds 13 entries the agent writes on a provisioned VM (provisioned, ovf-env.xml, "
                        + "GoalState.1.xml, WALinuxAgent-2.9.1.1, Certificates.p7m and 8 more): the image was not "
                        + "deprovisioned");
        assertNone("waagent-deprovisioned", "linux/waagent-state");
        assertNone("deprovisioned", "linux/waagent-state");
    }

    @Test
    void machineId() {
        String id = facts().get("MACHINE_ID");
        List<RuleFinding> f = findings(validate("machine-id"), "linux/machine-id");
        assertEquals(2, f.size());
        assertFinding(f.get(0), Severity.ERROR, "/etc/machine-id", "/etc/machine-id holds the machine ID " + id
                + ": every VM made from this image would share it (systemd derives network identifiers, such as the "
                + "DHCP client ID, from it)");
        assertFinding(f.get(1), Severity.ERROR, "/var/lib/dbus/machine-id", "/var/lib/dbus/machine-id holds the "
                + "machine ID " + id + ": every VM made from this image would share it (systemd derives network "
                + "identifiers, such as the DHCP client ID, from it)");
        assertEquals(Set.of("linux/machine-id"), rulesHit(validate("machine-id")));
        assertEquals(OsState.SPECIALIZED, validate("machine-id").osState());
        assertEquals(1, findings(validate("provisioned"), "linux/machine-id").size());
        assertNone("waagent-deprovisioned", "linux/machine-id"); // emptied
        assertNone("deprovisioned", "linux/machine-id"); // deleted by cloud-init clean --machine-id
    }

    @Test
    void sshHostKeys() {
        String keys = "/etc/ssh holds the host keys ssh_host_ecdsa_key, ssh_host_ed25519_key, ssh_host_rsa_key: every "
                + "VM made from this image would present the same host identity";
        assertFinding(only(validate("provisioned"), "linux/ssh-host-keys"), Severity.WARNING, "/etc/ssh", keys
                + " until cloud-init replaces them on first boot (ssh_deletekeys is true by default)");
        assertFinding(only(validate("cloud-init-disabled"), "linux/ssh-host-keys"), Severity.ERROR, "/etc/ssh", keys
                + ", and nothing replaces them (cloud-init is disabled (/etc/cloud/cloud-init.disabled exists); waagent does "
                + "not provision (Provisioning.Agent=cloud-init in /etc/waagent.conf))");
        assertFinding(only(validate("waagent-provisions"), "linux/ssh-host-keys"), Severity.WARNING, "/etc/ssh", keys
                + " until the Azure Linux agent replaces them when it provisions the VM (Provisioning.Agent=auto, "
                + "Provisioning.RegenerateSshHostKeyPair=y in /etc/waagent.conf; cloud-init is disabled "
                + "(/etc/cloud/cloud-init.disabled exists))");
        assertNone("deprovisioned", "linux/ssh-host-keys");
        assertNone("waagent-deprovisioned", "linux/ssh-host-keys");
    }

    @Test
    void shellHistory() {
        ValidationResult r = validate("history");
        assertEquals(Set.of("linux/shell-history"), rulesHit(r));
        List<RuleFinding> f = findings(r, "linux/shell-history");
        assertEquals(2, f.size());
        assertFinding(f.get(0), Severity.ERROR, "/root/.zsh_history", "/root/.zsh_history (root's shell history) holds "
                + "31 bytes: the commands typed while the image was built, passwords and tokens among them "
                + "sometimes");
        assertFinding(f.get(1), Severity.ERROR, "/home/builder/.bash_history", "/home/builder/.bash_history (builder's "
                + "shell history) holds 23 bytes: the commands typed while the image was built, passwords and tokens "
                + "among them sometimes");
        assertEquals("delete it: `rm -f /home/builder/.bash_history`; build with `export HISTSIZE=0`", f.get(1).fix());
        assertEquals(OsState.GENERALIZED, r.osState()); // history alone is not a machine's identity
        assertTrue(findings(validate("history", Profile.AZURE_SPECIALIZED), "linux/shell-history").stream()
                .allMatch(x -> x.severity() == Severity.WARNING));
        assertEquals(2, findings(validate("provisioned"), "linux/shell-history").size());
        assertNone("deprovisioned", "linux/shell-history");
    }

    @Test
    void userCredentials() {
        ValidationResult r = validate("credentials");
        assertEquals(Set.of("linux/user-credentials"), rulesHit(r));
        assertEquals(OsState.SPECIALIZED, r.osState());
        List<RuleFinding> f = findings(r, "linux/user-credentials");
        assertEquals(2, f.size());
        String user = facts().get("PASSWORD_USER");
        assertFinding(f.get(0), Severity.ERROR, "/etc/shadow", "the account " + user + " (uid 1000) has a password (a "
                + "yescrypt hash in /etc/shadow): every VM made from this image would accept it");
        assertFinding(f.get(1), Severity.ERROR, "/root/.ssh/authorized_keys", "/root/.ssh/authorized_keys holds 1 key "
                + "(admin@build): whoever holds the private key can log in to every VM made from this image");
        List<RuleFinding> p = findings(validate("provisioned"), "linux/user-credentials");
        assertEquals(List.of("/etc/shadow", "/home/azureuser/.ssh/authorized_keys"),
                p.stream().map(RuleFinding::path).toList());
        assertNone("history", "linux/user-credentials"); // builder's password is locked (!)
        assertNone("deprovisioned", "linux/user-credentials");
    }

    @Test
    void cloudInitState() {
        String state = "/var/lib/cloud holds cloud-init's state of a previous instance (data, handlers, instance, "
                + "instances, scripts, sem); the cached instance is iid-vhdkit-0001";
        assertFinding(only(validate("waagent-deprovisioned"), "linux/cloud-init-state"), Severity.WARNING,
                "/var/lib/cloud", state + ": cloud-init sees the new VM's instance ID differ and starts over, but the "
                        + "cache should not ship");
        ValidationResult m = validate("manual-cache-clean");
        assertEquals(Set.of("linux/cloud-init-state"), rulesHit(m));
        assertEquals("fail", m.verdict());
        assertFinding(only(m, "linux/cloud-init-state"), Severity.ERROR, "/var/lib/cloud", state + ", and "
                + "manual_cache_clean: true in /etc/cloud/cloud.cfg.d/99-manual-cache.cfg makes cloud-init trust it: "
                + "VMs made from this image would skip their per-instance setup (users, SSH keys, host keys)");
        assertNone("deprovisioned", "linux/cloud-init-state"); // only seed/ is left
    }

    @Test
    void agentMissing() {
        ValidationResult r = validate("no-agent");
        assertEquals(Set.of("linux/agent-missing"), rulesHit(r));
        assertFinding(only(r, "linux/agent-missing"), Severity.ERROR, "/etc/systemd/system", "no provisioning agent "
                + "will run: waagent is installed but walinuxagent.service / waagent.service is not enabled; "
                + "cloud-init is installed but none of cloud-init-local.service, cloud-init.service, "
                + "cloud-init-main.service, cloud-init-network.service is enabled. Without one the VM never reports "
                + "ready, and Azure fails the deployment");
        assertEquals(Severity.ERROR, only(validate("no-agent", Profile.AZURE_SPECIALIZED), "linux/agent-missing")
                .severity());
        assertFinding(only(validate("bare"), "linux/agent-missing"), Severity.ERROR, "/etc/systemd/system",
                "no provisioning agent will run: waagent is not installed; cloud-init is not installed. Without one "
                        + "the VM never reports ready, and Azure fails the deployment");
        ValidationResult d = validate("agent-provisioning-disabled");
        assertEquals(Set.of("linux/agent-missing"), rulesHit(d));
        assertFinding(only(d, "linux/agent-missing"), Severity.ERROR, "/etc/waagent.conf", "Provisioning.Agent=disabled "
                + "in /etc/waagent.conf: nothing provisions the VM (no user, no SSH key, no host name); that suits a "
                + "specialized image (a migrated VM), not a generalized one");
        assertEquals(List.of(), findings(validate("agent-provisioning-disabled", Profile.AZURE_SPECIALIZED),
                "linux/agent-missing"));
        assertFinding(only(validate("cloud-init-disabled"), "linux/agent-missing"), Severity.WARNING,
                "/etc/waagent.conf", "Provisioning.Agent=cloud-init in /etc/waagent.conf, but cloud-init is disabled "
                        + "(/etc/cloud/cloud-init.disabled exists): waagent alone will not provision the VM");
        assertNone("deprovisioned", "linux/agent-missing");
    }

    @Test
    void swap() {
        ValidationResult p = validate("swap-partition");
        assertEquals(Set.of("linux/swap"), rulesHit(p));
        assertEquals("pass", p.verdict());
        assertFinding(only(p, "linux/swap"), Severity.WARNING, null, "volume p3 (64 MiB) is swap on the OS disk: its "
                + "partition type is Linux swap (0657FD6D-A4AB-43C4-84E5-0933C84B4F4F), it holds a swap signature");
        ValidationResult f = validate("swap-file");
        assertEquals(Set.of("linux/swap"), rulesHit(f));
        List<RuleFinding> s = findings(f, "linux/swap");
        assertEquals(List.of(
                "/etc/fstab line 4 turns on swap on /swapfile (a swap file)",
                "/etc/fstab line 5 turns on swap on UUID=" + facts().get("SWAP_UUID"),
                "/swapfile is a swap file of 16 MiB (SWAPSPACE2 at 4086)"), s.stream().map(RuleFinding::message)
                .toList());
        assertEquals(List.of("/etc/fstab", "/etc/fstab", "/swapfile"), s.stream().map(RuleFinding::path).toList());
        assertTrue(s.stream().allMatch(x -> x.severity() == Severity.WARNING));
        assertEquals(Severity.WARNING, findings(validate("swap-file", Profile.AZURE_SPECIALIZED), "linux/swap").get(0)
                .severity());
        assertNone("deprovisioned", "linux/swap");
    }

    @Test
    void kernelCmdline() {
        String read = " (boot configuration read: /etc/default/grub, /etc/default/grub.d/init-select.cfg, "
                + "/boot/grub/grub.cfg)";
        String line = "root=UUID=" + facts().get("ROOT_UUID") + " ro  quiet"; // what grub-mkconfig's 10_linux wrote
        ValidationResult r = validate("no-console");
        assertEquals(Set.of("linux/kernel-cmdline"), rulesHit(r));
        List<RuleFinding> f = findings(r, "linux/kernel-cmdline");
        assertEquals(2, f.size(), f.toString());
        assertFinding(f.get(0), Severity.ERROR, "/etc/default/grub", "no console=ttyS0 in GRUB_CMDLINE_LINUX=\"\" and "
                + "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\" (/etc/default/grub and its grub.d parts): Azure's serial "
                + "console and boot diagnostics would show nothing" + read);
        assertFinding(f.get(1), Severity.ERROR, "/boot/grub/grub.cfg", "no console=ttyS0 in the first kernel line of "
                + "/boot/grub/grub.cfg (\"" + line + "\"): Azure's serial console and boot diagnostics would show "
                + "nothing" + read);
        assertEquals(new LinuxRules.KernelCmdline().fix(), f.get(1).fix());
        assertTrue(findings(validate("no-console", Profile.AZURE_SPECIALIZED), "linux/kernel-cmdline").stream()
                .allMatch(x -> x.severity() == Severity.WARNING));

        RuleFinding stale = only(validate("stale-grub-cfg"), "linux/kernel-cmdline");
        assertFinding(stale, Severity.ERROR, "/boot/grub/grub.cfg", "no console=ttyS0 in the first kernel line of "
                + "/boot/grub/grub.cfg (\"" + line + "\"), though /etc/default/grub has it: /boot/grub/grub.cfg was "
                + "not regenerated since: Azure's serial console and boot diagnostics would show nothing" + read);
        assertEquals("regenerate /boot/grub/grub.cfg from /etc/default/grub: `update-grub`", stale.fix());

        assertFinding(only(validate("bare"), "linux/kernel-cmdline"), Severity.INFO, null, "no boot loader "
                + "configuration was found (/etc/default/grub, /boot/grub/grub.cfg, /boot/grub2/grub.cfg, "
                + "/boot/loader/entries/*.conf, grubenv): whether the kernel logs to ttyS0 cannot be told");
        assertNone("deprovisioned", "linux/kernel-cmdline"); // both /etc/default/grub and grub.cfg have it
    }

    @Test
    void hypervDrivers() {
        ValidationResult r = validate("no-hv");
        assertEquals(Set.of("linux/hyperv-drivers"), rulesHit(r));
        List<RuleFinding> f = findings(r, "linux/hyperv-drivers");
        assertEquals(2, f.size());
        String initrd = "/boot/initrd.img-" + KERNEL;
        String where = "the initramfs " + initrd + " (zstd, " + InitramfsFixtureTest.lsinitramfs("list.zstd").size()
                + " files) of kernel " + KERNEL + " lacks ";
        assertFinding(f.get(0), Severity.ERROR, initrd, where + "hv_vmbus and hv_storvsc, which the kernel has as "
                + "modules (CONFIG_HYPERV=m, CONFIG_HYPERV_STORAGE=m, CONFIG_HYPERV_NET=m in /boot/config-" + KERNEL
                + "): on Azure it cannot reach its disk");
        assertFinding(f.get(1), Severity.WARNING, initrd, where + "hv_netvsc (the network adapter), which the kernel "
                + "has as modules (CONFIG_HYPERV=m, CONFIG_HYPERV_STORAGE=m, CONFIG_HYPERV_NET=m in /boot/config-"
                + KERNEL + "); the Azure docs put it in the initramfs");
        assertEquals("fail", validate("no-hv", Profile.AZURE_SPECIALIZED).verdict());
        assertFinding(only(validate("bare"), "linux/hyperv-drivers"), Severity.INFO, null, "no kernel is installed "
                + "(/lib/modules and /boot hold none): the image cannot boot on its own, so its Hyper-V drivers "
                + "cannot be checked");
        assertNone("deprovisioned", "linux/hyperv-drivers"); // MODULES=most, zstd
        assertNone("hv-listed", "linux/hyperv-drivers"); // MODULES=list with the drivers listed, gzip after early cpio
        // the same initramfs as no-hv's, xz-compressed after an early microcode archive
        List<RuleFinding> x = findings(validate("no-hv-xz"), "linux/hyperv-drivers");
        assertEquals(2, x.size());
        assertEquals("the initramfs " + initrd + " (uncompressed + xz, "
                + InitramfsFixtureTest.lsinitramfs("early-list.xz").size() + " files) of kernel " + KERNEL + " lacks "
                + "hv_vmbus and hv_storvsc, which the kernel has as modules (CONFIG_HYPERV=m, CONFIG_HYPERV_STORAGE=m, "
                + "CONFIG_HYPERV_NET=m in /boot/config-" + KERNEL + "): on Azure it cannot reach its disk",
                x.get(0).message());
        assertEquals(Severity.WARNING, x.get(1).severity());
    }

    @Test
    void dataDiskProfileRunsNoLinuxRule() {
        ValidationResult r = validate("provisioned", Profile.AZURE_DATA_DISK);
        assertTrue(r.rulesRun().stream().noneMatch(id -> id.startsWith("linux/")), r.rulesRun().toString());
    }
}
