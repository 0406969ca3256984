package io.vhdkit.validator.rules;

import io.vhdkit.validator.Rule;
import java.util.List;

/** Every rule, in report order: container first, then the OS, then Linux and Windows; the manifest's last. */
public final class Rules {

    private Rules() {
    }

    public static List<Rule> all() {
        List<Rule> all = new java.util.ArrayList<>(List.of(
                new ContainerRules.NotVhd(),
                new ContainerRules.FooterChecksum(),
                new ContainerRules.NotFixed(),
                new ContainerRules.SizeNotMibAligned(),
                new ContainerRules.SizeLimit(),
                new ContainerRules.FileSize(),
                new ContainerRules.Structure(),
                new OsRules.NotFound(),
                new OsRules.Unexpected(),
                new LinuxRules.WaagentState(),
                new LinuxRules.MachineId(),
                new LinuxRules.SshHostKeys(),
                new LinuxRules.ShellHistory(),
                new LinuxRules.UserCredentials(),
                new LinuxRules.Deprovisioned(),
                new LinuxRules.CloudInitState(),
                new LinuxRules.AgentMissing(),
                new LinuxRules.Swap(),
                new LinuxRules.KernelCmdline(),
                new LinuxRulesKernel.HypervDrivers(),
                new WindowsRules.ImageState(),
                new WindowsRules.StateMismatch(),
                new WindowsRules.UnattendPresent(),
                new WindowsRules.CdromDisabled(),
                new WindowsRules.Bitlocker()));
        all.add(new ManifestRules.OsType());
        all.add(new ManifestRules.OsStateDeclared());
        return List.copyOf(all);
    }
}
