package io.vhdkit.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code vhdkit} command. Its subcommands are added by {@link Main}: all of them, or only the one a
 * command line names (building picocli's model of every command costs a quarter of a second at each start).
 */
@Command(name = "vhdkit",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Prepares, validates and uploads VHD disk images for Azure, offline.",
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success, no error finding (warnings allowed)",
                "  1  at least one error finding (a corrupt or non-VHD input is a finding)",
                "  2  usage error",
                "  3  an input could not be read (missing file, permission, I/O error)",
                "  4  internal error"})
final class VhdkitCommand implements Callable<Integer> {

    /** The subcommands, in the order {@code vhdkit --help} lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(ValidateCommand.class, InspectCommand.class,
            CheckCommand.class, LsCommand.class, CatCommand.class, RegCommand.class, RulesCommand.class,
            UploadCommand.class, ConvertCommand.class, ResizeCommand.class, RepairCommand.class,
            CommandLine.HelpCommand.class);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
