package io.vhdkit.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code vhdkit convert}'s command line read without picocli, for the common well-formed case only: loading and
 * building picocli's model costs about 0.15-0.2 s at every start, as long as qemu-img's whole conversion of a 1 GiB
 * disk (benchmarks/README.md). Anything outside the subset below is left to picocli ({@link #parse} returns null),
 * which then gives the help, the usage errors and their messages, so the two can differ only in speed.
 *
 * <p>The subset: {@code convert} first, then exactly two positional parameters (IN and OUT, neither empty nor
 * starting with '-' or '@', picocli's argument-file prefix) and the options {@link #FLAGS} and {@link #VALUED} in any
 * order, each at most once, a valued one as {@code --name VALUE} (a VALUE not starting with '@') or {@code
 * --name=VALUE}, the value neither empty nor starting with '-'. No {@code --}, no help or version options, no abbreviations, no picocli system
 * properties. {@code QuickConvertTest} checks that every option of {@link ConvertCommand} is known here and that
 * both parsers give the same command for the same arguments.
 */
final class QuickConvert {

    /** convert's options without a value. */
    static final Set<String> FLAGS = Set.of("--align-mib", "--force", "--no-sync");
    /** convert's options with one value. */
    static final Set<String> VALUED = Set.of("--type", "--source-format", "--temp-dir");

    private QuickConvert() {
    }

    /** The command {@code args} describe, with every option set as picocli would, or null to leave it to picocli. */
    static ConvertCommand parse(String... args) {
        if (args.length < 3 || !args[0].equals("convert") || picocliConfigured()) {
            return null;
        }
        ConvertCommand c = new ConvertCommand();
        c.type = ConvertCommand.OutputType.fixed;
        c.sourceFormat = SourceDisks.Format.auto;
        Set<String> seen = new HashSet<>();
        int positional = 0;
        try {
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (a.isEmpty() || a.charAt(0) == '@') {
                    return null;
                }
                if (a.charAt(0) != '-') {
                    if (positional == 0) {
                        c.input = Path.of(a);
                    } else if (positional == 1) {
                        c.output = Path.of(a);
                    } else {
                        return null;
                    }
                    positional++;
                    continue;
                }
                int eq = a.indexOf('=');
                String name = eq < 0 ? a : a.substring(0, eq);
                if (!seen.add(name)) {
                    return null;
                }
                if (FLAGS.contains(name) && eq < 0) {
                    switch (name) {
                        case "--align-mib" -> c.alignMib = true;
                        case "--force" -> c.force = true;
                        default -> c.noSync = true;
                    }
                    continue;
                }
                if (!VALUED.contains(name)) {
                    return null;
                }
                String value;
                if (eq >= 0) {
                    value = a.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    return null;
                }
                if (value.isEmpty() || value.charAt(0) == '-' || eq < 0 && value.charAt(0) == '@') {
                    return null; // picocli expands an argument starting with '@' wherever it stands
                }
                switch (name) {
                    case "--type" -> c.type = ConvertCommand.OutputType.valueOf(value);
                    case "--source-format" -> c.sourceFormat = SourceDisks.Format.valueOf(value);
                    default -> c.tempDir = Path.of(value);
                }
            }
        } catch (IllegalArgumentException e) {
            return null; // an unknown enum value, or an impossible path (InvalidPathException): picocli says which
        }
        return positional == 2 ? c : null;
    }

    /** Whether a {@code picocli.*} system property (trimQuotes, useSimplifiedAtFiles...) may change the parsing. */
    private static boolean picocliConfigured() {
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("picocli.")) {
                return true;
            }
        }
        return false;
    }
}
