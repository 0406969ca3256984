package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@link QuickConvert} against picocli's reading of the same command lines. */
class QuickConvertTest {

    /** What a parsed convert command holds, for comparing the two parsers. */
    static String describe(ConvertCommand c) {
        return String.join("|", String.valueOf(c.input), String.valueOf(c.output), String.valueOf(c.type),
                String.valueOf(c.alignMib), String.valueOf(c.sourceFormat), String.valueOf(c.tempDir),
                String.valueOf(c.force), String.valueOf(c.noSync));
    }

    static ConvertCommand picocli(String... args) {
        CommandLine cli = CommandTree.commandLine(OutputStream.nullOutputStream(), "convert");
        CommandLine.ParseResult r = cli.parseArgs(args);
        return (ConvertCommand) r.subcommand().commandSpec().userObject();
    }

    @Test
    void knowsEveryOptionOfTheCommandWithItsArity() {
        Set<String> flags = new HashSet<>();
        Set<String> valued = new HashSet<>();
        for (OptionSpec o : new CommandLine(new ConvertCommand()).getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            assertEquals(1, o.names().length, "one name each: " + List.of(o.names()));
            (o.arity().max() == 0 ? flags : valued).add(o.longestName());
            if (o.arity().max() != 0) {
                assertEquals(1, o.arity().min(), o.longestName());
                assertEquals(1, o.arity().max(), o.longestName());
            }
        }
        assertEquals(flags, QuickConvert.FLAGS, "convert's flags: teach QuickConvert a new one");
        assertEquals(valued, QuickConvert.VALUED, "convert's options with a value: teach QuickConvert a new one");
        assertEquals(2, new CommandLine(new ConvertCommand()).getCommandSpec().positionalParameters().size());
    }

    @Test
    void readsTheCommonFormsAsPicocliDoes() {
        List<String[]> cases = List.of(
                new String[] {"convert", "in.vhd", "out.vhd"},
                new String[] {"convert", "--no-sync", "in.vhd", "out.vhd"},
                new String[] {"convert", "in.vhd", "--force", "out.vhd", "--align-mib"},
                new String[] {"convert", "--type", "dynamic", "in.vhd", "out.vhd"},
                new String[] {"convert", "--type=fixed", "in.vhd", "out.vhd", "--no-sync", "--force"},
                new String[] {"convert", "--source-format", "raw", "disk.img", "d/out.vhd", "--align-mib"},
                new String[] {"convert", "--source-format=vhdx", "--temp-dir", "/tmp/x y", "a b", "c"},
                new String[] {"convert", "--temp-dir=t", "--type", "dynamic", "--source-format", "vhd", "i", "o"},
                new String[] {"convert", "/abs/in.vhd.xz", "rel/../out.vhd", "--force", "--no-sync", "--align-mib",
                        "--type=dynamic", "--source-format=auto", "--temp-dir=/var/tmp"},
                new String[] {"convert", "in=1.vhd", "out.vhd"},
                new String[] {"convert", "ïn.vhd", "öut.vhd"},
                new String[] {"convert", "--temp-dir=@t", "in", "out"});
        for (String[] args : cases) {
            ConvertCommand quick = QuickConvert.parse(args);
            assertNotNull(quick, () -> "taken by the quick path: " + List.of(args));
            assertEquals(describe(picocli(args)), describe(quick), () -> List.of(args).toString());
        }
    }

    @Test
    void leavesEverythingElseToPicocli() {
        List<String[]> cases = new ArrayList<>(List.of(
                new String[] {"convert"},
                new String[] {"convert", "in.vhd"},
                new String[] {"convert", "in.vhd", "out.vhd", "third"},
                new String[] {"convert", "--help"},
                new String[] {"convert", "-h", "in", "out"},
                new String[] {"convert", "-V", "in", "out"},
                new String[] {"convert", "--version"},
                new String[] {"convert", "--", "in", "out"},
                new String[] {"convert", "@args.txt"},
                new String[] {"convert", "@in", "out"},
                new String[] {"convert", "", "out"},
                new String[] {"convert", "-in.vhd", "out"},
                new String[] {"convert", "in", "out", "--forc"},
                new String[] {"convert", "in", "out", "--force", "--force"},
                new String[] {"convert", "in", "out", "--force=true"},
                new String[] {"convert", "in", "out", "--type", "FIXED"},
                new String[] {"convert", "in", "out", "--type", "vhdx"},
                new String[] {"convert", "in", "out", "--type"},
                new String[] {"convert", "in", "out", "--type="},
                new String[] {"convert", "in", "out", "--type", "--force"},
                new String[] {"convert", "in", "out", "--type", "fixed", "--type", "dynamic"},
                new String[] {"convert", "in", "out", "--type=fixed", "--type=fixed"},
                new String[] {"convert", "in", "out", "--source-format", "qcow2"},
                new String[] {"convert", "in", "out", "--temp-dir", "-t"},
                new String[] {"convert", "in", "out", "--temp-dir", "@t"},
                new String[] {"convert", "in\0x", "out"},
                new String[] {"validate", "in", "out"},
                new String[] {"--version"},
                new String[] {}));
        for (String[] args : cases) {
            assertNull(QuickConvert.parse(args), () -> "left to picocli: " + List.of(args));
        }
    }

    @Test
    void aSystemPropertyOfPicocliSendsEverythingToPicocli() {
        System.setProperty("picocli.trimQuotes", "true");
        try {
            assertNull(QuickConvert.parse("convert", "\"in\"", "out"));
        } finally {
            System.clearProperty("picocli.trimQuotes");
        }
        assertNotNull(QuickConvert.parse("convert", "\"in\"", "out"));
    }

    /** The point of it: a convert process never loads a picocli class, and still converts. */
    @Test
    void aConvertProcessLoadsNoPicocliClass(@TempDir Path dir) throws IOException, InterruptedException {
        Path in = dir.resolve("in.raw");
        byte[] data = new byte[3 << 20];
        data[0] = 1;
        data[data.length - 1] = 2;
        Files.write(in, data);
        Path out = dir.resolve("out.vhd");
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + dir.resolve("classes.log"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "convert", "--source-format=raw",
                "--no-sync", in.toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(log));
        assertTrue(Files.readString(log).contains("-> " + out), Files.readString(log));
        assertEquals((3 << 20) + 512, Files.size(out));
        List<String> loaded = Files.readAllLines(dir.resolve("classes.log"));
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" io.vhdkit.cli.QuickConvert ")), "the log has classes");
        assertEquals(List.of(), loaded.stream().filter(l -> l.contains(" picocli.")).toList());
    }
}
