package io.vhdkit.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/** picocli's model of the {@code vhdkit} command and its subcommands, with vhdkit's exit codes and error handling. */
final class CommandTree {

    private CommandTree() {
    }

    /** Runs {@code args} through picocli, building only the subcommand they name. */
    static int execute(OutputStream data, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine(data, args.length > 0 ? args[0] : null);
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    /**
     * The command line with every subcommand, or only with {@code only} when that names one (what {@code vhdkit
     * upload ...} needs: the other commands' models are never built); binary output ({@code vhdkit cat}) goes to
     * {@code data}.
     */
    static CommandLine commandLine(OutputStream data, String only) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls == CatCommand.class ? cls.cast(new CatCommand(data)) : defaults.create(cls);
            }
        };
        CommandLine cli = new CommandLine(new VhdkitCommand(), factory);
        Class<?> named = null;
        for (Class<?> c : VhdkitCommand.SUBCOMMANDS) {
            if (c != CommandLine.HelpCommand.class && c.getAnnotation(CommandLine.Command.class).name().equals(only)) {
                named = c;
            }
        }
        for (Class<?> c : VhdkitCommand.SUBCOMMANDS) {
            if (named == null || c == named) {
                try {
                    cli.addSubcommand(new CommandLine(factory.create(c), factory));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot make the " + c.getSimpleName() + " command", e);
                }
            }
        }
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> Main.internalError(e, cmd.getErr()));
        cli.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        cli.getCommandSpec().subcommands().values()
                .forEach(sub -> sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE));
        return cli;
    }
}
