package io.vhdkit.validator.rules;

import io.vhdkit.validator.Rule;
import java.util.List;

/** Every rule, in report order: container first, then the OS, then Linux and Windows. */
public final class Rules {

    private Rules() {
    }

    public static List<Rule> all() {
        return List.of(
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
                new LinuxRules.CloudInitState(),
                new LinuxRules.AgentMissing(),
                new LinuxRules.Swap(),
                new LinuxRules.KernelCmdline(),
                new LinuxRulesKernel.HypervDrivers());
    }
}
