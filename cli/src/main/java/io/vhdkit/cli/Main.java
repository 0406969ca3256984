package io.vhdkit.cli;

import picocli.CommandLine;

/** The {@code vhdkit} entry point: the only place that exits. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        io.vhdkit.upload.StartupTiming.mark("main");
        if (args.length > 0 && args[0].equals("upload")) {
            prewarmUpload();
        }
        System.exit(run(args));
    }

    /**
     * Starts loading the Azure SDK's clients on a background thread (see {@code Targets.prewarm}): they take about
     * as long as parsing the command line and validating the image, which the main thread does meanwhile.
     */
    private static void prewarmUpload() {
        io.vhdkit.upload.Targets.ensureCommonPoolThreads();
        Thread t = new Thread(() -> {
            io.vhdkit.upload.Targets.prewarm();
            io.vhdkit.upload.StartupTiming.mark("prewarmed");
        }, "vhdkit-prewarm");
        t.setDaemon(true);
        t.start();
    }

    /** Runs the command line and returns the exit code (used by tests). */
    public static int run(String... args) {
        return commandLine(System.out, args.length > 0 ? args[0] : null).execute(args);
    }

    /** The configured command line, with vhdkit's exit codes and error handling. */
    public static CommandLine commandLine() {
        return commandLine(System.out);
    }

    /** The command line, with binary output ({@code vhdkit cat}) going to {@code data}. */
    static CommandLine commandLine(java.io.OutputStream data) {
        return commandLine(data, null);
    }

    /**
     * The command line with every subcommand, or only with {@code only} when that names one (what {@code vhdkit
     * upload ...} needs: the other commands' models are never built).
     */
    static CommandLine commandLine(java.io.OutputStream data, String only) {
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
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("vhdkit: internal error: " + e);
            if (System.getenv("VHDKIT_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            } else {
                cmd.getErr().println("vhdkit: set VHDKIT_DEBUG=1 for the stack trace, and please report it");
            }
            return ExitCodes.INTERNAL;
        });
        cli.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        cli.getCommandSpec().subcommands().values()
                .forEach(sub -> sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE));
        return cli;
    }
}
