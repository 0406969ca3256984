package io.vhdkit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.vhd.VhdChecker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vhdkit check}: the structural check of a VHD and its parent chain. */
@Command(name = "check",
        mixinStandardHelpOptions = true,
        description = {"Checks the structure of VHD images: footer and its copy, dynamic header, BAT, sector "
                + "bitmaps' placement, parent locators and the differencing chain.",
                "Every problem is reported with its severity, where it is and what it should be."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  no error finding (warnings allowed)", "  1  at least one error finding",
                "  2  usage error", "  3  an image could not be read"})
final class CheckCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "VHD files to check.")
    List<Path> images;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        VhdChecker checker = new VhdChecker();
        int exit = ExitCodes.OK;
        List<ObjectNode> documents = new ArrayList<>();
        for (Path image : images) {
            List<Finding> findings;
            try {
                Inputs.requireReadable(image);
                findings = checker.check(image);
            } catch (IOException e) {
                err.println("vhdkit check: cannot read " + Inputs.reason(e));
                documents.add(unreadable(image, e));
                exit = ExitCodes.worst(exit, ExitCodes.UNREADABLE);
                continue;
            }
            boolean errors = findings.stream().anyMatch(f -> f.severity() == Severity.ERROR);
            exit = ExitCodes.worst(exit, errors ? ExitCodes.FINDINGS : ExitCodes.OK);
            if (format == OutputFormat.json) {
                documents.add(json(image, findings));
            } else {
                printText(out, image, findings);
            }
        }
        if (format == OutputFormat.json) {
            out.println(Json.write(documents));
        }
        out.flush();
        return exit;
    }

    static ObjectNode unreadable(Path image, IOException e) {
        ObjectNode n = Json.object();
        n.put("image", image.toString());
        n.put("result", "unreadable");
        n.put("error", Inputs.reason(e));
        return n;
    }

    /**
     * {@code {"image", "result": "ok"|"warnings"|"errors", "errors", "warnings", "infos", "findings": [...]}}.
     */
    static ObjectNode json(Path image, List<Finding> findings) {
        ObjectNode n = Json.object();
        n.put("image", image.toString());
        long errors = count(findings, Severity.ERROR);
        long warnings = count(findings, Severity.WARNING);
        n.put("result", errors > 0 ? "errors" : warnings > 0 ? "warnings" : "ok");
        n.put("errors", errors);
        n.put("warnings", warnings);
        n.put("infos", count(findings, Severity.INFO));
        n.set("findings", Json.findings(findings));
        return n;
    }

    private static long count(List<Finding> findings, Severity s) {
        return findings.stream().filter(f -> f.severity() == s).count();
    }

    private static void printText(PrintWriter out, Path image, List<Finding> findings) {
        long errors = count(findings, Severity.ERROR);
        long warnings = count(findings, Severity.WARNING);
        long infos = count(findings, Severity.INFO);
        String verdict = errors > 0 ? "FAILED" : "OK";
        out.printf("%s: %s (%s, %s, %s)%n", image, verdict, plural(errors, "error"), plural(warnings, "warning"),
                plural(infos, "note"));
        for (Finding f : findings) {
            out.printf("  %-7s %s: %s  [%s]%n", f.severity().label(), f.where().location(), f.message(), f.code());
        }
    }

    static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
